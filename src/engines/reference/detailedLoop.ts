/**
 * The reference engine's detailed (fixed-step) integration: one small, monomorphic loop.
 *
 * It lives in its own function, with its state loaded into locals on entry and stored on exit, so
 * V8 optimises it once and keeps it: inlined into the trial set-up, the loop was re-compiled and
 * de-optimised on every trial (OSR entries, never-seen code after the loop) and ran ~4× slower.
 * Everything rare — recording the grid, probes and the calcium window — goes through one observer
 * call when the step counter reaches `nextObserve`: one integer comparison per step.
 */
import {
  backgroundDecay, backgroundNoiseGain, calciumDecay, delaySteps, earlyPhaseDecay, earlyPhaseIncrement, earlyPhaseNoiseGain,
  expSmall, latePhaseExponent, latePhaseTarget, membraneDecay, proteinDecay, synapticCurrentDecay,
} from '../../model/equations.js';
import { type ModelParams, toSeconds } from '../../model/parameters.js';
import type { RandomStream } from '../../random/streams.js';

/** The reference's EPSILON (10e-12): refractory and protein amounts below it count as zero. */
export const EPS = 1e-11;

/**
 * Decaying traces are flushed to zero below this: a product of a subnormal number costs ~100×
 * a normal one, and 5e-324 · e^{−dt/τ} rounds back to 5e-324, so without the flush c and I_syn
 * would stay subnormal forever. No result can change: such values vanish against every threshold
 * and sum they meet.
 */
const TINY = 1e-300;

/**
 * Per-step coefficients of every linear update, computed once per trial from the model's step
 * coefficients (model/equations.ts): the loop loads them into locals and writes each update out as the
 * model's step function does (pinned by referenceEngine.test.ts).
 */
export interface StepCoefficients {
  readonly dt: number;
  readonly eMem: number; readonly eSyn: number; readonly eOU: number; readonly ouNoise: number;
  readonly tRef: number; readonly vRev: number; readonly vTh: number; readonly vReset: number;
  readonly rMem: number; readonly i0: number;
  readonly eC: number; readonly cPre: number; readonly cPost: number; readonly thetaP: number; readonly thetaD: number;
  readonly h0: number; readonly thetaTag: number; readonly thetaPro: number; readonly alpha: number; readonly eP: number;
  /** h ← h·e + add + noise·g in the potentiation (2), depression (1) and rest (0) regimes. */
  readonly hE2: number; readonly hA2: number; readonly hN2: number;
  readonly hE1: number; readonly hA1: number; readonly hN1: number;
  readonly hE0: number; readonly hA0: number;
  /** z ← z·e + z_T·(1 − e), e = expSmall(zRate·p), for an LTP and an LTD tag. */
  readonly zRateLTP: number; readonly zRateLTD: number; readonly zMax: number; readonly zMin: number;
  readonly synDelay: number; readonly caDelay: number;
}

export function stepCoefficients(P: ModelParams, dt: number): StepCoefficients {
  return {
    dt,
    eMem: membraneDecay(P, dt), eSyn: synapticCurrentDecay(P, dt),
    eOU: backgroundDecay(P, dt), ouNoise: backgroundNoiseGain(P, dt),
    tRef: toSeconds(P, 't_ref'), vRev: P.v_rev, vTh: P.v_th, vReset: P.v_reset, rMem: P.r_mem, i0: P.i_0,
    eC: calciumDecay(P, dt), cPre: P.c_pre, cPost: P.c_post, thetaP: P.theta_p, thetaD: P.theta_d,
    h0: P.h0, thetaTag: P.theta_tag, thetaPro: P.theta_pro, alpha: P.alpha, eP: proteinDecay(P, dt),
    hE2: earlyPhaseDecay(P, 2, dt), hA2: earlyPhaseIncrement(P, 2, dt), hN2: earlyPhaseNoiseGain(P, 2, dt),
    hE1: earlyPhaseDecay(P, 1, dt), hA1: earlyPhaseIncrement(P, 1, dt), hN1: earlyPhaseNoiseGain(P, 1, dt),
    hE0: earlyPhaseDecay(P, 0, dt), hA0: earlyPhaseIncrement(P, 0, dt),
    zRateLTP: latePhaseExponent(P, 1, dt), zRateLTD: latePhaseExponent(P, -1, dt),
    zMax: latePhaseTarget(P, 1), zMin: latePhaseTarget(P, -1),
    synDelay: delaySteps(toSeconds(P, 't_syn_delay'), dt),
    caDelay: delaySteps(toSeconds(P, 't_c_delay'), dt),
  };
}

