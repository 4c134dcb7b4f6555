/**
 * Reading a run's CSV files for the dashboard: the general parser (any cell, into JSON columns), the
 * fast numeric path (one Float64Array per column, for traces of 10⁶ rows) and a small cache of parsed
 * tables. Pure text-to-columns work, no HTTP, so it can be tested on strings.
 */
import { readFileSync, statSync } from 'node:fs';

/** Columns of a CSV file: `data[i]` is the column named `columns[i]`; non-numeric cells become null. */
export interface CsvColumns {
  columns: string[];
  data: Array<Array<number | string | null>>;
  rows: number;
}

/** A CSV whose every cell is a number (or empty / NaN, both NaN), as one Float64Array per column. */
export interface NumericColumns {
  columns: string[];
  data: Float64Array[];
  rows: number;
}

/** Parses a CSV written by calcitag (no quoted commas in numeric tables) into columns. */
export function csvToColumns(text: string): CsvColumns {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return { columns: [], data: [], rows: 0 };
  const columns = splitCsvLine(lines[0]!);
  const n = lines.length - 1;
  const data: Array<Array<number | string | null>> = columns.map(() => new Array(n));
  for (let i = 0; i < n; i++) {
    const cells = splitCsvLine(lines[i + 1]!);
    for (let c = 0; c < columns.length; c++) {
      const raw = cells[c];
      if (raw === undefined || raw === '') data[c]![i] = null;
      else {
        const v = Number(raw);
        data[c]![i] = Number.isFinite(v) ? v : raw === 'NaN' ? null : raw;
      }
    }
  }
  return { columns, data, rows: n };
}

/**
 * Fast path for numeric tables (traces can have 10⁶ rows): scans the text once without splitting it
 * into line and cell strings. Returns undefined when a cell is not a number (then use csvToColumns).
 */
export function parseNumericCsv(text: string): NumericColumns | undefined {
  const len = text.length;
  let nl = text.indexOf('\n');
  if (nl < 0) nl = len;
  const header = text.slice(0, nl).replace(/\r$/, '');
  if (header === '' || header.includes('"')) return undefined;
  const columns = header.split(',');
  const nc = columns.length;
  let rows = 0;
  for (let i = nl + 1; i < len; ) {
    let e = text.indexOf('\n', i);
    if (e < 0) e = len;
    if (e > i && !(e === i + 1 && text.charCodeAt(i) === 13)) rows++;
    i = e + 1;
  }
  const data = columns.map(() => new Float64Array(rows));
  let r = 0;
  for (let i = nl + 1; i < len && r < rows; ) {
    let e = text.indexOf('\n', i);
    if (e < 0) e = len;
    let end = e;
    if (end > i && text.charCodeAt(end - 1) === 13) end--;
    if (end === i) {
      i = e + 1;
      continue;
    }
    let s = i;
    for (let c = 0; c < nc; c++) {
      let k = c === nc - 1 ? end : text.indexOf(',', s);
      if (k < 0 || k > end) k = end;
      let v = NaN;
      if (k > s) {
        const cell = text.slice(s, k);
        v = Number(cell);
        if (Number.isNaN(v) && cell !== 'NaN') return undefined;
        if (v === 0 && cell.trim() === '') v = NaN;
      }
      data[c]![r] = v;
      s = k + 1;
    }
    if (s <= end) return undefined; // more cells than columns
    r++;
    i = e + 1;
  }
  return { columns, data, rows };
}

/** Numeric columns as JSON columns (NaN and ±Infinity become null). */
export function numericToColumns(n: NumericColumns): CsvColumns {
  return { columns: n.columns, rows: n.rows, data: n.data.map((col) => Array.from(col, (v) => (Number.isFinite(v) ? v : null))) };
}

/** Parsed numeric tables by path, reused while the file is unchanged (comparing runs reads each twice). */
const numericCache = new Map<string, { key: string; value: NumericColumns | undefined }>();

/** A CSV file through parseNumericCsv, cached (last 6 files) by path, mtime and size. */
export function readNumeric(path: string): NumericColumns | undefined {
  const st = statSync(path);
  const key = `${st.mtimeMs}:${st.size}`;
  const hit = numericCache.get(path);
  if (hit && hit.key === key) {
    numericCache.delete(path);
    numericCache.set(path, hit);
    return hit.value;
  }
  const value = parseNumericCsv(readFileSync(path, 'utf8'));
  numericCache.set(path, { key, value });
  while (numericCache.size > 6) numericCache.delete(numericCache.keys().next().value!);
  return value;
}

function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
