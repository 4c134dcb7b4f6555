/**
 * The plastic synapses of the fast network engine, advanced lazily: a synapse is touched only when a
 * calcium jump reaches it (a presynaptic spike t_c,delay ago, a postsynaptic spike now), when its
 * weight is read for a PSP, when a probe samples it, when it asked to be woken (the end of a calcium
 * episode, the end of its tag), or when its neuron's protein synthesis is in question (below). In
 * between its state follows closed forms:
 *
 *  - calcium: the reference's c_j = c·e_c^n between jumps, so the number of steps in each calcium
 *    regime after a jump is ⌊τ_c ln(c/θ)/dt⌋ + 1 (exact/calcium.ts's threshold-crossing time);
 *  - early phase: in the potentiation and depression regimes an exact Ornstein–Uhlenbeck transition
 *    over the whole stretch (exact/ornsteinUhlenbeck.ts), at rest the deterministic relaxation
 *    h0 + (h − h0)·e_0^n of the reference (reference/networkSynapses.ts);
 *  - late phase: z relaxes towards its tag's bound with rate ρ·∫p, the target neuron's protein
 *    integrated step by step (Λ, the sum of p_j·dt the reference's z steps use), so a tagged synapse at
 *    rest costs nothing until its tag ends; the step where |h − h0| falls below θ_tag at rest is
 *    known in closed form (restCrossingTime) and scheduled, and the tag changes at that step;
 *  - tags in an episode: tested at every step of the sampled path, bisecting a stretch with the exact OU
 *    bridge where the tag may change inside it (episodeTags.ts), so z grows over the steps the reference's
 *    discretisation would tag.
 *
 * State per synapse: h and c at step ts (c is the calcium governing the step after ts, before any
 * jump there), z with the Λ it was brought to, the tag found at ts, and the pending wake-up step.
 *
 * Protein synthesis: each neuron's Σ|h − h0| is kept incrementally: every synapse contributes
 * |h(ts) − h0|·e_0^{j − ts} (exact at rest), the whole sum decays by e_0 per step, and a synapse's
 * share is replaced whenever it is advanced. Shares of synapses in a calcium episode are stale; after
 * each step a neuron whose sum is within their possible departure (episodeNeurons.ts) from θ_pro has
 * them brought to the step (checkSynthesis), so the sum that decides synthesis is exact wherever the
 * decision could go either way — as in the reference, which sums every step.
 *
 * Plasticity noise: one stream per target neuron, drawn in the order the synapses are touched, which
 * depends only on the spikes (not on how the work is split).
 */
import {
  earlyPhaseDiffusion, earlyPhaseRelaxationRate, latePhaseStep, restCrossingTime, type Tag,
} from '../../model/equations.js';
import { toSeconds, type ModelParams } from '../../model/parameters.js';
import type { RandomStream } from '../../random/streams.js';
import { calciumCrossingTime } from '../exact/calcium.js';
import { ouRegime, type OuRegime } from '../exact/ornsteinUhlenbeck.js';
import { OuStretches } from './ouStretches.js';
import type { CompiledNetwork } from '../network/compile.js';
import { EpisodeTags } from './episodeTags.js';
import { EpisodeNeurons } from './episodeNeurons.js';
import { StepPowers, synapseArrays, type NeuronSlow, type SynapseArrays, type SynapseRange } from './synapseState.js';
import { WakeQueue } from './wakeQueue.js';

const TINY = 1e-300;

export class LazySynapses {
  readonly c: Float64Array;
  readonly h: Float64Array;
  readonly z: Float64Array;
  private readonly lamMark: Float64Array;
  readonly ts: Int32Array;
  private readonly tag: Int8Array;
  private readonly wake: Int32Array;
  private readonly post: Int32Array;
  private readonly sFrom: number;
  private readonly sTo: number;
  private readonly nFrom: number;
  private readonly nTo: number;
  private readonly queue = new WakeQueue();
  /** Which neurons have synapses in a calcium episode, and how far that can have moved their sums. */
  readonly episodes: EpisodeNeurons;
  /** Whether the last step of an advance takes the protein of step T (detailed) or none (fast-forward). */
  private detailed = true;
  /** The step being integrated: shares of Σ|h − h0| are held for it. */
  step = 0;
  /**
   * The step whose Λ the neurons' `lam` holds. Within step j the neurons are stepped first, so PSPs of
   * step j, which read weights of step j − 1 before the synapses' part of the step, see Λ of step j.
   */
  lamStep = 0;
  everTagged = false;
  /** Synapse advances, neurons whose episode synapses were brought to a step (cost measures). */
  advances = 0;
  refreshes = 0;
  /** The largest signed h − h0 of any sample in a noisy regime (the reference's max_dev). */
  get maxDev(): number {
    const a = this.stretches.maxDev, b = this.tags.maxDev; // the OU transitions' samples, the bridge samples of the tag walk
    return Math.abs(b) > Math.abs(a) ? b : a;
  }

