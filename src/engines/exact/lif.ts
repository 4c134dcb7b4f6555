/**
 * The leaky integrate-and-fire membrane with an exponentially decaying synaptic current (MODEL.md §2),
 * solved in closed form between synaptic inputs. With u = V − V_rev, D = R_mem I_0 (constant drive)
 * and the current I(t) = I e^{−t/τ_syn}:
 *
 *   u(t) = D + (u − D − K) e^{−t/τ_mem} + K e^{−t/τ_syn},   K = R_mem I τ_syn/(τ_syn − τ_mem)
 *   (τ_syn = τ_mem:  u(t) = D + (u − D + R_mem I t/τ_mem) e^{−t/τ_mem}).
 *
 * Such a sum of two exponentials has at most one extremum, so the first threshold crossing in a window
 * is bracketed in closed form and then located by safeguarded Newton iteration to {@link SPIKE_TIME_TOL_S}.
 */
import { expNeg } from '../../model/fastExp.js';

/** Spike times are located to this tolerance, s (10 ps). */
export const SPIKE_TIME_TOL_S = 1e-11;

/** Constants of the membrane, SI seconds / mV / nA / MΩ. */
export interface LifConstants {
  readonly tauMem: number;
  readonly tauSyn: number;
  readonly rMem: number;
  /** Constant drive D = R_mem I_0, mV. */
  readonly drive: number;
  /** Threshold relative to V_rev, mV. */
  readonly uTh: number;
  /** max_t>0 of the unit PSP shape u(t)/(R_mem I) from rest (a bound used to skip the spike search). */
  readonly gMax: number;
  /** Where that maximum is, s after the input. */
  readonly tPeak: number;
  /** τ_syn = τ_mem (degenerate case). */
  readonly equalTau: boolean;
  /** τ_syn = τ_mem/2 (the default): e^{−t/τ_syn} = (e^{−t/τ_mem})², one exponential instead of two. */
  readonly halfTau: boolean;
}

export function makeLifConstants(tauMem: number, tauSyn: number, rMem: number, i0: number, vTh: number, vRev: number): LifConstants {
  const equalTau = Math.abs(tauSyn - tauMem) <= 1e-12 * tauMem;
  let gMax: number, tPeak: number;
  if (equalTau) {
    tPeak = tauMem;
    gMax = Math.exp(-1);
  } else {
    tPeak = (Math.log(tauMem / tauSyn) * tauMem * tauSyn) / (tauMem - tauSyn);
    gMax = ((Math.exp(-tPeak / tauMem) - Math.exp(-tPeak / tauSyn)) * tauSyn) / (tauMem - tauSyn);
  }
  return { tauMem, tauSyn, rMem, drive: rMem * i0, uTh: vTh - vRev, gMax, tPeak, equalTau, halfTau: 2 * tauSyn === tauMem };
}

/**
 * Advances the membrane deviation u and the synaptic current I (nA) by Δ with no input in between;
 * writes [u, I] into `out` (no allocation).
 */
export function advanceMembrane(L: LifConstants, u: number, I: number, dt: number, out: Float64Array): void {
  const e1 = expNeg(dt / L.tauMem);
  if (L.equalTau) {
    out[0] = L.drive + (u - L.drive + (L.rMem * I * dt) / L.tauMem) * e1;
    out[1] = I * e1;
    return;
  }
  const e2 = L.halfTau ? e1 * e1 : expNeg(dt / L.tauSyn);
  const K = (L.rMem * I * L.tauSyn) / (L.tauSyn - L.tauMem);
  out[0] = L.drive + (u - L.drive - K) * e1 + K * e2;
  out[1] = I * e2;
}

/** u and du/dt at time t of the free solution (used by the root finder). */
function evalWithSlope(L: LifConstants, u: number, I: number, t: number, out: Float64Array): void {
  const e1 = Math.exp(-t / L.tauMem);
  if (L.equalTau) {
    const a = u - L.drive + (L.rMem * I * t) / L.tauMem;
    out[0] = L.drive + a * e1;
    out[1] = ((L.rMem * I) / L.tauMem) * e1 - (a / L.tauMem) * e1;
    return;
  }
  const K = (L.rMem * I * L.tauSyn) / (L.tauSyn - L.tauMem);
  const e2 = Math.exp(-t / L.tauSyn);
  const a1 = u - L.drive - K;
  out[0] = L.drive + a1 * e1 + K * e2;
  out[1] = (-a1 / L.tauMem) * e1 - (K / L.tauSyn) * e2;
}

const scratch = new Float64Array(2);

