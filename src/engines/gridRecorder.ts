/**
 * Records h, z and p on a coarse time grid (t = k · interval, plus the final time). Engines call it
 * rarely (once per grid point), so it stays out of the hot loop — and is where a running trial notices
 * an interrupt (see interrupt.ts).
 */
import { throwIfInterrupted } from './interrupt.js';

export class GridRecorder {
  readonly t_s: Float64Array;
  readonly h_mV: Float64Array;
  readonly z: Float64Array;
  readonly p: Float64Array;
  private k = 0;

  constructor(duration_s: number, interval_s: number) {
    const n = Math.floor(duration_s / interval_s + 1e-9);
    const onGrid = Math.abs(n * interval_s - duration_s) < 1e-9;
    const len = n + 1 + (onGrid ? 0 : 1);
    this.t_s = new Float64Array(len);
    for (let i = 0; i <= n; i++) this.t_s[i] = i * interval_s;
    if (!onGrid) this.t_s[len - 1] = duration_s;
    this.h_mV = new Float64Array(len);
    this.z = new Float64Array(len);
    this.p = new Float64Array(len);
  }

  /** Time of the next grid point still to be filled, or Infinity. */
  nextTime(): number {
    return this.k < this.t_s.length ? this.t_s[this.k]! : Infinity;
  }

  /** Records the state at the next grid point. */
  put(h: number, z: number, p: number): void {
    throwIfInterrupted();
    const k = this.k++;
    this.h_mV[k] = h;
    this.z[k] = z;
    this.p[k] = p;
  }

  /** Fills every grid point in (t0, t1] by linear interpolation between two known states. */
  interpolate(t0: number, h0: number, z0: number, p0: number, t1: number, h1: number, z1: number, p1: number): void {
    const span = t1 - t0;
    while (this.k < this.t_s.length && this.t_s[this.k]! <= t1 + 1e-9) {
      const a = span > 0 ? (this.t_s[this.k]! - t0) / span : 1;
      this.put(h0 + a * (h1 - h0), z0 + a * (z1 - z0), p0 + a * (p1 - p0));
    }
  }

  /** Fills every grid point up to and including t with one constant state. */
  hold(t: number, h: number, z: number, p: number): void {
    while (this.k < this.t_s.length && this.t_s[this.k]! <= t + 1e-9) this.put(h, z, p);
  }
}
