/**
 * The per-trial half of an ensemble's reduction, done where the trial ran: the finiteness check, the
 * checkpoint samples, and the trace statistics in fixed blocks of {@link REDUCE_BLOCK} consecutive trials.
 *
 * Why blocks: the parallel runner's main thread used to run the Welford pass over every trial's grid
 * (≈ 15–20 µs a trial, a third busy thread beside two workers on two cores). Now a worker reduces each
 * block of its chunk into a small summary (count, mean, sum of squared deviations per grid point), and the
 * main thread merges the summaries in block order with Chan et al.'s pairwise formula. Block boundaries
 * count from the ensemble's first trial and never depend on the workers or the chunking, and the
 * single-threaded runner reduces through the same blocks, so results stay bit-identical for any worker
 * count. Plain TypeScript, no Node API.
 */
import type { CalciumTrace } from '../engines/types.js';

/**
 * Trials per reduction block, counted from the ensemble's first trial. Chunks are whole blocks, so an
 * ensemble of n trials runs on at most ⌈n/8⌉ workers (it matters for slow engines and tiny ensembles); a
 * block's summary (8 numbers a grid point) costs the main thread one merge, ≈ 0.3 µs a trial at 8.
 */
export const REDUCE_BLOCK = 8;

/** Named checkpoint times in simulated time, s ("8h" = 28 800 s). */
export const CHECKPOINTS: ReadonlyArray<readonly [string, number]> = [
  ['pre', 3599],
  ['2h', 7200],
  ['4h', 14400],
  ['6h', 21600],
  ['8h', 28800],
];

/** Traces reduced on the grid, in storage order. */
export const TRACE_NAMES = ['h_rel', 'z', 'w_rel', 'p'] as const;

/**
 * A trial's state became NaN or infinite (parameters far outside the model's range): the run stops —
 * no statistic is computed over it. The message names the trial, the variable, the time and the value.
 */
export class NonFiniteStateError extends Error {
  constructor(readonly trial: number, readonly variable: string, readonly t_s: number, readonly value: number, readonly protocol?: string) {
    super(`${protocol ? `${protocol}, ` : ''}trial ${trial}: ${variable} became ${value} at t = ${Number.isFinite(t_s) ? +t_s.toPrecision(6) : t_s} s`);
    this.name = 'NonFiniteStateError';
  }
}

/** Throws a {@link NonFiniteStateError} for the first non-finite value of a trial's traces and scalars. */
function checkFinite(
  protocol: string | undefined, trial: number, t_s: Float64Array,
  traces: ReadonlyArray<readonly [string, ArrayLike<number>]>, scalars: ReadonlyArray<readonly [string, number]>,
): void {
  for (const [name, x] of traces) {
    for (let i = 0; i < t_s.length; i++) if (!Number.isFinite(x[i]!)) throw new NonFiniteStateError(trial, name, t_s[i]!, x[i]!, protocol);
  }
  for (const [name, v] of scalars) if (!Number.isFinite(v)) throw new NonFiniteStateError(trial, name, t_s[t_s.length - 1] ?? 0, v, protocol);
}

/**
 * Count, mean and sum of squared deviations (M2) of the four traces on the grid: TRACE_NAMES[j] at point i
 * is element j·len + i.
 */
export class TraceMoments {
  n = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  constructor(readonly len: number) {
    this.mean = new Float64Array(4 * len);
    this.m2 = new Float64Array(4 * len);
  }

  /**
   * Merges another set of moments given as count nB, means and M2s at offsets of `mean` and `m2` (Chan,
   * Golub & LeVeque's pairwise update; exact copy when this one is empty).
   */
  merge(nB: number, mean: Float64Array, mo: number, m2: Float64Array, so: number): void {
    if (nB === 0) return;
    const nA = this.n;
    const n = nA + nB;
    const fB = nB / n, fAB = (nA * nB) / n;
    const M = this.mean, S = this.m2;
    for (let i = 0; i < M.length; i++) {
      const d = mean[mo + i]! - M[i]!;
      M[i] = M[i]! + d * fB;
      S[i] = S[i]! + m2[so + i]! + d * d * fAB;
    }
    this.n = n;
  }

  /** Sample SD (ddof = 1) of trace j; zeros for fewer than two trials. */
  sd(j: number): Float64Array {
    const out = new Float64Array(this.len);
    if (this.n > 1) for (let i = 0; i < this.len; i++) out[i] = Math.sqrt(this.m2[j * this.len + i]! / (this.n - 1));
    return out;
  }

  copy(): TraceMoments {
    const c = new TraceMoments(this.len);
    c.n = this.n;
    c.mean.set(this.mean);
    c.m2.set(this.m2);
    return c;
  }
}

/** Summary of one block as numbers: [count, mean (4·len), M2 (4·len)]. */
export const blockRecordLength = (len: number): number => 1 + 8 * len;

/**
 * Reduces trials where they ran: checks them, samples the checkpoints, and accumulates the traces in blocks.
 * Callers hand over each finished block ({@link blockFull}) and the last, partial one.
 */
export class TrialTraceReducer {
  /** The open block: Welford within the block (a multiplication by 1/count instead of a division per value). */
  readonly block: TraceMoments;
  /** w/h0 of the last trial. */
  readonly W: Float64Array;
  /** Checkpoint samples of the last trial: w/h0, h (mV), z at each of CHECKPOINTS, NaN where not reached. */
  readonly cp = new Float64Array(3 * CHECKPOINTS.length);

