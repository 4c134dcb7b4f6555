/**
 * The fine calcium trace every engine records around the first stimulus (figures, dashboard): one
 * definition of the window, so the engines' traces line up and can be compared sample by sample.
 */
import type { CalciumTrace } from './types.js';

/** From 0.1 s before to 1.5 s after the first stimulus onset, every 1 ms (biological time). */
export const CALCIUM_WINDOW = { before_s: 0.1, after_s: 1.5, sample_s: 1e-3 } as const;

/** The window [from_s, to_s] for a first stimulus at `first_s` in a run of `duration_s`. */
export function calciumWindowTimes(first_s: number, duration_s: number): { from_s: number; to_s: number } {
  return { from_s: Math.max(0, first_s - CALCIUM_WINDOW.before_s), to_s: Math.min(duration_s, first_s + CALCIUM_WINDOW.after_s) };
}

/** The window on a step grid of `dt` (s): samples at steps from, from + every, … ≤ to. */
export class StepCalciumWindow {
  readonly from: number;
  readonly to: number;
  readonly every: number;
  private readonly t: Float64Array;
  private readonly c: Float64Array;
  private readonly h: Float64Array;
  private k = 0;

  constructor(first_s: number, private readonly dt: number, nLast: number) {
    this.every = Math.max(1, Math.round(CALCIUM_WINDOW.sample_s / dt));
    this.from = Math.max(0, Math.round((first_s - CALCIUM_WINDOW.before_s) / dt));
    this.to = Math.min(nLast, Math.round((first_s + CALCIUM_WINDOW.after_s) / dt));
    const len = Math.floor((this.to - this.from) / this.every) + 1;
    this.t = new Float64Array(len);
    this.c = new Float64Array(len);
    this.h = new Float64Array(len);
  }

  /** Whether step j is a sample of the window. */
  samples(j: number): boolean {
    return j >= this.from && j <= this.to && (j - this.from) % this.every === 0;
  }

  /** Records the sample of step j; returns the next sample's step, or −1 after the last. */
  put(j: number, c: number, h: number): number {
    this.t[this.k] = j * this.dt;
    this.c[this.k] = c;
    this.h[this.k] = h;
    this.k++;
    return j + this.every <= this.to ? j + this.every : -1;
  }

  trace(): CalciumTrace {
    return { t_s: this.t.subarray(0, this.k), c: this.c.subarray(0, this.k), h_mV: this.h.subarray(0, this.k) };
  }
}
