/**
 * Checkpoints of the fast engine's run (`calcitag network --engine fast --checkpoint-every / --resume`):
 * the complete state between two steps, in the container and file format of the reference engine's
 * (reference/networkCheckpoint.ts, io/networkCheckpointFile.ts), marked engine 'fast'.
 *
 * What it holds is independent of how the run is split across threads, so a run saved on W threads
 * resumes on any number: per neuron the shared state (membrane, currents, protein, Σ|h − h0|, Λ), the
 * refractory time, the stimulus currents and processes, the positions of the background, plasticity and
 * stimulus streams, and the episode count and mark of the synthesis check; per synapse the lazy state
 * (c, h, z, Λ mark, ts, wake-up step, tag); the spikes of the last `maxDelay` steps still to be
 * delivered (as step, neuron); the run's max dev, tag flag and work counts; the spike log and probes.
 * The wake-up calendar and the episode list are rebuilt from the per-synapse and per-neuron state (their
 * order is (step, synapse), resp. immaterial: lazySynapses.ts). Static parts (compiled network, step
 * coefficients, power tables, OU caches) are rebuilt from the description.
 *
 * The ranks' own parts travel through shared staging arrays: each rank writes its neurons' part, rank 0
 * reads the whole (save); rank 0 writes the whole, each rank reads its part (resume).
 */
import { PairBuffer } from '../../model/network/edges.js';
import type { CompiledNetwork } from '../network/compile.js';
import type { Team } from '../team.js';
import {
  arrayToStreams, captureRecords, CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, checkpointMismatch, copy, need,
  restoreRecords, STREAM_WORDS, streamsToArray, take, type CheckpointRunKey, type LoopCounters, type NetworkCheckpoint, type StateArray,
} from '../reference/networkCheckpoint.js';
import { OUTCOME, type FastRank } from './fastRank.js';

/** Where the rank-local parts meet: whole-network arrays in shared memory (allocated only when checkpoints are on). */
export interface CheckpointStage {
  readonly refractory: Float64Array;
  readonly iStim: Float64Array;
  readonly bgWords: Int32Array;
  readonly bgSpare: Float64Array;
  readonly plasticity: Float64Array;
  readonly epCount: Int32Array;
  readonly epSince: Int32Array;
  /** Per OU process of the description: its value and stream words per neuron, and whether it is on. */
  readonly ouValue: readonly Float64Array[];
  readonly ouWords: readonly Float64Array[];
  readonly ouOn: Uint8Array;
}

/** Collective: the staging arrays of a run (every rank calls it, in the same place). */
export function checkpointStage(team: Team, net: CompiledNetwork): CheckpointStage {
  const n = net.n;
  const f64 = (len: number) => new Float64Array(team.share(8 * len)), i32 = (len: number) => new Int32Array(team.share(4 * len));
  return {
    refractory: f64(n), iStim: f64(n), bgWords: i32(4 * n), bgSpare: f64(n), plasticity: f64(STREAM_WORDS * n),
    epCount: i32(n), epSince: i32(n),
    ouValue: net.ou.map((o) => f64(o.to - o.from)), ouWords: net.ou.map((o) => f64(STREAM_WORDS * (o.to - o.from))),
    ouOn: new Uint8Array(team.share(Math.max(1, net.ou.length))),
  };
}

/** Where a rank's part of OU process gi starts within the process's neurons. */
const ouOffset = (net: CompiledNetwork, gi: number, lo: number) => Math.max(net.ou[gi]!.from, lo) - net.ou[gi]!.from;

/** The neurons of [lo, hi) that own a plasticity stream (those with plastic synapses). */
const ownsStream = (net: CompiledNetwork, i: number) => net.inStart[i + 1]! > net.inStart[i]!;

/** Every rank: its own parts into the stage (before rank 0 captures). */
export function stageRank(r: FastRank, g: CheckpointStage): void {
  const { lo, hi, net, state } = r;
  g.refractory.set(state.refractory, lo);
  g.iStim.set(state.iStim.subarray(lo, hi), lo);
  state.fastNeurons.saveStreams(g.bgWords, g.bgSpare, lo);
  for (let i = lo; i < hi; i++) if (ownsStream(net, i)) g.plasticity.set(streamsToArray([state.plasticity[i]!]), STREAM_WORDS * i);
  const ep = r.syn.episodes;
  g.epCount.set(ep.count.subarray(lo, hi), lo);
  g.epSince.set(ep.since.subarray(lo, hi), lo);
  state.ou.forEach((part, q) => {
    const gi = state.ouIndex[q]!, at = ouOffset(net, gi, lo);
    g.ouValue[gi]!.set(part.value, at);
    g.ouWords[gi]!.set(streamsToArray(part.rng), STREAM_WORDS * at);
    g.ouOn[gi] = part.on ? 1 : 0;
  });
  r.outcome.set(r.syn.outcome(), OUTCOME * r.team.rank);
}