  /**
   * Each checkpoint's interpolation on this grid, found once (a binary search per trace and trial cost
   * ≈ 2 µs of mispredicted branches): y[lo] + a·(y[hi] − y[lo]), or y[lo] alone where hi < 0 (clamped),
   * exactly sampleAt's arithmetic; lo < 0 where the grid ends before the checkpoint.
   */
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private readonly a: Float64Array;

  constructor(readonly t_s: Float64Array, private readonly h0: number, readonly protocol?: string) {
    const len = t_s.length, C = CHECKPOINTS.length;
    this.block = new TraceMoments(len);
    this.W = new Float64Array(len);
    this.lo = new Int32Array(C).fill(-1);
    this.hi = new Int32Array(C).fill(-1);
    this.a = new Float64Array(C);
    for (let k = 0; k < C && len > 0; k++) {
      const t = CHECKPOINTS[k]![1];
      if (t > t_s[len - 1]! + 1e-9) continue;
      if (t <= t_s[0]!) this.lo[k] = 0;
      else if (t >= t_s[len - 1]!) this.lo[k] = len - 1;
      else {
        let lo = 0, hi = len - 1;
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (t_s[mid]! <= t) lo = mid;
          else hi = mid;
        }
        this.lo[k] = lo;
        this.hi[k] = hi;
        this.a[k] = (t - t_s[lo]!) / (t_s[hi]! - t_s[lo]!);
      }
    }
  }

  /** Trace y at checkpoint k (NaN where not reached): sampleAt(t_s, y, t_k), bit for bit. */
  private at(y: ArrayLike<number>, k: number): number {
    const lo = this.lo[k]!, hi = this.hi[k]!;
    if (lo < 0) return NaN;
    if (hi < 0) return y[lo]!;
    return y[lo]! + this.a[k]! * (y[hi]! - y[lo]!);
  }

  get blockFull(): boolean {
    return this.block.n === REDUCE_BLOCK;
  }

  /** Adds one trial (views are fine: nothing is kept); throws NonFiniteStateError for a non-finite state. */
  add(H: ArrayLike<number>, Z: ArrayLike<number>, P: ArrayLike<number>, trial: number, maxDev_mV: number, pMax: number, calcium?: CalciumTrace): void {
    const t_s = this.t_s, len = t_s.length;
    // x − x is 0 for every finite x and NaN otherwise: one cheap pass, the named check only on a failure
    let bad = maxDev_mV - maxDev_mV + (pMax - pMax);
    for (let i = 0; i < len; i++) bad += H[i]! - H[i]! + (Z[i]! - Z[i]!) + (P[i]! - P[i]!);
    if (bad !== 0) checkFinite(this.protocol, trial, t_s, [['h', H], ['z', Z], ['p', P]], [['max |h − h0|', maxDev_mV], ['p_max', pMax]]);
    if (calcium) checkFinite(this.protocol, trial, calcium.t_s, [['c', calcium.c], ['h', calcium.h_mV]], []);
    const b = this.block;
    const inv = 1 / ++b.n;
    const M = b.mean, S = b.m2, W = this.W, h0 = this.h0;
    const o1 = len, o2 = 2 * len, o3 = 3 * len;
    for (let i = 0; i < len; i++) {
      const h = H[i]!, z = Z[i]!, p = P[i]!;
      const hr = h / h0;
      const wr = (h + h0 * z) / h0;
      W[i] = wr;
      let d = hr - M[i]!;
      M[i] = M[i]! + d * inv;
      S[i] = S[i]! + d * (hr - M[i]!);
      d = z - M[o1 + i]!;
      M[o1 + i] = M[o1 + i]! + d * inv;
      S[o1 + i] = S[o1 + i]! + d * (z - M[o1 + i]!);
      d = wr - M[o2 + i]!;
      M[o2 + i] = M[o2 + i]! + d * inv;
      S[o2 + i] = S[o2 + i]! + d * (wr - M[o2 + i]!);
      d = p - M[o3 + i]!;
      M[o3 + i] = M[o3 + i]! + d * inv;
      S[o3 + i] = S[o3 + i]! + d * (p - M[o3 + i]!);
    }
    const C = CHECKPOINTS.length, cp = this.cp;
    for (let k = 0; k < C; k++) {
      cp[k] = this.at(W, k);
      cp[C + k] = this.at(H, k);
      cp[2 * C + k] = this.at(Z, k);
    }
  }

  /** Writes the open block's summary at `o` of `out` (see blockRecordLength) and empties the block. */
  takeBlock(out: Float64Array, o: number): void {
    const b = this.block;
    out[o] = b.n;
    out.set(b.mean, o + 1);
    out.set(b.m2, o + 1 + 4 * b.len);
    this.clearBlock();
  }

  /** Merges the open block into `total` and empties the block. */
  mergeBlockInto(total: TraceMoments): void {
    const b = this.block;
    total.merge(b.n, b.mean, 0, b.m2, 0);
    this.clearBlock();
  }

  private clearBlock(): void {
    this.block.n = 0;
    this.block.mean.fill(0);
    this.block.m2.fill(0);
  }
}
