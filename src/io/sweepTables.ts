/**
 * A sweep's tables on disk: CSV and Arrow IPC (Feather v2), for pandas, R and Arrow readers. Apart from
 * sweepFiles.ts so that what runs jobs (a BullMQ sandbox thread, a SLURM task) does not load Arrow
 * (≈ 150 ms a thread) to write one result file.
 */
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import type { SweepTable } from '../experiments/sweep/results.js';
import { toCsv } from './csv.js';
import { writeFileAtomic } from './files.js';

/** The table as CSV text (empty cell for a missing number). */
export function tableCsv(t: SweepTable): string {
  return toCsv(t.columns.map((c) => c.name), t.rows);
}

/** The table as an Arrow IPC file (Feather v2): float64 numbers (NaN → null), UTF-8 strings. */
export function tableArrow(t: SweepTable): Uint8Array {
  const cols: Record<string, Float64Array | string[]> = {};
  t.columns.forEach((c, i) => {
    if (c.kind === 'number') cols[c.name] = Float64Array.from(t.rows, (r) => r[i] as number);
    else cols[c.name] = t.rows.map((r) => String(r[i]));
  });
  return tableToIPC(tableFromArrays(cols), 'file');
}

/** Writes sweep.csv and sweep.arrow (or `name`.csv and .arrow); returns their paths. */
export function writeSweepTable(dir: string, t: SweepTable, name = 'sweep'): string[] {
  const csv = join(dir, `${name}.csv`);
  const arrow = join(dir, `${name}.arrow`);
  writeFileAtomic(csv, tableCsv(t));
  writeFileAtomic(arrow, tableArrow(t));
  return [csv, arrow];
}
