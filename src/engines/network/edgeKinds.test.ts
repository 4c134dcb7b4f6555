import { describe, expect, it } from 'vitest';
import { drawProjections } from '../../model/network/connectivity.js';
import type { NetworkDescription } from '../../model/network/description.js';
import { memoryParadigm } from '../../model/network/memoryParadigm.js';
import { compileNetwork, edgeKicks } from './compile.js';
import { edgeCount, edgeKinds, projectionEdges } from './edgeKinds.js';

const { description } = memoryParadigm({ nExc: 80, nInh: 20, assembly: 10 });
/** Two delays, explicit edges with a repeated pair, a weight of 0 (kick −0 from the inhibitory source) and its own R_mem. */
const mixed: NetworkDescription = {
  ...description,
  populations: description.populations.map((p) => (p.name === 'inh' ? { ...p, neuron: { ...p.neuron, r_mem: 7 } } : p)),
  projections: [
    ...description.projections,
    { name: 'EE2', source: 'exc', target: 'inh', connectivity: { rule: 'fixed-probability', p: 0.2 }, plastic: true, delay_ms: 5 },
    { name: 'IX', source: 'inh', target: 'inh', connectivity: { rule: 'explicit', edges: { source: Int32Array.of(3, 1, 3, 0), target: Int32Array.of(2, 5, 2, 9) } }, plastic: false, weight_mV: 0, delay_ms: 5 },
    { name: 'EX', source: 'exc', target: 'exc', connectivity: { rule: 'all-to-all' }, plastic: false, weight_mV: 0.3 },
  ],
};

describe('edge kinds of the compiled network', () => {
  it('rebuild every projection\'s edges exactly as drawn, from the delay groups alone', () => {
    for (const d of [description, mixed]) {
      const net = compileNetwork(d, 5, 2e-4);
      const drawn = drawProjections(d, 5);
      const rebuilt = projectionEdges(net);
      expect(rebuilt.map((e) => e.name)).toEqual(d.projections.map((p) => p.name));
      rebuilt.forEach((e, p) => {
        expect(e.source).toEqual(drawn[p]!.edges.source);
        expect(e.target).toEqual(drawn[p]!.edges.target);
      });
      expect(edgeCount(net)).toBe(drawn.reduce((s, p) => s + p.edges.source.length, 0));
    }
  });

  it('give each edge the kick ±w/R_mem of its target (0 plastic, −0 kept), a handful of kinds, one byte per edge', () => {
    const net = compileNetwork(mixed, 5, 2e-4);
    const rMem = net.neurons.rMem;
    expect(net.delays.length).toBe(2);
    for (const g of net.delays) {
      expect(g.kickOf).toBeInstanceOf(Uint8Array);
      expect(g.kicks.length).toBeLessThanOrEqual(mixed.projections.length);
      const kicks = edgeKicks(g);
      for (let m = 0; m < net.n; m++) {
        for (let e = g.outStart[m]!; e < g.outStart[m + 1]!; e++) {
          const p = mixed.projections[g.kindProjection[g.kickOf[e]!]!]!;
          const inh = mixed.populations.find((x) => x.name === p.source)!.inhibitory === true;
          const want = p.plastic ? 0 : ((inh ? -1 : 1) * p.weight_mV!) / rMem[g.target[e]!]!;
          expect(Object.is(kicks[e], want)).toBe(true);
        }
      }
    }
    expect(net.delays.some((g) => Array.from(g.kicks).some((k) => Object.is(k, -0)))).toBe(true);
  });

  it('widen the per-edge index past 256 kinds', () => {
    const targets = Int32Array.from({ length: 300 }, (_, i) => i);
    const kinds = edgeKinds([{ targets, kick: (t) => t / 7 }]);
    expect(kinds.kicks.length).toBe(300);
    expect(kinds.indexArray(3)).toBeInstanceOf(Uint16Array);
    expect(kinds.kicks[kinds.indexOf(0, 299 / 7)]).toBe(299 / 7);
    expect(() => kinds.indexOf(0, -1)).toThrow(/not in the kind table/);
  });
});
