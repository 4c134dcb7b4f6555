import { describe, expect, it } from 'vitest';
import type { NetworkDescription } from '../../model/network/description.js';
import { memoryParadigm } from '../../model/network/memoryParadigm.js';
import { compileNetwork, type CompiledNetwork } from '../network/compile.js';
import { calciumEdges, ownedEdges, partitionNeurons } from './partition.js';

/** What a spike of m reaches through calcium on the rank owning [lo, hi), listed through calciumEdges. */
function reached(net: CompiledNetwork, lo: number, hi: number, m: number): number[] {
  const psp = net.delays.map((g) => ownedEdges(g, net.n, lo, hi, false));
  const ca = calciumEdges(net, psp, net.inStart[lo]!, net.inStart[hi]!);
  const out: number[] = [];
  for (let e = ca.from[m]!; e < ca.to[m]!; e++) if (ca.synapse[e]! >= 0) out.push(ca.synapse[e]!);
  return out;
}

/** The same by brute force: m's plastic synapses onto [lo, hi), ascending. */
function brute(net: CompiledNetwork, lo: number, hi: number, m: number): number[] {
  const out: number[] = [];
  for (let s = net.inStart[lo]!; s < net.inStart[hi]!; s++) if (net.synPre[s] === m) out.push(s);
  return out;
}

describe('splitting the fast engine\'s network', () => {
  const { description } = memoryParadigm({ nExc: 80, nInh: 20, assembly: 10 });
  // a second plastic projection with another delay: the PSP edges cannot serve the calcium jumps
  const twoDelays: NetworkDescription = {
    ...description,
    projections: [...description.projections, { name: 'EE2', source: 'exc', target: 'inh', connectivity: { rule: 'fixed-probability', p: 0.2 }, plastic: true, delay_ms: 5 }],
  };

  it('rank blocks cover the neurons in order; each rank\'s calcium edges are its synapses of each source, ascending', () => {
    for (const d of [description, twoDelays]) {
      const net = compileNetwork(d, 3, 2e-4);
      for (const size of [1, 2, 3, 4]) {
        const b = partitionNeurons(net, size);
        expect(b[0]).toBe(0);
        expect(b[size]).toBe(net.n);
        for (let r = 0; r < size; r++) {
          expect(b[r + 1]!).toBeGreaterThan(b[r]!);
          for (const m of [0, 5, 79, 85, 99]) expect(reached(net, b[r]!, b[r + 1]!, m)).toEqual(brute(net, b[r]!, b[r + 1]!, m));
        }
      }
    }
  });

  it('the published paradigm\'s calcium jumps use the PSP edges (no index of their own)', () => {
    const net = compileNetwork(description, 3, 2e-4);
    const psp = net.delays.map((g) => ownedEdges(g, net.n, 0, net.n, true));
    expect(calciumEdges(net, psp, 0, net.nSyn).synapse).toBe(net.delays[0]!.synapse);
    const two = compileNetwork(twoDelays, 3, 2e-4);
    const psp2 = two.delays.map((g) => ownedEdges(g, two.n, 0, two.n, true));
    expect(two.delays.length).toBe(2);
    expect(calciumEdges(two, psp2, 0, two.nSyn).synapse).toHaveLength(two.nSyn);
  });
});
