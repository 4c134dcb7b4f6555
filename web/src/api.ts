/** The dashboard's JSON API client (see src/web/server.ts for the server side). */
// The response shapes are the server's own types (type-only imports: nothing of the server is bundled).
import type { RunListing } from '../../src/web/catalog.js';
import type { NetworkOverview, NetworkSummary, NeuronGroup } from '../../src/web/network.js';
import type { ProbeListing, ProbeWindow } from '../../src/web/probes.js';
export type { RunListing, ProbeListing, ProbeWindow, NetworkOverview, NetworkSummary, NeuronGroup };

/** A window of a network run's spikes: columns t_s and neuron, every `stride`-th of `total`. */
export interface SpikeWindow {
  t: Float64Array;
  neuron: Float64Array;
  rows: number;
  total: number;
  stride: number;
}

export interface MeanSd {
  mean: number;
  sd: number;
}

export interface ProtocolSummary {
  protocol: string;
  trials: number;
  w_rel: Record<string, MeanSd>;
  h_mV: Record<string, MeanSd>;
  z: Record<string, MeanSd>;
  p_max?: MeanSd;
  classes: Record<string, number>;
  class: string;
  expected: string | null;
  tagged: number;
  wall_ms_per_trial?: number;
}

export interface RunSummary {
  version?: string;
  engine?: string;
  seed?: number;
  trials?: number;
  dt_ms?: number;
  fast_forward?: boolean;
  params?: Record<string, number>;
  results?: ProtocolSummary[];
  [k: string]: unknown;
}

export interface StimulusTrain {
  onset_s: number;
  duration_s: number;
  rate_Hz: number;
  count?: number;
  period_s?: number;
}

export interface RunConfigJson {
  engine?: string;
  params?: Record<string, number>;
  protocols?: Array<{ name: string; description?: string; trains?: StimulusTrain[]; duration_s?: number }>;
  [k: string]: unknown;
}

export interface RunDetail extends RunListing {
  summary: RunSummary | null;
  config: RunConfigJson | null;
  files: string[];
  protocols_with_traces: string[];
  calcium: string[];
  figures: string[];
  probes?: ProbeListing[];
}

export interface Columns {
  columns: string[];
  /** Float64Array columns (NaN = missing) from the binary path, arrays from JSON. */
  data: Array<Float64Array | Array<number | string | null>>;
  rows: number;
}

export interface HwFigure {
  source: string;
  file: string;
  url: string;
  title: string;
}

/** The server's error message of a failed response (its JSON `error`), or the HTTP status. */
async function failure(res: Response): Promise<Error> {
  try {
    const msg = ((await res.json()) as { error?: string }).error;
    if (msg) return new Error(msg);
  } catch {
    /* not JSON */
  }
  return new Error(`${res.status} ${res.statusText}`);
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/**
 * A numeric CSV of a run as raw float64 columns (the server's `?format=f64`): no JSON parsing, so a
 * 10⁶-row trace loads in a blink. Falls back to JSON for tables with text cells.
 */
async function getColumns(path: string, query = 'format=f64'): Promise<Columns & { headers?: Headers }> {
  const res = await fetch(`${path}?${query}`);
  if (res.status === 415) return get<Columns>(path);
  if (!res.ok) throw await failure(res);
  const columns = (res.headers.get('x-columns') ?? '').split(',').filter((c) => c !== '').map(decodeURIComponent);
  const rows = Number(res.headers.get('x-rows'));
  const buf = await res.arrayBuffer();
  if (buf.byteLength !== rows * columns.length * 8) throw new Error(`${path}: expected ${rows} × ${columns.length} float64, got ${buf.byteLength} bytes`);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const data = columns.map((_, c) => {
    if (little) return new Float64Array(buf, c * rows * 8, rows);
    const view = new DataView(buf, c * rows * 8, rows * 8);
    return Float64Array.from({ length: rows }, (_v, i) => view.getFloat64(i * 8, true));
  });
  return { columns, rows, data, headers: res.headers };
}

const enc = encodeURIComponent;
const cache = new Map<string, Promise<unknown>>();
function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

export const api = {
  runs: () => get<{ root: string; runs: RunListing[] }>('api/runs'),
  run: (id: string) => cached(`run:${id}`, () => get<RunDetail>(`api/runs/${enc(id)}`)),
  traces: (id: string, protocol: string) => cached(`tr:${id}:${protocol}`, () => getColumns(`api/runs/${enc(id)}/traces/${enc(protocol)}`)),
  calcium: (id: string, protocol: string) => cached(`ca:${id}:${protocol}`, () => getColumns(`api/runs/${enc(id)}/calcium/${enc(protocol)}`)),
  /** A window of a probe recording, reduced to at most `max` rows (min/max per bucket). */
  probe: async (id: string, p: ProbeListing, o: { vars: string[]; trials: number[]; from?: number; to?: number; max: number }): Promise<ProbeWindow> => {
    const q = new URLSearchParams({ vars: o.vars.join(','), trials: o.trials.join(','), max: String(o.max) });
    if (o.from !== undefined) q.set('from', String(o.from));
    if (o.to !== undefined) q.set('to', String(o.to));
    const c = await getColumns(`api/runs/${enc(id)}/probes/${enc(p.probe)}/${enc(p.protocol)}`, q.toString());
    return { columns: c.columns, data: c.data as Float64Array[], rows: c.rows, total: Number(c.headers?.get('x-total') ?? c.rows), bucket: Number(c.headers?.get('x-bucket') ?? 1) };
  },
  /** A network run's overview: summary, neuron groups, stimulation marks, files, figures. */
  network: (id: string) => cached(`net:${id}`, () => get<NetworkOverview>(`api/runs/${enc(id)}/network`)),
  /** Spikes with from ≤ t ≤ to (all when unset), every k-th when there are more than `max`. */
  spikes: async (id: string, o: { from?: number; to?: number; max: number }): Promise<SpikeWindow> => {
    const q = new URLSearchParams({ max: String(o.max) });
    if (o.from !== undefined) q.set('from', String(o.from));
    if (o.to !== undefined) q.set('to', String(o.to));
    const c = await getColumns(`api/runs/${enc(id)}/network/spikes`, q.toString());
    const [t, neuron] = c.data as Float64Array[];
    return { t: t!, neuron: neuron!, rows: c.rows, total: Number(c.headers?.get('x-total') ?? c.rows), stride: Number(c.headers?.get('x-stride') ?? 1) };
  },
  /** population_rates.csv or weights.csv of a network run, checked by the server. */
  networkTable: (id: string, which: 'rates' | 'weights') => cached(`net-${which}:${id}`, () => getColumns(`api/runs/${enc(id)}/network/${which}`)),
  fileUrl: (id: string, file: string) => `api/runs/${enc(id)}/files/${enc(file)}`,
  figures: () => get<{ figures: HwFigure[] }>('api/figures'),
  health: () => get<{ ok: boolean; version: string }>('api/health'),
  /** Forget cached run data (after the list is refreshed). */
  clear: () => cache.clear(),
};

/** A numeric column by name (missing cells as null). */
export function column(c: Columns, name: string): Array<number | null> {
  const i = c.columns.indexOf(name);
  if (i < 0) return new Array<number | null>(c.rows).fill(null);
  const col = c.data[i]!;
  const out = new Array<number | null>(col.length);
  for (let k = 0; k < col.length; k++) {
    const v = col[k];
    out[k] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
}
