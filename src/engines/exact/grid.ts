/**
 * The coarse h, z, p grid of one trial (t = k · interval, plus the final time — the same grid as
 * GridRecorder), stored in a single Float64Array with four views. One backing store per trial instead
 * of four matters for an engine that runs a trial in well under a millisecond: every ArrayBuffer is a
 * separate allocation that the garbage collector has to track.
 */
import { GridRecorder } from '../gridRecorder.js';

/** Grid times by (duration, interval), built once with GridRecorder and copied per trial. */
let cachedKey = '';
let cachedTimes: Float64Array = new Float64Array(0);

function gridTimes(duration_s: number, interval_s: number): Float64Array {
  const key = `${duration_s}/${interval_s}`;
  if (key !== cachedKey) {
    cachedTimes = new GridRecorder(duration_s, interval_s).t_s;
    cachedKey = key;
  }
  return cachedTimes;
}

export class PackedGrid {
  readonly t_s: Float64Array;
  readonly h_mV: Float64Array;
  readonly z: Float64Array;
  readonly p: Float64Array;
  /** Number of grid points filled so far. */
  k = 0;

  constructor(duration_s: number, interval_s: number) {
    const times = gridTimes(duration_s, interval_s);
    const n = times.length;
    const buf = new Float64Array(4 * n);
    this.t_s = buf.subarray(0, n);
    this.t_s.set(times);
    this.h_mV = buf.subarray(n, 2 * n);
    this.z = buf.subarray(2 * n, 3 * n);
    this.p = buf.subarray(3 * n, 4 * n);
  }

  /**
   * Records h = state[ih] and (p, z) = pz[0], pz[1] at the next grid point: the doubles stay in their
   * arrays (V8 boxes doubles passed to a call it does not inline; an exact trial records ≈ 500 points).
   */
  putState(state: Float64Array, ih: number, pz: Float64Array): void {
    const k = this.k++;
    this.h_mV[k] = state[ih]!;
    this.z[k] = pz[1]!;
    this.p[k] = pz[0]!;
  }

  /** Records the state at the next grid point. */
  put(h: number, z: number, p: number): void {
    const k = this.k++;
    this.h_mV[k] = h;
    this.z[k] = z;
    this.p[k] = p;
  }
}
