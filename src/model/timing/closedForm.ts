/**
 * Closed forms of the early phase under a deterministic spike pattern (docs/timing.md).
 *
 * With forced postsynaptic spikes and explicit presynaptic spikes, calcium is a known function of time:
 * a sum of jumps (c_pre at t_pre + t_c,delay, c_post at t_post) decaying with τ_c. Between two jumps it
 * falls monotonically, so the time it spends above a threshold θ after a jump to c is
 * min(gap, τ_c ln(c/θ)): the times above θ_d and θ_p follow exactly, jump by jump.
 *
 * The early phase obeys τ_h dh/dt = 0.1 (h0 − h) + γ_p (h_max − h) Θ_p − γ_d h Θ_d + ξ: linear in h, with
 * coefficients fixed within each calcium regime. Its mean over trials is therefore the noise-free
 * solution — each stretch of a regime is the affine map h → m_r + (h − m_r) e^{−k_r τ}, composed in time
 * order — whatever the noise σ_pl (the noise is additive and the regimes do not depend on h).
 * To first order in the drive (h ≈ h0 throughout), Graupner & Brunel's time-above-threshold analysis:
 *
 *   Δh ≈ [γ_p (h_max − h0) T_p − γ_d h0 T_d] / τ_h,
 *
 * T_p and T_d the total times above θ_p and θ_d (T_d includes T_p).
 */
import { earlyPhaseDrift, earlyPhaseRelaxationRate, type Regime } from '../equations.js';
import { type ModelParams, toSeconds } from '../parameters.js';
import type { Protocol } from '../protocols.js';

/** Calcium jumps in time order: times (s) and amounts; simultaneous jumps are merged. */
export interface CalciumJumps {
  readonly t_s: Float64Array;
  readonly amount: Float64Array;
}

/** The calcium jumps of a protocol's explicit presynaptic and forced postsynaptic spikes. */
export function calciumJumps(protocol: Protocol, P: ModelParams): CalciumJumps {
  if (protocol.trains.length > 0) throw new Error(`calciumJumps: '${protocol.name}' has random trains; only explicit spike times have a closed form`);
  const delay = toSeconds(P, 't_c_delay');
  const events: Array<[number, number]> = [
    ...(protocol.spikeTimes_s ?? []).map((t): [number, number] => [t + delay, P.c_pre]),
    ...(protocol.postSpikeTimes_s ?? []).map((t): [number, number] => [t, P.c_post]),
  ].sort((a, b) => a[0] - b[0]);
  const t: number[] = [];
  const a: number[] = [];
  for (const [ti, ai] of events) {
    if (t.length > 0 && t[t.length - 1] === ti) a[a.length - 1]! += ai;
    else {
      t.push(ti);
      a.push(ai);
    }
  }
  return { t_s: Float64Array.from(t), amount: Float64Array.from(a) };
}

/** One stretch of constant calcium regime: [from_s, to_s). */
export interface RegimeStretch {
  readonly from_s: number;
  readonly to_s: number;
  readonly regime: Regime;
}

/**
 * The stretches in which calcium is above θ_d (regime 1) or θ_p (regime 2), in time order, up to
 * `until_s`; everything else is rest.
 */
export function regimeStretches(j: CalciumJumps, P: ModelParams, until_s = Infinity): RegimeStretch[] {
  const tauC = toSeconds(P, 'tau_c');
  const out: RegimeStretch[] = [];
  let c = 0;
  for (let i = 0; i < j.t_s.length; i++) {
    const t0 = j.t_s[i]!;
    if (t0 >= until_s) break;
    const prev = i > 0 ? j.t_s[i - 1]! : -Infinity;
    c = (i > 0 ? c * Math.exp(-(t0 - prev) / tauC) : 0) + j.amount[i]!;
    const end = Math.min(i + 1 < j.t_s.length ? j.t_s[i + 1]! : Infinity, until_s);
    // calcium falls from c at t0: above θ for τ_c ln(c/θ)
    const tP = c >= P.theta_p ? Math.min(end, t0 + tauC * Math.log(c / P.theta_p)) : t0;
    const tD = c >= P.theta_d ? Math.min(end, t0 + tauC * Math.log(c / P.theta_d)) : t0;
    if (tP > t0) out.push({ from_s: t0, to_s: tP, regime: 2 });
    if (tD > tP) out.push({ from_s: tP, to_s: tD, regime: 1 });
  }
  return out;
}

/** Total time calcium spends at or above θ_p and θ_d (T_d includes T_p), s. */
export function timeAboveThresholds(stretches: readonly RegimeStretch[]): { above_p_s: number; above_d_s: number } {
  let p = 0, d = 0;
  for (const s of stretches) {
    const len = s.to_s - s.from_s;
    d += len;
    if (s.regime === 2) p += len;
  }
  return { above_p_s: p, above_d_s: d };
}

/** h after relaxing in one regime for τ: the affine map m + (h − m) e^{−kτ}. */
function relaxIn(P: ModelParams, regime: Regime, h: number, tau: number): number {
  const m = earlyPhaseDrift(P, regime).target;
  return m + (h - m) * Math.exp(-earlyPhaseRelaxationRate(P, regime) * tau);
}

/**
 * The noise-free early phase h at `at_s` (mV), starting from h0 before the first stretch: exact, and
 * equal to the mean over trials of the noisy rule.
 */
export function noiseFreeEarlyPhase(stretches: readonly RegimeStretch[], P: ModelParams, at_s: number): number {
  let h = P.h0;
  let t = stretches.length > 0 ? stretches[0]!.from_s : at_s;
  for (const s of stretches) {
    if (s.from_s >= at_s) break;
    h = relaxIn(P, 0, h, s.from_s - t);
    const to = Math.min(s.to_s, at_s);
    h = relaxIn(P, s.regime, h, to - s.from_s);
    t = to;
  }
  return relaxIn(P, 0, h, Math.max(0, at_s - t));
}

/** Graupner & Brunel's first-order drift from the times above threshold, mV. */
export function linearEarlyPhaseChange(above: { above_p_s: number; above_d_s: number }, P: ModelParams): number {
  return (P.gamma_p * (P.h_max - P.h0) * above.above_p_s - P.gamma_d * P.h0 * above.above_d_s) / P.tau_h;
}

/** Everything the closed form says about one deterministic pairing protocol, read at `at_s`. */
export interface PairingPrediction {
  readonly above_p_s: number;
  readonly above_d_s: number;
  /** Exact mean early-phase change (h − h0)/h0 at the readout. */
  readonly earlyChange: number;
  /** First-order (time-above-threshold) estimate of the same. */
  readonly earlyChangeLinear: number;
}

export function predictPairing(protocol: Protocol, P: ModelParams, at_s: number): PairingPrediction {
  const stretches = regimeStretches(calciumJumps(protocol, P), P, at_s);
  const above = timeAboveThresholds(stretches);
  return {
    ...above,
    earlyChange: (noiseFreeEarlyPhase(stretches, P, at_s) - P.h0) / P.h0,
    earlyChangeLinear: linearEarlyPhaseChange(above, P) / P.h0,
  };
}
