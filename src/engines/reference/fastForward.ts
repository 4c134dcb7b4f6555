/**
 * The reference simulator's fast-forward regime (MODEL.md §6), used after the last stimulus:
 * spiking is skipped, calcium is zero, h relaxes analytically towards h0, p and z advance in
 * 50 s steps. Within a step, p uses its exact rise-then-decay (synthesis ends when Σ|h − h0|,
 * decaying with τ_h/0.1, falls below θ_pro); z uses the step's *final* p held constant, as the
 * C++ code does — that is the approximation. Steps end on whole seconds, as in the reference.
 */
import type { ModelParams } from '../../model/parameters.js';
import { restDecayTime } from '../../model/equations.js';
import type { GridRecorder } from '../gridRecorder.js';

/** Detailed integration continues this long after the end of the last stimulation (10 s + t_wfr/2). */
export const FF_BUFFER_S = 10.25;
/** Length of one fast-forward step, s. */
export const FF_STEP_S = 50;

const EPS = 1e-11;

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
  const h0 = P.h0;
  while (t < tEnd - 1e-12) {
    const tNext = Math.min(Math.floor(t + FF_STEP_S), tEnd);
    const delta = tNext - t;
    const hPrev = h, zPrev = z, pPrev = p;

    // protein: rising until synthesis ends, then decaying (the C++ code marks synthesis with ≥ but
    // lets it run only for Σ|h − h0| > θ_pro in fast-forward; both kept)
    if (sumDev >= P.theta_pro) proteinSynthesis = true;
    if (sumDev > P.theta_pro) {
      const tOff = restDecayTime(sumDev, P.theta_pro, P);
      if (delta < tOff) {
        const e = Math.exp(-delta / P.tau_p);
        p = p * e + P.alpha * (1 - e);
      } else {
        const e = Math.exp(-tOff / P.tau_p);
        p = (p * e + P.alpha * (1 - e)) * Math.exp(-(delta - tOff) / P.tau_p);
      }
    } else {
      p *= Math.exp(-delta / P.tau_p);
    }
    if (p > pMax) {
      pMax = p;
      tPMax = tNext;
    }

    // early phase: exact relaxation at rest
    const eh = Math.exp((-delta * 0.1) / P.tau_h);
    h = h * eh + h0 * (1 - eh);
    const dev = h - h0;
    sumDev = Math.abs(dev);

    // late phase with the step's final p
    if (dev >= P.theta_tag) {
      tagged = true;
      if (p > EPS) {
        const e = Math.exp((-delta / (P.tau_z * P.z_max)) * p);
        z = z * e + P.z_max * (1 - e);
      }
    } else if (-dev >= P.theta_tag) {
      tagged = true;
      if (p > EPS) {
        const e = Math.exp((-delta / P.tau_z) * p);
        z = z * e + P.z_min * (1 - e);
      }
    }

    rec.interpolate(t, hPrev, zPrev, pPrev, tNext, h, z, p);
    t = tNext;
  }
  return { t, h, z, p, sumDev, tagged, proteinSynthesis, pMax, tPMax };
}
