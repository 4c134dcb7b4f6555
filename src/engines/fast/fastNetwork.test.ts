import { describe, expect, it } from 'vitest';
import type { NetworkDescription } from '../../model/network/description.js';
import { singleSynapseDescription } from '../../model/network/singleSynapse.js';
import { resolveParams } from '../../model/parameters.js';
import type { NetworkResult } from '../networkTypes.js';
import { runReferenceNetwork } from '../reference/networkEngine.js';
import { runFastNetwork } from './fastNetwork.js';

/**
 * 20 inputs at 40 Hz onto 4 targets at 30 Hz for 2 s, every spike imposed: both engines see the same
 * spikes, so their synaptic states can be compared directly.
 */
function imposed(sigma: number, duration_s = 6): NetworkDescription {
  return {
    name: 'imposed', params: resolveParams({ sigma_pl: sigma }), duration_s,
    populations: [{ name: 'pre', size: 20 }, { name: 'post', size: 4 }],
    projections: [{ name: 'pp', source: 'pre', target: 'post', connectivity: { rule: 'all-to-all' }, plastic: true }],
    stimuli: [
      { kind: 'spike-trains', name: 'in', target: { population: 'pre' }, trains: [{ onset_s: 0.5, duration_s: 2, rate_Hz: 40 }] },
      { kind: 'spike-trains', name: 'out', target: { population: 'post' }, trains: [{ onset_s: 0.5, duration_s: 2, rate_Hz: 30 }] },
    ],
    probes: [
      { name: 's', kind: 'synapses', target: { projection: 'pp' }, variables: ['c', 'h', 'z'], interval_s: 0.01 },
      { name: 'p', kind: 'neurons', target: { population: 'post' }, variables: ['p'], interval_s: 0.01 },
    ],
  };
}

