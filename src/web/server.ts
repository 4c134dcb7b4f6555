/**
 * The results dashboard's server (`calcitag serve`): the Vite-built front end from dist/web and a
 * small read-only JSON API over a folder of run directories. node:http only; nothing is written.
 *
 * API (every run id is the run folder's path relative to the root, '/'-separated, URL-encoded as one
 * path segment; the root itself, when it is a run folder, has the id '.root' — '.' would be a dot
 * segment that URLs drop, and the search skips folders starting with '.', so no run can be named so):
 *
 * | GET                                   | answer                                                     |
 * |---------------------------------------|------------------------------------------------------------|
 * | /api/runs                             | `{ root, runs: RunListing[] }`, newest first                |
 * | /api/runs/:id                         | `{ id, summary, config, files, protocols, figures }`        |
 * | /api/runs/:id/summary, …/config       | summary.json, config.json as stored                         |
 * | /api/runs/:id/traces/:protocol        | traces_<P>.csv as JSON columns `{ columns, data, rows }`;   |
 * |                                       | `?format=f64`: raw little-endian float64 columns (10⁶ rows) |
 * | /api/runs/:id/calcium/:protocol       | calcium_<P>.csv as JSON columns                             |
 * | /api/runs/:id/csv/:file               | any other CSV of the run as JSON columns                    |
 * | /api/runs/:id/files/:file             | a run file as stored (figures, CSV, JSON, log)              |
 * | /api/runs/:id/probes                  | probe recordings (npy/): probe, protocol, variables, trials |
 * | /api/runs/:id/probes/:probe/:protocol | a window `?vars=c,h&trials=0,1&from=&to=&max=` as float64   |
 * |                                       | columns t_s, c[0], c[1], …, min/max-reduced to `max` rows   |
 * | /api/studies                          | `calcitag hw-study` folders (hw_study.json): reference,     |
 * |                                       | figures, files (served under /api/runs/:id/files/…)         |
 * | /api/figures                          | hardware-study figures: docs/figures, runs, study folders   |
 * | /api/figures/:source/:file            | one of those figures                                        |
 * | /api/health                           | `{ ok, version }`                                           |
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../io/files.js';
import { defaultParams } from '../model/parameters.js';
import { VERSION } from '../version.js';
import { listProbes, readProbeWindow } from './probes.js';

export interface ServeOptions {
  /** Folder searched (recursively, a few levels) for run folders: any folder holding summary.json. */
  readonly root: string;
  /** TCP port; 0 picks a free one. */
  readonly port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Built front end (index.html and assets); default dist/web of the package; null: API only. */
  readonly webDir?: string | null;
  /** Folders searched for hardware-study figures; default docs/figures of the package and of the working directory. */
  readonly figureDirs?: readonly string[];
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** One run in the list. */
export interface RunListing {
  id: string;
  name: string;
  engine: string | null;
  seed: number | null;
  trials: number | null;
  protocols: string[];
  classes: Record<string, string>;
  params_changed: Record<string, number>;
  modified: string;
}

/** Columns of a CSV file: `data[i]` is the column named `columns[i]`; non-numeric cells become null. */
export interface CsvColumns {
  columns: string[];
  data: Array<Array<number | string | null>>;
  rows: number;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.h5': 'application/x-hdf5',
  '.npy': 'application/octet-stream',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
};