  /** OU-bridge samples drawn to walk tags through episodes (a cost measure). */
  get bridgeSamples(): number {
    return this.tags.bridgeSamples;
  }

  /** What the rank reports at the end and a checkpoint keeps: max dev, tagged (0/1), advances, OU samples, bridge samples, refreshes. */
  outcome(): number[] {
    return [this.maxDev, this.everTagged ? 1 : 0, this.advances, this.stretches.samples, this.bridgeSamples, this.refreshes];
  }

  /**
   * Continues from a checkpoint whose arrays are restored (wake, and the episode counts and marks of
   * neurons [nFrom, nTo)): the run's {@link outcome} so far, the wake-up calendar and the episode list.
   */
  resume(outcome: ArrayLike<number>): void {
    this.stretches.maxDev = outcome[0]!;
    this.tags.maxDev = 0;
    this.everTagged = outcome[1] === 1;
    this.advances = outcome[2]!;
    this.stretches.samples = outcome[3]!;
    this.tags.bridgeSamples = outcome[4]!;
    this.refreshes = outcome[5]!;
    this.queue.refill(this.wake, this.sFrom, this.sTo);
    this.episodes.relist(this.nFrom, this.nTo);
  }

  private readonly dt: number;
  private readonly h0: number;
  private readonly thetaD: number;
  private readonly thetaP: number;
  private readonly thetaTag: number;
  private readonly thetaPro: number;
  private readonly tauC: number;
  private readonly k0: number;
  private readonly ou: readonly OuRegime[];
  private readonly cPow: StepPowers;
  private readonly hPow: StepPowers;
  private readonly stretches: OuStretches;
  private readonly tags: EpisodeTags;

  constructor(
    net: CompiledNetwork, private readonly P: ModelParams, dt: number, eC: number, hE0: number,
    private readonly neurons: NeuronSlow, private readonly sumDev: Float64Array, private readonly noise: readonly RandomStream[],
    arrays: SynapseArrays = synapseArrays(net.nSyn), range: SynapseRange = { sFrom: 0, sTo: net.nSyn, nFrom: 0, nTo: net.n },
  ) {
    ({ c: this.c, h: this.h, z: this.z, lamMark: this.lamMark, ts: this.ts, tag: this.tag, wake: this.wake } = arrays);
    ({ sFrom: this.sFrom, sTo: this.sTo, nFrom: this.nFrom, nTo: this.nTo } = range);
    // this rank's synapses start at h0, with no wake-up pending
    this.h.fill(P.h0, this.sFrom, this.sTo);
    this.wake.fill(-1, this.sFrom, this.sTo);
    this.post = net.synPost;
    this.dt = dt;
    this.h0 = P.h0;
    this.thetaD = P.theta_d;
    this.thetaP = P.theta_p;
    this.thetaTag = P.theta_tag;
    this.thetaPro = P.theta_pro;
    this.tauC = toSeconds(P, 'tau_c');
    this.k0 = earlyPhaseRelaxationRate(P, 0);
    this.ou = ([0, 1, 2] as const).map((r) => ouRegime(P, r));
    this.cPow = new StepPowers(eC);
    this.hPow = new StepPowers(hE0);
    this.stretches = new OuStretches(this.ou, dt, P.h0);
    this.tags = new EpisodeTags(P, this.ou, ([0, 1, 2] as const).map((r) => earlyPhaseDiffusion(P, r)), dt);
    this.episodes = new EpisodeNeurons(net.n, P, dt);
  }

