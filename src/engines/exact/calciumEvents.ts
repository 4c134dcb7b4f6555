/**
 * Calcium of the `exact` engine: jumps (presynaptic arrival or postsynaptic spike) and downward crossings
 * of θ_p and θ_d, which switch the early phase between its three regimes. Calcium itself is a closed form
 * between jumps, so only the last jump (c_J at t_J) is stored.
 *
 * Presynaptic arrivals are not events of the trial loop. After each calcium event the arrivals that follow
 * are folded into c ahead of time ({@link scanCalcium}) up to the first one that changes the regime, or the
 * downward crossing that comes before it; only that is the next calcium event (s[T_CA]). Most arrivals
 * change no regime (in SLFS half of them leave c below θ_d), and these cost a multiplication by the decay
 * from the arrival before ({@link calciumDecays}, computed before the trial) instead of an event. c just after each folded arrival is kept (ExactTrial.cAfter), so that a postsynaptic spike or a
 * probe between two calcium events sees c exactly as the per-arrival fold leaves it at its time
 * ({@link commitCalcium}): c is computed by the same operations in the same order whether or not anything
 * looks, and a postsynaptic jump discards the fold beyond it and scans again.
 */
import { advanceH, restH } from './earlyPhase.js';
import { expNeg } from '../../model/fastExp.js';
import { scheduleRestSwitch } from './tagAndProtein.js';
import type { ExactTrial, St } from './trialState.js';

// State slots used here, as literals whose types (St members) make the compiler check them against the
// one layout in trialState.ts: an imported constant would cost a load on every access per event.
const S_H: St.H = 0;
const S_T_H: St.T_H = 1;
const S_C_J: St.C_J = 2;
const S_T_J: St.T_J = 3;
const S_T_CA: St.T_CA = 4;
const S_T_REST: St.T_REST = 8;
const S_NOW: St.NOW = 17;
const S_H_REST: St.H_REST = 19;

/**
 * Relative distance of the decayed c from θ beyond which "c has fallen through θ before this arrival" is
 * decided by comparing c with θ; closer, by comparing the crossing time τ_c ln(c_J/θ) with the arrival, as
 * the engine did when every arrival was an event (both decide the same beyond rounding, ≈ 10⁻¹⁶).
 */
const NEAR = 1e-9;

/**
 * The decay of c from each calcium arrival to the next, out[i] = e^{−(t_i − t_{i−1})/τ_c} (t_{−1} = 0), in
 * one pass before the trial: the same values the scan would compute, but with no branch between them, so
 * that the exponentials overlap instead of each waiting for the regime test of the one before.
 */
export function calciumDecays(spikes: Float64Array, n: number, dCa: number, tauC: number, out: Float64Array): void {
  let tJ = 0;
  for (let i = 0; i < n; i++) {
    const t = spikes[i]! + dCa;
    out[i] = expNeg((t - tJ) / tauC);
    tJ = t;
  }
}

/**
 * From the committed calcium (c_J at t_J, arrivals from iCa on), folds the presynaptic arrivals into c up to
 * the next calcium event and schedules it: the arrival that changes the regime (ExactTrial.caEvent = its
 * index), else, in a noisy regime, the crossing of its threshold (caEvent = −1). Commits nothing.
 */
