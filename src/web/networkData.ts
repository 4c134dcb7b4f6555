/**
 * The CSV files of a network run for the dashboard, checked against the folder format: spikes.csv
 * (`t_s,neuron`), population_rates.csv (0.5 s bins, five groups) and weights.csv (h, z·h0 and p of the
 * assembly's and the control's E→E synapses), and windows of the spikes thinned to a number of
 * points the browser can draw. A missing file is an HttpError 404, a file that breaks the format a
 * 422 that names the line; the message never holds a stack trace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownFile } from './confine.js';
import { readNumeric, type NumericColumns } from './csv.js';
import { NETWORK_FILES } from './network.js';
import { HttpError } from './respond.js';

export const RATE_COLUMNS = ['t_start_s', 't_end_s', 'rate_assembly_Hz', 'rate_as_Hz', 'rate_ans_Hz', 'rate_ctrl_Hz', 'rate_inh_Hz'];
export const WEIGHT_COLUMNS = [
  't_s',
  ...['assembly', 'control'].flatMap((g) => [`h_mean_${g}_mV`, `h_sd_${g}_mV`, `zh0_mean_${g}_mV`, `zh0_sd_${g}_mV`, `p_mean_${g}`, `p_sd_${g}`]),
];

/** A window of spikes: columns t_s and neuron, every `stride`-th of the `total` spikes in it. */
export interface SpikeWindow extends NumericColumns {
  total: number;
  stride: number;
}

/** The first line of `text` (1-based, header = 1) that is not all numbers, and why. */
function firstBadLine(text: string, columns: number): string {
  const lines = text.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const cells = lines[i]!.split(',');
    if (cells.length > columns) return `line ${i + 1} has ${cells.length} cells, the header ${columns}`;
    const bad = cells.find((c) => c.trim() !== '' && c !== 'NaN' && Number.isNaN(Number(c)));
    if (bad !== undefined) return `line ${i + 1}: '${bad.length > 40 ? `${bad.slice(0, 40)}…` : bad}' is not a number`;
  }
  return 'it is not a table of numbers';
}

/**
 * A numeric CSV of the run with the columns `required` (others may follow).
 * @throws HttpError 404 when the file is missing, 422 when it is not a numeric table with those columns.
 */
export function readTable(dir: string, file: string, required: readonly string[]): NumericColumns {
  const path = ownFile(dir, join(dir, file));
  if (!existsSync(path)) throw new HttpError(404, `this run has no ${file}`);
  const t = readOrExplain(path, file);
  const missing = required.filter((c) => !t.columns.includes(c));
  if (missing.length) throw new HttpError(422, `${file} is corrupt: no column ${missing.join(', ')} (header: ${t.columns.join(',').slice(0, 200)})`);
  return t;
}

function readOrExplain(path: string, file: string): NumericColumns {
  let t: NumericColumns | undefined;
  try {
    t = readNumeric(path);
  } catch (e) {
    throw new HttpError(422, `${file} cannot be read: ${(e as Error).message}`);
  }
  if (!t) {
    const text = readFileSync(path, 'utf8');
    if (text.trim() === '') throw new HttpError(422, `${file} is empty`);
    const nl = text.indexOf('\n');
    const header = (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
    throw new HttpError(422, `${file} is corrupt: ${firstBadLine(text, header.split(',').length)}`);
  }
  return t;
}

/** Column `name` of a table read with readTable. */
const col = (t: NumericColumns, name: string): Float64Array => t.data[t.columns.indexOf(name)]!;

/**
 * spikes.csv: every spike as (t_s, neuron), neuron a whole number in 0 … neurons − 1.
 * @throws HttpError 404 when missing, 422 when corrupt (the first bad line is named).
 */
export function readSpikes(dir: string, neurons: number): NumericColumns {
  const t = readTable(dir, NETWORK_FILES.spikes, ['t_s', 'neuron']);
  const ts = col(t, 't_s'), ns = col(t, 'neuron');
  for (let i = 0; i < t.rows; i++) {
    const n = ns[i]!;
    if (!Number.isFinite(ts[i]!)) throw new HttpError(422, `${NETWORK_FILES.spikes} is corrupt: spike ${i + 1} (line ${i + 2}) has no time`);
    if (Number.isNaN(n)) throw new HttpError(422, `${NETWORK_FILES.spikes} is corrupt: spike ${i + 1} (line ${i + 2}) has no neuron`);
    if (!Number.isInteger(n) || n < 0 || n >= neurons) {
      throw new HttpError(422, `${NETWORK_FILES.spikes} is corrupt: spike ${i + 1} (line ${i + 2}) names neuron ${n}, the network has 0 … ${neurons - 1}`);
    }
  }
  return t;
}

/** The spikes with from ≤ t_s ≤ to; when there are more than `max`, every k-th of them (k = ⌈total / max⌉). */
export function spikeWindow(spikes: NumericColumns, from: number, to: number, max: number): SpikeWindow {
  const ts = col(spikes, 't_s'), ns = col(spikes, 'neuron');
  let total = 0;
  for (let i = 0; i < spikes.rows; i++) if (ts[i]! >= from && ts[i]! <= to) total++;
  const stride = Math.max(1, Math.ceil(total / max));
  const rows = Math.ceil(total / stride);
  const t = new Float64Array(rows), n = new Float64Array(rows);
  for (let i = 0, k = 0, r = 0; i < spikes.rows && r < rows; i++) {
    if (!(ts[i]! >= from && ts[i]! <= to)) continue;
    if (k++ % stride === 0) {
      t[r] = ts[i]!;
      n[r++] = ns[i]!;
    }
  }
  return { columns: ['t_s', 'neuron'], data: [t, n], rows, total, stride };
}

/** population_rates.csv, checked. */
export const readRates = (dir: string): NumericColumns => readTable(dir, NETWORK_FILES.rates, RATE_COLUMNS);

/** weights.csv, checked. */
export const readWeights = (dir: string): NumericColumns => readTable(dir, NETWORK_FILES.weights, WEIGHT_COLUMNS);
