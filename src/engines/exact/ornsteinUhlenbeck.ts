/**
 * Exact sampling of the early-phase weight h within one calcium regime, where it is an
 * Ornstein–Uhlenbeck process (MODEL.md §4):
 *
 *   τ_h dh = (A − C h) dt + σ_pl √(τ_h w) dW   ⇔   dh = k (m − h) dt + s dW,
 *   k = C/τ_h,  m = A/C,  s² = σ_pl² w / τ_h   (w = number of active calcium thresholds).
 *
 * Over any interval Δ the transition is Gaussian with
 *   mean m + (h − m) e^{−kΔ},   variance s² (1 − e^{−2kΔ}) / (2k),
 * so a sample path observed at any set of times is exact in distribution (no discretisation error).
 */
import { earlyPhaseDiffusion, earlyPhaseDrift, earlyPhaseRelaxationRate, type Regime } from '../../model/equations.js';
import { expm1Neg } from '../../model/fastExp.js';
import type { ModelParams } from '../../model/parameters.js';

/** Per-regime constants of the OU process. */
export interface OuRegime {
  /** Mean-reversion rate k = C/τ_h, 1/s. */
  readonly k: number;
  /** Fixed point m = A/C, mV. */
  readonly m: number;
  /** Stationary variance s²/(2k), mV² (0 at rest). */
  readonly varInf: number;
}

/** The OU constants of h in calcium regime r (s² = σ² w/τ_h; stationary variance s²/(2k)). */
export function ouRegime(P: ModelParams, r: Regime): OuRegime {
  const k = earlyPhaseRelaxationRate(P, r);
  return { k, m: earlyPhaseDrift(P, r).target, varInf: earlyPhaseDiffusion(P, r) / (2 * k) };
}

/**
 * e^{−kΔ} and the transition SD √(varInf (1 − e^{−2kΔ})), computed from e^{−x} − 1 so that both stay
 * accurate for kΔ ≪ 1. Writes [decay, sd] into `out` (no allocation).
 */
export function ouTransition(reg: OuRegime, dt: number, out: Float64Array): void {
  out[0] = dt;
  ouTransitionOver(reg, out);
}

/** {@link ouTransition} over Δ = out[0] (no double crosses the call: V8 boxes those of calls it does not inline). */
export function ouTransitionOver(reg: OuRegime, out: Float64Array): void {
  const em1 = expm1Neg(reg.k * out[0]!);
  out[0] = 1 + em1;
  // 1 − e^{−2kΔ} = −em1 (2 + em1)
  out[1] = Math.sqrt(reg.varInf * -em1 * (2 + em1));
}

/**
 * Samples the OU bridge: the value at an intermediate time, given the values at both ends of an
 * interval. `ya`, `yb` are deviations from the fixed point m at times 0 and τ1 + τ2; returns the
 * deviation at τ1 (exact conditional Gaussian of the OU process, with `g` a standard Gaussian).
 */
export function ouBridge(reg: OuRegime, ya: number, yb: number, tau1: number, tau2: number, g: number): number {
  if (tau2 <= 0) return yb;
  if (tau1 <= 0) return ya;
  const e1 = Math.exp(-reg.k * tau1);
  const e2 = Math.exp(-reg.k * tau2);
  const v1 = reg.varInf * -Math.expm1(-2 * reg.k * tau1);
  const vt = reg.varInf * -Math.expm1(-2 * reg.k * (tau1 + tau2));
  if (!(vt > 0)) return ya * e1; // no noise: the deterministic path
  const gain = (e2 * v1) / vt;
  const mean = ya * e1 + gain * (yb - ya * e1 * e2);
  const variance = v1 * (1 - e2 * gain);
  return mean + Math.sqrt(variance > 0 ? variance : 0) * g;
}
