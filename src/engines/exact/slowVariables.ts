/**
 * Closed forms of the slow variables (MODEL.md §5) over an interval where protein synthesis (s ∈ {0, 1})
 * and the tag are constant:
 *
 *   p(Δ)   = p + (p − sα)·expm1(−Δ/τ_p)                        (exact rise or decay)
 *   ∫₀^Δ p = sαΔ − (p − sα)·τ_p·expm1(−Δ/τ_p)
 *   z(Δ)   = z + (z − z_T)·expm1(−ρ ∫₀^Δ p)                     (ρ = 1/(τ_z z_max), z_T = z_max for an
 *                                                               LTP tag; ρ = 1/τ_z, z_T = z_min for LTD)
 * and of the early phase at rest, h(Δ) = m + (h − m) e^{−kΔ} with k = 0.1/τ_h.
 */
import { expm1Neg } from './fastMath.js';

/** Constants of the slow subsystem, in s. */
export interface SlowConstants {
  readonly tauP: number;
  readonly alpha: number;
  /** z rate per unit ∫p: LTP 1/(τ_z z_max), LTD 1/τ_z. */
  readonly rhoLtp: number;
  readonly rhoLtd: number;
  readonly zMax: number;
  readonly zMin: number;
}

/**
 * Advances (p, z) by Δ with synthesis `synth` (0/1) and tag (−1, 0, +1) held constant. Writes
 * [p, z] into `out` (no allocation).
 */
export function advanceSlow(k: SlowConstants, p: number, z: number, synth: number, tag: number, dt: number, out: Float64Array): void {
  if (dt <= 0) {
    out[0] = p;
    out[1] = z;
    return;
  }
  const target = synth * k.alpha;
  const em1 = expm1Neg(dt / k.tauP);
  out[0] = p + (p - target) * em1;
  if (tag === 0 || (p === 0 && target === 0)) {
    out[1] = z;
    return;
  }
  const integral = target * dt - (p - target) * k.tauP * em1;
  if (tag > 0) out[1] = z + (z - k.zMax) * expm1Neg(k.rhoLtp * integral);
  else out[1] = z + (z - k.zMin) * expm1Neg(k.rhoLtd * integral);
}

/**
 * Time for the resting relaxation h(t) = m + (h − m) e^{−kt} to reach `level` (an absolute h value
 * between h and m); 0 if h is already at or beyond it, Infinity if it is never reached.
 */
export function restCrossingTime(h: number, m: number, level: number, k: number): number {
  const ratio = (h - m) / (level - m);
  if (ratio > 1) return Math.log(ratio) / k; // +Infinity when level = m (approached, never reached)
  if (ratio < 0) return Infinity; // level on the far side of m
  return 0; // already at or beyond the level (also h = m = level)
}
