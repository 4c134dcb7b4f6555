/**
 * Presynaptic spike times in continuous time.
 *
 * The exact engine draws each Poisson train as a continuous-time Poisson process of rate f (exponential gaps
 * of mean 1/f, drawn by the ziggurat method), the dt → 0 limit of the reference's one-Bernoulli(f·dt)-per-0.2-ms-step source, so that no
 * time grid enters the engine anywhere and the reference engine's statistics converge to it as dt → 0.
 * At 100 Hz the step-grid source differs from Poisson by a spike-count variance lower by f·dt = 2 % and
 * by excluding two spikes within one step; no observable of the four protocols resolves that.
 * 'regular' trains fire at onset + k/f; explicit `spikeTimes_s` are added as given.
 */
import type { Protocol, StimulusTrain } from '../../model/protocols.js';
import type { RandomStream } from '../../random/streams.js';
import { EXP_K, EXP_W, exponentialFrom } from './ziggurat.js';

/** A growable buffer of spike times, reused across trials (no allocation once it is large enough). */
export class SpikeBuffer {
  times = new Float64Array(1024);
  length = 0;
  push(t: number): void {
    if (this.length === this.times.length) {
      const next = new Float64Array(this.times.length * 2);
      next.set(this.times);
      this.times = next;
    }
    this.times[this.length++] = t;
  }
}

/** The stream's words while a train is drawn from local copies of them (see poissonTrain). */
const WORDS = new Int32Array(4);
const SPARE = new Float64Array(1);

/**
 * Appends the Poisson bursts of one train (rate f, each on [onset + i·period, + duration)) to `out`:
 * exponential gaps of mean 1/f, with the ziggurat's
 * fast path and xoshiro128** (streams.ts) written out on local copies of the stream's four words — the
 * stream's fields hold them as boxed doubles, and this loop draws most of a low-frequency trial's numbers.
 * The same words are drawn as by rng.nextUint32(); the stream is handed back where the train stopped.
 */
function poissonBursts(tr: StimulusTrain, rng: RandomStream, out: SpikeBuffer): void {
  const mean = 1 / tr.rate_Hz, count = tr.count ?? 1, period = tr.period_s ?? 0;
  rng.saveState(WORDS, SPARE, 0);
  let s0 = WORDS[0]!, s1 = WORDS[1]!, s2 = WORDS[2]!, s3 = WORDS[3]!;
  let n = out.length, a = out.times;
  for (let i = 0; i < count; i++) {
  const t0 = tr.onset_s + i * period, t1 = t0 + tr.duration_s;
  for (let t = t0; ;) {
    const m = Math.imul(s1, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const x = s1 << 9, n2 = s2 ^ s0, n3 = s3 ^ s1;
    s1 ^= n2;
    s0 ^= n3;
    s2 = n2 ^ x;
    s3 = (n3 << 11) | (n3 >>> 21);
    const iz = u & 255, j = u >>> 8;
    let e: number;
    if (j < EXP_K[iz]!) e = j * EXP_W[iz]!;
    else {
      // the exact rejection path (≈ 1 % of draws) draws from the stream itself
      WORDS[0] = s0; WORDS[1] = s1; WORDS[2] = s2; WORDS[3] = s3;
      rng.restoreState(WORDS, SPARE, 0);
      e = exponentialFrom(u, rng);
      rng.saveState(WORDS, SPARE, 0);
      s0 = WORDS[0]!; s1 = WORDS[1]!; s2 = WORDS[2]!; s3 = WORDS[3]!;
    }
    t += e * mean;
    if (t >= t1) break;
    if (n === a.length) {
      out.length = n;
      out.push(t);
      a = out.times;
      n = out.length;
    } else a[n++] = t;
  }
  }
  out.length = n;
  WORDS[0] = s0; WORDS[1] = s1; WORDS[2] = s2; WORDS[3] = s3;
  rng.restoreState(WORDS, SPARE, 0);
}

/**
 * Fills `out` with the sorted presynaptic spike times of one trial (s), drawn from `rng`.
 * Trains are drawn in protocol order, so the stream's use does not depend on anything else.
 */
export function presynapticSpikeTimes(protocol: Protocol, rng: RandomStream, out: SpikeBuffer): void {
  out.length = 0;
  for (const tr of protocol.trains) {
    const count = tr.count ?? 1;
    const f = tr.rate_Hz;
    if (!(f > 0)) continue;
    if ((tr.kind ?? 'poisson') !== 'regular') {
      poissonBursts(tr, rng, out);
      continue;
    }
    for (let i = 0; i < count; i++) {
      const t0 = tr.onset_s + i * (tr.period_s ?? 0);
      const t1 = t0 + tr.duration_s;
      for (let k = 0; ; k++) {
        const t = t0 + k / f;
        if (t >= t1) break;
        out.push(t);
      }
    }
  }
  for (const t of protocol.spikeTimes_s ?? []) out.push(t);
  // trains are usually given in time order; sort only when they are not
  const a = out.times;
  let sorted = true;
  for (let i = 1; i < out.length; i++) if (a[i]! < a[i - 1]!) { sorted = false; break; }
  if (!sorted) a.subarray(0, out.length).sort();
}
