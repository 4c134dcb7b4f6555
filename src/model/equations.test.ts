import { describe, expect, it } from 'vitest';
import {
  delaySteps, earlyPhaseDrift, earlyPhaseRegime, earlyPhaseStep, earlyPhaseTimeConstant, expSmall, heaviside,
  latePhaseStep, proteinStep, proteinSynthesisOn, restDecayTime, tagState, totalWeight, membraneStep,
} from './equations.js';
import { defaultParams, H0_DEFAULT } from './parameters.js';

const P = defaultParams();

describe('early phase h', () => {
  it('has the resting weight h0 = 5 mV · γp/(γp+γd) = 4.20075 mV', () => {
    expect(H0_DEFAULT).toBeCloseTo(4.20075, 5);
    expect(earlyPhaseDrift(P, 0).target).toBeCloseTo(P.h0, 12);
  });

  it('approaches ≈ 8.40 mV under potentiation and ≈ 0 mV under depression', () => {
    // A/C with A = 0.1 h0 + γp·10 mV, C = 0.1 + γp + γd (potentiation also crosses θ_d)
    expect(earlyPhaseDrift(P, 2).target).toBeCloseTo((0.1 * P.h0 + 1645.6 * 10) / (0.1 + 1645.6 + 313.1), 12);
    expect(earlyPhaseDrift(P, 2).target).toBeCloseTo(8.40, 2);
    expect(earlyPhaseDrift(P, 1).target).toBeCloseTo((0.1 * P.h0) / (0.1 + 313.1), 12);
    expect(earlyPhaseDrift(P, 1).target).toBeLessThan(0.0014);
  });

  it('relaxes with τ_h/C: ≈ 0.35 s (potentiation), ≈ 2.2 s (depression), ≈ 1.91 h (rest)', () => {
    expect(earlyPhaseTimeConstant(P, 2)).toBeCloseTo(688.4 / 1958.8, 10);
    expect(earlyPhaseTimeConstant(P, 2)).toBeCloseTo(0.3514, 3);
    expect(earlyPhaseTimeConstant(P, 1)).toBeCloseTo(2.198, 3);
    expect(earlyPhaseTimeConstant(P, 0) / 3600).toBeCloseTo(1.912, 3);
  });

  it('integrates exactly: without noise, n steps equal one step of n·dt', () => {
    let h = P.h0;
    for (let i = 0; i < 1000; i++) h = earlyPhaseStep(h, P, 2, 2e-4, 0);
    const exact = earlyPhaseDrift(P, 2).target + (P.h0 - earlyPhaseDrift(P, 2).target) * Math.exp(-0.2 / earlyPhaseTimeConstant(P, 2));
    expect(h).toBeCloseTo(exact, 10);
  });

  it('adds noise with variance σ²·w·(1−e)²·τ_h/(dt·C²) per step: doubled weight in the potentiation regime', () => {
    const dt = 2e-4;
    const d2 = earlyPhaseDrift(P, 2), d1 = earlyPhaseDrift(P, 1);
    const k2 = earlyPhaseStep(P.h0, P, 2, dt, 1) - earlyPhaseStep(P.h0, P, 2, dt, 0);
    const k1 = earlyPhaseStep(P.h0, P, 1, dt, 1) - earlyPhaseStep(P.h0, P, 1, dt, 0);
    const e2 = 1 - Math.exp((-dt * d2.rate) / P.tau_h), e1 = 1 - Math.exp((-dt * d1.rate) / P.tau_h);
    expect(k2).toBeCloseTo((P.sigma_pl * Math.sqrt((2 * P.tau_h) / dt) * e2) / d2.rate, 14);
    expect(k1).toBeCloseTo((P.sigma_pl * Math.sqrt(P.tau_h / dt) * e1) / d1.rate, 14);
    expect(earlyPhaseStep(P.h0, P, 0, dt, 5)).toBe(earlyPhaseStep(P.h0, P, 0, dt, 0)); // no noise at rest
  });
});

