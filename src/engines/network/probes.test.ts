import { describe, expect, it } from 'vitest';
import type { NetworkDescription } from '../../model/network/description.js';
import { resolveParams } from '../../model/parameters.js';
import { compileNetwork } from './compile.js';
import { NetworkProbes } from './probes.js';

/** 30 → 20 neurons at p = 0.3, plastic: about 180 synapses. */
function net(probes: NetworkDescription['probes']): NetworkDescription {
  return {
    name: 'p', params: resolveParams(), duration_s: 1,
    populations: [{ name: 'a', size: 30 }, { name: 'b', size: 20 }],
    projections: [{ name: 'ab', source: 'a', target: 'b', connectivity: { rule: 'fixed-probability', p: 0.3 }, plastic: true }],
    stimuli: [], probes,
  };
}

describe('which synapses the probes select', () => {
  it('a selection by source and target range is exactly the synapses between them; the union over probes is sorted and distinct', () => {
    const d = net([
      { name: 'all', kind: 'synapses', target: { projection: 'ab' }, variables: ['h'], interval_s: 0.1 },
      { name: 'some', kind: 'synapses', target: { projection: 'ab', sources: { population: 'a', from: 5, to: 15 }, targets: { population: 'b', from: 0, to: 10 } }, variables: ['z'], interval_s: 0.1 },
      { name: 'few', kind: 'synapses', target: { projection: 'ab' }, variables: ['c'], interval_s: 0.1, sample: 7 },
    ]);
    const c = compileNetwork(d, 3, 2e-4);
    const probes = new NetworkProbes(d, c, 3, 2e-4);
    const every = Int32Array.from({ length: c.nSyn }, (_, s) => s);
    expect(probes.probedSynapses()).toEqual(every); // 'all' covers the others
    const [, some] = (probes as unknown as { recorders: Array<{ elements: Int32Array }> }).recorders;
    const want = every.filter((s) => c.synPre[s]! >= 5 && c.synPre[s]! < 15 && c.synPost[s]! >= 30 && c.synPost[s]! < 40);
    expect(want.length).toBeGreaterThan(5);
    expect(some!.elements).toEqual(want);
    // without the probe of all synapses: the union of a range and a random sample
    const two = new NetworkProbes(net([d.probes[1]!, d.probes[2]!]), c, 3, 2e-4);
    const [r0, r1] = (two as unknown as { recorders: Array<{ elements: Int32Array }> }).recorders;
    expect(r1!.elements.length).toBe(7);
    const union = [...new Set([...r0!.elements, ...r1!.elements])].sort((x, y) => x - y);
    expect(Array.from(two.probedSynapses())).toEqual(union);
  });
});
