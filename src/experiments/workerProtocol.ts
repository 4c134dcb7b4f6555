/**
 * The messages between the ensemble scheduler (parallel.ts) and its worker threads (worker.ts), and the
 * packing of finished trials into one transferable Float64Array per chunk. Plain TypeScript, no Node API.
 *
 * Packed layout of one trial (record length 3·n + SCALARS, n = grid length):
 *   h_mV[n], z[n], p[n], then the scalars in the order of {@link SCALAR_FIELDS}.
 */
import { OUTCOME_CLASSES } from '../model/protocols.js';
import type { CalciumTrace, TrialResult } from '../engines/types.js';
import type { EnsembleConfig } from './ensemble.js';

/** Scalars of a trial, in packed order (`outcome` as an index into OUTCOME_CLASSES, booleans as 0/1). */
export const SCALAR_FIELDS = [
  'trial', 'maxDev_mV', 'tagged', 'proteinSynthesis', 'outcome', 'preSpikes', 'postSpikes', 'pMax', 'tPMax_s', 'steps', 'wall_ms',
] as const;
const NS = SCALAR_FIELDS.length;

/** Scheduler → worker. */
export type ToWorker =
  | { type: 'init'; configs: EnsembleConfig[] }
  | { type: 'task'; task: number; ensemble: number; first: number; count: number }
  | { type: 'stop' };

/** Worker → scheduler. */
export type FromWorker =
  | { type: 'done'; task: number; ensemble: number; first: number; count: number; n: number; t_s: Float64Array; data: Float64Array; calcium?: CalciumTrace }
  | { type: 'error'; task: number; message: string; stack?: string };

/** Record length of one packed trial with a grid of n points. */
export const recordLength = (n: number): number => 3 * n + NS;

/** Writes one trial into `data` at record `k`. */
export function packTrial(data: Float64Array, k: number, n: number, r: TrialResult, wall_ms: number): void {
  const o = k * recordLength(n);
  data.set(r.h_mV, o);
  data.set(r.z, o + n);
  data.set(r.p, o + 2 * n);
  const s = o + 3 * n;
  data[s] = r.trial;
  data[s + 1] = r.maxDev_mV;
  data[s + 2] = r.tagged ? 1 : 0;
  data[s + 3] = r.proteinSynthesis ? 1 : 0;
  data[s + 4] = OUTCOME_CLASSES.indexOf(r.outcome);
  data[s + 5] = r.preSpikes;
  data[s + 6] = r.postSpikes;
  data[s + 7] = r.pMax;
  data[s + 8] = r.tPMax_s;
  data[s + 9] = r.steps;
  data[s + 10] = wall_ms;
}

/** Reads record `k` back as a TrialResult whose traces are views into `data` (no copy). */
export function unpackTrial(data: Float64Array, k: number, n: number, t_s: Float64Array, calcium?: CalciumTrace): { result: TrialResult; wall_ms: number } {
  const o = k * recordLength(n);
  const s = o + 3 * n;
  const result: TrialResult = {
    trial: data[s]!,
    t_s,
    h_mV: data.subarray(o, o + n),
    z: data.subarray(o + n, o + 2 * n),
    p: data.subarray(o + 2 * n, o + 3 * n),
    calcium,
    maxDev_mV: data[s + 1]!,
    tagged: data[s + 2] === 1,
    proteinSynthesis: data[s + 3] === 1,
    outcome: OUTCOME_CLASSES[data[s + 4]!] ?? 'none',
    preSpikes: data[s + 5]!,
    postSpikes: data[s + 6]!,
    pMax: data[s + 7]!,
    tPMax_s: data[s + 8]!,
    steps: data[s + 9]!,
  };
  return { result, wall_ms: data[s + 10]! };
}
