/**
 * The reference loop writes its updates inline (no call per step); these tests pin every one of them,
 * and every coefficient it loads, to the model's step functions (model/equations.ts), bit for bit.
 */
import { describe, expect, it } from 'vitest';
import {
  backgroundDecay, backgroundNoiseGain, backgroundStep, calciumDecay, calciumStep, delaySteps, earlyPhaseDecay, earlyPhaseIncrement,
  earlyPhaseNoiseGain, earlyPhaseRegime, earlyPhaseStep, latePhaseExponent, latePhaseStepSmall, latePhaseTarget, membraneDecay,
  membraneStep, proteinDecay, proteinStep, proteinSynthesisOn, pspCurrent, synapticCurrentDecay, tagState,
} from '../../model/equations.js';
import { resolveParams, toSeconds, type ModelParams } from '../../model/parameters.js';
import type { RandomStream } from '../../random/streams.js';
import {
  EPS, initialState, integrateDetailed, stepCoefficients, type StepObserver,
  S_C, S_H, S_I_BG, S_I_CA, S_I_PSP, S_I_SYN, S_P, S_POST_SPIKES, S_REF, S_SUM, S_V, S_Z, STATE_SIZE,
} from './detailedLoop.js';

const DT = 2e-4;
const NEVER = 0x3fffffff;

/** A stream that returns one fixed Gaussian sample (the loop draws at most one per step from each). */
const fixedGaussian = (g: number): RandomStream => ({ gaussian: () => g }) as unknown as RandomStream;
const silent: StepObserver = { observe: () => NEVER, postSpike: () => {} };

interface State { v: number; iSyn: number; iBg: number; ref: number; c: number; h: number; z: number; p: number; sumDev: number }

/** One step j = 1000 of the loop from `s`, with a presynaptic calcium and/or PSP arrival at j if asked. */
function loopStep(P: ModelParams, s: State, o: { psp: boolean; ca: boolean; g: number; gBg: number }) {
  const k = stepCoefficients(P, DT);
  const j = 1000;
  const st = new Float64Array(STATE_SIZE);
  st[S_V] = s.v; st[S_I_SYN] = s.iSyn; st[S_I_BG] = s.iBg; st[S_REF] = s.ref;
  st[S_C] = s.c; st[S_H] = s.h; st[S_Z] = s.z; st[S_P] = s.p; st[S_SUM] = s.sumDev;
  // spike 0 arrives (calcium) at j if o.ca, spike 1 delivers its PSP at j if o.psp; otherwise later
  const spikes = Int32Array.of(o.ca ? j - k.caDelay : j + 1, o.psp ? j - k.synDelay : j + 2);
  st[S_I_CA] = 0;
  st[S_I_PSP] = 1;
  integrateDetailed(k, st, spikes, fixedGaussian(o.g), fixedGaussian(o.gBg), silent, NEVER, j, j, NEVER);
  return st;
}

/** The same step composed from the model's step functions, in the order of MODEL.md §6. */
function modelStep(P: ModelParams, s: State, o: { psp: boolean; ca: boolean; g: number; gBg: number }) {
  const iBg = P.sigma_wn > 0 ? backgroundStep(s.iBg, o.gBg, DT, P) : s.iBg;
  let v = membraneStep(s.v, iBg + s.iSyn, DT, P);
  let post = false;
  if (s.ref > EPS) v = P.v_reset;
  else if (v >= P.v_th) {
    v = P.v_reset;
    post = true;
  }
  let iSyn = s.iSyn * synapticCurrentDecay(P, DT);
  const p = proteinStep(s.p, proteinSynthesisOn(s.sumDev, P), DT, P);
  if (o.psp) iSyn += pspCurrent(s.h, s.z, P);
  const c = calciumStep(s.c, o.ca, post, DT, P);
  const h = earlyPhaseStep(s.h, P, earlyPhaseRegime(c, P.theta_p, P.theta_d), DT, o.g);
  const z = p > EPS ? latePhaseStepSmall(s.z, p, tagState(h, P), DT, P) : s.z;
  return { v, iSyn, iBg, c, h, z, p, sumDev: Math.abs(h - P.h0), post };
}

