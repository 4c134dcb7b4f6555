import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../model/parameters.js';
import { PRESET_PROTOCOLS, type Protocol } from '../../model/protocols.js';
import { runEnsemble } from '../../experiments/ensemble.js';
import { compareToReference, parseCsv, parseReferenceSummary } from '../../experiments/referenceData.js';
import { sampleAt } from '../../experiments/statistics.js';
import { getEngine } from '../registry.js';
import type { TrialSpec } from '../types.js';
import { runExactTrial } from './exactEngine.js';

const REF_DIR = new URL('../../../reference/cpp-2n1s/', import.meta.url);
const REF_CSV = new URL('summary_trials.csv', REF_DIR);

function spec(over: Partial<TrialSpec> = {}): TrialSpec {
  return {
    params: resolveParams(), protocol: PRESET_PROTOCOLS.STET, seed: 3, trial: 5, dt_ms: 0.2, fastForward: true,
    sampleInterval_s: 60, recordCalcium: false, ...over,
  };
}

describe('exact engine: basic behaviour', () => {
  it('is registered and deterministic for a given (seed, trial)', () => {
    const a = getEngine('exact').runTrial(spec());
    const b = runExactTrial(spec());
    expect(Array.from(a.h_mV)).toEqual(Array.from(b.h_mV));
    expect(a.maxDev_mV).toBe(b.maxDev_mV);
    const c = runExactTrial(spec({ trial: 6 }));
    expect(c.h_mV[200]).not.toBe(a.h_mV[200]);
  });

  it('probes never perturb the sample path: recording the calcium window or a finer grid changes nothing', () => {
    for (const protocol of [PRESET_PROTOCOLS.STET, PRESET_PROTOCOLS.SLFS]) {
      const plain = runExactTrial(spec({ protocol }));
      const rec = runExactTrial(spec({ protocol, recordCalcium: true }));
      expect(Array.from(rec.h_mV)).toEqual(Array.from(plain.h_mV));
      expect(Array.from(rec.z)).toEqual(Array.from(plain.z));
      expect(Array.from(rec.p)).toEqual(Array.from(plain.p));
      for (const k of ['maxDev_mV', 'pMax', 'tPMax_s', 'postSpikes', 'preSpikes', 'tagged', 'proteinSynthesis'] as const) {
        expect(rec[k]).toBe(plain[k]);
      }
      const fine = runExactTrial(spec({ protocol, sampleInterval_s: 7.5 }));
      expect(fine.h_mV.at(-1)).toBe(plain.h_mV.at(-1));
      expect(fine.z.at(-1)).toBe(plain.z.at(-1));
      expect(fine.maxDev_mV).toBe(plain.maxDev_mV);
      // the calcium window: 1 ms samples from 0.1 s before to 1.5 s after the first stimulus
      const ca = rec.calcium!;
      expect(ca.t_s.length).toBe(1601);
      expect(ca.t_s[0]).toBeCloseTo(3599.9, 9);
      expect(Math.max(...ca.c)).toBeGreaterThan(protocol.name === 'STET' ? 3 : 1);
      expect(ca.h_mV[0]).toBeCloseTo(4.2007, 3);
    }
  });

  it('calcium between events is the sum of its jumps: presynaptic arrivals folded ahead, postsynaptic spikes in between', () => {
    // the dense burst at 2 s fires the neuron inside the calcium window (0.9–2.5 s): the fold is discarded
    // and redone after every postsynaptic jump
    const P = resolveParams();
    const probes = [{ name: 's', variables: ['spikes' as const], interval_s: 1, from_s: 0, to_s: 60 }];
    const r = runExactTrial(spec({ protocol: deterministicProtocol(), recordCalcium: true, probes }));
    const pre = r.probes![0]!.preSpikes_s!, post = r.probes![0]!.postSpikes_s!;
    expect(post.filter((t) => t > 0.9 && t < 2.5).length).toBeGreaterThan(0);
    const tauC = P.tau_c * 1e-3, dCa = P.t_c_delay * 1e-3;
    const ca = r.calcium!;
    let maxErr = 0;
    for (let i = 0; i < ca.t_s.length; i++) {
      const t = ca.t_s[i]!;
      let c = 0;
      for (const s of pre) if (s + dCa <= t) c += P.c_pre * Math.exp(-(t - s - dCa) / tauC);
      for (const s of post) if (s <= t) c += P.c_post * Math.exp(-(t - s) / tauC);
      maxErr = Math.max(maxErr, Math.abs(c - ca.c[i]!) / Math.max(1, c));
    }
    expect(maxErr).toBeLessThan(1e-9);
  });

  it('reports its options and rejects what it cannot do', () => {
    const r = runExactTrial(spec({ engineOptions: { maxNoisyStep_ms: 1 } }));
    expect(r.diagnostics?.maxNoisyStep_ms).toBe(1);
    expect(() => runExactTrial(spec({ engineOptions: { maxNoisyStep_ms: -1 } }))).toThrow(/maxNoisyStep_ms/);
    expect(() => runExactTrial(spec({ params: resolveParams({ sigma_wn: 0.05 }) }))).toThrow(/sigma_wn/);
  });
});

