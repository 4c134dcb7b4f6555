/**
 * The reference simulator's fast-forward regime (MODEL.md §6), used after the last stimulus:
 * spiking is skipped, calcium is zero, h relaxes analytically towards h0, p and z advance in
 * 50 s steps. Within a step, p uses its exact rise-then-decay (synthesis ends when Σ|h − h0|,
 * decaying with τ_h/0.1, falls below θ_pro); z uses the step's *final* p held constant, as the
 * C++ code does — that is the approximation. Steps end on whole seconds, as in the reference.
 */
import {
  earlyPhaseAtRest, latePhaseStep, proteinStep, proteinSynthesisOn, proteinWithSynthesisFor, restDecayTime, tagState,
} from '../../model/equations.js';
import type { ModelParams } from '../../model/parameters.js';
import type { GridRecorder } from '../gridRecorder.js';
import { EPS } from './detailedLoop.js';

/** Detailed integration continues this long after the end of the last stimulation (10 s + t_wfr/2). */
export const FF_BUFFER_S = 10.25;
/** Length of one fast-forward step, s. */
export const FF_STEP_S = 50;

export interface FastForwardState {
  t: number;
  h: number;
  z: number;
  p: number;
  /** Σ|h − h0| of the last step, not yet seen by the protein equation. */
  sumDev: number;
  tagged: boolean;
  proteinSynthesis: boolean;
  pMax: number;
  tPMax: number;
}

/** Advances the state from `s.t` to `tEnd` in fast-forward steps, recording onto `rec`. */
export function fastForward(P: ModelParams, s: FastForwardState, tEnd: number, rec: GridRecorder): FastForwardState {
  let { t, h, z, p, sumDev, tagged, proteinSynthesis, pMax, tPMax } = s;
  while (t < tEnd - 1e-12) {
    const tNext = Math.min(Math.floor(t + FF_STEP_S), tEnd);
    const delta = tNext - t;
    const hPrev = h, zPrev = z, pPrev = p;

    // protein: rising until synthesis ends, then decaying (the C++ code marks synthesis with ≥ but
    // lets it run only for Σ|h − h0| > θ_pro in fast-forward; both kept)
    if (proteinSynthesisOn(sumDev, P)) proteinSynthesis = true;
    p = sumDev > P.theta_pro
      ? proteinWithSynthesisFor(p, restDecayTime(sumDev, P.theta_pro, P), delta, P)
      : proteinStep(p, false, delta, P);
    if (p > pMax) {
      pMax = p;
      tPMax = tNext;
    }

    // early phase: exact relaxation at rest
    h = earlyPhaseAtRest(h, delta, P);
    sumDev = Math.abs(h - P.h0);

    // late phase with the step's final p
    const tag = tagState(h, P);
    if (tag !== 0) {
      tagged = true;
      if (p > EPS) z = latePhaseStep(z, p, tag, delta, P);
    }

    rec.interpolate(t, hPrev, zPrev, pPrev, tNext, h, z, p);
    t = tNext;
  }
  return { t, h, z, p, sumDev, tagged, proteinSynthesis, pMax, tPMax };
}
