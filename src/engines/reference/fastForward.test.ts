import { describe, expect, it } from 'vitest';
import {
  advanceSlow, earlyPhaseAtRest, earlyPhaseRelaxationRate, latePhaseStep, proteinStep, proteinWithSynthesisFor, relaxAtRate,
  restDecayTime, slowConstants, tagState,
} from '../../model/equations.js';
import { resolveParams } from '../../model/parameters.js';
import { GridRecorder } from '../gridRecorder.js';
import { fastForward, FF_STEP_S, type FastForwardState } from './fastForward.js';

const P = resolveParams();

function state(over: Partial<FastForwardState>): FastForwardState {
  return { t: 3600, h: P.h0, z: 0, p: 0, sumDev: 0, tagged: false, proteinSynthesis: false, pMax: 0, tPMax: 0, ...over };
}

describe('fast-forward ≡ model closed forms', () => {
  it('one 50 s step is the model closed form of h, p and z, bit for bit', () => {
    const cases: Array<Partial<FastForwardState>> = [
      { h: P.h0 + 3.4, z: 0.3, p: 0.6, sumDev: 3.4 }, // LTP tag, synthesis on for the whole step
      { h: P.h0 + P.theta_pro * 1.0001, z: 0.3, p: 0.6, sumDev: P.theta_pro * 1.0001 }, // synthesis ends after ~0.7 s
      { h: P.h0 - 2.5, z: -0.1, p: 0.2, sumDev: 2.5 }, // LTD tag, synthesis on
      { h: P.h0 + 0.5, z: 0.7, p: 0.8, sumDev: 0.5 }, // no tag: z frozen, p decays
      { h: P.h0 + 1, z: 0.7, p: 0, sumDev: 1 }, // tag without protein: z frozen
    ];
    for (const c of cases) {
      const s = state(c);
      const ff = fastForward(P, s, s.t + FF_STEP_S, new GridRecorder(8 * 3600, 60));
      const p = s.sumDev > P.theta_pro ? proteinWithSynthesisFor(s.p, restDecayTime(s.sumDev, P.theta_pro, P), FF_STEP_S, P) : proteinStep(s.p, false, FF_STEP_S, P);
      const h = earlyPhaseAtRest(s.h, FF_STEP_S, P);
      const tag = tagState(h, P);
      const z = p > 1e-11 ? latePhaseStep(s.z, p, tag, FF_STEP_S, P) : s.z;
      expect([ff.t, ff.h, ff.p, ff.z, ff.sumDev, ff.tagged]).toEqual([s.t + FF_STEP_S, h, p, z, Math.abs(h - P.h0), tag !== 0]);
    }
  });

  it('its closed forms agree with the cancellation-free ones of the exact engine', () => {
    const out = new Float64Array(2);
    const K = slowConstants(P);
    for (const dt of [0.5, 50, 3000]) {
      // h at rest
      for (const h of [P.h0 + 3, P.h0 - 1.7]) {
        expect(earlyPhaseAtRest(h, dt, P)).toBeCloseTo(relaxAtRate(h, P.h0, earlyPhaseRelaxationRate(P, 0), dt), 13);
      }
      // p with synthesis on and off, then synthesis for part of the interval
      for (const [synth, p0] of [[1, 0.2], [0, 0.7]] as const) {
        advanceSlow(K, p0, 0, synth, 0, dt, out);
        expect(proteinStep(p0, synth === 1, dt, P)).toBeCloseTo(out[0]!, 14);
      }
      advanceSlow(K, 0.2, 0, 1, 0, 0.4 * dt, out);
      advanceSlow(K, out[0]!, 0, 0, 0, 0.6 * dt, out);
      expect(proteinWithSynthesisFor(0.2, 0.4 * dt, dt, P)).toBeCloseTo(out[0]!, 14);
      // z with constant protein (p at its synthesis fixed point α)
      for (const tag of [1, -1] as const) {
        advanceSlow(K, P.alpha, 0.1, 1, tag, dt, out);
        expect(latePhaseStep(0.1, P.alpha, tag, dt, P)).toBeCloseTo(out[1]!, 14);
      }
    }
  });
});