/** Files a run folder may serve (everything a run writes, nothing executable). */
const RUN_FILE_EXT = new Set(['.json', '.csv', '.svg', '.png', '.txt', '.h5', '.npy', '.yaml', '.yml']);
const FIGURE_EXT = new Set(['.svg', '.png']);
const HW_STUDY = /^hw[-_]?study.*\.(svg|png)$/i;
const MAX_DEPTH = 4;
/** Id of the runs folder itself when it is a run folder. */
const ROOT_ID = '.root';
const STUDY_MARKER = 'hw_study.json';
const SKIP_DIRS = new Set(['node_modules', '.git']);

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The package's built front end, or undefined when `npm run build:web` has not run. */
export function defaultWebDir(): string | undefined {
  try {
    const dir = join(packageRoot(), 'dist', 'web');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function defaultFigureDirs(): string[] {
  const dirs = [resolve('docs', 'figures')];
  try {
    dirs.push(join(packageRoot(), 'docs', 'figures'));
  } catch {
    /* no package root: the working directory's docs/figures only */
  }
  return [...new Set(dirs)];
}

/** Every folder under `root` (itself included, at most MAX_DEPTH levels down) that holds `marker`. */
export function findFolders(root: string, marker: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, marker))) {
      out.push(dir);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) walk(join(dir, e.name), depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

/** Run folders: those holding summary.json. */
export function findRuns(root: string): string[] {
  return findFolders(root, 'summary.json');
}

/** Hardware-study folders (`calcitag hw-study --out`): those holding hw_study.json. */
export function findStudies(root: string): string[] {
  return findFolders(root, STUDY_MARKER);
}

/** Figures of a folder: SVGs, and PNGs without an SVG of the same name. */
function folderFigures(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => !f.includes('.tmp-')).sort();
  return files.filter((f) => f.endsWith('.svg') || (f.endsWith('.png') && !files.includes(`${f.slice(0, -4)}.svg`)));
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function idOf(root: string, dir: string): string {
  const rel = relative(root, dir);
  return rel === '' ? ROOT_ID : rel.split(sep).join('/');
}

type Json = Record<string, unknown>;

function listing(root: string, dir: string): RunListing {
  const summary = (readJson(join(dir, 'summary.json')) ?? {}) as Json;
  const config = (readJson(join(dir, 'config.json')) ?? {}) as Json;
  const results = Array.isArray(summary.results) ? (summary.results as Json[]) : [];
  const classes: Record<string, string> = {};
  for (const r of results) if (typeof r.protocol === 'string') classes[r.protocol] = String(r.class ?? '');
  const protocols = results.map((r) => String(r.protocol));
  return {
    id: idOf(root, dir),
    name: idOf(root, dir) === ROOT_ID ? basename(dir) || dir : idOf(root, dir),
    engine: typeof summary.engine === 'string' ? summary.engine : typeof config.engine === 'string' ? config.engine : null,
    seed: typeof summary.seed === 'number' ? summary.seed : null,
    trials: typeof summary.trials === 'number' ? summary.trials : null,
    protocols,
    classes,
    params_changed: changedParams(config),
    modified: statSync(join(dir, 'summary.json')).mtime.toISOString(),
  };
}

/** Parameters that differ from the model's defaults, so two runs can be told apart in the list. */
let defaults: Record<string, number> | undefined;
function changedParams(config: Json): Record<string, number> {
  const params = config.params as Record<string, number> | undefined;
  if (!params || typeof params !== 'object') return {};
  defaults ??= { ...defaultParams('single') };
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(params)) {
    const d = defaults[k];
    if (typeof v === 'number' && d !== undefined && Math.abs(v - d) > 1e-12 * Math.max(1, Math.abs(d))) out[k] = v;
  }
  return out;
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

/** A CSV whose every cell is a number (or empty / NaN, both NaN), as one Float64Array per column. */
export interface NumericColumns {
  columns: string[];
  data: Float64Array[];
  rows: number;
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

function numericToColumns(n: NumericColumns): CsvColumns {
  return { columns: n.columns, rows: n.rows, data: n.data.map((col) => Array.from(col, (v) => (Number.isFinite(v) ? v : null))) };
}

/** Parsed numeric tables by path, reused while the file is unchanged (comparing runs reads each twice). */
const numericCache = new Map<string, { key: string; value: NumericColumns | undefined }>();
function readNumeric(path: string): NumericColumns | undefined {
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

/** Builds the request handler for a root folder (exported for tests and for embedding). */
export function dashboardHandler(opts: ServeOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(opts.root);
  const webDir = opts.webDir === null ? undefined : opts.webDir ?? defaultWebDir();
  const figureDirs = (opts.figureDirs ?? defaultFigureDirs()).map((d) => resolve(d));

  const runDir = (id: string): string => {
    const dir = id === ROOT_ID ? root : resolve(root, ...id.split('/'));
    if (dir !== root && !dir.startsWith(root + sep)) throw new HttpError(400, `run id '${id}' leaves the runs folder`);
    if (!existsSync(join(dir, 'summary.json')) && !existsSync(join(dir, STUDY_MARKER))) throw new HttpError(404, `no run '${id}' under ${root}`);
    return dir;
  };

  const runFile = (dir: string, name: string): string => {
    if (!/^[\w.+-]+$/.test(name) || name.startsWith('.')) throw new HttpError(400, `bad file name '${name}'`);
    if (!RUN_FILE_EXT.has(extname(name).toLowerCase())) throw new HttpError(403, `file type of '${name}' is not served`);
    const p = join(dir, name);
    if (!existsSync(p) || !statSync(p).isFile()) throw new HttpError(404, `no file '${name}' in this run`);
    return p;
  };

  const figures = () => {
    const out: Array<{ source: string; file: string; url: string; title: string }> = [];
    figureDirs.forEach((d, i) => {
      if (!existsSync(d)) return;
      for (const f of readdirSync(d).sort()) {
        if (HW_STUDY.test(f)) out.push({ source: `docs${i}`, file: f, url: `/api/figures/docs${i}/${encodeURIComponent(f)}`, title: `docs/figures/${f}` });
      }
    });
    for (const dir of findRuns(root)) {
      const id = idOf(root, dir);
      for (const f of readdirSync(dir).sort()) {
        if (HW_STUDY.test(f)) out.push({ source: `run:${id}`, file: f, url: `/api/runs/${encodeURIComponent(id)}/files/${encodeURIComponent(f)}`, title: `${id}/${f}` });
      }
    }
    for (const dir of findStudies(root)) {
      const id = idOf(root, dir);
      for (const f of folderFigures(dir)) out.push({ source: `study:${id}`, file: f, url: `/api/runs/${encodeURIComponent(id)}/files/${encodeURIComponent(f)}`, title: `${id}/${f}` });
    }
    return out;
  };

  /** Hardware-study folders with their reference results and figures (rows via …/csv/hw_study_rows.csv). */
  const studies = () =>
    findStudies(root)
      .map((dir) => {
        const json = (readJson(join(dir, STUDY_MARKER)) ?? {}) as Json;
        return {
          id: idOf(root, dir),
          modified: statSync(join(dir, STUDY_MARKER)).mtime.toISOString(),
          seed: json.seed ?? null,
          trials: json.trials ?? null,
          reference: Array.isArray(json.reference) ? json.reference : [],
          rows: Array.isArray(json.rows) ? json.rows.length : null,
          figures: folderFigures(dir),
          files: readdirSync(dir).filter((f) => RUN_FILE_EXT.has(extname(f).toLowerCase()) && !f.includes('.tmp-')).sort(),
        };
      })
      .sort((a, b) => (a.modified < b.modified ? 1 : -1));

  const runDetail = (id: string) => {
    const dir = runDir(id);
    if (!existsSync(join(dir, 'summary.json'))) throw new HttpError(404, `'${id}' is a hardware-study folder, not a run: see /api/studies`);
    const files = readdirSync(dir).filter((f) => RUN_FILE_EXT.has(extname(f).toLowerCase()) && !f.includes('.tmp-')).sort();
    const protocols = files.filter((f) => /^traces_.+\.csv$/.test(f)).map((f) => f.slice(7, -4));
    return {
      ...listing(root, dir),
      summary: readJson(join(dir, 'summary.json')),
      config: readJson(join(dir, 'config.json')),
      files,
      protocols_with_traces: protocols,
      calcium: files.filter((f) => /^calcium_.+\.csv$/.test(f)).map((f) => f.slice(8, -4)),
      figures: files.filter((f) => FIGURE_EXT.has(extname(f).toLowerCase())),
      probes: listProbes(dir),
    };
  };

  const api = (parts: string[], res: ServerResponse, query: URLSearchParams) => {
    const format = query.get('format');
    const [head, id, what, arg] = parts;
    if (head === 'health' && parts.length === 1) return sendJson(res, { ok: true, version: VERSION });
    if (head === 'studies' && parts.length === 1) return sendJson(res, { studies: studies() });
    if (head === 'figures') {
      if (parts.length === 1) return sendJson(res, { figures: figures() });
      const i = /^docs(\d+)$/.exec(id ?? '');
      const dir = i ? figureDirs[Number(i[1])] : undefined;
      if (!dir || !what || !HW_STUDY.test(what) || parts.length !== 3) throw new HttpError(404, 'no such figure');
      const p = join(dir, what);
      if (!existsSync(p)) throw new HttpError(404, 'no such figure');
      return sendFile(res, p);
    }
    if (head !== 'runs') throw new HttpError(404, `unknown API path /api/${parts.join('/')}`);
    if (parts.length === 1) {
      const runs = findRuns(root).map((d) => listing(root, d)).sort((a, b) => (a.modified < b.modified ? 1 : a.modified > b.modified ? -1 : a.id.localeCompare(b.id)));
      return sendJson(res, { root, runs });
    }
    if (id === undefined) throw new HttpError(404, 'no run id');
    if (parts.length === 2) return sendJson(res, runDetail(id));
    const dir = runDir(id);
    if ((what === 'summary' || what === 'config') && parts.length === 3) {
      return sendFile(res, runFile(dir, `${what}.json`));
    }
    if (what === 'probes') {
      const probes = listProbes(dir);
      if (parts.length === 3) return sendJson(res, { probes });
      const protocol = parts[4];
      const p = probes.find((q) => q.probe === arg && q.protocol === protocol);
      if (!p || parts.length !== 5) throw new HttpError(404, `no probe '${arg}' for protocol '${protocol ?? ''}' in this run`);
      const list = (key: string) => query.get(key)?.split(',').filter((x) => x !== '');
      const num = (key: string, dflt: number) => {
        const raw = query.get(key);
        if (raw === null || raw === '') return dflt;
        const v = Number(raw);
        if (!Number.isFinite(v)) throw new HttpError(400, `${key}=${raw} is not a number`);
        return v;
      };
      const vars = list('vars') ?? p.variables;
      const trials = (list('trials') ?? p.trials.map(String)).map(Number);
      const max = Math.min(2_000_000, Math.max(16, Math.floor(num('max', 100_000))));
      let w;
      try {
        w = readProbeWindow(dir, p, vars, trials, num('from', -Infinity), num('to', Infinity), max);
      } catch (e) {
        throw new HttpError(400, (e as Error).message);
      }
      if (format === 'json') return sendJson(res, { ...numericToColumns(w), total: w.total, bucket: w.bucket });
      return sendColumnsF64(res, w, { 'x-total': String(w.total), 'x-bucket': String(w.bucket) });
    }
    if (parts.length !== 4 || arg === undefined) throw new HttpError(404, `unknown API path /api/${parts.join('/')}`);
    if (what === 'traces' || what === 'calcium' || what === 'csv') {
      if (what === 'csv' && extname(arg).toLowerCase() !== '.csv') throw new HttpError(400, `'${arg}' is not a CSV file`);
      const path = runFile(dir, what === 'csv' ? arg : `${what}_${arg}.csv`);
      const numeric = readNumeric(path);
      if (format === 'f64') {
        if (!numeric) throw new HttpError(415, `'${basename(path)}' has non-numeric cells; ask for JSON`);
        return sendColumnsF64(res, numeric);
      }
      return sendJson(res, numeric ? numericToColumns(numeric) : csvToColumns(readFileSync(path, 'utf8')));
    }
    if (what === 'files') return sendFile(res, runFile(dir, arg));
    throw new HttpError(404, `unknown API path /api/${parts.join('/')}`);
  };

  const staticFile = (path: string, res: ServerResponse) => {
    if (!webDir) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The dashboard front end is not built. Run `npm run build:web` (or `npm ci`, which runs it) and restart `calcitag serve`.\n');
      return;
    }
    const rel = path === '/' ? 'index.html' : path.slice(1);
    const p = resolve(webDir, rel);
    if (p.startsWith(resolve(webDir) + sep) && existsSync(p) && statSync(p).isFile()) return sendFile(res, p, rel.startsWith('assets/'));
    if (extname(rel) === '') return sendFile(res, join(webDir, 'index.html'));
    throw new HttpError(404, `not found: ${path}`);
  };

  return (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'read-only: GET and HEAD only');
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        const parts = url.pathname.slice(5).split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
        api(parts, res, url.searchParams);
      } else staticFile(decodeURIComponent(url.pathname), res);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      sendJson(res, { error: (e as Error).message }, status);
    }
  };
}

