/**
 * The main thread's part of the parallel runner's ordered reduction: a chunk's trials were reduced by
 * its worker (ensembleBlock.ts), so this only turns each packed record into a row and merges the chunk's
 * block summaries — the same merges, in the same order, as runEnsemble's, so the results are
 * bit-identical for any number of workers (the parallel test checks it).
 */
import type { CalciumTrace } from '../engines/types.js';
import { EnsembleAccumulator, type TrialRow } from './ensemble.js';
import { blockRecordLength } from './ensembleBlock.js';
import { CP_OFFSET, ROW_LENGTH, unpackScalars } from './workerProtocol.js';

export class PackedEnsembleReducer extends EnsembleAccumulator {
  /** Adds record k of a chunk's packed rows. */
  addPacked(rows: Float64Array, k: number, calcium?: CalciumTrace): TrialRow {
    return this.addReduced(unpackScalars(rows, k), rows, k * ROW_LENGTH + CP_OFFSET, calcium);
  }

  /** Merges the nBlocks block summaries of a chunk (grid t_s), in order. */
  addBlocks(t_s: Float64Array, blocks: Float64Array, nBlocks: number): void {
    const L = blockRecordLength(t_s.length);
    for (let b = 0; b < nBlocks; b++) this.addBlock(t_s, blocks, b * L);
  }
}
