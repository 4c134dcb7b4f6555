import { describe, expect, it } from 'vitest';
import type { NetworkDescription } from '../../model/network/description.js';
import { memoryParadigm } from '../../model/network/memoryParadigm.js';
import { entityStream, streamFor } from '../../random/streams.js';
import { compileNetwork } from '../network/compile.js';
import { imposedSpikes } from '../network/inputs.js';
import { stepCoefficients } from '../reference/detailedLoop.js';
import { initialNetworkState, stepNeurons, type NetworkState } from '../reference/networkLoop.js';
import { gaussianZiggurat } from '../exact/ziggurat.js';
import { FastNeurons } from './fastNeurons.js';

const DT = 2e-4;

/**
 * Steps `steps` steps of `d`'s neurons with the reference's stepNeurons and with FastNeurons, side by
 * side, feeding both the same synaptic kicks, stimulus currents and Σ|h − h0| (so that refractoriness,
 * the stimulus term and protein synthesis all occur); `predraw` background Gaussians are drawn from every
 * stream before the start (a kept spare must carry over). Returns both states, Λ and spikes.
 */
function sideBySide(d: NetworkDescription, steps: number, predraw = 0) {
  const seed = 5, trial = 0;
  const net = compileNetwork(d, seed, DT);
  const k = stepCoefficients(d.params, DT);
  const streams = () => Array.from({ length: net.n }, (_, i) => {
    const s = entityStream(seed, trial, 'neuron', i, 'backgroundNoise');
    for (let q = 0; q < predraw; q++) s.gaussian();
    return s;
  });
  const spec = { description: d, seed, trial, dt_ms: 0.2, fastForward: false };
  const sides = [0, 1].map(() => ({ st: initialNetworkState(net, k), lam: new Float64Array(net.n), spikes: [] as number[] }));
  const [ref, fast] = sides as [(typeof sides)[0], (typeof sides)[0]];
  const refStreams = streams(), refImposed = imposedSpikes(spec, net, DT);
  const neurons = new FastNeurons(net, k, fast.st, fast.lam, imposedSpikes(spec, net, DT), streams());
  const obs = { spike: () => {}, observe: (j: number) => j };
  const kicks = streamFor(seed, [99], 'sampling');
  for (let j = 0; j < steps; j++) {
    const kick = kicks.uniform() < 0.3 ? Math.floor(kicks.uniform() * net.n) : -1, size = kicks.gaussian() * 2;
    const stim = j % 2000 < 300 ? 0.05 : 0, dev = j % 3000 < 1000 ? 1 : 0;
    for (const s of sides) {
      if (kick >= 0) s.st.iSyn[kick] = s.st.iSyn[kick]! + size;
      s.st.iStim.fill(stim, 0, 10);
      s.st.sumDev.fill(dev * k.thetaPro, 0, net.n >> 1);
    }
    stepNeurons(net, k, ref.st, j, refStreams, refImposed, obs, ref.lam);
    neurons.step(j);
    for (const s of sides) {
      for (let q = 0; q < s.st.ringCount[j % s.st.ringSize]!; q++) s.spikes.push(j, s.st.ring[(j % s.st.ringSize) * net.n + q]!);
      s.st.spiked.fill(0);
    }
  }
  return { ref, fast };
}

const same = (a: { st: NetworkState; lam: Float64Array; spikes: number[] }, b: typeof a) => {
  for (const key of ['v', 'iSyn', 'iBg', 'refractory', 'p'] as const) expect(b.st[key], key).toEqual(a.st[key]);
  expect(b.st.synthesis).toEqual(a.st.synthesis);
  expect(b.lam).toEqual(a.lam);
  expect(b.spikes).toEqual(a.spikes);
};

describe('FastNeurons: the reference neuron step, number for number', () => {
  it('LIF neurons with OU background, stimulus, kicks and protein: the same state and spikes after 5000 steps', () => {
    const { description } = memoryParadigm({ nExc: 40, nInh: 10, assembly: 8 });
    const { ref, fast } = sideBySide(description, 5000);
    expect(ref.spikes.length).toBeGreaterThan(200);
    expect(ref.st.p.some((x) => x > 0)).toBe(true);
    same(ref, fast);
  });

  it('carries over a Gaussian the stream kept (odd number drawn before)', () => {
    const { description } = memoryParadigm({ nExc: 20, nInh: 5, assembly: 4 });
    const { ref, fast } = sideBySide(description, 500, 3);
    same(ref, fast);
  });

  it('imposed spikes (driven neurons) and neurons without background noise', () => {
    const d: NetworkDescription = {
      name: 'mixed', params: memoryParadigm().description.params, duration_s: 1,
      populations: [{ name: 'pre', size: 10 }, { name: 'quiet', size: 5, neuron: { sigma_wn: 0 } }],
      projections: [],
      stimuli: [{ kind: 'spike-trains', name: 'in', target: { population: 'pre' }, trains: [{ onset_s: 0.1, duration_s: 0.5, rate_Hz: 40 }] }],
      probes: [],
    };
    const { ref, fast } = sideBySide(d, 5000);
    expect(ref.spikes.length).toBeGreaterThan(50);
    same(ref, fast);
  });

  it('with the ziggurat: each neuron\'s background is the OU process driven by gaussianZiggurat on its own stream', () => {
    const { description: d } = memoryParadigm({ nExc: 40, nInh: 10, assembly: 8 });
    const seed = 5, net = compileNetwork(d, seed, DT), k = stepCoefficients(d.params, DT);
    const st = initialNetworkState(net, k), lam = new Float64Array(net.n);
    const spec = { description: d, seed, trial: 0, dt_ms: 0.2, fastForward: false };
    const streams = () => Array.from({ length: net.n }, (_, i) => entityStream(seed, 0, 'neuron', i, 'backgroundNoise'));
    const neurons = new FastNeurons(net, k, st, lam, imposedSpikes(spec, net, DT), streams(), true);
    const own = streams(), { eOU, ouNoise, i0 } = net.neurons;
    const bg = Float64Array.from(st.iBg);
    for (let j = 0; j < 3000; j++) {
      neurons.step(j);
      st.spiked.fill(0);
      // 3000 × 50 draws: ≈ 1 800 leave the ziggurat's fast path (wedges, tail), which the packed state must draw alike
      for (let i = 0; i < net.n; i++) bg[i] = (bg[i]! - i0[i]!) * eOU[i]! + ouNoise[i]! * gaussianZiggurat(own[i]!) + i0[i]!;
    }
    expect(Array.from(st.iBg)).toEqual(Array.from(bg));
    // and the streams stand where RandomStream's do: the next words agree
    const words = new Int32Array(4 * net.n), spares = new Float64Array(net.n);
    neurons.saveStreams(words, spares, 0);
    const mine = new Int32Array(4), none = new Float64Array(1);
    own[7]!.saveState(mine, none, 0);
    expect(Array.from(words.subarray(28, 32))).toEqual(Array.from(mine));
  });
});
