/** Minimal CSV writing for numeric tables (RFC 4180 quoting for text cells). */

export type Cell = number | string | boolean | undefined;

function cell(v: Cell): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV line (with its newline). */
export function csvLine(cells: readonly Cell[]): string {
  return cells.map(cell).join(',') + '\n';
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const out = [header.join(',')];
  for (const r of rows) out.push(r.map(cell).join(','));
  return out.join('\n') + '\n';
}

/** Columns of equal length as a CSV. */
export function columnsToCsv(columns: ReadonlyArray<readonly [string, ArrayLike<number>]>): string {
  const n = columns[0]?.[1].length ?? 0;
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) rows.push(columns.map(([, c]) => c[i]!));
  return toCsv(columns.map(([h]) => h), rows);
}
