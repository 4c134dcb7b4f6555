/**
 * The early phase h of the `exact` engine: closed-form relaxation at rest, and in the noisy calcium
 * regimes exact Ornstein–Uhlenbeck samples, refined by exact bridge bisection around threshold
 * crossings (the method and its error bounds are described in exactEngine.ts).
 *
 * Each committed piece of the noisy path places the tag and protein-synthesis switches inside it and
 * fills the probes that fall into it; kept apart from the event handlers because this is the one part
 * of the engine that draws random numbers for the sample path.
 */
import { relaxAtRate } from '../../model/equations.js';
import { ouBridge, ouTransitionOver } from './ornsteinUhlenbeck.js';
import { regionOf } from './regions.js';
import { commitSlow, setRegion, slowAt } from './tagAndProtein.js';
import { fillUserProbe } from './userProbes.js';
import type { ExactTrial, St } from './trialState.js';
import { fillGaussians, gaussianZiggurat } from './ziggurat.js';

// State slots used here, as literals whose types (St members) make the compiler check them against the
// one layout in trialState.ts: an imported constant would cost a load on every access per event.
const S_H: St.H = 0;
const S_T_H: St.T_H = 1;
const S_MAX_DEV: St.MAX_DEV = 14;
const S_NOW: St.NOW = 17;
const S_H_REST: St.H_REST = 19;

/** A possible threshold excursion between two samples is resolved when its probability exceeds this. */
export const EXCURSION_PROBABILITY = 1e-3;
const EXCURSION_LOG = -Math.log(EXCURSION_PROBABILITY);

/**
 * h at rest at s[NOW] ≥ tH (deterministic relaxation to the resting fixed point) into s[H_REST], without
 * committing: written to the state, not returned, since V8 boxes a double returned by a call it does not inline.
 */
export function restH(tr: ExactTrial): void {
  const o = tr.ou[0]!;
  tr.s[S_H_REST] = relaxAtRate(tr.s[S_H], o.m, o.k, tr.s[S_NOW] - tr.s[S_T_H]);
}

/**
 * Samples h at tB in the current noisy regime: one exact OU transition, refined by exact bridge
 * bisection wherever a threshold of h − h0 is crossed between the two samples, or could be crossed and
 * recrossed (Brownian-bridge crossing probability above {@link EXCURSION_PROBABILITY}), until such
 * stretches are at most maxNoisyStep long.
 */
export function advanceH(tr: ExactTrial): void {
  const tB = tr.s[S_NOW]!;
  const dt = tB - tr.s[S_T_H];
  if (dt > 0) {
    const o = tr.ou[tr.regime]!;
    tr.tmp[0] = dt;
    ouTransitionOver(o, tr.tmp);
    tr.stackT[0] = tB;
    if (tr.gi === tr.gn) drawNoiseBlock(tr);
    tr.stackH[0] = o.m + (tr.s[S_H] - o.m) * tr.tmp[0]! + tr.tmp[1]! * tr.gauss[tr.gi++]!;
    refine(tr);
  }
  tr.s[S_T_H] = tB;
}

/**
 * Draws the sample path's next block of Gaussians from its stream (the same numbers, in the same order, as
 * one draw per sample): a Gaussian returned by a call V8 does not inline is a fresh heap number, and the
 * path draws thousands per trial. Blocks grow from 16 to 512, so that a trial with few samples draws few.
 */
function drawNoiseBlock(tr: ExactTrial): void {
  const n = tr.gn === 0 ? 16 : Math.min(2 * tr.gn, tr.gauss.length);
  fillGaussians(tr.noise, tr.gauss, n);
  tr.gn = n;
  tr.gi = 0;
}

/**
 * Walks the noisy path from (tH, h) to the sample on the stack, bisecting with the OU bridge where needed.
 * The functions below take stack positions, not times and values: V8 boxes every double passed to a
 * call it does not inline, and these run several times per event.
 */
function refine(tr: ExactTrial): void {
  const o = tr.ou[tr.regime]!;
  const ST = tr.stackT, SH = tr.stackH;
  let top = 0;
  while (top >= 0) {
    if (ST[top]! - tr.s[S_T_H] > tr.dMax && top < ST.length - 1 && mayCross(tr, top)) {
      const t1 = tr.s[S_T_H], h1 = tr.s[S_H], t2 = ST[top]!, h2 = SH[top]!;
      const tm = 0.5 * (t1 + t2);
      if (tr.gi === tr.gn) drawNoiseBlock(tr);
      const ym = ouBridge(o, h1 - o.m, h2 - o.m, tm - t1, t2 - tm, tr.gauss[tr.gi++]!);
      top++;
      ST[top] = tm;
      SH[top] = o.m + ym;
      continue;
    }
    noisyPiece(tr, top);
    top--;
  }
}

/**
 * Whether h − h0 crosses a threshold between two samples (different regions), or may cross and come
 * back: for a Brownian bridge with endpoints a and b away from a level that probability is
 * exp(−2ab/(s²Δ)); it is tested against the two levels around the current region. From the path's last
 * sample to the one at stack position `top`.
 */
function mayCross(tr: ExactTrial, top: number): boolean {
  const d1 = tr.s[S_H] - tr.h0, d2 = tr.stackH[top]! - tr.h0, dt = tr.stackT[top]! - tr.s[S_T_H];
  const r1 = regionOf(tr.regions, d1);
  if (r1 !== regionOf(tr.regions, d2)) return true;
  const L = tr.regions.levels;
  const s2dt = tr.diffusion[tr.regime]! * dt;
  if (r1 > 0) {
    const a = d1 - L[r1 - 1]!, b = d2 - L[r1 - 1]!;
    if (2 * a * b < EXCURSION_LOG * s2dt) return true;
  }
  if (r1 < 4) {
    const a = L[r1]! - d1, b = L[r1]! - d2;
    if (2 * a * b < EXCURSION_LOG * s2dt) return true;
  }
  return false;
}

