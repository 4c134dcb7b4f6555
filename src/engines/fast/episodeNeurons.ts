/**
 * The neurons of a fast-engine rank that have plastic synapses in a calcium episode, for the check that
 * keeps protein synthesis exact (lazySynapses.ts checkSynthesis): how many such synapses each has, a
 * list of those neurons (unordered: each draws from its own stream, so the order of their checks does
 * not matter), and a step at or before which all of a neuron's episode synapses were last advanced.
 *
 * A synapse in an episode has left the resting relaxation its share of Σ|h − h0| assumes by a drift
 * of at most D·Δ plus a Gaussian of variance at most s²·Δ (model/weightBound.ts episodeDeparture). With
 * a synapses all current Δ steps ago the sum is off by at most a·(D·Δ + s√Δ·√(2/π)) + K·s·√(a·Δ) but for
 * a probability e^{−K²/2} (Gaussian concentration of a sum of a absolute values; K = 20, as for the
 * weight bound): the neuron's reach.
 */
import type { ModelParams } from '../../model/parameters.js';
import { episodeDeparture, WEIGHT_BOUND_SDS } from '../../model/weightBound.js';

/** E|X| / SD of a Gaussian X: √(2/π). */
const MEAN_ABS = Math.sqrt(2 / Math.PI);

export class EpisodeNeurons {
  /** Per neuron: its synapses in an episode; a step at or before every such synapse's last advance. */
  readonly count: Int32Array;
  readonly since: Int32Array;
  /** The listed neurons list[0 … size − 1], and where each is listed. */
  readonly list: Int32Array;
  private readonly listedAt: Int32Array;
  size = 0;
  /** Per-step bound of the departure from rest: D·dt (mV), and the SD s·√dt of its noise (mV). */
  private readonly driftStep: number;
  private readonly noiseStep: number;

  constructor(neurons: number, P: ModelParams, dt: number) {
    this.count = new Int32Array(neurons);
    this.since = new Int32Array(neurons);
    this.list = new Int32Array(neurons);
    this.listedAt = new Int32Array(neurons);
    const away = episodeDeparture(P);
    this.driftStep = away.drift * dt;
    this.noiseStep = Math.sqrt(away.diffusion * dt);
  }

  /** A synapse of neuron t enters an episode, advanced to step `current`. */
  enter(t: number, current: number): void {
    if (this.count[t]++ !== 0) return;
    // the neuron's first synapse in an episode
    this.since[t] = current;
    this.listedAt[t] = this.size;
    this.list[this.size++] = t;
  }

  /** A synapse of neuron t leaves its episode. */
  leave(t: number): void {
    if (--this.count[t]! !== 0) return;
    // unlisted: the last listed neuron takes its place
    const at = this.listedAt[t]!, last = this.list[--this.size]!;
    this.list[at] = last;
    this.listedAt[last] = at;
  }

  /** How far neuron t's Σ|h − h0| can be from its exact value at step j (0 if nothing has moved since). */
  reach(t: number, j: number): number {
    const steps = j - this.since[t]!;
    if (steps <= 0) return 0;
    const a = this.count[t]!, sd = this.noiseStep * Math.sqrt(steps);
    return a * (this.driftStep * steps + sd * MEAN_ABS) + WEIGHT_BOUND_SDS * sd * Math.sqrt(a);
  }

  /** Lists the neurons [from, to) whose count is > 0, ascending: after a checkpoint restored count and since. */
  relist(from: number, to: number): void {
    this.size = 0;
    for (let t = from; t < to; t++) {
      if (this.count[t]! === 0) continue;
      this.listedAt[t] = this.size;
      this.list[this.size++] = t;
    }
  }

  /** No synapse in an episode (a fast-forward's start: calcium set to zero). */
  clear(): void {
    this.count.fill(0);
    this.size = 0;
  }
}