  /**
   * Brings synapse s to step T (≥ its ts; T is the current step or the one before): calcium, early
   * phase through each regime, late phase with the tag it had, the tag at T, and its neuron's sum.
   */
  advance(s: number, T: number): void {
    const ts = this.ts[s]!;
    const n = T - ts;
    if (n <= 0) return;
    this.advances++;
    // at rest, short of the step where a tag ends (a wake-up, handled in full)
    if (this.c[s]! < this.thetaD && (this.tag[s] === 0 || T < this.wake[s]!)) {
      this.advanceQuiet(s, T, n);
      return;
    }
    const t = this.post[s]!, h0 = this.h0, j = this.step;
    let hs = this.h[s]!;
    const dev0 = hs - h0;
    const old = (dev0 < 0 ? -dev0 : dev0) * this.hPow.pow(j - ts);
    const c1 = this.c[s]!;
    const lam = this.lamAt(t, T);
    const noisy = c1 >= this.thetaD;
    if (noisy) hs = this.episodeStretch(s, t, hs, c1, n, lam - this.lamMark[s]!);
    else hs = h0 + (hs - h0) * this.hPow.pow(n);
    let ca = c1 === 0 ? 0 : c1 * this.cPow.pow(n);
    if (ca < TINY) ca = 0;
    this.c[s] = ca;
    if (c1 >= this.thetaD && ca < this.thetaD) this.episodes.leave(t);
    const dev = hs - h0;
    const abs = dev < 0 ? -dev : dev;
    const tagNow = dev >= this.thetaTag ? 1 : -dev >= this.thetaTag ? -1 : 0;
    const tg = this.tag[s]! as Tag;
    if (!noisy && (tg !== 0 || tagNow !== 0)) this.z[s] = this.lateAdvance(this.z[s]!, lam - this.lamMark[s]!, tg, tagNow, this.neurons.p[t]!);
    this.lamMark[s] = lam;
    this.h[s] = hs;
    this.ts[s] = T;
    this.tag[s] = tagNow;
    if (tagNow !== 0) this.everTagged = true;
    const sum = this.sumDev[t]! + abs * this.hPow.pow(j - T) - old;
    this.sumDev[t] = sum > 0 ? sum : 0;
  }

  /** Λ of neuron t at step T (lamStep or the step before it: Λ_T = Λ_{T+1} − p_{T+1}·dt). */
  private lamAt(t: number, T: number): number {
    const lam = this.neurons.lam[t]!;
    return T === this.lamStep ? lam : lam - this.neurons.p[t]! * this.dt;
  }

  /**
   * {@link advance} of a synapse at rest before its tag ends, if it has one (most advances: probes,
   * jumps onto quiet synapses, PSPs through consolidating synapses): h relaxes and c decays in closed
   * form; |h − h0| only shrinks, so no tag appears, and one ends only at its scheduled step; its share
   * of Σ|h − h0| was exact and stays so (left as it is); z grows with the protein since its Λ mark,
   * and without a tag the mark still moves on, so that a tag set later counts its protein from then.
   */
  private advanceQuiet(s: number, T: number, n: number): void {
    const h0 = this.h0, t = this.post[s]!, c1 = this.c[s]!;
    this.h[s] = h0 + (this.h[s]! - h0) * this.hPow.pow(n);
    if (c1 !== 0) {
      const ca = c1 * this.cPow.pow(n);
      this.c[s] = ca < TINY ? 0 : ca;
    }
    const lam = this.lamAt(t, T);
    const tg = this.tag[s]! as Tag;
    if (tg !== 0) this.z[s] = latePhaseStep(this.z[s]!, lam - this.lamMark[s]!, tg, 1, this.P);
    this.lamMark[s] = lam;
    this.ts[s] = T;
  }

  /**
   * z after a protein integral dLam during which the tag went from tg to tagNow, in one step or at
   * rest. The reference tests the tag after each step's h and grows z with that tag, so the change
   * counts from the stretch's last step: the one step, or at rest the scheduled step where |h − h0|
   * falls below θ_tag. That step's share of dLam is p·dt with the neuron's protein p now (in a
   * fast-forward none: the reference tests the tag at the end of each 50 s step).
   */
  private lateAdvance(z: number, dLam: number, tg: Tag, tagNow: Tag, p: number): number {
    if (tg === tagNow) return latePhaseStep(z, dLam, tg, 1, this.P);
    let last = this.detailed ? p * this.dt : 0;
    if (last > dLam) last = dLam;
    return latePhaseStep(latePhaseStep(z, dLam - last, tg, 1, this.P), last, tagNow, 1, this.P);
  }