/**
 * An upper bound of u(t) over all t ≥ 0 of the free trajectory from (u, I), I ≥ 0: exact when τ_syn = τ_mem/2,
 * where u(t) − D = a x − b x² with x = e^{−t/τ_mem} ∈ (0, 1], a = u − D + R I, b = R I (a parabola in x);
 * otherwise the cheap max(u, D) + R I gMax.
 */
export function peakBound(L: LifConstants, u: number, I: number): number {
  if (!L.halfTau || !(I > 0)) return (u > L.drive ? u : L.drive) + (I > 0 ? L.rMem * I * L.gMax : 0);
  const b = L.rMem * I, a = u - L.drive + b;
  const x = a / (2 * b);
  return L.drive + (x >= 1 ? a - b : x > 0 ? a * x * 0.5 : 0);
}

/** The time of the single extremum of the free trajectory from (u, I), or NaN if it has none. */
function extremumTime(L: LifConstants, u: number, I: number): number {
  if (L.equalTau) {
    // du/dt ∝ R I − (u − D + R I t/τ) = 0
    return I !== 0 ? L.tauMem - ((u - L.drive) * L.tauMem) / (L.rMem * I) : NaN;
  }
  const K = (L.rMem * I * L.tauSyn) / (L.tauSyn - L.tauMem);
  const a1 = u - L.drive - K;
  // du/dt = 0 ⇔ e^{t(1/τs − 1/τm)} = −K τm/(a1 τs)
  const ratio = (-K * L.tauMem) / (a1 * L.tauSyn);
  return ratio > 0 ? Math.log(ratio) / (1 / L.tauSyn - 1 / L.tauMem) : NaN;
}

/**
 * Whether the free trajectory from (u, I) reaches `level` within (0, horizon]: its largest value there is
 * at the one extremum (a maximum exactly when I > 0) or at an end. No root search.
 */
export function reaches(L: LifConstants, u: number, I: number, horizon: number, level: number): boolean {
  if ((u > L.drive ? u : L.drive) + (I > 0 ? L.rMem * I * L.gMax : 0) < level || !(horizon > 0)) return false;
  if (u >= level) return true;
  const tc = extremumTime(L, u, I);
  if (tc > 0 && tc < horizon && I > 0) {
    evalWithSlope(L, u, I, tc, scratch);
    return scratch[0]! >= level;
  }
  if (horizon === Infinity) return L.drive >= level;
  evalWithSlope(L, u, I, horizon, scratch);
  return scratch[0]! >= level;
}

/**
 * The first time in (0, horizon] at which the free membrane trajectory from (u, I) reaches threshold,
 * or Infinity. Assumes u < threshold at t = 0. Cheap rejection first: u(t) ≤ max(u, D) + R I⁺ gMax.
 */
export function firstSpikeTime(L: LifConstants, u: number, I: number, horizon: number): number {
  const bound = (u > L.drive ? u : L.drive) + (I > 0 ? L.rMem * I * L.gMax : 0);
  if (bound < L.uTh || !(horizon > 0)) return Infinity;
  // The single extremum t_c of the trajectory, if any, from du/dt = 0.
  const tc = extremumTime(L, u, I);
  // At the extremum u'' has the sign of −I: it is a maximum exactly when I > 0.
  let lo = 0;
  let hi = horizon;
  if (tc > 0 && tc < horizon && I > 0) {
    evalWithSlope(L, u, I, tc, scratch);
    if (scratch[0]! < L.uTh) return Infinity;
    hi = tc;
  } else {
    // monotone on [0, horizon], or falling to a minimum and rising again: the crossing, if any, is
    // in the rising part before the horizon
    evalWithSlope(L, u, I, horizon, scratch);
    if (!(scratch[0]! >= L.uTh)) return Infinity;
    if (tc > 0 && tc < horizon) lo = tc;
  }
  // Safeguarded Newton on the increasing bracket [lo, hi] with u(lo) < θ ≤ u(hi).
  let x = hi;
  for (let it = 0; it < 200 && hi - lo > SPIKE_TIME_TOL_S; it++) {
    evalWithSlope(L, u, I, x, scratch);
    if (scratch[0]! >= L.uTh) hi = x;
    else lo = x;
    let next = scratch[1]! > 0 ? x - (scratch[0]! - L.uTh) / scratch[1]! : NaN;
    // Newton has converged to one side of the root: step just across it to close the bracket
    if (Math.abs(next - x) < 0.5 * SPIKE_TIME_TOL_S) next = x === hi ? x - SPIKE_TIME_TOL_S : x + SPIKE_TIME_TOL_S;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    x = next;
  }
  return hi;
}
