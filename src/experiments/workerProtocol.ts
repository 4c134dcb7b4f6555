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