  /**
   * h of synapse s (neuron t) over n steps from a calcium c1 ≥ θ_d: one exact OU transition through each
   * regime (potentiation while c ≥ θ_p, then depression), then rest if the episode ends within the
   * stretch; z grows step by step with the tag the sampled path has (episodeTags.ts) over the protein
   * integral dLam. Returns h at the stretch's end.
   */
  private episodeStretch(s: number, t: number, h: number, c1: number, n: number, dLam: number): number {
    const kd = n === 1 ? 1 : Math.min(n, Math.floor(calciumCrossingTime(c1, this.thetaD, this.tauC) / this.dt) + 1);
    const kp = c1 < this.thetaP ? 0 : n === 1 ? 1 : Math.min(kd, Math.floor(calciumCrossingTime(c1, this.thetaP, this.tauC) / this.dt) + 1);
    const et = this.tags;
    et.begin(this.z[s]!, n, dLam, this.neurons.p[t]! * this.dt, this.noise[t]!);
    let hs = h;
    if (kp > 0) {
      const hb = this.stretches.sample(2, hs, kp, this.noise[t]!);
      et.walk(2, hs, hb, kp);
      hs = hb;
    }
    if (kd > kp) {
      const hb = this.stretches.sample(1, hs, kd - kp, this.noise[t]!);
      et.walk(1, hs, hb, kd - kp);
      hs = hb;
    }
    const rest = n - kd;
    if (rest > 0) {
      // at rest |h − h0| shrinks: a tag lasts until the step where it falls below θ_tag (as schedule())
      const tag = et.tagOf(hs);
      if (tag !== 0) {
        const off = restCrossingTime(hs, this.h0, this.h0 + tag * this.thetaTag, this.k0);
        et.grow(tag, off === Infinity ? rest : Math.min(rest, Math.max(1, Math.ceil(off / this.dt)) - 1));
      }
      hs = this.h0 + (hs - this.h0) * this.hPow.pow(rest);
    }
    this.z[s] = et.z;
    return hs;
  }

  /** The next step at which s must be looked at without a spike: its calcium episode's end, or its tag's end at rest. */
  private schedule(s: number): void {
    const ts = this.ts[s]!;
    let w: number;
    const ca = this.c[s]!;
    if (ca >= this.thetaD) {
      w = ts + Math.floor(calciumCrossingTime(ca, this.thetaD, this.tauC) / this.dt) + 1;
    } else if (this.tag[s] !== 0) {
      const level = this.h0 + this.tag[s]! * this.thetaTag;
      const off = restCrossingTime(this.h[s]!, this.h0, level, this.k0);
      if (off === Infinity) return;
      w = ts + Math.max(1, Math.ceil(off / this.dt));
    } else {
      return;
    }
    const cur = this.wake[s]!;
    if (cur > ts && cur <= w) return; // an earlier wake-up is pending: it reschedules
    this.wake[s] = w;
    this.queue.push(w, s);
  }

  /** A calcium jump of `amount` at step j (the reference's step j runs with the new calcium). */
  jump(s: number, j: number, amount: number): void {
    this.advance(s, j - 1);
    const before = this.c[s]!;
    this.c[s] = before + amount;
    if (before < this.thetaD && before + amount >= this.thetaD) this.episodes.enter(this.post[s]!, j - 1);
    this.schedule(s);
  }

  /** After neuron t's postsynaptic jumps at step j: all its synapses are at step j − 1. */
  markCurrent(t: number, j: number): void {
    this.episodes.since[t] = j - 1;
  }

  /**
   * After step j's jumps and wake-ups: for every neuron whose Σ|h − h0| is within reach of θ_pro, given
   * how far its synapses in an episode can have left the resting relaxation since they were last
   * advanced, those synapses are brought to step j, so that the sum is exact where it decides.
   */
  checkSynthesis(j: number, inStart: Int32Array): void {
    const ep = this.episodes, list = ep.list, sum = this.sumDev, thetaPro = this.thetaPro;
    // backwards: a refresh that ends t's last episode moves an already visited neuron into t's place
    for (let q = ep.size - 1; q >= 0; q--) {
      const t = list[q]!, d = sum[t]! - thetaPro;
      if ((d < 0 ? -d : d) > ep.reach(t, j)) continue;
      this.refreshes++;
      for (let s = inStart[t]!, e = inStart[t + 1]!; s < e; s++) {
        if (this.c[s]! >= this.thetaD && this.ts[s]! < j) {
          this.advance(s, j);
          this.schedule(s);
        }
      }
      ep.since[t] = j;
    }
  }