/** A fixed spike train on the 0.05 ms grid: a tetanus, a dense burst that fires the neuron, and pairs. */
function deterministicProtocol(): Protocol {
  const spikes: number[] = [];
  for (let k = 0; k < 30; k++) spikes.push(1 + k * 0.01);
  for (let k = 0; k < 12; k++) spikes.push(2 + k * 0.002);
  for (let k = 0; k < 20; k++) spikes.push(5 + k, 5.04 + k);
  return { name: 'det', description: 'fixed spike train', trains: [], spikeTimes_s: spikes, duration_s: 60 };
}

describe('exact engine: convergence of the reference engine as dt → 0', () => {
  it('without noise, the fixed-step reference approaches the exact solution', () => {
    const base = spec({ protocol: deterministicProtocol(), params: resolveParams({ sigma_pl: 0 }), fastForward: false, sampleInterval_s: 0.5 });
    const ex = runExactTrial(base);
    expect(ex.postSpikes).toBeGreaterThan(0);
    expect(ex.tagged && ex.proteinSynthesis).toBe(true);
    const err: number[] = [];
    for (const dt of [0.2, 0.1, 0.05]) {
      const r = getEngine('reference').runTrial({ ...base, dt_ms: dt });
      expect(r.postSpikes).toBe(ex.postSpikes);
      let e = 0;
      for (let i = 0; i < r.t_s.length; i++) e = Math.max(e, Math.abs(r.h_mV[i]! - ex.h_mV[i]!));
      err.push(e);
      expect(Math.abs(r.pMax - ex.pMax)).toBeLessThan(2e-7);
      expect(Math.abs(r.maxDev_mV - ex.maxDev_mV)).toBeLessThan(2e-3);
    }
    // max |Δh| over the trace: 4.2e-3, 4.0e-3, 1.3e-3 mV — first-order in dt up to the threshold-timing jitter
    expect(err[1]!).toBeLessThanOrEqual(err[0]! * 1.05);
    expect(err[2]!).toBeLessThan(err[0]! * 0.5);
    expect(err[2]!).toBeLessThan(2e-3);
  });

  it('with noise, ensemble statistics of the reference at 0.2, 0.1 and 0.05 ms agree with the exact engine', () => {
    // a short WTET: one 0.2 s, 100 Hz train at 1 s, 4 s simulated, no fast-forward
    const protocol: Protocol = { name: 'WTET-short', description: '', trains: [{ onset_s: 1, duration_s: 0.2, rate_Hz: 100 }], duration_s: 4 };
    const cfg = { protocol, seed: 9, params: resolveParams(), fastForward: false, sampleInterval_s: 0.5 };
    const ex = runEnsemble({ ...cfg, engine: 'exact', trials: 2000, dt_ms: 0.2 });
    const end = ex.t_s.length - 1;
    const mean = (r: typeof ex) => r.traces.h_rel.mean[end]! * cfg.params.h0;
    const se = (r: typeof ex) => (r.traces.h_rel.sd[end]! * cfg.params.h0) / Math.sqrt(r.trials);
    for (const dt of [0.2, 0.1, 0.05]) {
      const ref = runEnsemble({ ...cfg, engine: 'reference', trials: 150, dt_ms: dt });
      const z = Math.abs(mean(ref) - mean(ex)) / Math.hypot(se(ref), se(ex));
      expect(z).toBeLessThan(3);
    }
  });
});

describe('exact engine: validation against the published C++ simulator (reference/cpp-2n1s)', () => {
  const ref = parseReferenceSummary(readFileSync(REF_CSV, 'utf8'));
  const TRIALS = 100;
  for (const name of ['STET', 'WTET', 'SLFS', 'WLFS'] as const) {
    it(`${name}: w/h0 at 2 h and 8 h within 3 combined SE, same majority class, mean trace every hour (${TRIALS} trials)`, () => {
      const res = runEnsemble({
        protocol: PRESET_PROTOCOLS[name], engine: 'exact', trials: TRIALS, seed: 1, params: resolveParams(), dt_ms: 0.2,
        fastForward: true, sampleInterval_s: 60,
      });
      const cmp = compareToReference(res, ref);
      for (const c of cmp.comparisons) expect(c.zScore, `${c.quantity}: ours ${c.ours.mean} vs ${c.reference.mean}`).toBeLessThanOrEqual(3);
      expect(cmp.classOk, `class ${res.class} vs ${cmp.referenceClass}`).toBe(true);
      // the same hourly criterion as the reference engine's validation (test/referenceValidation.test.ts)
      const rows = parseCsv(readFileSync(new URL(`mean_${name}_n10.csv`, REF_DIR), 'utf8'));
      const t = rows.map((r) => Number(r.t_s)), m = rows.map((r) => Number(r.w_rel_mean)), sd = rows.map((r) => Number(r.w_rel_sd));
      for (let hour = 2; hour <= 8; hour++) {
        const ts = hour * 3600;
        const ours = sampleAt(res.t_s, res.traces.w_rel.mean, ts);
        const se = Math.sqrt(sampleAt(t, sd, ts) ** 2 / 10 + sampleAt(res.t_s, res.traces.w_rel.sd, ts) ** 2 / TRIALS);
        expect(Math.abs(ours - sampleAt(t, m, ts)), `${name} at ${hour} h`).toBeLessThanOrEqual(3.5 * se);
      }
    });
  }
});