/**
 * Commits one piece of the noisy path, from the last sample to the one at stack position `top`: maxDev,
 * tag/synthesis switches and pending probes.
 */
function noisyPiece(tr: ExactTrial, top: number): void {
  const hB = tr.stackH[top]!;
  tr.piece[0] = tr.s[S_T_H];
  tr.piece[1] = tr.s[S_H];
  tr.s[S_H] = hB;
  tr.s[S_T_H] = tr.stackT[top]!;
  tr.ouSteps++;
  const d = hB - tr.h0;
  if ((d < 0 ? -d : d) > (tr.s[S_MAX_DEV] < 0 ? -tr.s[S_MAX_DEV] : tr.s[S_MAX_DEV])) tr.s[S_MAX_DEV] = d;
  const rb = regionOf(tr.regions, d);
  if (rb !== tr.region || tr.kPut < tr.kSched || tr.kCaPut < tr.kCaSched || (tr.probes !== undefined && tr.probes.nPend > 0)) {
    resolve(tr, tr.piece[0]!, tr.piece[1]!, tr.s[S_T_H], hB, rb);
  }
}

/**
 * Within one noisy step (tA, hA) → (tB, hB): places the threshold crossings of h − h0 by linear
 * interpolation and fills pending probes from the OU bridge, in time order.
 */
function resolve(tr: ExactTrial, tA: number, hA: number, tB: number, hB: number, rb: number): void {
  const L = tr.regions.levels;
  let nc = 0;
  if (rb > tr.region) for (let i = tr.region; i < rb; i++) nc = addCrossing(tr, nc, L[i]!, i + 1, tA, hA, tB, hB);
  else for (let i = tr.region - 1; i >= rb; i--) nc = addCrossing(tr, nc, L[i]!, i, tA, hA, tB, hB);

  // two independent bridge chains, one per probe kind, each from (tA, hA) to (tB, hB); the user's probes
  // (userProbes.ts) bridge between the path and the grid's samples, drawing the next grid sample ahead
  // of time when they come first (the same draw from the grid's stream, so the grid is unchanged)
  const o = tr.ou[tr.regime]!;
  let tg0 = tA, yg0 = hA - o.m, tc0 = tA, yc0 = hA - o.m, tu0 = tA, yu0 = hA - o.m;
  let ahead = false, ygAhead = 0;
  const yB = hB - o.m;
  const gridT = tr.rec.t_s;
  const caT = tr.caT;
  const up = tr.probes;
  let ic = 0;
  for (;;) {
    const tg = tr.kPut < tr.kSched && gridT[tr.kPut]! <= tB ? gridT[tr.kPut]! : Infinity;
    const tc = tr.kCaPut < tr.kCaSched && caT![tr.kCaPut]! <= tB ? caT![tr.kCaPut]! : Infinity;
    const tu = up !== undefined && up.kFill < up.nPend && up.pt[up.kFill]! <= tB ? up.pt[up.kFill]! : Infinity;
    const tgc = tg < tc ? tg : tc;
    const tProbe = tgc < tu ? tgc : tu;
    const tX = ic < nc ? tr.crossT[ic]! : Infinity;
    if (tX <= tProbe && ic < nc) {
      commitSlow(tr, tX);
      setRegion(tr, tr.crossTo[ic]!);
      ic++;
    } else if (tg === tProbe && tg !== Infinity) {
      yg0 = ahead ? ygAhead : ouBridge(o, yg0, yB, tg - tg0, tB - tg, gaussianZiggurat(tr.gridBridge));
      ahead = false;
      tg0 = tu0 = tg;
      yu0 = yg0;
      slowAt(tr, tg);
      tr.rec.put(o.m + yg0, tr.tmp[1]!, tr.tmp[0]!);
      tr.kPut++;
    } else if (tc === tProbe && tc !== Infinity) {
      yc0 = ouBridge(o, yc0, yB, tc - tc0, tB - tc, gaussianZiggurat(tr.caBridge));
      tc0 = tc;
      tr.caH![tr.kCaPut++] = o.m + yc0;
    } else if (tu !== Infinity) {
      let tR = tB, yR = yB;
      if (tg !== Infinity) {
        if (!ahead) ygAhead = ouBridge(o, yg0, yB, tg - tg0, tB - tg, gaussianZiggurat(tr.gridBridge));
        ahead = true;
        tR = tg;
        yR = ygAhead;
      }
      yu0 = ouBridge(o, yu0, yR, tu - tu0, tR - tu, gaussianZiggurat(up!.bridge));
      tu0 = tu;
      up!.rec.values[2] = o.m + yu0;
      fillUserProbe(tr);
    } else break;
  }
  tr.region = rb;
}

/** Appends the linearly interpolated time at which h − h0 passes `level` (kept in time order). */
function addCrossing(tr: ExactTrial, nc: number, level: number, to: number, tA: number, hA: number, tB: number, hB: number): number {
  const span = hB - hA;
  let f = span !== 0 ? (level + tr.h0 - hA) / span : 1;
  if (!(f > 0)) f = 0;
  else if (f > 1) f = 1;
  let tc = tA + f * (tB - tA);
  if (nc > 0 && tc < tr.crossT[nc - 1]!) tc = tr.crossT[nc - 1]!;
  tr.crossT[nc] = tc;
  tr.crossTo[nc] = to;
  return nc + 1;
}
