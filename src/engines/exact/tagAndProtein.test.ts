/** The exact engine's constants and closed forms are the model's (model/equations.ts). */
import { describe, expect, it } from 'vitest';
import {
  advanceSlow, earlyPhaseDiffusion, earlyPhaseDrift, earlyPhaseRelaxationRate, latePhaseStep, proteinStep, relaxAtRate, slowConstants,
} from '../../model/equations.js';
import { resolveParams } from '../../model/parameters.js';
import { PRESET_PROTOCOLS } from '../../model/protocols.js';
import { restH } from './earlyPhase.js';
import { regionOf } from './regions.js';
import { commitSlow } from './tagAndProtein.js';
import { ExactTrial, St } from './trialState.js';

function trial(params = resolveParams()): ExactTrial {
  return new ExactTrial({ params, protocol: PRESET_PROTOCOLS.STET, seed: 1, trial: 0, dt_ms: 0.2, fastForward: false, sampleInterval_s: 60, recordCalcium: false });
}

describe('exact engine ≡ model closed forms', () => {
  it('takes its OU and slow constants from the model', () => {
    for (const P of [resolveParams(), resolveParams({ tau_z: 1800, z_max: 0.8, z_min: -0.3, alpha: 0.7, tau_h: 300 })]) {
      const tr = trial(P);
      expect(tr.slowK).toEqual(slowConstants(P));
      for (const r of [0, 1, 2] as const) {
        const k = earlyPhaseRelaxationRate(P, r);
        expect(tr.ou[r]).toEqual({ k, m: earlyPhaseDrift(P, r).target, varInf: earlyPhaseDiffusion(P, r) / (2 * k) });
      }
    }
  });

  it('its late-phase update over an interval is latePhaseStep (constant protein) and proteinStep', () => {
    const P = resolveParams();
    const tr = trial(P);
    const out = new Float64Array(2);
    for (const [dev, tag] of [[3, 1], [-3, -1]] as const) {
      // a region with synthesis and a tag, p at its fixed point α: z sees constant protein
      tr.region = regionOf(tr.regions, dev);
      expect([tr.regions.tag[tr.region], tr.regions.synth[tr.region]]).toEqual([tag, 1]);
      tr.s[St.P_S] = P.alpha;
      tr.s[St.Z_S] = 0.1;
      tr.s[St.T_S] = 100;
      commitSlow(tr, 150);
      expect(tr.s[St.P_S]).toBe(P.alpha);
      expect(tr.s[St.Z_S]).toBeCloseTo(latePhaseStep(0.1, P.alpha, tag, 50, P), 15);
      // p rising from 0.3: the closed form is advanceSlow's, and p is proteinStep's to rounding
      tr.s[St.P_S] = 0.3;
      tr.s[St.Z_S] = 0.1;
      tr.s[St.T_S] = 150;
      commitSlow(tr, 1350);
      advanceSlow(slowConstants(P), 0.3, 0.1, 1, tag, 1200, out);
      expect([tr.s[St.P_S], tr.s[St.Z_S]]).toEqual([out[0], out[1]]);
      expect(tr.s[St.P_S]).toBeCloseTo(proteinStep(0.3, true, 1200, P), 15);
      // … and z follows fine steps of latePhaseStep with the protein of each step
      let p = 0.3, z = 0.1;
      for (let i = 0; i < 12_000; i++) {
        const p1 = proteinStep(p, true, 0.1, P);
        z = latePhaseStep(z, 0.5 * (p + p1), tag, 0.1, P);
        p = p1;
      }
      expect(tr.s[St.Z_S]).toBeCloseTo(z, 9);
    }
  });

  it('h at rest is the model relaxation toward the regime-0 fixed point', () => {
    const P = resolveParams();
    const tr = trial(P);
    tr.regime = 0;
    tr.s[St.H] = P.h0 + 2;
    tr.s[St.T_H] = 10;
    tr.s[St.NOW] = 1010;
    restH(tr);
    expect(tr.s[St.H_REST]).toBe(relaxAtRate(P.h0 + 2, earlyPhaseDrift(P, 0).target, earlyPhaseRelaxationRate(P, 0), 1000));
  });
});