/** Slots of the loop state vector. Booleans are stored as 0/1. */
export const S_V = 0, S_I_SYN = 1, S_I_BG = 2, S_REF = 3, S_C = 4, S_H = 5, S_Z = 6, S_P = 7, S_SUM = 8,
  S_MAX_DEV = 9, S_P_MAX = 10, S_J_P_MAX = 11, S_POST_SPIKES = 12, S_TAGGED = 13, S_SYNTHESIS = 14,
  S_I_PSP = 15, S_I_CA = 16, S_I_FORCED = 17, STATE_SIZE = 18;

/** Initial state: V at rest, h = h0, everything else zero. */
export function initialState(k: StepCoefficients): Float64Array {
  const s = new Float64Array(STATE_SIZE);
  s[S_V] = k.vRev;
  s[S_I_BG] = k.i0;
  s[S_H] = k.h0;
  return s;
}

/** Receives the state at the steps it asked for; returns the next step it wants (or a never-step). */
export interface StepObserver {
  observe(j: number, v: number, c: number, h: number, z: number, p: number): number;
  postSpike(j: number): void;
}

/**
 * Integrates steps jFrom … jTo (inclusive) in the reference's order of operations (see
 * referenceEngine.ts), reading and writing the state vector `st`. `never` is a step index larger
 * than any step of the run. `forced`, when given, drives the postsynaptic neuron (Protocol.postSpikeTimes_s):
 * it spikes at exactly these sorted, distinct steps and its membrane is held at V_reset, as the network
 * loop does for a neuron of a spike-train stimulus.
 */