const maxDiff = (x: Float64Array, y: Float64Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
const run = (engine: typeof runFastNetwork, d: NetworkDescription, trial = 0, fastForward = false): NetworkResult =>
  engine({ description: d, seed: 1, trial, dt_ms: 0.2, fastForward });

/**
 * The discretisation bound (docs/network.md, "The fast engine"): with a fixed spike input and no
 * plasticity noise the fast engine passes through the reference's calcium regimes step for step, so
 * c and h agree to rounding (products e^n against n multiplications). Each neuron's Σ|h − h0| is made
 * exact wherever it could decide protein synthesis (lazySynapses.ts checkSynthesis), so synthesis
 * switches at the reference's steps and p agrees to rounding; tags change at the steps where the
 * reference's change (episodeTags.ts; without noise its bridge is the deterministic path), so z agrees
 * to rounding too — apart from the protein integral's split within a stretch, taken as linear in p
 * (measured 1e-14–6e-14; before these changes p lagged by up to an episode and z differed by 3e-10).
 */
describe('fast engine against the reference engine, fixed spike input, no plasticity noise', () => {
  const P = resolveParams({ sigma_pl: 0 });
  const ROUNDING = 1e-12;

  it('a 100 Hz tetanus on one synapse, with and without fast-forward: c, h, p and z to rounding', () => {
    const base = singleSynapseDescription({ name: 'tet', description: '', trains: [], spikeTimes_s: Array.from({ length: 100 }, (_, i) => 1 + i * 0.01), duration_s: 40 }, P);
    const d: NetworkDescription = { ...base, probes: [{ name: 's', kind: 'synapses', target: { projection: 'synapse' }, variables: ['c', 'h', 'z', 'p'], interval_s: 0.1 }] };
    for (const ff of [false, true]) {
      const a = run(runReferenceNetwork, d, 0, ff), b = run(runFastNetwork, d, 0, ff);
      const va = a.probes[0]!.values, vb = b.probes[0]!.values;
      expect(b.probes[0]!.t_s).toEqual(a.probes[0]!.t_s);
      expect(b.spikes).toEqual(a.spikes);
      expect(maxDiff(va.c!, vb.c!)).toBeLessThan(1e-12);
      expect(maxDiff(va.h!, vb.h!)).toBeLessThan(1e-9);
      expect(Math.max(...va.z!)).toBeGreaterThan(1e-5); // the tetanus consolidates: z grows
      expect(maxDiff(va.p!, vb.p!)).toBeLessThan(ROUNDING);
      expect(maxDiff(va.z!, vb.z!)).toBeLessThan(ROUNDING);
      expect([b.tagged, b.proteinSynthesis, Math.sign(b.maxDev_mV)]).toEqual([a.tagged, a.proteinSynthesis, 1]);
    }
  });

  it('20 inputs onto 4 targets, all spikes imposed: every synapse to rounding', () => {
    const d = imposed(0);
    const a = run(runReferenceNetwork, d), b = run(runFastNetwork, d);
    const va = a.probes[0]!.values, vb = b.probes[0]!.values;
    expect(b.spikes).toEqual(a.spikes);
    expect(Math.max(...va.h!) - P.h0).toBeGreaterThan(P.theta_tag); // the input tags synapses
    expect(maxDiff(va.c!, vb.c!)).toBeLessThan(1e-12);
    expect(maxDiff(va.h!, vb.h!)).toBeLessThan(1e-9);
    const pa = a.probes[1]!.values.p!;
    expect(Math.max(...pa)).toBeGreaterThan(1e-3);
    expect(Math.max(...va.z!.map(Math.abs))).toBeGreaterThan(1e-7);
    expect(maxDiff(pa, b.probes[1]!.values.p!)).toBeLessThan(ROUNDING);
    expect(maxDiff(va.z!, vb.z!)).toBeLessThan(ROUNDING);
  });
});

describe('fast engine against the reference engine, fixed spike input, with plasticity noise', () => {
  // Per trial both engines get the same imposed spikes but independent noise (the fast engine samples
  // the OU process exactly over whole calcium stretches, the reference step by step): the paired
  // differences of the trial means of h and z must be within 3 standard errors of zero (a false alarm
  // below 0.3 % per comparison for a correct engine), at the stimulus' end and 0.5 s after it.
  // (With 200 trials all four |t| were ≤ 1.3; 20 trials once gave t = −3.0 by chance: 40 are used.)
  it('mean h and z over 40 trials agree within 3 SE of the paired differences', () => {
    const d = imposed(resolveParams({}).sigma_pl, 3);
    const times = [250, 300]; // sample index: t = 2.5 s and 3 s
    const diffs = times.map(() => ({ h: [] as number[], z: [] as number[] }));
    for (let trial = 0; trial < 40; trial++) {
      const a = run(runReferenceNetwork, d, trial).probes[0]!, b = run(runFastNetwork, d, trial).probes[0]!;
      const E = a.sources!.length;
      times.forEach((k, i) => {
        let h = 0, z = 0;
        for (let e = 0; e < E; e++) {
          h += a.values.h![k * E + e]! - b.values.h![k * E + e]!;
          z += a.values.z![k * E + e]! - b.values.z![k * E + e]!;
        }
        diffs[i]!.h.push(h / E);
        diffs[i]!.z.push(z / E);
      });
    }
    for (const d of diffs) {
      for (const xs of [d.h, d.z]) {
        const m = xs.reduce((s, x) => s + x, 0) / xs.length;
        const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
        expect(sd).toBeGreaterThan(0);
        expect(Math.abs(m)).toBeLessThan(3 * (sd / Math.sqrt(xs.length)));
      }
    }
  });
});

describe('fast engine: reproducible', () => {
  it('the same seed and trial give identical results; another trial other noise', () => {
    const d = imposed(resolveParams({}).sigma_pl, 3);
    const a = run(runFastNetwork, d, 2), b = run(runFastNetwork, d, 2), c = run(runFastNetwork, d, 3);
    expect(b.probes).toEqual(a.probes);
    expect(c.probes[0]!.values.h).not.toEqual(a.probes[0]!.values.h);
  });
});
