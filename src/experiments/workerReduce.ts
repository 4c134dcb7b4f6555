/**
 * The ordered reduction of the parallel runner: unpacks each trial record of a worker's chunk into
 * views and hands it to {@link EnsembleAccumulator} — the same code as runEnsemble, so the results
 * are bit-identical for any number of workers (the parallel test checks it).
 */
import { OUTCOME_CLASSES } from '../model/protocols.js';
import type { CalciumTrace } from '../engines/types.js';
import { EnsembleAccumulator, type TrialRow } from './ensemble.js';
import { recordLength } from './workerProtocol.js';

export class PackedEnsembleReducer extends EnsembleAccumulator {
  /** Adds record k of a packed chunk (grid length len, grid times t_s). */
  addPacked(data: Float64Array, k: number, len: number, t_s: Float64Array, calcium?: CalciumTrace): TrialRow {
    const o = k * recordLength(len);
    const s = o + 3 * len;
    return this.addTrace(
      t_s, data.subarray(o, o + len), data.subarray(o + len, o + 2 * len), data.subarray(o + 2 * len, s),
      {
        trial: data[s]!, maxDev_mV: data[s + 1]!, tagged: data[s + 2] === 1, proteinSynthesis: data[s + 3] === 1,
        outcome: OUTCOME_CLASSES[data[s + 4]!] ?? 'none', preSpikes: data[s + 5]!, postSpikes: data[s + 6]!,
        pMax: data[s + 7]!, tPMax_s: data[s + 8]!, steps: data[s + 9]!, wall_ms: data[s + 10]!,
      },
      calcium,
    );
  }
}
