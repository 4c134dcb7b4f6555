/**
 * Calcium events of the `exact` engine: jumps (presynaptic arrival or postsynaptic spike) and downward
 * crossings of θ_p and θ_d, which switch the early phase between its three regimes. Calcium itself is a
 * closed form between jumps, so only the last jump (c_J at t_J) is stored.
 */
import { calciumCrossingLowerBound, calciumCrossingTime } from './calcium.js';
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
const S_T_CROSS: St.T_CROSS = 4;
const S_T_REST: St.T_REST = 8;
const S_NOW: St.NOW = 17;

/** c jumps by c_pre (presynaptic arrival) or c_post (postsynaptic spike) now. */
export function onCalciumJump(tr: ExactTrial, post: boolean): void {
  const t = tr.s[S_NOW]!;
  const amount = post ? tr.cPost : tr.cPre;
  const c = tr.s[S_C_J] * expNeg((t - tr.s[S_T_J]) / tr.tauC) + amount;
  tr.s[S_C_J] = c;
  tr.s[S_T_J] = t;
  const r: 0 | 1 | 2 = c >= tr.thetaP ? 2 : c >= tr.thetaD ? 1 : 0;
  if (r === 0) return; // stays at rest (a jump never lowers the regime)
  if (r !== tr.regime) {
    if (tr.regime === 0) {
      tr.s[S_H] = restH(tr, t);
      tr.s[S_T_H] = t;
      tr.s[S_T_REST] = Infinity;
    } else advanceH(tr);
    tr.regime = r;
  }
  const theta = r === 2 ? tr.thetaP : tr.thetaD;
  if (c < 2 * theta) {
    // close to the threshold the crossing usually comes before the next jump: take the log now
    tr.s[S_T_CROSS] = t + calciumCrossingTime(c, theta, tr.tauC);
    tr.crossExact = true;
  } else {
    tr.s[S_T_CROSS] = t + calciumCrossingLowerBound(c, theta, tr.tauC);
    tr.crossExact = false;
  }
}

/** Calcium falls through θ_p or θ_d. */
export function onCrossing(tr: ExactTrial): void {
  const t = tr.s[S_NOW]!;
  advanceH(tr);
  if (tr.regime === 2) {
    tr.regime = 1;
    tr.s[S_T_CROSS] = tr.s[S_T_J] + calciumCrossingLowerBound(tr.s[S_C_J], tr.thetaD, tr.tauC);
    if (tr.s[S_T_CROSS] < t) tr.s[S_T_CROSS] = t;
    tr.crossExact = false;
  } else {
    tr.regime = 0;
    tr.s[S_T_CROSS] = Infinity;
    tr.crossExact = true;
    scheduleRestSwitch(tr);
  }
}