describe('reference loop ≡ model step functions', () => {
  it('loads its coefficients from the model', () => {
    for (const P of [resolveParams(), resolveParams({}, 'network'), resolveParams({ tau_h: 100, gamma_d: 50, z_max: 0.8, tau_c: 20 })]) {
      for (const dt of [DT, 1e-4, 5e-5]) {
        const k = stepCoefficients(P, dt);
        expect([k.eMem, k.eSyn, k.eOU, k.ouNoise, k.eC, k.eP]).toEqual([
          membraneDecay(P, dt), synapticCurrentDecay(P, dt), backgroundDecay(P, dt), backgroundNoiseGain(P, dt), calciumDecay(P, dt), proteinDecay(P, dt),
        ]);
        expect([k.hE2, k.hA2, k.hN2, k.hE1, k.hA1, k.hN1, k.hE0, k.hA0]).toEqual([
          earlyPhaseDecay(P, 2, dt), earlyPhaseIncrement(P, 2, dt), earlyPhaseNoiseGain(P, 2, dt),
          earlyPhaseDecay(P, 1, dt), earlyPhaseIncrement(P, 1, dt), earlyPhaseNoiseGain(P, 1, dt),
          earlyPhaseDecay(P, 0, dt), earlyPhaseIncrement(P, 0, dt),
        ]);
        expect(earlyPhaseNoiseGain(P, 0, dt)).toBe(0);
        expect([k.zRateLTP, k.zRateLTD, k.zMax, k.zMin]).toEqual([
          latePhaseExponent(P, 1, dt), latePhaseExponent(P, -1, dt), latePhaseTarget(P, 1), latePhaseTarget(P, -1),
        ]);
        expect([k.synDelay, k.caDelay]).toEqual([delaySteps(toSeconds(P, 't_syn_delay'), dt), delaySteps(toSeconds(P, 't_c_delay'), dt)]);
        const st = initialState(k);
        expect([st[S_V], st[S_I_BG], st[S_H]]).toEqual([P.v_rev, P.i_0, P.h0]);
      }
    }
  });

  it('one detailed step from a given state equals the composition of the model steps, bit for bit', () => {
    const P0 = resolveParams();
    const cases: Array<[string, ModelParams, State, { psp: boolean; ca: boolean; g: number; gBg: number }]> = [
      ['potentiation, LTP tag, synthesis on, PSP and c_pre', P0,
        { v: -60, iSyn: 0.2, iBg: 0, ref: 0, c: 2.5, h: 6.1, z: 0.2, p: 0.4, sumDev: 2.5 }, { psp: true, ca: true, g: 0.7, gBg: 0 }],
      ['depression, LTD tag, synthesis off', P0,
        { v: -64, iSyn: 0.05, iBg: 0, ref: 0, c: 1.5, h: 3.1, z: -0.1, p: 0.3, sumDev: 1.0 }, { psp: false, ca: false, g: -1.3, gBg: 0 }],
      ['rest, no tag, no protein', P0,
        { v: -65, iSyn: 0, iBg: 0, ref: 0, c: 0.5, h: 4.5, z: 0.1, p: 0, sumDev: 0.3 }, { psp: false, ca: false, g: 2.0, gBg: 0 }],
      ['postsynaptic spike adds c_post; noisy background', resolveParams({ i_0: 0.15, sigma_wn: 0.05 }),
        { v: -55.0001, iSyn: 1.5, iBg: 0.3, ref: 0, c: 1.0, h: 5.2, z: 0.5, p: 0.9, sumDev: 2.2 }, { psp: true, ca: false, g: 0.1, gBg: -0.4 }],
      ['refractory hold', P0,
        { v: -70, iSyn: 0.4, iBg: 0, ref: 0.001, c: 3.5, h: 8.0, z: 0.9, p: 0.95, sumDev: 3.8 }, { psp: false, ca: true, g: -0.2, gBg: 0 }],
    ];
    for (const [name, P, s, o] of cases) {
      const st = loopStep(P, s, o);
      const m = modelStep(P, s, o);
      const got = { v: st[S_V], iSyn: st[S_I_SYN], iBg: st[S_I_BG], c: st[S_C], h: st[S_H], z: st[S_Z], p: st[S_P], sumDev: st[S_SUM] };
      expect(got, name).toEqual({ v: m.v, iSyn: m.iSyn, iBg: m.iBg, c: m.c, h: m.h, z: m.z, p: m.p, sumDev: m.sumDev });
      expect(st[S_POST_SPIKES], name).toBe(m.post ? 1 : 0);
    }
  });
});
