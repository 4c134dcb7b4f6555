/**
 * Tag, protein synthesis and late phase of the `exact` engine: the region of h − h0 (which fixes tag
 * and synthesis), the closed-form (p, z) between switches, and the switches at rest, which are closed
 * form too. Kept apart from the early phase because none of it is random: it only reads h.
 */
import { advanceSlow, restCrossingTime } from '../../model/equations.js';
import type { ExactTrial, St } from './trialState.js';

// State slots used here, as literals whose types (St members) make the compiler check them against the
// one layout in trialState.ts: an imported constant would cost a load on every access per event.
const S_H: St.H = 0;
const S_T_H: St.T_H = 1;
const S_P_S: St.P_S = 5;
const S_Z_S: St.Z_S = 6;
const S_T_S: St.T_S = 7;
const S_T_REST: St.T_REST = 8;
const S_P_MAX: St.P_MAX = 15;
const S_T_P_MAX: St.T_P_MAX = 16;
const S_NOW: St.NOW = 17;

/** Enters region r of h − h0, recording whether a tag or protein synthesis ever occurred. */
export function setRegion(tr: ExactTrial, r: number): void {
  tr.region = r;
  if (tr.regions.tag[r] !== 0) tr.tagged = true;
  if (tr.regions.synth[r] !== 0) tr.synthEver = true;
}

/** (p, z) at t ≥ tS with the current tag and synthesis, into tmp, without committing. */
export function slowAt(tr: ExactTrial, t: number): void {
  advanceSlow(tr.slowK, tr.s[S_P_S], tr.s[S_Z_S], tr.regions.synth[tr.region]!, tr.regions.tag[tr.region]!, t - tr.s[S_T_S], tr.tmp);
}

/** Commits (p, z) to t; p can only peak where synthesis stops, so pMax is checked here. */
export function commitSlow(tr: ExactTrial, t: number): void {
  const synth = tr.regions.synth[tr.region]!;
  slowAt(tr, t);
  tr.s[S_P_S] = tr.tmp[0]!;
  tr.s[S_Z_S] = tr.tmp[1]!;
  tr.s[S_T_S] = t;
  if (synth !== 0 && tr.s[S_P_S] > tr.s[S_P_MAX]) {
    tr.s[S_P_MAX] = tr.s[S_P_S];
    tr.s[S_T_P_MAX] = t;
  }
}

/**
 * At rest |h − h0| only shrinks: schedules the next region boundary towards the centre, in closed form.
 * At first only a lower bound of the switch time is scheduled, (1 − 1/y)/k ≤ ln(y)/k with
 * y = (h − m)/(level − m): at rest a tag or synthesis switch is usually an hour or more away, and
 * calcium rises again long before; the logarithm is taken only if the bound is reached first.
 */
export function scheduleRestSwitch(tr: ExactTrial, exact = false): void {
  const c = tr.regions.center;
  if (tr.region === c) {
    tr.s[S_T_REST] = Infinity;
    tr.restExact = true;
    return;
  }
  const level = tr.h0 + tr.regions.levels[tr.region > c ? tr.region - 1 : tr.region]!;
  const m = tr.ou[0]!.m;
  // q = 1/y ∈ (0, 1) exactly when y > 1 and finite; one division, and the rest time constant 1/k is kept
  const q = (level - m) / (tr.s[S_H]! - m);
  if (!exact && q > 0 && q < 1) {
    tr.s[S_T_REST] = tr.s[S_T_H]! + (1 - q) * tr.restTau;
    tr.restExact = false;
    return;
  }
  tr.restExact = true;
  let dt = restCrossingTime(tr.s[S_H], m, level, tr.ou[0]!.k);
  // a region that rounding left on the wrong side of its level is left at once
  if (dt === Infinity && (tr.s[S_H] - m) * (level - m) < 0) dt = 0;
  tr.s[S_T_REST] = tr.s[S_T_H] + dt;
}

/** h at rest reaches a tag or protein threshold: commit (p, z) and step one region towards the centre. */
export function onRestSwitch(tr: ExactTrial): void {
  const t = tr.s[S_NOW]!;
  commitSlow(tr, t);
  const c = tr.regions.center;
  tr.region = tr.region > c ? tr.region - 1 : tr.region + 1;
  scheduleRestSwitch(tr);
}
