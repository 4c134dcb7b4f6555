/**
 * Checkpoints of the reference engine's network run: the complete mutable state between two steps —
 * every neuron and synapse array, the spike ring buffer, the rest bookkeeping, the position of every
 * random stream (xoshiro words and the Gaussian spare), the OU stimulus processes, the read position
 * in the imposed spikes, the spikes and probe samples recorded so far, and where the schedule stands.
 * Restoring it into a freshly built run (same description, seed, trial, dt) and continuing gives the
 * uninterrupted run's result bit for bit (networkCheckpoint.test.ts). Plain data (typed arrays and
 * numbers): io writes it to a file (io/networkCheckpointFile.ts). Static parts (the compiled network,
 * step coefficients, power tables) are rebuilt from the description, not stored.
 */
import type { PairBuffer } from '../../model/network/edges.js';
import { hashText, type RandomStream } from '../../random/streams.js';
import type { NetworkRunSpec } from '../networkTypes.js';
import type { NetworkProbes } from '../network/probes.js';
import type { ImposedSpikes, NetworkState } from './networkLoop.js';
import type { OuPart } from '../network/inputs.js';

export const CHECKPOINT_FORMAT = 'calcitag-network-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;

export type StateArray = Float64Array | Int32Array | Uint8Array;

/** Which run a checkpoint belongs to; a resume into another run (or by another engine) is refused. */
export interface CheckpointRunKey {
  /** The engine whose state it is ('reference', 'fast'): each saves its own. */
  readonly engine: string;
  readonly seed: number;
  readonly trial: number;
  readonly dt_ms: number;
  readonly fast_forward: boolean;
  readonly neurons: number;
  readonly synapses: number;
  readonly duration_s: number;
  /** A hash of the network description and the engine options ({@link runDigest}): parameters, stimuli, probes. */
  readonly description: string;
}

/** The run key's hash of what defines a run beyond its seed and step: the description and the engine options. */
export const runDigest = (spec: NetworkRunSpec): string => hashText(JSON.stringify([spec.description, spec.engineOptions ?? {}]));

export interface NetworkCheckpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly format_version: number;
  readonly run: CheckpointRunKey;
  /** Simulated time at which the run continues, s. */
  readonly t_s: number;
  /** Schedule segment and the step within it to continue from. */
  readonly position: { readonly segment: number; readonly step: number };
  readonly counters: { readonly steps: number; readonly ffSteps: number; readonly maxDev: number; readonly lastStep: number; readonly ffIntervals: number[] };
  /** The engine's own bookkeeping numbers (reference: restCount, imposedPos). */
  readonly scalars: Readonly<Record<string, number>>;
  /** Per probe: next step wanted, and the series keys in recording order. */
  readonly probes: Array<{ readonly next: number; readonly series: string[] }>;
  readonly arrays: Record<string, StateArray>;
}

/** The OU stimulus processes of a run (networkEngine.ts ouStimulator): their current values and streams. */
export type { OuPart };

/** Everything mutable of a run, as networkEngine.ts holds it. */
export interface RunParts {
  readonly st: NetworkState;
  readonly streams: { readonly background: readonly RandomStream[]; readonly plasticity: readonly RandomStream[] };
  readonly ou: readonly OuPart[];
  readonly imposed: ImposedSpikes;
  readonly probes: NetworkProbes;
  readonly log: PairBuffer;
}

/** The run-loop bookkeeping saved with the state. */
export type LoopCounters = NetworkCheckpoint['counters'];

const STATE_KEYS = ['v', 'iSyn', 'iBg', 'refractory', 'iStim', 'p', 'sumDev', 'c', 'h', 'z', 'ring', 'ringCount', 'spiked', 'preCa', 'synthesis', 'tagged', 'awakeSum'] as const;
const REST_KEYS = ['since', 'awake', 'list', 'restSum'] as const;

export const STREAM_WORDS = 6;
const streamWords = new Int32Array(4), streamSpare = new Float64Array(1);

/** Streams' positions as STREAM_WORDS numbers each (xoshiro words, Gaussian spare, whether one is kept). */
export function streamsToArray(rs: readonly RandomStream[]): Float64Array {
  const out = new Float64Array(rs.length * STREAM_WORDS);
  rs.forEach((r, i) => {
    r.saveState(streamWords, streamSpare, 0);
    const spare = streamSpare[0]!, kept = !Number.isNaN(spare);
    out.set(streamWords, i * STREAM_WORDS);
    out[i * STREAM_WORDS + 4] = kept ? spare : 0;
    out[i * STREAM_WORDS + 5] = kept ? 1 : 0;
  });
  return out;
}

