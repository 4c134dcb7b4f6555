import { describe, expect, it } from 'vitest';
import { getEngine } from '../../engines/registry.js';
import { resolveParams } from '../parameters.js';
import {
  calciumJumps, linearEarlyPhaseChange, noiseFreeEarlyPhase, predictPairing, regimeStretches, timeAboveThresholds,
} from './closedForm.js';
import { PAIRING_READOUT_S, PAIRING_SAMPLE_INTERVAL_S, pairingProtocol, type PairingSpec } from './pairing.js';

const P = resolveParams();
const noiseFree = resolveParams({ sigma_pl: 0 });
const READ = Math.round(PAIRING_READOUT_S / PAIRING_SAMPLE_INTERVAL_S);

/** Time above θ by brute force: calcium sampled every 1 µs (an independent check of the logarithms). */
function bruteForceAbove(spec: PairingSpec): { p: number; d: number } {
  const pr = pairingProtocol(spec);
  const j = calciumJumps(pr, P);
  const h = 1e-6;
  const tauC = P.tau_c / 1000;
  let p = 0, d = 0, c = 0, k = 0;
  const t0 = j.t_s[0]!, t1 = j.t_s[j.t_s.length - 1]! + 1;
  const n = Math.round((t1 - t0) / h);
  const e = Math.exp(-h / tauC);
  for (let i = 0; i <= n; i++) {
    const t = t0 + i * h;
    c *= e;
    while (k < j.t_s.length && j.t_s[k]! <= t + h / 2) c += j.amount[k++]!;
    if (c >= P.theta_p) p += h;
    if (c >= P.theta_d) d += h;
  }
  return { p, d };
}

describe('closed form of a pairing protocol', () => {
  it('times above θ_p and θ_d equal a 1 µs brute-force integration of the calcium', () => {
    for (const spec of [
      { pairs: 5, freq_Hz: 20, dt_ms: 10 }, { pairs: 5, freq_Hz: 50, dt_ms: -10 }, { pairs: 3, freq_Hz: 10, dt_ms: 30, postBurst: { count: 2, isi_ms: 10 } },
    ]) {
      const a = timeAboveThresholds(regimeStretches(calciumJumps(pairingProtocol(spec), P), P));
      const b = bruteForceAbove(spec);
      // the brute force is off by at most one 1 µs sample per crossing
      expect(Math.abs(a.above_d_s - b.d)).toBeLessThan(4 * spec.pairs * 1e-6);
      expect(Math.abs(a.above_p_s - b.p)).toBeLessThan(4 * spec.pairs * 1e-6);
      expect(a.above_d_s).toBeGreaterThan(0);
    }
  });

  it('a single pre–post pair: calcium never reaches θ_p (1 + 0.2758 < 3), θ_d for τ_c ln(c/θ_d)', () => {
    // pre arrives at t_pre + 18.8 ms; a post spike 18.8 ms after t_pre lands on it: c = 1.2758
    const a = timeAboveThresholds(regimeStretches(calciumJumps(pairingProtocol({ pairs: 1, freq_Hz: 1, dt_ms: 18.8 }), P), P));
    expect(a.above_p_s).toBe(0);
    expect(a.above_d_s).toBeCloseTo(0.0488 * Math.log(1.2758 / 1.2), 12);
  });

  it('the noise-free exact engine reproduces the closed-form early phase to 1e-9 mV', () => {
    for (const spec of [{ pairs: 60, freq_Hz: 20, dt_ms: 10 }, { pairs: 60, freq_Hz: 50, dt_ms: -20 }, { pairs: 30, freq_Hz: 5, dt_ms: 2 }]) {
      const protocol = pairingProtocol(spec);
      const r = getEngine('exact').runTrial({
        params: noiseFree, protocol, seed: 1, trial: 0, dt_ms: 0.2, fastForward: false, sampleInterval_s: PAIRING_SAMPLE_INTERVAL_S, recordCalcium: false,
      });
      const stretches = regimeStretches(calciumJumps(protocol, noiseFree), noiseFree);
      expect(Math.abs(r.h_mV[READ]! - noiseFreeEarlyPhase(stretches, noiseFree, PAIRING_READOUT_S))).toBeLessThan(1e-9);
      expect(r.postSpikes).toBe(spec.pairs);
    }
  });

  it('the mean early-phase change of the noisy rule over 400 trials matches the closed form within 4 SE', () => {
    // The rule is linear in h with regime-wise constant coefficients and additive noise: the mean is the
    // noise-free solution exactly, so the only error is the trials' sampling error.
    for (const spec of [{ pairs: 60, freq_Hz: 20, dt_ms: 10 }, { pairs: 60, freq_Hz: 10, dt_ms: -10 }]) {
      const protocol = pairingProtocol(spec);
      const pred = predictPairing(protocol, P, PAIRING_READOUT_S);
      let sum = 0, sum2 = 0;
      const n = 400;
      for (let trial = 0; trial < n; trial++) {
        const r = getEngine('exact').runTrial({
          params: P, protocol, seed: 7, trial, dt_ms: 0.2, fastForward: false, sampleInterval_s: PAIRING_SAMPLE_INTERVAL_S, recordCalcium: false,
        });
        const x = r.h_mV[READ]! / P.h0 - 1;
        sum += x;
        sum2 += x * x;
      }
      const mean = sum / n, sd = Math.sqrt((sum2 - n * mean * mean) / (n - 1));
      expect(Math.abs(mean - pred.earlyChange)).toBeLessThan(4 * sd / Math.sqrt(n));
      expect(sd).toBeGreaterThan(0);
    }
  });

  it("the first-order (time-above-threshold) estimate is off by the h-dependence of the drift it neglects", () => {
    for (const spec of [{ pairs: 60, freq_Hz: 20, dt_ms: 10 }, { pairs: 60, freq_Hz: 50, dt_ms: 10 }, { pairs: 60, freq_Hz: 10, dt_ms: -10 }]) {
      const protocol = pairingProtocol(spec);
      const pred = predictPairing(protocol, P, PAIRING_READOUT_S);
      // second-order bound: over the stretches h moves by at most |Δh|, which changes the drift by
      // (γ_p + γ_d + 0.1)/τ_h per mV, for at most T_d + the protocol's length at rest (0.1/τ_h)
      const dh = Math.abs(pred.earlyChange) * P.h0;
      const span = (protocol.spikeTimes_s!.at(-1)! - protocol.spikeTimes_s![0]!) + 1;
      const bound = (dh * ((P.gamma_p + P.gamma_d + 0.1) * pred.above_d_s + 0.1 * span)) / P.tau_h / P.h0;
      expect(Math.abs(pred.earlyChangeLinear - pred.earlyChange)).toBeLessThanOrEqual(bound + 1e-12);
      expect(Math.sign(pred.earlyChangeLinear)).toBe(Math.sign(pred.earlyChange));
      expect(linearEarlyPhaseChange(pred, P) / P.h0).toBe(pred.earlyChangeLinear);
    }
  });
});
