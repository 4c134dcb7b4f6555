/**
 * The messages between the ensemble scheduler (parallel.ts) and its worker threads (worker.ts), and the
 * packing of a chunk's reduced trials into transferable Float64Arrays. Plain TypeScript, no Node API.
 *
 * A worker reduces its trials itself (ensembleBlock.ts) and sends back, per chunk:
 * - `rows`: one record per trial, the scalars in the order of {@link SCALAR_FIELDS}, then the checkpoint
 *   samples (TrialTraceReducer.cp: w/h0, h, z at each checkpoint, NaN where not reached);
 * - `blocks`: the trace summary of each block of REDUCE_BLOCK trials (chunks start on block boundaries),
 *   each blockRecordLength(n) numbers.
 */
import { OUTCOME_CLASSES } from '../model/protocols.js';
import type { CalciumTrace, TrialResult } from '../engines/types.js';
import type { EnsembleConfig, TrialScalars } from './ensemble.js';
import { CHECKPOINTS } from './ensembleBlock.js';

/** Scalars of a trial, in packed order (`outcome` as an index into OUTCOME_CLASSES, booleans as 0/1). */
export const SCALAR_FIELDS = [
  'trial', 'maxDev_mV', 'tagged', 'proteinSynthesis', 'outcome', 'preSpikes', 'postSpikes', 'pMax', 'tPMax_s', 'steps', 'wall_ms',
] as const;
const NS = SCALAR_FIELDS.length;

/** Numbers per trial in `rows`; the checkpoint samples start at CP_OFFSET. */
export const ROW_LENGTH = NS + 3 * CHECKPOINTS.length;
export const CP_OFFSET = NS;

/** Where a worker's chunk stopped on a non-finite state (the fields of NonFiniteStateError). */
export interface NonFiniteReport {
  trial: number;
  variable: string;
  t_s: number;
  value: number;
  protocol?: string;
}

/** Scheduler → worker. */
export type ToWorker =
  | { type: 'init'; configs: EnsembleConfig[] }
  | { type: 'task'; task: number; ensemble: number; first: number; count: number }
  | { type: 'stop' };

/**
 * Worker → scheduler. `count` trials are in `rows`; with `nonFinite`, the trial after them failed and
 * `blocks` is empty.
 */
export type FromWorker =
  | {
    type: 'done'; task: number; ensemble: number; first: number; count: number; n: number; t_s: Float64Array;
    rows: Float64Array; blocks: Float64Array; nBlocks: number; calcium?: CalciumTrace; nonFinite?: NonFiniteReport;
  }
  | { type: 'error'; task: number; message: string; stack?: string };

/** Writes one trial's scalars into `rows` at record `k` (the checkpoint samples go after them). */
export function packScalars(rows: Float64Array, k: number, r: TrialResult, wall_ms: number): void {
  const s = k * ROW_LENGTH;
  rows[s] = r.trial;
  rows[s + 1] = r.maxDev_mV;
  rows[s + 2] = r.tagged ? 1 : 0;
  rows[s + 3] = r.proteinSynthesis ? 1 : 0;
  rows[s + 4] = OUTCOME_CLASSES.indexOf(r.outcome);
  rows[s + 5] = r.preSpikes;
  rows[s + 6] = r.postSpikes;
  rows[s + 7] = r.pMax;
  rows[s + 8] = r.tPMax_s;
  rows[s + 9] = r.steps;
  rows[s + 10] = wall_ms;
}

/** The scalars of record k of `rows`. */
export function unpackScalars(rows: Float64Array, k: number): TrialScalars {
  const s = k * ROW_LENGTH;
  return {
    trial: rows[s]!, maxDev_mV: rows[s + 1]!, tagged: rows[s + 2] === 1, proteinSynthesis: rows[s + 3] === 1,
    outcome: OUTCOME_CLASSES[rows[s + 4]!] ?? 'none', preSpikes: rows[s + 5]!, postSpikes: rows[s + 6]!,
    pMax: rows[s + 7]!, tPMax_s: rows[s + 8]!, steps: rows[s + 9]!, wall_ms: rows[s + 10]!,
  };
}