/** Sets the streams to the positions {@link streamsToArray} wrote (words stored as int32 or as uint32 alike). */
export function arrayToStreams(a: Float64Array, rs: readonly RandomStream[], what: string): void {
  if (a.length !== rs.length * STREAM_WORDS) throw new Error(`checkpoint: ${what} holds ${a.length / STREAM_WORDS} streams; this run has ${rs.length}`);
  rs.forEach((r, i) => {
    const o = i * STREAM_WORDS;
    for (let j = 0; j < 4; j++) streamWords[j] = a[o + j]!; // ToInt32: the same 32 bits either way
    streamSpare[0] = a[o + 5] === 1 ? a[o + 4]! : NaN;
    r.restoreState(streamWords, streamSpare, 0);
  });
}

/** A probe recorder's recorded samples (its fields are private to probes.ts; a checkpoint must hold them). */
interface RecorderView {
  next: number;
  times: { data: Float64Array; length: number; push(x: number): void };
  series: Map<string, { data: Float64Array; length: number }>;
  put(key: string, x: number): void;
}
const recorders = (p: NetworkProbes) => (p as unknown as { recorders: RecorderView[] }).recorders;
const pairs = (b: PairBuffer) => b as unknown as { a: Int32Array; b: Int32Array; length: number };

/**
 * The first `length` elements of `a` (all by default) for a checkpoint: a copy, or with `borrow` (the
 * checkpoint is written out before the run goes on: NetworkCheckpointOptions.borrow) a view.
 */
export function take<A extends StateArray>(a: A, borrow: boolean, length = a.length): A {
  return (borrow ? a.subarray(0, length) : a.slice(0, length)) as A;
}

/** Captures the state of a run paused before step `position.step` of segment `position.segment` (views of it with `borrow`). */
export function captureCheckpoint(run: CheckpointRunKey, t_s: number, position: NetworkCheckpoint['position'], counters: LoopCounters, parts: RunParts, borrow = false): NetworkCheckpoint {
  const arrays: Record<string, StateArray> = {};
  const st = parts.st as unknown as Record<string, StateArray>;
  for (const k of STATE_KEYS) arrays[`state.${k}`] = take(st[k]!, borrow);
  const rest = parts.st.rest as unknown as Record<string, StateArray>;
  for (const k of REST_KEYS) arrays[`rest.${k}`] = take(rest[k]!, borrow);
  arrays['streams.background'] = streamsToArray(parts.streams.background);
  arrays['streams.plasticity'] = streamsToArray(parts.streams.plasticity);
  parts.ou.forEach((o, i) => {
    arrays[`ou.${i}.value`] = take(o.value, borrow);
    arrays[`ou.${i}.rng`] = streamsToArray(o.rng);
    arrays[`ou.${i}.on`] = Uint8Array.of(o.on ? 1 : 0);
  });
  const probes = captureRecords(parts.log, parts.probes, arrays, borrow);
  return {
    format: CHECKPOINT_FORMAT, format_version: CHECKPOINT_FORMAT_VERSION, run, t_s, position,
    counters: { ...counters, ffIntervals: [...counters.ffIntervals] },
    scalars: { restCount: parts.st.rest.count, imposedPos: parts.imposed.pos }, probes, arrays,
  };
}

/** The spike log and the probes' samples so far into `arrays`; returns the probes' positions for the header. */
export function captureRecords(log: PairBuffer, probes: NetworkProbes, arrays: Record<string, StateArray>, borrow = false): NetworkCheckpoint['probes'] {
  const l = pairs(log);
  arrays['spikes.step'] = take(l.a, borrow, l.length);
  arrays['spikes.neuron'] = take(l.b, borrow, l.length);
  return recorders(probes).map((r, i) => {
    arrays[`probe.${i}.t_s`] = take(r.times.data, borrow, r.times.length);
    const keys = [...r.series.keys()];
    keys.forEach((key, k) => {
      const g = r.series.get(key)!;
      arrays[`probe.${i}.series.${k}`] = take(g.data, borrow, g.length);
    });
    return { next: r.next, series: keys };
  });
}

