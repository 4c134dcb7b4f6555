import { describe, expect, it } from 'vitest';
import { resolveParams, type ModelParams } from '../../model/parameters.js';
import type { Protocol } from '../../model/protocols.js';
import { PRESET_PROTOCOLS } from '../../model/protocols.js';
import { runReferenceTrial } from './referenceEngine.js';
import type { TrialSpec } from '../types.js';

const DT = 2e-4;

function spec(protocol: Protocol, params: ModelParams, extra: Partial<TrialSpec> = {}): TrialSpec {
  return { params, protocol, seed: 1, trial: 0, dt_ms: 0.2, fastForward: true, sampleInterval_s: 0.5, recordCalcium: true, ...extra };
}

/** Presynaptic spikes at explicit times (steps 5000, 5005, ...), a short run without stimulation trains. */
function spikeProtocol(times: number[], duration_s = 3): Protocol {
  return { name: 'spikes', description: 'explicit spikes', trains: [], spikeTimes_s: times, duration_s };
}

/**
 * An independent, deliberately plain transcription of MODEL.md §6 for the synapse alone (no
 * postsynaptic spikes): per step, protein with the previous Σ|h − h0|, then calcium decay, then the
 * delayed c_pre jump, then h in the new calcium regime, Σ|h − h0|, and z with the new p.
 */
function plainSynapse(P: ModelParams, spikeSteps: number[], lastStep: number, jumpBeforeDecay = false) {
  const eC = Math.exp(-DT / (P.tau_c * 1e-3));
  const arrivals = new Set(spikeSteps.map((s) => s + 94));
  let c = 0, h = P.h0, z = 0, p = 0, sum = 0;
  const hAt = new Map<number, number>(), cAt = new Map<number, number>();
  for (let j = 0; j <= lastStep; j++) {
    const eP = Math.exp(-DT / P.tau_p);
    p = p * eP + (sum >= P.theta_pro ? P.alpha : 0) * (1 - eP);
    if (jumpBeforeDecay) {
      if (arrivals.has(j)) c += P.c_pre;
      c *= eC;
    } else {
      c *= eC;
      if (arrivals.has(j)) c += P.c_pre;
    }
    const C = c >= P.theta_p ? 0.1 + P.gamma_p + P.gamma_d : c >= P.theta_d ? 0.1 + P.gamma_d : 0.1;
    const A = 0.1 * P.h0 + (c >= P.theta_p ? P.gamma_p * P.h_max : 0);
    const e = Math.exp((-DT * C) / P.tau_h);
    h = h * e + (A / C) * (1 - e);
    const dev = h - P.h0;
    sum = Math.abs(dev);
    if (dev >= P.theta_tag && p > 1e-11) z = z * Math.exp((-DT / P.tau_z) * p) + (1 - Math.exp((-DT / P.tau_z) * p));
    else if (-dev >= P.theta_tag && p > 1e-11) z = z * Math.exp((-DT / P.tau_z) * p) - 0.5 * (1 - Math.exp((-DT / P.tau_z) * p));
    hAt.set(j, h);
    cAt.set(j, c);
  }
  return { h, z, p, hAt, cAt };
}

