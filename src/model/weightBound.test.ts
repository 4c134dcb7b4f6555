import { describe, expect, it } from 'vitest';
import { earlyPhaseDiffusion, earlyPhaseDrift, earlyPhaseRelaxationRate } from './equations.js';
import { resolveParams } from './parameters.js';
import { earlyPhaseRange, episodeDeparture, weightUpperBound } from './weightBound.js';
import { PRESET_PROTOCOLS } from './protocols.js';
import { runExactTrial } from '../engines/exact/exactEngine.js';

describe('upper bound of the weight w = h + h0·z', () => {
  it('is the highest fixed point plus 20 stationary SDs plus h0·z_max', () => {
    const P = resolveParams();
    const m2 = earlyPhaseDrift(P, 2).target;
    // regime 1 (θ_d only) has the largest stationary variance σ²/(2(0.1 + γ_d))
    const sd = Math.sqrt((P.sigma_pl ** 2) / (2 * (0.1 + P.gamma_d)));
    expect(weightUpperBound(P)).toBeCloseTo(m2 + 20 * sd + P.h0 * P.z_max, 9);
    expect(weightUpperBound(resolveParams({ sigma_pl: 0 }))).toBeCloseTo(m2 + P.h0 * P.z_max, 9);
  });

  it('is never exceeded by the largest weights of strong potentiation (STET, 50 trials, sampled every 10 ms through its tetani)', () => {
    const P = resolveParams();
    const bound = weightUpperBound(P);
    let max = -Infinity;
    for (let trial = 0; trial < 50; trial++) {
      const r = runExactTrial({
        params: P, protocol: PRESET_PROTOCOLS.STET, seed: 11, trial, dt_ms: 0.2, fastForward: true, sampleInterval_s: 60,
        recordCalcium: false, probes: [{ name: 'w', variables: ['w'], interval_s: 0.01, from_s: 3599, to_s: 4810 }],
      });
      for (const w of r.probes![0]!.values!.w!) max = Math.max(max, w);
    }
    expect(max).toBeGreaterThan(P.h0 * 1.5);
    expect(max).toBeLessThan(bound - 2);
  });
});

describe('how far h in a calcium episode can leave its resting relaxation', () => {
  it('the range holds h0 and every fixed point; the drift bound holds at every h in it, in both noisy regimes', () => {
    const P = resolveParams();
    const [lo, hi] = earlyPhaseRange(P);
    for (const r of [0, 1, 2] as const) {
      const m = earlyPhaseDrift(P, r).target;
      expect(m).toBeGreaterThan(lo);
      expect(m).toBeLessThan(hi);
    }
    const { drift, diffusion } = episodeDeparture(P);
    const k0 = earlyPhaseRelaxationRate(P, 0);
    let seen = 0;
    for (const r of [1, 2] as const) {
      const k = earlyPhaseRelaxationRate(P, r), m = earlyPhaseDrift(P, r).target;
      for (let q = 0; q <= 100; q++) {
        const h = lo + ((hi - lo) * q) / 100;
        const departure = Math.abs(k * (m - h) - k0 * (P.h0 - h));
        expect(departure).toBeLessThanOrEqual(drift * (1 + 1e-12));
        seen = Math.max(seen, departure);
      }
      expect(diffusion).toBeGreaterThanOrEqual(earlyPhaseDiffusion(P, r));
    }
    expect(seen).toBeCloseTo(drift, 9); // attained at an end of the range
    expect(episodeDeparture(resolveParams({ sigma_pl: 0 })).diffusion).toBe(0);
  });
});
