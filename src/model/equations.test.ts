import { describe, expect, it } from 'vitest';
import {
  backgroundDecay, backgroundNoiseGain, backgroundStep, calciumDecay, calciumStep, delaySteps, earlyPhaseAtRest, earlyPhaseDecay,
  earlyPhaseDiffusion, earlyPhaseDrift, earlyPhaseExponent, earlyPhaseIncrement, earlyPhaseNoiseGain, earlyPhaseNoiseScale,
  earlyPhaseRegime, earlyPhaseRelaxationRate, earlyPhaseRelaxedFraction, earlyPhaseStep, earlyPhaseTimeConstant, heaviside,
  latePhaseExponent, latePhaseStep, latePhaseStepSmall, latePhaseTarget, latePhaseTimeConstant, latePhaseWeight, membraneDecay,
  membraneStep, proteinDecay, proteinStep, proteinSynthesisOn, proteinWithSynthesisFor, pspCurrent, relax, relaxAtRate,
  relaxedFraction, restCrossingTime, restDecayTime, synapticCurrentDecay, tagState, totalWeight,
} from './equations.js';
import { defaultParams, H0_DEFAULT, resolveParams } from './parameters.js';

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

describe('step coefficients and closed forms', () => {
  const dt = 2e-4;

  it('decay factors are e^{−Δ/τ} of the model time constants (seconds)', () => {
    expect(membraneDecay(P, dt)).toBe(Math.exp(-dt / 0.01));
    expect(synapticCurrentDecay(P, dt)).toBe(Math.exp(-dt / 0.005));
    expect(calciumDecay(P, dt)).toBe(Math.exp(-dt / 0.0488));
    expect(backgroundDecay(P, dt)).toBe(Math.exp(-dt / 0.005));
    expect(proteinDecay(P, 3600)).toBeCloseTo(Math.exp(-1), 15);
    expect(relaxedFraction(3600, 3600)).toBeCloseTo(1 - Math.exp(-1), 15);
    expect(relax(2, 1, 0.25)).toBe(1.25);
    expect(relaxAtRate(2, 1, Math.LN2, 2)).toBeCloseTo(1.25, 15);
  });

  it('the OU background has the stationary SD σ_WN/√(2τ_OU) = 0.5 nA and mean I_0', () => {
    const N = resolveParams({}, 'network');
    const e = backgroundDecay(N, dt), g = backgroundNoiseGain(N, dt);
    expect(Math.sqrt((g * g) / (1 - e * e))).toBeCloseTo(0.5, 12);
    expect(backgroundStep(N.i_0, 0, dt, N)).toBe(N.i_0);
    expect(backgroundStep(1, 0, dt, N)).toBeCloseTo(N.i_0 + (1 - N.i_0) * e, 15);
  });

  it('calcium decays, then jumps by c_pre and c_post', () => {
    expect(calciumStep(2, false, false, dt, P)).toBe(2 * calciumDecay(P, dt));
    expect(calciumStep(2, true, true, dt, P)).toBe(2 * calciumDecay(P, dt) + P.c_pre + P.c_post);
  });

  it('the early-phase step is decay + increment + noise gain · g, with the regime fixed point A/C', () => {
    for (const r of [0, 1, 2] as const) {
      const d = earlyPhaseDrift(P, r);
      expect(earlyPhaseExponent(P, r, dt)).toBeCloseTo(-dt / earlyPhaseTimeConstant(P, r), 18);
      expect(earlyPhaseRelaxationRate(P, r)).toBeCloseTo(1 / earlyPhaseTimeConstant(P, r), 12);
      expect(earlyPhaseDecay(P, r, dt)).toBe(Math.exp(earlyPhaseExponent(P, r, dt)));
      expect(earlyPhaseRelaxedFraction(P, r, dt)).toBeCloseTo(1 - earlyPhaseDecay(P, r, dt), 16);
      expect(earlyPhaseIncrement(P, r, dt)).toBe(d.target * (1 - earlyPhaseDecay(P, r, dt)));
      expect(earlyPhaseNoiseGain(P, r, dt)).toBe(earlyPhaseNoiseScale(P, r, dt) * (1 - earlyPhaseDecay(P, r, dt)));
      expect(earlyPhaseDiffusion(P, r)).toBeCloseTo((P.sigma_pl ** 2 * d.noiseWeight) / P.tau_h, 15);
      expect(earlyPhaseStep(d.target, P, r, dt, 0)).toBeCloseTo(d.target, 14);
      expect(earlyPhaseStep(6, P, r, dt, 0.3)).toBe(6 * earlyPhaseDecay(P, r, dt) + earlyPhaseIncrement(P, r, dt) + earlyPhaseNoiseGain(P, r, dt) * 0.3);
    }
    // the per-step variance of the noise matches the OU diffusion s² = σ² w/τ_h over a short step
    const g = earlyPhaseNoiseGain(P, 2, dt);
    expect((g * g) / dt).toBeCloseTo(earlyPhaseDiffusion(P, 2), 3);
  });

  it('h at rest relaxes to h0 with τ_h/0.1 (fast-forward and exact forms agree)', () => {
    for (const T of [1, 50, 6884]) {
      const h = earlyPhaseAtRest(P.h0 + 2, T, P);
      expect(h).toBeCloseTo(P.h0 + 2 * Math.exp(-T / 6884), 13);
      expect(h).toBeCloseTo(relaxAtRate(P.h0 + 2, P.h0, earlyPhaseRelaxationRate(P, 0), T), 14);
    }
    const dev = 3 * P.theta_tag;
    const tDecay = restDecayTime(dev, P.theta_tag, P);
    expect(restCrossingTime(P.h0 + dev, P.h0, P.h0 + P.theta_tag, earlyPhaseRelaxationRate(P, 0))).toBeCloseTo(tDecay, 9);
    expect(earlyPhaseAtRest(P.h0 + dev, tDecay, P) - P.h0).toBeCloseTo(P.theta_tag, 12);
  });

  it('protein with synthesis for part of an interval rises, then decays', () => {
    expect(proteinWithSynthesisFor(0.2, 100, 50, P)).toBe(proteinStep(0.2, true, 50, P));
    expect(proteinWithSynthesisFor(0.2, 20, 50, P)).toBe(proteinStep(proteinStep(0.2, true, 20, P), false, 30, P));
    expect(proteinWithSynthesisFor(0.2, 0, 50, P)).toBeCloseTo(proteinStep(0.2, false, 50, P), 16);
  });

  it('late phase: bounds, time constants τ_z z_max / τ_z, the per-step form with expSmall', () => {
    expect([latePhaseTarget(P, 1), latePhaseTarget(P, -1)]).toEqual([P.z_max, P.z_min]);
    const Q = resolveParams({ z_max: 0.8 });
    expect([latePhaseTimeConstant(Q, 1), latePhaseTimeConstant(Q, -1)]).toEqual([Q.tau_z * 0.8, Q.tau_z]);
    expect(latePhaseExponent(Q, 1, dt)).toBe(-dt / (Q.tau_z * 0.8));
    for (const tag of [1, -1, 0] as const) {
      for (const prot of [1e-6, 0.3, 1]) {
        expect(Math.abs(latePhaseStepSmall(0.2, prot, tag, dt, P) - latePhaseStep(0.2, prot, tag, dt, P))).toBeLessThanOrEqual(1e-16);
      }
    }
  });

  it('weight and PSP: w = h + h0 z, the current jump w/R_mem', () => {
    expect(totalWeight(5, 0.5, P)).toBe(5 + latePhaseWeight(0.5, P));
    expect(pspCurrent(5, 0.5, P)).toBe(totalWeight(5, 0.5, P) / P.r_mem);
    expect(membraneStep(-65, 0, dt, P)).toBe(-65);
  });
});