/** Every rank after rank 0 restored: its own parts from the stage, and the lazy synapses' calendar and lists rebuilt. */
export function unstageRank(r: FastRank, g: CheckpointStage, outcome: ArrayLike<number>): void {
  const { lo, hi, net, state } = r;
  state.refractory.set(g.refractory.subarray(lo, hi));
  state.iStim.set(g.iStim.subarray(lo, hi), lo);
  state.fastNeurons.loadStreams(g.bgWords, g.bgSpare, lo);
  for (let i = lo; i < hi; i++) {
    if (ownsStream(net, i)) arrayToStreams(g.plasticity.subarray(STREAM_WORDS * i, STREAM_WORDS * (i + 1)), [state.plasticity[i]!], 'plasticity streams');
  }
  const ep = r.syn.episodes;
  ep.count.set(g.epCount.subarray(lo, hi), lo);
  ep.since.set(g.epSince.subarray(lo, hi), lo);
  state.ou.forEach((part, q) => {
    const gi = state.ouIndex[q]!, at = ouOffset(net, gi, lo), len = part.value.length;
    part.value.set(g.ouValue[gi]!.subarray(at, at + len));
    arrayToStreams(g.ouWords[gi]!.subarray(STREAM_WORDS * at, STREAM_WORDS * (at + len)), part.rng, `stimulus ${gi} streams`);
    part.on = g.ouOn[gi] === 1;
  });
  // the run's outcome so far is rank 0's; the others count from zero (the end adds the ranks up)
  r.syn.resume(r.team.rank === 0 ? outcome : new Float64Array(OUTCOME));
}

/** The ranks' outcomes combined: the largest |h − h0| (the first rank's on a tie), any tag, the work counts summed. */
export function combinedOutcome(r: FastRank): number[] {
  const out: number[] = new Array<number>(OUTCOME).fill(0);
  for (let q = 0; q < r.team.size; q++) {
    const o = r.outcome.subarray(OUTCOME * q, OUTCOME * (q + 1));
    if (Math.abs(o[0]!) > Math.abs(out[0]!)) out[0] = o[0]!;
    if (o[1] === 1) out[1] = 1;
    for (let k = 2; k < OUTCOME; k++) out[k] = out[k]! + o[k]!;
  }
  return out;
}

const NEURON_KEYS = ['v', 'iSyn', 'iBg', 'p', 'sumDev', 'lam', 'synthesis'] as const;
const SYNAPSE_KEYS = ['c', 'h', 'z', 'lamMark', 'ts', 'wake'] as const;
const STAGE_KEYS = ['refractory', 'iStim', 'bgWords', 'bgSpare', 'plasticity', 'epCount', 'epSince'] as const;

/**
 * Rank 0: the checkpoint of a run about to continue at `position` (every rank staged its parts); with
 * `borrow` its arrays are views of the shared state, valid while the other ranks wait at the barrier after the save.
 */
export function captureFast(r: FastRank, g: CheckpointStage, run: CheckpointRunKey, position: NetworkCheckpoint['position'], counters: LoopCounters, dt: number, borrow = false): NetworkCheckpoint {
  const arrays: Record<string, StateArray> = {};
  const { neurons, synapses } = r.state;
  for (const k of NEURON_KEYS) arrays[`neuron.${k}`] = take(neurons[k], borrow);
  for (const k of SYNAPSE_KEYS) arrays[`synapse.${k}`] = take(synapses[k], borrow);
  arrays['synapse.tag'] = take(new Uint8Array(synapses.tag.buffer, synapses.tag.byteOffset, synapses.tag.length), borrow);
  for (const k of STAGE_KEYS) arrays[`stage.${k}`] = take(g[k], borrow);
  g.ouValue.forEach((a, i) => { arrays[`ou.${i}.value`] = take(a, borrow); });
  g.ouWords.forEach((a, i) => { arrays[`ou.${i}.rng`] = take(a, borrow); });
  arrays['ou.on'] = take(g.ouOn, borrow);
  const pending = new PairBuffer();
  r.spikes.collect(position.step - (r.spikes.size - r.window), position.step, pending);
  ({ source: arrays['ring.step'], target: arrays['ring.neuron'] } = pending.finish());
  arrays['outcome'] = Float64Array.from(combinedOutcome(r));
  const probes = captureRecords(r.log, r.probes, arrays, borrow);
  return {
    format: CHECKPOINT_FORMAT, format_version: CHECKPOINT_FORMAT_VERSION, run, t_s: position.step * dt, position,
    counters: { ...counters, ffIntervals: [...counters.ffIntervals] }, scalars: {}, probes, arrays,
  };
}

/** Rank 0: puts a checkpoint's whole-network state into the shared arrays and the stage; returns the outcome so far. */
export function restoreFast(cp: NetworkCheckpoint, r: FastRank, g: CheckpointStage, run: CheckpointRunKey): Float64Array {
  const why = checkpointMismatch(cp, run);
  if (why) throw new Error(`cannot resume from this checkpoint: ${why}`);
  const { neurons, synapses } = r.state;
  for (const k of NEURON_KEYS) copy(neurons[k], need(cp, `neuron.${k}`), `neuron.${k}`);
  for (const k of SYNAPSE_KEYS) copy(synapses[k], need(cp, `synapse.${k}`), `synapse.${k}`);
  copy(new Uint8Array(synapses.tag.buffer, synapses.tag.byteOffset, synapses.tag.length), need(cp, 'synapse.tag'), 'synapse.tag');
  for (const k of STAGE_KEYS) copy(g[k], need(cp, `stage.${k}`), `stage.${k}`);
  g.ouValue.forEach((a, i) => copy(a, need(cp, `ou.${i}.value`), `ou.${i}.value`));
  g.ouWords.forEach((a, i) => copy(a, need(cp, `ou.${i}.rng`), `ou.${i}.rng`));
  copy(g.ouOn, need(cp, 'ou.on'), 'ou.on');
  const at = cp.position.step;
  r.spikes.refill(at - (r.spikes.size - r.window), at, need(cp, 'ring.step'), need(cp, 'ring.neuron'));
  restoreRecords(cp, r.log, r.probes);
  const outcome = need(cp, 'outcome');
  if (!(outcome instanceof Float64Array) || outcome.length !== OUTCOME) throw new Error(`checkpoint: 'outcome' does not fit this run`);
  return outcome;
}