export function integrateDetailed(
  k: StepCoefficients, st: Float64Array, spikes: Int32Array, noise: RandomStream, background: RandomStream,
  obs: StepObserver, nextObserve: number, jFrom: number, jTo: number, never: number, forced?: Int32Array,
): void {
  const dt = k.dt, eMem = k.eMem, eSyn = k.eSyn, eOU = k.eOU, ouNoise = k.ouNoise, tRef = k.tRef;
  const vRev = k.vRev, vTh = k.vTh, vReset = k.vReset, rMem = k.rMem, i0 = k.i0;
  const eC = k.eC, cPre = k.cPre, cPost = k.cPost, thetaP = k.thetaP, thetaD = k.thetaD;
  const h0 = k.h0, thetaTag = k.thetaTag, negThetaTag = -k.thetaTag, thetaPro = k.thetaPro, alpha = k.alpha, eP = k.eP;
  const hE2 = k.hE2, hA2 = k.hA2, hN2 = k.hN2, hE1 = k.hE1, hA1 = k.hA1, hN1 = k.hN1, hE0 = k.hE0, hA0 = k.hA0;
  const zRateLTP = k.zRateLTP, zRateLTD = k.zRateLTD, zMax = k.zMax, zMin = k.zMin;
  const synDelay = k.synDelay, caDelay = k.caDelay;
  const nSpikes = spikes.length;

  let v = st[S_V]!, iSyn = st[S_I_SYN]!, iBg = st[S_I_BG]!, refractory = st[S_REF]!;
  let c = st[S_C]!, h = st[S_H]!, z = st[S_Z]!, p = st[S_P]!, sumDev = st[S_SUM]!;
  let maxDev = st[S_MAX_DEV]!, pMax = st[S_P_MAX]!, jPMax = st[S_J_P_MAX]! | 0, postSpikes = st[S_POST_SPIKES]! | 0;
  let tagged = st[S_TAGGED] === 1, synthesis = st[S_SYNTHESIS] === 1;
  let iPsp = st[S_I_PSP]! | 0, iCa = st[S_I_CA]! | 0;
  let nextPsp = iPsp < nSpikes ? spikes[iPsp]! + synDelay : never;
  let nextCa = iCa < nSpikes ? spikes[iCa]! + caDelay : never;
  let nextObs = nextObserve;
  const driven = forced !== undefined;
  const nForced = driven ? forced.length : 0;
  let iForced = st[S_I_FORCED]! | 0;
  let nextForced = iForced < nForced ? forced![iForced]! : never;

  for (let j = jFrom; j <= jTo; j++) {
    // 1. postsynaptic neuron: background (= backgroundStep), membrane (= membraneStep), refractory hold
    //    or threshold; current decay
    let postSpike = false;
    if (driven) {
      v = vReset;
      if (j === nextForced) {
        postSpike = true;
        postSpikes++;
        obs.postSpike(j);
        iForced++;
        nextForced = iForced < nForced ? forced![iForced]! : never;
      }
    } else {
      if (ouNoise > 0) iBg = (iBg - i0) * eOU + ouNoise * background.gaussian() + i0;
      v = v * eMem + (vRev + rMem * (iBg + iSyn)) * (1 - eMem);
      if (refractory > EPS) {
        v = vReset;
        refractory -= dt;
      } else if (v >= vTh) {
        v = vReset;
        refractory = tRef;
        postSpike = true;
        postSpikes++;
        obs.postSpike(j);
      }
    }
    iSyn *= eSyn;
    if (iSyn < TINY && iSyn > -TINY) iSyn = 0;

    // 2. protein with the previous step's Σ|h − h0| (= proteinStep)
    if (sumDev >= thetaPro) {
      synthesis = true;
      p = p * eP + alpha * (1 - eP);
    } else {
      p = p * eP;
    }
    if (p > pMax) {
      pMax = p;
      jPMax = j;
    }

    // 3. synapse: delayed PSP (= pspCurrent), calcium (= calciumStep: decay, then jumps), early phase
    //    (= earlyPhaseStep), tag (= tagState) and late phase (= latePhaseStepSmall)
    if (j === nextPsp) {
      iSyn += (h + h0 * z) / rMem;
      iPsp++;
      nextPsp = iPsp < nSpikes ? spikes[iPsp]! + synDelay : never;
    }
    c *= eC;
    if (c < TINY) c = 0;
    if (j === nextCa) {
      c += cPre;
      iCa++;
      nextCa = iCa < nSpikes ? spikes[iCa]! + caDelay : never;
    }
    if (postSpike) c += cPost;

    // The regimes and tags share one code path each (selects instead of separate branches), so that
    // every operation has type feedback from the first protocol on: a branch first reached by a later
    // protocol (LTD after LTP, say) would de-optimise the loop, and its re-optimised code ran ~4× slower.
    if (c >= thetaD) {
      const pot = c >= thetaP;
      h = h * (pot ? hE2 : hE1) + (pot ? hA2 : hA1) + (pot ? hN2 : hN1) * noise.gaussian();
      if (Math.abs(h - h0) > Math.abs(maxDev)) maxDev = h - h0;
    } else {
      h = h * hE0 + hA0;
    }
    const dev = h - h0;
    sumDev = dev < 0 ? -dev : dev;
    const ltp = dev >= thetaTag;
    if (ltp || dev <= negThetaTag) {
      tagged = true;
      if (p > EPS) {
        const e = expSmall((ltp ? zRateLTP : zRateLTD) * p);
        z = z * e + (ltp ? zMax : zMin) * (1 - e);
      }
    }

    if (j === nextObs) nextObs = obs.observe(j, v, c, h, z, p);
  }

  st[S_V] = v; st[S_I_SYN] = iSyn; st[S_I_BG] = iBg; st[S_REF] = refractory;
  st[S_C] = c; st[S_H] = h; st[S_Z] = z; st[S_P] = p; st[S_SUM] = sumDev;
  st[S_MAX_DEV] = maxDev; st[S_P_MAX] = pMax; st[S_J_P_MAX] = jPMax; st[S_POST_SPIKES] = postSpikes;
  st[S_TAGGED] = tagged ? 1 : 0; st[S_SYNTHESIS] = synthesis ? 1 : 0; st[S_I_PSP] = iPsp; st[S_I_CA] = iCa; st[S_I_FORCED] = iForced;
}
