/**
 * An upper bound of the synaptic weight w = h + h0·z over a single-synapse trial. The exact engine uses it
 * to prove that a stretch of presynaptic input cannot fire the neuron whatever the plasticity does, so
 * that it need not know the weight at those arrivals (engines/exact/pspSchedule.ts).
 *
 * In each calcium regime r, h is an Ornstein–Uhlenbeck process reverting to m_r with stationary SD σ_r
 * (σ_0 = 0 at rest). Above M = max(h0, m_0, m_1, m_2) every regime pulls h down, so h exceeds M + K·max σ_r
 * only by a Gaussian excursion of K stationary SDs: with K = 20 its probability over a trial of T·k
 * relaxation times is about T·k·K·e^{−K²/2} ≈ 10⁻⁸⁰·T·k — far below the engine's own approximations
 * (10⁻³ per sample interval). z starts at 0 and never leaves [z_min, z_max].
 */
import { earlyPhaseDiffusion, earlyPhaseDrift, earlyPhaseRelaxationRate } from './equations.js';
import type { ModelParams } from './parameters.js';

/** Stationary SDs of h above its highest fixed point that the bound allows. */
export const WEIGHT_BOUND_SDS = 20;

/** Upper bound of w = h + h0·z (mV) along any trial that starts at h = h0, z = 0; Infinity if there is none. */
export function weightUpperBound(P: ModelParams): number {
  return earlyPhaseRange(P)[1] + P.h0 * Math.max(P.z_max, 0);
}

/** Range [lo, hi] of h (mV) along any run that starts at h = h0: the fixed points widened by the same K SDs. */
export function earlyPhaseRange(P: ModelParams): readonly [number, number] {
  let lo = P.h0, hi = P.h0, variance = 0;
  for (const r of [0, 1, 2] as const) {
    const m = earlyPhaseDrift(P, r).target;
    lo = Math.min(lo, m);
    hi = Math.max(hi, m);
    const k = earlyPhaseRelaxationRate(P, r), s2 = earlyPhaseDiffusion(P, r);
    if (s2 > 0) variance = Math.max(variance, k > 0 ? s2 / (2 * k) : Infinity);
  }
  const w = WEIGHT_BOUND_SDS * Math.sqrt(variance);
  return [lo - w, hi + w];
}

/**
 * How far h in a calcium episode can get from the resting relaxation it would have followed, per
 * unit time: the drift part, max over the noisy regimes and over h in {@link earlyPhaseRange} of
 * |k_r (m_r − h) − k_0 (h0 − h)| (mV/s; linear in h, so the range's ends suffice), and the noise
 * part, the largest diffusion of h (mV²/s): over Δ, |h − h_rest| ≤ drift·Δ + K·√(diffusion·Δ) but
 * for a K-SD Gaussian excursion.
 */
export function episodeDeparture(P: ModelParams): { readonly drift: number; readonly diffusion: number } {
  const [lo, hi] = earlyPhaseRange(P);
  const k0 = earlyPhaseRelaxationRate(P, 0);
  let drift = 0, diffusion = 0;
  for (const r of [1, 2] as const) {
    const k = earlyPhaseRelaxationRate(P, r), m = earlyPhaseDrift(P, r).target;
    for (const h of [lo, hi]) drift = Math.max(drift, Math.abs(k * (m - h) - k0 * (P.h0 - h)));
    diffusion = Math.max(diffusion, earlyPhaseDiffusion(P, r));
  }
  return { drift, diffusion };
}