function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': MIME['.json']!, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/**
 * Columns as raw little-endian float64, column after column (`?format=f64`): the column names are in
 * the `x-columns` header (comma-separated), the row count in `x-rows`; missing cells are NaN.
 */
function sendColumnsF64(res: ServerResponse, n: NumericColumns, extra: Record<string, string> = {}): void {
  const body = Buffer.alloc(n.rows * n.columns.length * 8);
  n.data.forEach((col, c) => {
    const view = new DataView(body.buffer, body.byteOffset + c * n.rows * 8, n.rows * 8);
    for (let i = 0; i < n.rows; i++) view.setFloat64(i * 8, col[i]!, true);
  });
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-store',
    'x-columns': n.columns.map((c) => encodeURIComponent(c)).join(','),
    'x-rows': String(n.rows),
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendFile(res: ServerResponse, path: string, immutable = false): void {
  const data = readFileSync(path);
  res.writeHead(200, {
    'content-type': MIME[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': data.length,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : data);
}

/** Starts the dashboard; resolves once it listens. */
export function startServer(opts: ServeOptions): Promise<RunningServer> {
  const server = createServer(dashboardHandler(opts));
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      resolvePromise({
        url: `http://${shown}:${port}/`,
        port,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections?.();
            server.close(() => r());
          }),
      });
    });
  });
}
