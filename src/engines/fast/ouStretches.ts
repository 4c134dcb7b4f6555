/**
 * Exact Ornstein–Uhlenbeck transitions of the early phase over whole stretches of a noisy calcium regime
 * (exact/ornsteinUhlenbeck.ts), for the fast engine's lazy synapses: the transition's decay and standard
 * deviation over k steps are cached per regime for k below {@link OU_CACHE} (most stretches of a calcium
 * episode are short, and the same lengths recur), and the largest sampled |h − h0| is kept, the
 * reference's max_dev.
 */
import type { RandomStream } from '../../random/streams.js';
import { ouTransition, type OuRegime } from '../exact/ornsteinUhlenbeck.js';

/** Stretches up to this many steps have their transition coefficients cached. */
const OU_CACHE = 4096;

export class OuStretches {
  /** Cached transitions over k steps: regime 1 at 2k, regime 2 at 2k + 1 (NaN: not yet). */
  private readonly decayOf = new Float64Array(2 * OU_CACHE).fill(NaN);
  private readonly sdOf = new Float64Array(2 * OU_CACHE);
  private readonly tmp = new Float64Array(2);
  /** The largest signed h − h0 of the samples drawn. */
  maxDev = 0;
  /** Noisy transitions drawn (a cost measure). */
  samples = 0;

  constructor(private readonly ou: readonly OuRegime[], private readonly dt: number, private readonly h0: number) {}

  /** h after `k` steps of noisy regime r (1 or 2) from h: one exact transition, its Gaussian from `noise`. */
  sample(r: 1 | 2, h: number, k: number, noise: RandomStream): number {
    const o = this.ou[r]!;
    let decay: number, sd: number;
    if (k < OU_CACHE) {
      const at = 2 * k + r - 1;
      decay = this.decayOf[at]!;
      if (decay !== decay) {
        ouTransition(o, k * this.dt, this.tmp);
        this.decayOf[at] = decay = this.tmp[0]!;
        this.sdOf[at] = this.tmp[1]!;
      }
      sd = this.sdOf[at]!;
    } else {
      ouTransition(o, k * this.dt, this.tmp);
      decay = this.tmp[0]!;
      sd = this.tmp[1]!;
    }
    this.samples++;
    const hb = o.m + (h - o.m) * decay + (sd > 0 ? sd * noise.gaussian() : 0);
    const d = hb - this.h0;
    if ((d < 0 ? -d : d) > (this.maxDev < 0 ? -this.maxDev : this.maxDev)) this.maxDev = d;
    return hb;
  }
}
