/**
 * What fixed-pattern mismatch does to the edges of the low-frequency window on the chip (docs/timing.md).
 *
 * At low pairing frequency each pairing is a separate calcium event: c_pre arrives d = t_c,delay after the
 * pre spike, c_post at the post spike, and depression happens only where their sum reaches θ_d. The
 * window's edges — its zero crossings, where the change goes from none to depression — follow in closed form:
 *
 *   post first (Δt < d): c_pre + c_post e^{−(d − Δt)/τ_c} ≥ θ_d  ⇔  Δt ≥ d − τ_c ln(c_post/(θ_d − c_pre)),
 *   pre first  (Δt > d): c_pre e^{−(Δt − d)/τ_c} + c_post ≥ θ_d  ⇔  Δt ≤ d + τ_c ln(c_pre/(θ_d − c_post)).
 *
 * On the chip c_pre, c_post and τ_c carry each circuit's mismatch and θ_d is the ADC code the processor
 * compares with, seen through the channel's gain and offset: θ_d' = (code_d − offset)·LSB/gain in calcium
 * units. The spike delays are played by the FPGA and exact. This is the window of an ideal solver (one that
 * samples calcium continuously); the chip's solver period adds its own sampling on top (see the doc).
 */
import { analogCircuit } from '../../engines/bss2/analogFrontend.js';
import { resolveBss2Config } from '../../engines/bss2/config.js';
import { toSeconds, type ModelParams } from '../../model/parameters.js';

/** The low-frequency window: its edges in Δt (ms), or why it has none. */
export type LowFrequencyWindow =
  | { readonly kind: 'window'; readonly lo_ms: number; readonly hi_ms: number }
  /** c_pre + c_post < θ_d: no pairing reaches the threshold. */
  | { readonly kind: 'none' }
  /** c_pre ≥ θ_d (or c_post ≥ θ_d): one spike alone depresses, at every Δt. */
  | { readonly kind: 'every-dt' };

export function lowFrequencyWindow(cPre: number, cPost: number, tauC_s: number, thetaD: number, delay_s: number): LowFrequencyWindow {
  if (cPre >= thetaD || cPost >= thetaD) return { kind: 'every-dt' };
  if (cPre + cPost < thetaD) return { kind: 'none' };
  return {
    kind: 'window',
    lo_ms: 1000 * (delay_s - tauC_s * Math.log(cPost / (thetaD - cPre))),
    hi_ms: 1000 * (delay_s + tauC_s * Math.log(cPre / (thetaD - cPost))),
  };
}

/** The model's own low-frequency window (no chip). */
export function modelWindow(P: ModelParams): LowFrequencyWindow {
  return lowFrequencyWindow(P.c_pre, P.c_post, toSeconds(P, 'tau_c'), P.theta_d, toSeconds(P, 't_c_delay'));
}

/** The window of circuit 0 of chip `chipSeed` under the bss2 options (fixed pattern only: no trial noise). */
export function chipWindow(P: ModelParams, options: Readonly<Record<string, unknown>>, chipSeed: number): LowFrequencyWindow & { thetaD: number } {
  const cfg = resolveBss2Config({ ...options, chipSeed, temporalNoise: 0, allowInfeasible: true }, P);
  const k = analogCircuit(P, cfg, 0, 0);
  const lsb = cfg.adcRange / (2 ** cfg.adcBits - 1);
  const thetaD = ((Math.round(P.theta_d / lsb) - k.adcOffset_lsb) * lsb) / k.adcGain;
  return { ...lowFrequencyWindow(k.cPre, k.cPost, k.tauC_hw * cfg.acceleration, thetaD, toSeconds(P, 't_c_delay')), thetaD };
}

/** Over `chips` chip seeds: how often the window survives, and the mean and SD of its edges (ms). */
export function chipWindowStudy(P: ModelParams, options: Readonly<Record<string, unknown>>, chips: number) {
  const lo: number[] = [], hi: number[] = [];
  let none = 0, every = 0;
  for (let s = 1; s <= chips; s++) {
    const w = chipWindow(P, options, s);
    if (w.kind === 'window') {
      lo.push(w.lo_ms);
      hi.push(w.hi_ms);
    } else if (w.kind === 'none') none++;
    else every++;
  }
  const stat = (x: number[]) => {
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    return { mean: m, sd: Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, x.length - 1)) };
  };
  return { chips, window: lo.length, none, everyDt: every, lo_ms: stat(lo), hi_ms: stat(hi), width_ms: stat(hi.map((h, i) => h - lo[i]!)) };
}
