/**
 * The tag of a synapse step by step through a noisy stretch of a calcium episode, and z grown with it.
 *
 * The reference tests the tag after every step's h and grows z with that step's tag; the fast engine
 * samples h only at the ends of a stretch (one exact Ornstein–Uhlenbeck transition). Where the two end
 * samples lie in the same tag region and an excursion out of it in between is unlikely (Brownian-bridge
 * crossing probability below the exact engine's EXCURSION_PROBABILITY), every step of the stretch has
 * that tag; otherwise h is sampled at the stretch's middle grid step from the exact OU bridge and both
 * halves are treated alike, down to single steps. So tag changes land on the steps where the sampled
 * path has them — the reference's discretisation, in law — instead of being interpolated. Without
 * plasticity noise the bridge is the deterministic path, and z agrees with the reference to rounding.
 *
 * z grows by one late-phase step per run of equal tags, with that run's share of the stretch's protein
 * integral: p is taken as linear over the stretch, through its value at the end and the integral (p
 * changes slowly, but from 0 where synthesis has just switched on, so equal shares would not do).
 */
import { latePhaseStep, type Tag } from '../../model/equations.js';
import type { ModelParams } from '../../model/parameters.js';
import type { RandomStream } from '../../random/streams.js';
import { EXCURSION_PROBABILITY } from '../exact/earlyPhase.js';
import { ouBridge, type OuRegime } from '../exact/ornsteinUhlenbeck.js';

const EXCURSION_LOG = -Math.log(EXCURSION_PROBABILITY);

export class EpisodeTags {
  /** z as grown so far; the stretch's length, protein at its end (p·dt), slope of p·dt per step; steps done; the stream bridge samples draw from. */
  z = 0;
  private n = 1;
  private qEnd = 0;
  private slope = 0;
  private done = 0;
  private noise: RandomStream | undefined;
  /** The largest |h − h0| seen among bridge samples (signed), for the run's maxDev. */
  maxDev = 0;
  bridgeSamples = 0;
  private readonly up: number;
  private readonly down: number;

  constructor(
    private readonly P: ModelParams, private readonly ou: readonly OuRegime[],
    /** Diffusion s² of h per regime, mV²/s. */
    private readonly diffusion: readonly number[], private readonly dt: number,
  ) {
    this.up = P.h0 + P.theta_tag;
    this.down = P.h0 - P.theta_tag;
  }

  /**
   * Starts a stretch of n steps: z, the protein integral over it (Σ p_i·dt), p·dt at its last step, the
   * target neuron's plasticity stream.
   */
  begin(z: number, n: number, dLam: number, qEnd: number, noise: RandomStream): void {
    this.z = z;
    this.n = n;
    this.done = 0;
    // p_i·dt = qEnd − (n − i)·slope, i = 1 … n, sums to dLam
    this.qEnd = n > 1 ? qEnd : dLam;
    this.slope = n > 1 ? (2 * (n * qEnd - dLam)) / (n * (n - 1)) : 0;
    this.noise = noise;
  }

  /** The tag at h. */
  tagOf(h: number): Tag {
    return h >= this.up ? 1 : h <= this.down ? -1 : 0;
  }

  /** The next `steps` steps of the stretch, with tag `tag`. */
  grow(tag: Tag, steps: number): void {
    if (steps <= 0) return;
    const a = this.done, b = a + steps;
    this.done = b;
    if (tag === 0) return;
    const share = steps * this.qEnd - (this.slope * steps * (2 * this.n - a - b - 1)) / 2;
    this.z = latePhaseStep(this.z, share, tag, 1, this.P);
  }

  /** The steps after step 0 through step k of a stretch in regime r from h = ha to h = hb. */
  walk(r: 1 | 2, ha: number, hb: number, k: number): void {
    const tb = this.tagOf(hb);
    if (k === 1) {
      this.grow(tb, 1);
      return;
    }
    if (this.tagOf(ha) === tb && !this.mayLeave(tb, ha, hb, k * this.dt * this.diffusion[r]!)) {
      this.grow(tb, k);
      return;
    }
    const o = this.ou[r]!, k1 = k >> 1;
    const hm = o.m + ouBridge(o, ha - o.m, hb - o.m, k1 * this.dt, (k - k1) * this.dt, this.noise!.gaussian());
    this.bridgeSamples++;
    const d = hm - this.P.h0;
    if ((d < 0 ? -d : d) > (this.maxDev < 0 ? -this.maxDev : this.maxDev)) this.maxDev = d;
    this.walk(r, ha, hm, k1);
    this.walk(r, hm, hb, k - k1);
  }

  /**
   * Whether a bridge from ha to hb, both in the region of `tag`, with variance scale s²τ may cross one of
   * the region's levels L in between: P ≈ exp(−2(L − ha)(L − hb)/(s²τ)) for a Brownian bridge (the
   * product is positive on either side of L).
   */
  private mayLeave(tag: Tag, ha: number, hb: number, s2t: number): boolean {
    if (tag >= 0 && 2 * (this.up - ha) * (this.up - hb) < EXCURSION_LOG * s2t) return true;
    return tag <= 0 && 2 * (ha - this.down) * (hb - this.down) < EXCURSION_LOG * s2t;
  }
}