/** Puts the spike log and the probes' samples of a checkpoint back into a fresh run's (empty) ones. */
export function restoreRecords(cp: NetworkCheckpoint, log: PairBuffer, probes: NetworkProbes): void {
  const step = need(cp, 'spikes.step'), neuron = need(cp, 'spikes.neuron');
  for (let q = 0; q < step.length; q++) log.push(step[q]!, neuron[q]!);
  const recs = recorders(probes);
  if (recs.length !== cp.probes.length) throw new Error(`checkpoint: ${cp.probes.length} probes there, ${recs.length} here`);
  recs.forEach((r, i) => {
    r.next = cp.probes[i]!.next;
    for (const t of need(cp, `probe.${i}.t_s`)) r.times.push(t);
    cp.probes[i]!.series.forEach((key, k) => {
      for (const x of need(cp, `probe.${i}.series.${k}`)) r.put(key, x);
    });
  });
}

/** Copies a checkpoint's array into a run's array of the same type and length (an error naming it otherwise). */
export function copy(dst: StateArray, src: StateArray, key: string): void {
  if (dst.length !== src.length || dst.constructor !== src.constructor) throw new Error(`checkpoint: '${key}' does not fit this run (${src.length} values, ${dst.length} expected)`);
  dst.set(src as never);
}

/** A named array of a checkpoint (an error naming it when missing). */
export function need(cp: NetworkCheckpoint, key: string): StateArray {
  const a = cp.arrays[key];
  if (!a) throw new Error(`checkpoint: '${key}' is missing`);
  return a;
}

/** A named number of a checkpoint's scalars (an error naming it when missing). */
export function scalar(cp: NetworkCheckpoint, key: string): number {
  const v = cp.scalars[key];
  if (typeof v !== 'number') throw new Error(`checkpoint: scalar '${key}' is missing`);
  return v;
}

/** Why a checkpoint cannot be resumed into the run `run` (undefined when it can). */
export function checkpointMismatch(cp: NetworkCheckpoint, run: CheckpointRunKey): string | undefined {
  if (cp.format !== CHECKPOINT_FORMAT || cp.format_version !== CHECKPOINT_FORMAT_VERSION) return `not a calcitag network checkpoint of format version ${CHECKPOINT_FORMAT_VERSION}`;
  for (const k of Object.keys(run) as Array<keyof CheckpointRunKey>) {
    if (cp.run[k] === run[k]) continue;
    if (k === 'description') return 'it belongs to another run: its network description or engine options differ (parameters, populations, stimuli, probes)';
    return `it belongs to another run: ${k} is ${String(cp.run[k])} there, ${String(run[k])} here`;
  }
  return undefined;
}

/** Puts a checkpoint's state into a freshly built run of the same network; returns where to continue. */
export function restoreCheckpoint(cp: NetworkCheckpoint, run: CheckpointRunKey, parts: RunParts): { position: NetworkCheckpoint['position']; counters: LoopCounters } {
  const why = checkpointMismatch(cp, run);
  if (why) throw new Error(`cannot resume from this checkpoint: ${why}`);
  const st = parts.st as unknown as Record<string, StateArray>;
  for (const k of STATE_KEYS) copy(st[k]!, need(cp, `state.${k}`), `state.${k}`);
  const rest = parts.st.rest as unknown as Record<string, StateArray>;
  for (const k of REST_KEYS) copy(rest[k]!, need(cp, `rest.${k}`), `rest.${k}`);
  parts.st.rest.count = scalar(cp, 'restCount');
  parts.imposed.pos = scalar(cp, 'imposedPos');
  arrayToStreams(need(cp, 'streams.background') as Float64Array, parts.streams.background, 'streams.background');
  arrayToStreams(need(cp, 'streams.plasticity') as Float64Array, parts.streams.plasticity, 'streams.plasticity');
  parts.ou.forEach((o, i) => {
    copy(o.value, need(cp, `ou.${i}.value`), `ou.${i}.value`);
    arrayToStreams(need(cp, `ou.${i}.rng`) as Float64Array, o.rng, `ou.${i}.rng`);
    o.on = need(cp, `ou.${i}.on`)[0] === 1;
  });
  restoreRecords(cp, parts.log, parts.probes);
  return { position: cp.position, counters: { ...cp.counters, ffIntervals: [...cp.counters.ffIntervals] } };
}
