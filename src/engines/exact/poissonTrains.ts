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
import type { Protocol } from '../../model/protocols.js';
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
    for (let i = 0; i < count; i++) {
      const t0 = tr.onset_s + i * (tr.period_s ?? 0);
      const t1 = t0 + tr.duration_s;
      if ((tr.kind ?? 'poisson') === 'regular') {
        for (let k = 0; ; k++) {
          const t = t0 + k / f;
          if (t >= t1) break;
          out.push(t);
        }
      } else {
        // exponential gaps of mean 1/f: the ziggurat's fast path inlined and the buffer written directly
        // (no call per spike, and no double passed to one: V8 would box it)
        const mean = 1 / f;
        let n = out.length, a = out.times;
        for (let t = t0; ;) {
          const u = rng.nextUint32();
          const iz = u & 255, j = u >>> 8;
          t += (j < EXP_K[iz]! ? j * EXP_W[iz]! : exponentialFrom(u, rng)) * mean;
          if (t >= t1) break;
          if (n === a.length) {
            out.length = n;
            out.push(t);
            a = out.times;
            n = out.length;
          } else a[n++] = t;
        }
        out.length = n;
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
