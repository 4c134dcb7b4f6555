/** Streaming statistics: Welford's algorithm, so ensembles of any size use constant memory. */

export interface MeanSd {
  mean: number;
  sd: number;
}

/** Running mean and sample SD (ddof = 1) of one scalar. */
export class RunningStat {
  n = 0;
  private m = 0;
  private s = 0;
  push(x: number): void {
    this.n++;
    const d = x - this.m;
    this.m += d / this.n;
    this.s += d * (x - this.m);
  }
  get mean(): number {
    return this.n > 0 ? this.m : NaN;
  }
  get sd(): number {
    return this.n > 1 ? Math.sqrt(this.s / (this.n - 1)) : 0;
  }
  summary(): MeanSd {
    return { mean: this.mean, sd: this.sd };
  }
}

/** Linear interpolation of a sampled trace at time t (clamped to the ends). */
export function sampleAt(t_s: ArrayLike<number>, y: ArrayLike<number>, t: number): number {
  const n = t_s.length;
  if (n === 0) return NaN;
  if (t <= t_s[0]!) return y[0]!;
  if (t >= t_s[n - 1]!) return y[n - 1]!;
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (t_s[mid]! <= t) lo = mid;
    else hi = mid;
  }
  const a = (t - t_s[lo]!) / (t_s[hi]! - t_s[lo]!);
  return y[lo]! + a * (y[hi]! - y[lo]!);
}