  /** The weight h + h0·z at step T, as a PSP reads it. */
  weight(s: number, T: number): number {
    const ts = this.ts[s]!;
    if (T > ts && this.c[s]! < this.thetaD && this.tag[s] === 0) {
      // at rest without a tag: h in closed form, z unchanged; nothing to write
      return this.h0 + (this.h[s]! - this.h0) * this.hPow.pow(T - ts) + this.h0 * this.z[s]!;
    }
    this.advance(s, T);
    return this.h[s]! + this.h0 * this.z[s]!;
  }

  /** Handles the wake-ups due at or before step j, in (step, synapse) order; each is advanced to its step. */
  wakeThrough(j: number): void {
    const q = this.queue;
    while (q.size > 0 && q.peekStep() <= j) {
      const w = q.peekStep(), s = q.peekSynapse();
      q.pop();
      if (this.wake[s] !== w) continue; // superseded
      this.advance(s, w); // in full: wake[s] = w marks the step where its tag may end
      this.wake[s] = -1;
      this.schedule(s);
    }
  }

  /**
   * Handles the wake-ups up to step j during a fast-forward stretch: each at its own step with the Λ
   * of the stretch's start (a tag that ends within a fast-forward step gives no z growth in it, as the
   * reference tests the tag at the step's end).
   */
  wakeThroughAtRest(j: number): void {
    const q = this.queue, saved = this.step, savedLam = this.lamStep;
    this.detailed = false;
    while (q.size > 0 && q.peekStep() <= j) {
      const w = q.peekStep(), s = q.peekSynapse();
      q.pop();
      if (this.wake[s] !== w) continue;
      this.step = this.lamStep = w;
      this.advance(s, w);
      this.wake[s] = -1;
      this.schedule(s);
    }
    this.step = saved;
    this.lamStep = savedLam;
    this.detailed = true;
  }

  /** Brings every synapse to step j (the current step), with calcium set to zero: the fast-forward's entry. */
  enterRest(j: number): void {
    this.step = this.lamStep = j;
    for (let s = this.sFrom; s < this.sTo; s++) this.advance(s, j);
    this.c.fill(0, this.sFrom, this.sTo);
    this.episodes.clear();
    this.queue.clear();
    this.wake.fill(-1, this.sFrom, this.sTo);
    for (let s = this.sFrom; s < this.sTo; s++) this.schedule(s);
  }

  /**
   * Brings every synapse to step j (the current step) after a fast-forward: at rest with calcium zero
   * that is deterministic, and it keeps j − ts within the power tables (e^n for n beyond them is a
   * Math.pow, which made the detailed seconds after an 8 h fast-forward three times dearer).
   */
  leaveRest(j: number): void {
    this.step = this.lamStep = j;
    for (let s = this.sFrom; s < this.sTo; s++) this.advance(s, j);
  }

  /** Brings the listed synapses that this rank owns to step j (the current step), for probes. */
  advanceAll(list: Int32Array, j: number): void {
    for (let k = 0; k < list.length; k++) {
      const s = list[k]!;
      if (s >= this.sFrom && s < this.sTo) this.advance(s, j);
    }
  }

  /** Recomputes each neuron's Σ|h − h0| at the current step from scratch (removes accumulated rounding). */
  recomputeSums(inStart: Int32Array): void {
    const j = this.step, h0 = this.h0;
    for (let t = this.nFrom; t < this.nTo; t++) {
      let sum = 0;
      for (let s = inStart[t]!, end = inStart[t + 1]!; s < end; s++) sum += Math.abs(this.h[s]! - h0) * this.hPow.pow(j - this.ts[s]!);
      if (inStart[t + 1]! > inStart[t]!) this.sumDev[t] = sum;
    }
  }

  /** Multiplies every neuron's sum by e_0^k (k steps of rest for all shares). */
  decaySums(k: number): void {
    const f = this.hPow.pow(k), sd = this.sumDev;
    for (let t = this.nFrom, end = this.nTo; t < end; t++) sd[t] = sd[t]! * f;
  }

  /** Bytes held per synapse by this state (typed arrays only). */
  static readonly BYTES_PER_SYNAPSE = 8 * 4 + 4 * 2 + 1; // c, h, z, Λ mark; ts, wake; tag (the presynaptic index: partition.ts calciumEdges)
}
