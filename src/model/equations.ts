/**
 * The STC equations of MODEL.md §2–5 as pure functions, symbol for symbol, and the step coefficients
 * and closed forms the engines run: the one place where the model's arithmetic is written.
 *
 * Time arguments are in seconds, potentials and weights in mV. Three kinds of function:
 *  - step coefficients (`…Decay`, `…Increment`, `…NoiseGain`, `…Exponent`): plain numbers an engine
 *    computes once per trial and loads into locals, so its hot loop makes no call per step. A loop
 *    that writes a step out inline writes exactly the expression of the step function here, and a
 *    test pins the two together (engines/reference/referenceEngine.test.ts);
 *  - steps and closed forms in the reference's evaluation, x·e + x∞·(1 − e) with e = e^{−Δ/τ}
 *    (`relax`, `…Step`, `earlyPhaseAtRest`, `proteinWithSynthesisFor`): the reference engine and
 *    its fast-forward, as the published C++ code evaluates them;
 *  - closed forms in cancellation-free evaluation, x + (x − x∞)·(e^{−Δ/τ} − 1) (`relaxAtRate`,
 *    `advanceSlow`): the exact engine, exact for any interval from picoseconds to hours.
 * The two evaluations are the same mathematics and agree to rounding (tested); each engine keeps its
 * own so that its numbers stay what they are.
 */
import { expm1Neg, expSmall } from './fastExp.js';
import { type ModelParams, toSeconds } from './parameters.js';

export { expSmall };

/** Calcium regime of the early phase: 2 = potentiation (c ≥ θ_p), 1 = depression (θ_d ≤ c < θ_p), 0 = rest. */
export type Regime = 0 | 1 | 2;

/** Tag of a synapse: +1 LTP tag, −1 LTD tag, 0 none. */
export type Tag = -1 | 0 | 1;

/** Θ[x] = 1 for x ≥ 0 (the reference's `step`). */
export const heaviside = (x: number): 0 | 1 => (x >= 0 ? 1 : 0);