describe('reference engine: order of operations within a step (MODEL.md §6)', () => {
  it('adds the delayed c_pre jump after the decay, 94 steps (18.8 ms) after the spike', () => {
    const P = resolveParams();
    const r = runReferenceTrial(spec(spikeProtocol([1.0]), P));
    const ca = r.calcium!;
    const eC = Math.exp(-DT / 0.0488);
    const at = (step: number) => ca.c[ca.t_s.findIndex((t) => Math.abs(t - step * DT) < 1e-9)]!;
    expect(at(5090)).toBe(0); // before the arrival at step 5094
    expect(at(5095)).toBeCloseTo(P.c_pre * eC, 15); // jump at 5094, one decay since
    expect(at(5100)).toBeCloseTo(P.c_pre * eC ** 6, 15);
    expect(r.preSpikes).toBe(1);
  });

  it('reproduces an independent step-by-step transcription of h, p and z to 1e-12', () => {
    // Deterministic (σ_pl = 0); low tag and protein thresholds and fast τ_p, τ_z so p and z move within 3 s.
    const P = resolveParams({ sigma_pl: 0, theta_tag: 0.05, theta_pro: 0.1, tau_p: 1, tau_z: 2 });
    const times = [1.0, 1.001, 1.002, 1.003, 1.004, 1.02, 1.05];
    const steps = times.map((t) => Math.round(t / DT));
    const r = runReferenceTrial(spec(spikeProtocol(times), P, { sampleInterval_s: 3 }));
    expect(r.postSpikes).toBe(0);
    const plain = plainSynapse(P, steps, 15000);
    const n = r.t_s.length - 1;
    expect(r.t_s[n]).toBe(3);
    expect(r.h_mV[n]).toBeCloseTo(plain.h, 12);
    expect(r.p[n]).toBeCloseTo(plain.p, 12);
    expect(r.z[n]).toBeCloseTo(plain.z, 12);
    expect(plain.z).toBeGreaterThan(0.05); // the test exercises protein and late phase
    expect(plain.p).toBeGreaterThan(0.3);
    expect(r.maxDev_mV).toBeGreaterThan(0.2); // and the potentiation regime (c ≥ θ_p for a few ms)
    // The fine trace agrees step by step as well.
    const ca = r.calcium!;
    for (let i = 0; i < ca.t_s.length; i += 7) {
      const j = Math.round(ca.t_s[i]! / DT);
      expect(ca.h_mV[i]).toBeCloseTo(plain.hAt.get(j)!, 12);
      expect(ca.c[i]).toBeCloseTo(plain.cAt.get(j)!, 12);
    }
    // An order slip (jump before decay) is visible at this precision.
    const slipped = plainSynapse(P, steps, 15000, true);
    expect(Math.abs(slipped.h - plain.h)).toBeGreaterThan(1e-6);
  });

  it('leaves h at h0 when calcium stays below θ_d (one spike, c_pre = 1 < 1.2)', () => {
    const r = runReferenceTrial(spec(spikeProtocol([1.0]), resolveParams()));
    expect(r.maxDev_mV).toBe(0);
    expect(r.outcome).toBe('none');
    expect(r.tagged).toBe(false);
  });
});

describe('reference engine: reproducibility', () => {
  it('gives bit-identical trials for the same (seed, trial) and different ones otherwise', () => {
    const P = resolveParams();
    const a = runReferenceTrial(spec(PRESET_PROTOCOLS.WTET, P, { sampleInterval_s: 60 }));
    const b = runReferenceTrial(spec(PRESET_PROTOCOLS.WTET, P, { sampleInterval_s: 60 }));
    const c = runReferenceTrial(spec(PRESET_PROTOCOLS.WTET, P, { sampleInterval_s: 60, trial: 1 }));
    expect(Array.from(a.h_mV)).toEqual(Array.from(b.h_mV));
    expect(a.h_mV.at(-1)).not.toBe(c.h_mV.at(-1));
  });
});

describe('reference engine: fast-forward', () => {
  // Same seeds: the detailed phase is identical, so the difference is the fast-forward
  // approximation alone. It must be far inside the reference's trial-to-trial SD of w/h0 at 8 h
  // (STET 0.023, SLFS 0.082; reference/cpp-2n1s/README.md).
  it.each([
    ['STET', 0.023],
    ['SLFS', 0.082],
  ] as const)('%s: w/h0 with and without fast-forward agree within a tenth of the reference SD', (name, refSd) => {
    const P = resolveParams();
    const base = spec(PRESET_PROTOCOLS[name], P, { sampleInterval_s: 60, recordCalcium: false, seed: 3 });
    const ff = runReferenceTrial({ ...base, fastForward: true });
    const full = runReferenceTrial({ ...base, fastForward: false });
    const w = (r: typeof ff, k: number) => (r.h_mV[k]! + P.h0 * r.z[k]!) / P.h0;
    const k2h = ff.t_s.indexOf(7200), k8h = ff.t_s.length - 1;
    expect(Math.abs(w(ff, k8h) - w(full, k8h))).toBeLessThan(0.1 * refSd);
    expect(Math.abs(w(ff, k2h) - w(full, k2h))).toBeLessThan(0.1 * refSd);
    expect(full.steps).toBeGreaterThan(20 * ff.steps / 10); // the full run really integrated every step
    expect(ff.outcome).toBe(full.outcome);
  });
});