export function scanCalcium(tr: ExactTrial): void {
  const S = tr.spikes, n = tr.nSpikes, A = tr.cAfter, E = tr.cDecay;
  const dCa = tr.dCa, tauC = tr.tauC, cPre = tr.cPre, thetaP = tr.thetaP, thetaD = tr.thetaD;
  const regime = tr.regime;
  const theta = regime === 2 ? thetaP : thetaD;
  const hi = theta * (1 + NEAR), lo = theta * (1 - NEAR);
  const now = tr.s[S_NOW];
  let c = tr.s[S_C_J], tJ = tr.s[S_T_J];
  let i = tr.iCa;
  // the decays were computed from one arrival to the next: the first arrival of the scan may follow a
  // postsynaptic jump instead (or the trial's start); its decay goes into a slot of a scratch array, so
  // that no value from a call V8 may not inline meets the loop's doubles (it would box them all)
  const D = tr.firstDecay;
  let fromArrival = tJ === (i > 0 ? S[i - 1]! + dCa : 0);
  if (!fromArrival && i < n) D[0] = expNeg((S[i]! + dCa - tJ) / tauC);
  for (; i < n; i++) {
    const t = S[i]! + dCa;
    const cd = c * (fromArrival ? E[i]! : D[0]!);
    fromArrival = true;
    // in a noisy regime: does c fall through its threshold before this arrival? (the crossing time is
    // written out here and below, not called: V8 boxes the doubles of a call it does not inline)
    if (regime !== 0 && !(cd > hi)) {
      if (cd < lo) break;
      const tx = tJ + (c > theta ? tauC * Math.log(c / theta) : 0);
      if ((tx < now ? now : tx) <= t) break;
    }
    c = cd + cPre;
    tJ = t;
    A[i] = c;
    const r = c >= thetaP ? 2 : c >= thetaD ? 1 : 0;
    if (r !== 0 && r !== regime) {
      tr.caEvent = i;
      tr.iScan = i + 1;
      tr.s[S_T_CA] = t;
      return;
    }
  }
  tr.iScan = i;
  tr.caEvent = -1;
  // the downward crossing τ_c ln(c/θ) after the last jump (calcium.ts calciumCrossingTime), not before now
  const tx = regime === 0 ? Infinity : tJ + (c > theta ? tauC * Math.log(c / theta) : 0);
  tr.s[S_T_CA] = tx < now ? now : tx;
}

/** Commits the folded arrivals at or before s[NOW] (all of them come before the next calcium event). */
export function commitCalcium(tr: ExactTrial): void {
  const t = tr.s[S_NOW], S = tr.spikes, dCa = tr.dCa;
  let i = tr.iCa;
  while (i < tr.iScan && S[i]! + dCa <= t) i++;
  if (i === tr.iCa) return;
  tr.s[S_C_J] = tr.cAfter[i - 1]!;
  tr.s[S_T_J] = S[i - 1]! + dCa;
  tr.iCa = i;
}

/** The next calcium event, now: an arrival that changes the regime, or a downward crossing. */
export function onCalciumEvent(tr: ExactTrial): void {
  const k = tr.caEvent;
  if (k >= 0) {
    const c = tr.cAfter[k]!;
    tr.s[S_C_J] = c;
    tr.s[S_T_J] = tr.s[S_NOW];
    tr.iCa = k + 1;
    enterRegime(tr, c >= tr.thetaP ? 2 : 1);
  } else {
    // every folded arrival comes before the crossing
    const i = tr.iScan;
    if (i > tr.iCa) {
      tr.s[S_C_J] = tr.cAfter[i - 1]!;
      tr.s[S_T_J] = tr.spikes[i - 1]! + tr.dCa;
      tr.iCa = i;
    }
    onCrossing(tr);
  }
  scanCalcium(tr);
}

/** A postsynaptic spike now: c jumps by c_post; the arrivals after it are folded again. */
export function onPostCalcium(tr: ExactTrial): void {
  const t = tr.s[S_NOW];
  commitCalcium(tr);
  const c = tr.s[S_C_J] * expNeg((t - tr.s[S_T_J]) / tr.tauC) + tr.cPost;
  tr.s[S_C_J] = c;
  tr.s[S_T_J] = t;
  const r: 0 | 1 | 2 = c >= tr.thetaP ? 2 : c >= tr.thetaD ? 1 : 0;
  if (r !== 0 && r !== tr.regime) enterRegime(tr, r); // a jump never lowers the regime
  scanCalcium(tr);
}

/** Calcium has jumped into regime r (≠ 0) now. */
function enterRegime(tr: ExactTrial, r: 1 | 2): void {
  const t = tr.s[S_NOW];
  if (tr.regime === 0) {
    restH(tr);
    tr.s[S_H] = tr.s[S_H_REST];
    tr.s[S_T_H] = t;
    tr.s[S_T_REST] = Infinity;
  } else advanceH(tr);
  tr.regime = r;
}

/** Calcium falls through θ_p or θ_d now. */
function onCrossing(tr: ExactTrial): void {
  advanceH(tr);
  if (tr.regime === 2) tr.regime = 1;
  else {
    tr.regime = 0;
    scheduleRestSwitch(tr);
  }
}