describe('thresholds (Θ[x] = 1 for x ≥ 0)', () => {
  it('selects regimes with inclusive thresholds', () => {
    expect(heaviside(0)).toBe(1);
    expect(heaviside(-1e-15)).toBe(0);
    expect(earlyPhaseRegime(3.0, 3.0, 1.2)).toBe(2);
    expect(earlyPhaseRegime(2.9999999, 3.0, 1.2)).toBe(1);
    expect(earlyPhaseRegime(1.2, 3.0, 1.2)).toBe(1);
    expect(earlyPhaseRegime(1.1999999, 3.0, 1.2)).toBe(0);
  });

  it('sets LTP/LTD tags at |h − h0| ≥ θ_tag = 0.2 h0 and synthesis at Σ|h − h0| ≥ θ_pro = 0.5 h0', () => {
    expect(P.theta_tag).toBeCloseTo(0.840149, 6);
    expect(P.theta_pro).toBeCloseTo(2.10037, 5);
    expect(tagState(P.h0 + P.theta_tag, P)).toBe(1);
    expect(tagState(P.h0 + P.theta_tag * (1 - 1e-9), P)).toBe(0);
    expect(tagState(P.h0 - P.theta_tag * (1 + 1e-12), P)).toBe(-1);
    expect(tagState(P.h0 - P.theta_tag * (1 - 1e-9), P)).toBe(0);
    expect(proteinSynthesisOn(P.theta_pro, P)).toBe(true);
    expect(proteinSynthesisOn(P.theta_pro - 1e-12, P)).toBe(false);
  });
});

describe('protein p and late phase z', () => {
  it('p rises to α and decays with τ_p = 1 h', () => {
    expect(proteinStep(0, true, 3600, P)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(proteinStep(1, false, 3600, P)).toBeCloseTo(Math.exp(-1), 12);
  });

  it('z moves towards 1 with an LTP tag, towards −0.5 with an LTD tag, and is frozen otherwise', () => {
    expect(latePhaseStep(0, 1, 1, 3600, P)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(latePhaseStep(0, 1, -1, 3600, P)).toBeCloseTo(-0.5 * (1 - Math.exp(-1)), 12);
    expect(latePhaseStep(0.3, 1, 0, 3600, P)).toBe(0.3);
    expect(latePhaseStep(0.3, 0, 1, 3600, P)).toBe(0.3); // no protein, no change
    let z = 0;
    for (let i = 0; i < 100; i++) z = latePhaseStep(z, 5, 1, 3600, P);
    expect(z).toBeLessThanOrEqual(1);
  });

  it('gives the total weight w = h + h0 z', () => {
    expect(totalWeight(P.h0, 0.5, P)).toBeCloseTo(1.5 * P.h0, 12);
  });

  it('predicts the rest decay time of a deviation: τ_h/0.1 · ln(dev/θ)', () => {
    expect(restDecayTime(2 * P.theta_tag, P.theta_tag, P)).toBeCloseTo(6884 * Math.LN2, 6);
    expect(restDecayTime(0.5, 1, P)).toBe(0);
  });
});

describe('delays and neurons', () => {
  it('turns 3 ms and 18.8 ms into 15 and 94 steps of 0.2 ms', () => {
    expect(delaySteps(0.003, 0.0002)).toBe(15);
    expect(delaySteps(0.0188, 0.0002)).toBe(94);
    expect(delaySteps(0.003, 0.0001)).toBe(30);
  });

  it('LIF relaxes to V_rev + R·I with τ_mem', () => {
    expect(membraneStep(-65, 1, 10, P)).toBeCloseTo(-55, 6);
    expect(membraneStep(-55, 0, 0.01, P)).toBeCloseTo(-65 + 10 * Math.exp(-1), 10);
  });
});

describe('expSmall', () => {
  it('matches Math.exp to within one ulp for tiny exponents', () => {
    for (const x of [-9.9e-5, -3e-8, -1e-12, 0, 2e-9, 9.9e-5]) {
      expect(Math.abs(expSmall(x) - Math.exp(x))).toBeLessThanOrEqual(2.3e-16);
    }
    expect(expSmall(-1)).toBe(Math.exp(-1));
  });
});
