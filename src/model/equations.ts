/**
 * The STC equations of MODEL.md §2–5 as pure functions, symbol for symbol.
 *
 * Time arguments are in seconds, potentials and weights in mV. Engines call these to build their
 * per-step coefficients, so the model is written once and engines differ only in *how* they advance it.
 */
import { type ModelParams, toSeconds } from './parameters.js';

/** Calcium regime of the early phase: 2 = potentiation (c ≥ θ_p), 1 = depression (θ_d ≤ c < θ_p), 0 = rest. */
export type Regime = 0 | 1 | 2;

/** Θ[x] = 1 for x ≥ 0 (the reference's `step`). */
export const heaviside = (x: number): 0 | 1 => (x >= 0 ? 1 : 0);

/** Which early-phase regime the calcium level selects (thresholds inclusive, as Θ[c − θ]). */
export function earlyPhaseRegime(c: number, thetaP: number, thetaD: number): Regime {
  if (c >= thetaP) return 2;
  if (c >= thetaD) return 1;
  return 0;
}

/**
 * Early-phase drift in a regime, written as τ_h dh/dt = −C h + A + ξ:
 * C = 0.1 + γ_p Θ_p + γ_d Θ_d and A = 0.1 h0 + γ_p h_max Θ_p.
 * The noise ξ has intensity √(τ_h (Θ_p + Θ_d)) σ_pl.
 */
export interface EarlyPhaseDrift {
  /** Dimensionless decay coefficient C (relaxation time τ_h / C). */
  readonly rate: number;
  /** Fixed point A / C in mV. */
  readonly target: number;
  /** Number of active thresholds (Θ_p + Θ_d): the noise variance multiplier. */
  readonly noiseWeight: 0 | 1 | 2;
}

export function earlyPhaseDrift(p: ModelParams, regime: Regime): EarlyPhaseDrift {
  const thP = regime === 2 ? 1 : 0;
  const thD = regime >= 1 ? 1 : 0;
  const rate = 0.1 + p.gamma_p * thP + p.gamma_d * thD;
  const target = (0.1 * p.h0 + p.gamma_p * p.h_max * thP) / rate;
  return { rate, target, noiseWeight: (thP + thD) as 0 | 1 | 2 };
}

/** Relaxation time constant of h in a regime, in s (τ_h / C). */
export function earlyPhaseTimeConstant(p: ModelParams, regime: Regime): number {
  return p.tau_h / earlyPhaseDrift(p, regime).rate;
}

/**
 * One step of the early phase with the reference's exact exponential update, forcing held constant
 * over the step: h ← h e^{−C dt/τ_h} + (A + ξ)/C (1 − e^{−C dt/τ_h}), with ξ = σ_pl √(τ_h·w/dt)·g and
 * g a standard Gaussian sample (the white noise averaged over one step).
 */
export function earlyPhaseStep(h: number, p: ModelParams, regime: Regime, dt: number, gauss: number): number {
  const d = earlyPhaseDrift(p, regime);
  const e = Math.exp((-dt * d.rate) / p.tau_h);
  const noise = d.noiseWeight === 0 ? 0 : p.sigma_pl * Math.sqrt((p.tau_h * d.noiseWeight) / dt) * gauss;
  return h * e + (d.target + noise / d.rate) * (1 - e);
}

/** Tag state: +1 for an LTP tag (h − h0 ≥ θ_tag), −1 for an LTD tag (h0 − h ≥ θ_tag), 0 for none. */
export function tagState(h: number, p: ModelParams): -1 | 0 | 1 {
  const dev = h - p.h0;
  if (dev >= p.theta_tag) return 1;
  if (-dev >= p.theta_tag) return -1;
  return 0;
}

/** Protein synthesis is on while Σ|h − h0| ≥ θ_pro (Θ with the reference's ≥). */
export const proteinSynthesisOn = (sumAbsDev: number, p: ModelParams): boolean => sumAbsDev >= p.theta_pro;

/** Exact protein update over dt with synthesis on/off held constant: τ_p dp/dt = −p + α Θ. */
export function proteinStep(prot: number, synthesis: boolean, dt: number, p: ModelParams): number {
  const e = Math.exp(-dt / p.tau_p);
  return prot * e + (synthesis ? p.alpha : 0) * (1 - e);
}

/**
 * Exact late-phase update over dt with protein amount and tag held constant, as the reference:
 * LTP tag: z → z_max with rate p/(τ_z z_max); LTD tag: z → z_min with rate p/τ_z. No tag: z frozen.
 */
export function latePhaseStep(z: number, prot: number, tag: -1 | 0 | 1, dt: number, p: ModelParams): number {
  if (tag === 1) {
    const e = Math.exp((-dt / (p.tau_z * p.z_max)) * prot);
    return z * e + p.z_max * (1 - e);
  }
  if (tag === -1) {
    const e = Math.exp((-dt / p.tau_z) * prot);
    return z * e + p.z_min * (1 - e);
  }
  return z;
}

/** Total weight, the PSP size: w = h + h0 z (mV). */
export const totalWeight = (h: number, z: number, p: ModelParams): number => h + p.h0 * z;

/**
 * A delay in whole steps. The reference truncates `int(delay/dt)`; a tiny epsilon guards against
 * 0.003/0.0002 = 14.999… in binary floating point (3 ms at 0.2 ms must be 15 steps, 18.8 ms 94).
 */
export function delaySteps(delaySeconds: number, dt: number): number {
  return Math.floor(delaySeconds / dt + 1e-9);
}

/** LIF membrane update over dt with input current held constant (exact exponential). */
export function membraneStep(v: number, current_nA: number, dt: number, p: ModelParams): number {
  const e = Math.exp(-dt / toSeconds(p, 'tau_mem'));
  return v * e + (p.v_rev + p.r_mem * current_nA) * (1 - e);
}

/**
 * Time for |h − h0| to decay from `dev0` to `threshold` at rest (τ_h/0.1 · ln(dev0/threshold)), in s.
 * The reference uses it to predict when tags vanish and protein synthesis ends.
 */
export function restDecayTime(dev0: number, threshold: number, p: ModelParams): number {
  if (dev0 <= threshold) return 0;
  return (p.tau_h / 0.1) * Math.log(dev0 / threshold);
}

/**
 * e^x for the tiny per-step exponents of the slow variables (|x| ≤ 1e-4): the cubic Taylor polynomial
 * is correct to below half an ulp there (x⁴/24 < 5e-18), and several times faster than Math.exp in V8.
 * Falls back to Math.exp elsewhere.
 */
export function expSmall(x: number): number {
  if (x > -1e-4 && x < 1e-4) return 1 + x * (1 + x * (0.5 + x * (1 / 6)));
  return Math.exp(x);
}