/** Which early-phase regime the calcium level selects (thresholds inclusive, as Θ[c − θ]). */
export function earlyPhaseRegime(c: number, thetaP: number, thetaD: number): Regime {
  if (c >= thetaP) return 2;
  if (c >= thetaD) return 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// Linear relaxation, the shape of every slow equation: τ dx/dt = x∞ − x, exactly over Δ.

/** x after Δ of relaxation toward x∞, with the decay factor e = e^{−Δ/τ}: x·e + x∞·(1 − e). */
export const relax = (x: number, xInf: number, e: number): number => x * e + xInf * (1 - e);

/**
 * The same, cancellation-free for any Δ: x + (x − x∞)·(e^{−kΔ} − 1), with the rate k = 1/τ (1/s).
 * Exact where x·e + x∞(1 − e) would lose digits (kΔ ≪ 1); uses the table-driven {@link expm1Neg}.
 */
export const relaxAtRate = (x: number, xInf: number, k: number, dt: number): number => x + (x - xInf) * expm1Neg(k * dt);

/** e^{−Δ/τ}: the factor by which a linear decay with time constant τ shrinks over Δ (same units). */
export const decayFactor = (dt: number, tau: number): number => Math.exp(-dt / tau);

/** 1 − e^{−Δ/τ} without cancellation: the fraction of the way to the fixed point covered in Δ. */
export const relaxedFraction = (dt: number, tau: number): number => -Math.expm1(-dt / tau);

// ---------------------------------------------------------------------------------------------------
// §2 Neurons and synapses

/** e^{−Δ/τ_mem}. */
export const membraneDecay = (p: ModelParams, dt: number): number => decayFactor(dt, toSeconds(p, 'tau_mem'));

/** e^{−Δ/τ_syn}: the synaptic current's decay over Δ. */
export const synapticCurrentDecay = (p: ModelParams, dt: number): number => decayFactor(dt, toSeconds(p, 'tau_syn'));

/** LIF membrane update over dt with input current held constant (exact exponential): V → V_rev + R I. */
export function membraneStep(v: number, current_nA: number, dt: number, p: ModelParams): number {
  return relax(v, p.v_rev + p.r_mem * current_nA, membraneDecay(p, dt));
}

/** e^{−Δ/τ_OU}: the decay of the OU background's deviation from I_0 over Δ. */
export const backgroundDecay = (p: ModelParams, dt: number): number => decayFactor(dt, toSeconds(p, 'tau_ou'));

/** SD of the OU background's exact Gaussian increment over Δ: σ_WN/√(2τ_OU) · √(1 − e^{−2Δ/τ_OU}) (nA). */
export function backgroundNoiseGain(p: ModelParams, dt: number): number {
  const tau = toSeconds(p, 'tau_ou');
  return (p.sigma_wn / Math.sqrt(2 * tau)) * Math.sqrt(1 - Math.exp((-2 * dt) / tau));
}

/** Exact OU step of the background current over dt, `gauss` a standard Gaussian sample. */
export function backgroundStep(i_nA: number, gauss: number, dt: number, p: ModelParams): number {
  return (i_nA - p.i_0) * backgroundDecay(p, dt) + backgroundNoiseGain(p, dt) * gauss + p.i_0;
}

/** Total weight, the PSP size: w = h + h0 z (mV). */
export const totalWeight = (h: number, z: number, p: ModelParams): number => h + p.h0 * z;

/** The late phase's share h0·z of the total weight (mV). */
export const latePhaseWeight = (z: number, p: ModelParams): number => p.h0 * z;

/** The jump of the synaptic current when a presynaptic spike arrives: w / R_mem (nA). */
export const pspCurrent = (h: number, z: number, p: ModelParams): number => (h + p.h0 * z) / p.r_mem;

/**
 * A delay in whole steps. The reference truncates `int(delay/dt)`; a tiny epsilon guards against
 * 0.003/0.0002 = 14.999… in binary floating point (3 ms at 0.2 ms must be 15 steps, 18.8 ms 94).
 */
export function delaySteps(delaySeconds: number, dt: number): number {
  return Math.floor(delaySeconds / dt + 1e-9);
}

// ---------------------------------------------------------------------------------------------------
// §3 Calcium

/** e^{−Δ/τ_c}. */
export const calciumDecay = (p: ModelParams, dt: number): number => decayFactor(dt, toSeconds(p, 'tau_c'));

/** Calcium over one step: decay, then the delayed presynaptic jump c_pre and the postsynaptic jump c_post. */
export function calciumStep(c: number, preArrives: boolean, postSpike: boolean, dt: number, p: ModelParams): number {
  let x = c * calciumDecay(p, dt);
  if (preArrives) x += p.c_pre;
  if (postSpike) x += p.c_post;
  return x;
}

// ---------------------------------------------------------------------------------------------------
// §4 Early phase h

/** The leak of τ_h dh/dt = 0.1 (h0 − h) + …: the early phase's decay coefficient C at rest. */
export const EARLY_PHASE_LEAK = 0.1;

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

/** Θ_p + Θ_d of a regime. */
const noiseWeight = (regime: Regime): 0 | 1 | 2 => regime;

/** C = 0.1 + γ_p Θ_p + γ_d Θ_d. */
function driftRate(p: ModelParams, regime: Regime): number {
  const thP = regime === 2 ? 1 : 0;
  const thD = regime >= 1 ? 1 : 0;
  return EARLY_PHASE_LEAK + p.gamma_p * thP + p.gamma_d * thD;
}

export function earlyPhaseDrift(p: ModelParams, regime: Regime): EarlyPhaseDrift {
  const thP = regime === 2 ? 1 : 0;
  const rate = driftRate(p, regime);
  const target = (EARLY_PHASE_LEAK * p.h0 + p.gamma_p * p.h_max * thP) / rate;
  return { rate, target, noiseWeight: noiseWeight(regime) };
}

/** Relaxation time constant of h in a regime, in s (τ_h / C). */
export function earlyPhaseTimeConstant(p: ModelParams, regime: Regime): number {
  return p.tau_h / driftRate(p, regime);
}

/** Relaxation rate of h in a regime, C/τ_h in 1/s (the mean reversion of its OU process). */
export const earlyPhaseRelaxationRate = (p: ModelParams, regime: Regime): number => driftRate(p, regime) / p.tau_h;

/** Diffusion s² = σ_pl² (Θ_p + Θ_d)/τ_h of h in a regime, mV²/s (dh = k(m − h)dt + s dW). */
export function earlyPhaseDiffusion(p: ModelParams, regime: Regime): number {
  return (p.sigma_pl * p.sigma_pl * noiseWeight(regime)) / p.tau_h;
}

/** Exponent −C Δ/τ_h of h's decay over Δ in a regime. */
export const earlyPhaseExponent = (p: ModelParams, regime: Regime, dt: number): number => (-dt * driftRate(p, regime)) / p.tau_h;

/** e^{−C Δ/τ_h}: the factor multiplying h in one step of a regime. */
export const earlyPhaseDecay = (p: ModelParams, regime: Regime, dt: number): number => Math.exp(earlyPhaseExponent(p, regime, dt));

/** 1 − e^{−C Δ/τ_h}, cancellation-free (the plasticity processor's relaxation coefficient). */
export const earlyPhaseRelaxedFraction = (p: ModelParams, regime: Regime, dt: number): number => -Math.expm1(earlyPhaseExponent(p, regime, dt));

/** The deterministic increment (A/C)(1 − e) of one step of a regime, mV. */
export function earlyPhaseIncrement(p: ModelParams, regime: Regime, dt: number): number {
  return earlyPhaseDrift(p, regime).target * (1 - earlyPhaseDecay(p, regime, dt));
}

/**
 * The step noise ξ/C per unit Gaussian sample, before the (1 − e) factor: σ_pl √(τ_h w/Δ) / C (mV),
 * with ξ the white noise averaged over one step of length Δ (0 at rest).
 */
export function earlyPhaseNoiseScale(p: ModelParams, regime: Regime, dt: number): number {
  return (p.sigma_pl * Math.sqrt((p.tau_h * noiseWeight(regime)) / dt)) / driftRate(p, regime);
}

/** The noise of one step per unit Gaussian sample: σ_pl √(τ_h w/Δ) / C · (1 − e) (mV). */
export function earlyPhaseNoiseGain(p: ModelParams, regime: Regime, dt: number): number {
  return earlyPhaseNoiseScale(p, regime, dt) * (1 - earlyPhaseDecay(p, regime, dt));
}

/**
 * One step of the early phase with the reference's exact exponential update, forcing held constant
 * over the step: h ← h e + (A/C)(1 − e) + (ξ/C)(1 − e), with ξ = σ_pl √(τ_h·w/dt)·g and g a standard
 * Gaussian sample (the white noise averaged over one step), e = e^{−C dt/τ_h}.
 */
export function earlyPhaseStep(h: number, p: ModelParams, regime: Regime, dt: number, gauss: number): number {
  return h * earlyPhaseDecay(p, regime, dt) + earlyPhaseIncrement(p, regime, dt) + earlyPhaseNoiseGain(p, regime, dt) * gauss;
}

/**
 * h after Δ below θ_d, as the fast-forward evaluates it: relaxes to h0 with τ_h/0.1 ≈ 1.91 h.
 * (The fixed point is written h0, mathematically the regime-0 target A/C.)
 */
export function earlyPhaseAtRest(h: number, dt: number, p: ModelParams): number {
  return relax(h, p.h0, earlyPhaseDecay(p, 0, dt));
}

/**
 * Time for |h − h0| to decay from `dev0` to `threshold` at rest (τ_h/0.1 · ln(dev0/threshold)), in s.
 * The reference uses it to predict when tags vanish and protein synthesis ends.
 */
export function restDecayTime(dev0: number, threshold: number, p: ModelParams): number {
  if (dev0 <= threshold) return 0;
  return earlyPhaseTimeConstant(p, 0) * Math.log(dev0 / threshold);
}

/**
 * Time for the resting relaxation h(t) = m + (h − m) e^{−kt} to reach `level` (an absolute h value
 * between h and m): ln((h − m)/(level − m))/k; 0 if h is already at or beyond it, Infinity if it is
 * never reached. The same as {@link restDecayTime} with m = h0 and k = 0.1/τ_h, in the exact engine's form.
 */
export function restCrossingTime(h: number, m: number, level: number, k: number): number {
  const ratio = (h - m) / (level - m);
  if (ratio > 1) return Math.log(ratio) / k; // +Infinity when level = m (approached, never reached)
  if (ratio < 0) return Infinity; // level on the far side of m
  return 0; // already at or beyond the level (also h = m = level)
}

// ---------------------------------------------------------------------------------------------------
// §5 Tag, protein, late phase

/** Tag state: +1 for an LTP tag (h − h0 ≥ θ_tag), −1 for an LTD tag (h0 − h ≥ θ_tag), 0 for none. */
export function tagState(h: number, p: ModelParams): Tag {
  const dev = h - p.h0;
  if (dev >= p.theta_tag) return 1;
  if (-dev >= p.theta_tag) return -1;
  return 0;
}

/** Protein synthesis is on while Σ|h − h0| ≥ θ_pro (Θ with the reference's ≥). */
export const proteinSynthesisOn = (sumAbsDev: number, p: ModelParams): boolean => sumAbsDev >= p.theta_pro;

/** e^{−Δ/τ_p}. */
export const proteinDecay = (p: ModelParams, dt: number): number => decayFactor(dt, p.tau_p);

/** Exact protein update over dt with synthesis on/off held constant: τ_p dp/dt = −p + α Θ. */
export function proteinStep(prot: number, synthesis: boolean, dt: number, p: ModelParams): number {
  return relax(prot, synthesis ? p.alpha : 0, proteinDecay(p, dt));
}

/**
 * p after Δ when synthesis runs for the first `synthesis_s` of it and is off afterwards (the
 * fast-forward's exact rise-then-decay: synthesis ends when Σ|h − h0| decays below θ_pro).
 */
export function proteinWithSynthesisFor(prot: number, synthesis_s: number, dt: number, p: ModelParams): number {
  if (dt < synthesis_s) return proteinStep(prot, true, dt, p);
  return proteinStep(proteinStep(prot, true, synthesis_s, p), false, dt - synthesis_s, p);
}

/** Bound z approaches with a tag: z_max (LTP), z_min (LTD). */
export const latePhaseTarget = (p: ModelParams, tag: 1 | -1): number => (tag > 0 ? p.z_max : p.z_min);

/**
 * Time constant of z per unit protein, τ_z' (z relaxes at rate p/τ_z'): τ_z z_max with an LTP tag,
 * τ_z with an LTD tag — τ_z dz/dt = p (1 − z) or −p (z + 0.5) for the defaults z_max = 1, z_min = −0.5.
 */
export const latePhaseTimeConstant = (p: ModelParams, tag: 1 | -1): number => (tag > 0 ? p.tau_z * p.z_max : p.tau_z);

/** The exponent of z's decay over Δ per unit protein, −Δ/τ_z' (e = e^{(−Δ/τ_z')·p}). */
export const latePhaseExponent = (p: ModelParams, tag: 1 | -1, dt: number): number => -dt / latePhaseTimeConstant(p, tag);

/**
 * Exact late-phase update over dt with protein amount and tag held constant, as the reference:
 * LTP tag: z → z_max with rate p/(τ_z z_max); LTD tag: z → z_min with rate p/τ_z. No tag: z frozen.
 */
export function latePhaseStep(z: number, prot: number, tag: Tag, dt: number, p: ModelParams): number {
  if (tag === 0) return z;
  return relax(z, latePhaseTarget(p, tag), Math.exp(latePhaseExponent(p, tag, dt) * prot));
}

/**
 * {@link latePhaseStep} with the per-step exponential {@link expSmall} (tiny exponents), as the
 * reference's detailed loop evaluates it, the exponent coefficient −Δ/τ_z' being a step constant.
 */
export function latePhaseStepSmall(z: number, prot: number, tag: Tag, dt: number, p: ModelParams): number {
  if (tag === 0) return z;
  return relax(z, latePhaseTarget(p, tag), expSmall(latePhaseExponent(p, tag, dt) * prot));
}

/** Constants of the slow subsystem (p, z) for {@link advanceSlow}, in s. */
export interface SlowConstants {
  readonly tauP: number;
  readonly alpha: number;
  /** z rate per unit ∫p: LTP 1/(τ_z z_max), LTD 1/τ_z (1/τ_z'). */
  readonly rhoLtp: number;
  readonly rhoLtd: number;
  readonly zMax: number;
  readonly zMin: number;
}

export function slowConstants(p: ModelParams): SlowConstants {
  return {
    tauP: p.tau_p, alpha: p.alpha,
    rhoLtp: 1 / latePhaseTimeConstant(p, 1), rhoLtd: 1 / latePhaseTimeConstant(p, -1),
    zMax: latePhaseTarget(p, 1), zMin: latePhaseTarget(p, -1),
  };
}

/**
 * Closed forms of p and z over an interval Δ where protein synthesis (s ∈ {0, 1}) and the tag are
 * constant, in cancellation-free form:
 *
 *   p(Δ)   = p + (p − sα)·expm1(−Δ/τ_p)                        (exact rise or decay)
 *   ∫₀^Δ p = sαΔ − (p − sα)·τ_p·expm1(−Δ/τ_p)
 *   z(Δ)   = z + (z − z_T)·expm1(−ρ ∫₀^Δ p)                     (ρ = 1/τ_z', z_T = z_max for an LTP
 *                                                               tag, z_min for LTD)
 *
 * With p constant (p = sα) it is {@link latePhaseStep}; z is exact also while p changes. Writes [p, z]
 * into `out` (no allocation).
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
