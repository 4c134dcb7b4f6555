import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../model/parameters.js';
import { episodeDeparture } from '../../model/weightBound.js';
import { EpisodeNeurons } from './episodeNeurons.js';

describe('the neurons with synapses in a calcium episode', () => {
  it('are listed while they have one, each once, whatever the order synapses enter and leave', () => {
    const ep = new EpisodeNeurons(6, resolveParams(), 2e-4);
    ep.enter(4, 10);
    ep.enter(1, 11);
    ep.enter(4, 12); // a second synapse of 4: listed once, current since its first
    ep.enter(2, 12);
    expect(Array.from(ep.list.subarray(0, ep.size)).sort()).toEqual([1, 2, 4]);
    expect(ep.since[4]).toBe(10);
    ep.leave(1);
    ep.leave(4);
    expect(Array.from(ep.list.subarray(0, ep.size)).sort()).toEqual([2, 4]);
    ep.leave(4);
    ep.leave(2);
    expect(ep.size).toBe(0);
    ep.enter(5, 20);
    expect(Array.from(ep.list.subarray(0, ep.size))).toEqual([5]);
    ep.clear();
    expect([ep.size, ep.count[5]]).toEqual([0, 0]);
  });

  it("a neuron's reach is 0 when all is current, grows with time and with its number of episode synapses", () => {
    const P = resolveParams(), dt = 2e-4;
    const ep = new EpisodeNeurons(2, P, dt);
    ep.enter(0, 100);
    expect(ep.reach(0, 100)).toBe(0);
    const one = ep.reach(0, 101), ten = ep.reach(0, 110);
    const { drift, diffusion } = episodeDeparture(P);
    // one synapse, one step: D·dt + s√dt·(√(2/π) + 20)
    expect(one).toBeCloseTo(drift * dt + Math.sqrt(diffusion * dt) * (Math.sqrt(2 / Math.PI) + 20), 12);
    expect(ten).toBeGreaterThan(one);
    ep.enter(0, 105);
    expect(ep.reach(0, 110)).toBeGreaterThan(ten);
    expect(ep.reach(0, 110)).toBeLessThan(2 * ten); // the noise of two adds in quadrature
  });
});
