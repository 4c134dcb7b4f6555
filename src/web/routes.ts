/**
 * The dashboard server's request handler: routes /api/… to the catalog, CSV and probe readers and
 * everything else to the built front end (with index.html for client-side routes). Only dispatch and
 * query parsing live here; what is read is in catalog.ts, csv.ts and probes.ts, path checks in
 * paths.ts, and how answers are written in respond.ts.
 *
 * API (every run id is the run folder's path relative to the root, '/'-separated, URL-encoded as one
 * path segment; the root itself, when it is a run folder, has the id '.root' — '.' would be a dot
 * segment that URLs drop, and the search skips folders starting with '.', so no run can be named so):
 *
 * | GET                                   | answer                                                     |
 * |---------------------------------------|------------------------------------------------------------|
 * | /api/runs                             | `{ root, runs: RunListing[] }`, newest first                |
 * | /api/runs/:id                         | `{ id, summary, config, files, protocols, figures }`        |
 * | /api/runs/:id/summary, …/config       | summary.json as stored; the run configuration (runConfigOf) |
 * | /api/runs/:id/traces/:protocol        | traces_<P>.csv as JSON columns `{ columns, data, rows }`;   |
 * |                                       | `?format=f64`: raw little-endian float64 columns (10⁶ rows) |
 * | /api/runs/:id/calcium/:protocol       | calcium_<P>.csv as JSON columns                             |
 * | /api/runs/:id/csv/:file               | any other CSV of the run as JSON columns                    |
 * | /api/runs/:id/files/:file             | a run file as stored (figures, CSV, JSON, log)              |
 * | /api/runs/:id/probes                  | probe recordings (npy/): probe, protocol, variables, trials |
 * | /api/runs/:id/probes/:probe/:protocol | a window `?vars=c,h&trials=0,1&from=&to=&max=` as float64   |
 * |                                       | columns t_s, c[0], c[1], …, min/max-reduced to `max` rows   |
 * | /api/runs/:id/network                 | a network run: summary, neuron groups, stimulation marks,   |
 * |                                       | which files exist, figures                                  |
 * | /api/runs/:id/network/spikes          | spikes `?from=&to=&max=` as float64 columns t_s, neuron     |
 * |                                       | (every k-th when more than max; x-total, x-stride headers)  |
 * | /api/runs/:id/network/rates, …/weights | population_rates.csv, weights.csv checked, as JSON columns |
 * | /api/studies                          | `calcitag hw-study` folders (hw_study.json): reference,     |
 * |                                       | figures, files (served under /api/runs/:id/files/…)         |
 * | /api/figures                          | hardware-study figures: docs/figures, runs, study folders   |
 * | /api/figures/:source/:file            | one of those figures                                        |
 * | /api/health                           | `{ ok, version }`                                           |
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { VERSION } from '../version.js';
import { listFigures, listRuns, listStudies, runConfigOf, runDetail } from './catalog.js';
import { csvToColumns, numericToColumns, readNumeric } from './csv.js';
import { defaultFigureDirs, defaultWebDir, type ServeOptions } from './options.js';
import { figureFile, runDir, runFile, webFile } from './paths.js';
import { networkOverview, readNetworkSummary } from './network.js';
import { readRates, readSpikes, readWeights, spikeWindow } from './networkData.js';
import { listProbes, readProbeWindow } from './probes.js';
import { HttpError, sendColumnsF64, sendFile, sendJson } from './respond.js';

/** The number in query parameter `key`, `dflt` when absent. @throws HttpError 400 when it is not a number. */
function numberParam(query: URLSearchParams, key: string, dflt: number): number {
  const raw = query.get(key);
  if (raw === null || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new HttpError(400, `${key}=${raw} is not a number`);
  return v;
}

/** `decodeURIComponent`, but a malformed escape (`%zz`, a cut `%E2%82`) is a 400, not a 500. */
function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, `malformed percent-escape in '${s.slice(0, 200)}'`);
  }
}

/**
 * Host names a browser may reach the dashboard by without a DNS-rebinding risk: IP literals (a page on
 * evil.example that rebinds its name to 127.0.0.1 still sends `Host: evil.example`), `localhost` and
 * `*.localhost`, the host it was started on, this machine's name, and `allowedHosts`.
 */
export function hostAllowed(hostHeader: string | undefined, opts: Pick<ServeOptions, 'host' | 'allowedHosts'>): boolean {
  if (hostHeader === undefined) return true; // not a browser (HTTP/1.0 tools); Node refuses HTTP/1.1 without Host
  let name: string;
  try {
    name = new URL(`http://${hostHeader}/`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (name.startsWith('[') || isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const allowed = [opts.host, hostname(), ...(opts.allowedHosts ?? [])].filter((x): x is string => !!x).map((x) => x.toLowerCase());
  return allowed.includes(name);
}

/** Builds the request handler for a root folder (exported for tests and for embedding). */
export function dashboardHandler(opts: ServeOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(opts.root);
  const webDir = opts.webDir === null ? undefined : opts.webDir ?? defaultWebDir();
  const figureDirs = (opts.figureDirs ?? defaultFigureDirs()).map((d) => resolve(d));

  const api = (parts: string[], res: ServerResponse, query: URLSearchParams) => {
    const format = query.get('format');
    const [head, id, what, arg] = parts;
    if (head === 'health' && parts.length === 1) return sendJson(res, { ok: true, version: VERSION });
    if (head === 'studies' && parts.length === 1) return sendJson(res, { studies: listStudies(root) });
    if (head === 'figures') {
      if (parts.length === 1) return sendJson(res, { figures: listFigures(root, figureDirs) });
      if (parts.length !== 3) throw new HttpError(404, 'no such figure');
      return sendFile(res, figureFile(figureDirs, id, what));
    }
    if (head !== 'runs') throw new HttpError(404, `unknown API path /api/${parts.join('/')}`);
    if (parts.length === 1) return sendJson(res, { root, runs: listRuns(root) });
    if (id === undefined) throw new HttpError(404, 'no run id');
    const dir = runDir(root, id);
    if (parts.length === 2) {
      if (!existsSync(join(dir, 'summary.json'))) throw new HttpError(404, `'${id}' is a hardware-study folder, not a run: see /api/studies`);
      return sendJson(res, runDetail(root, dir));
    }
    if (what === 'summary' && parts.length === 3) return sendFile(res, runFile(dir, 'summary.json'));
    if (what === 'config' && parts.length === 3) {
      const config = runConfigOf(dir);
      if (!config) throw new HttpError(404, `run '${id}' has no run record (run.json) or config.json`);
      return sendJson(res, config);
    }
    if (what === 'probes') return probes(dir, parts, res, query);
    if (what === 'network') return network(dir, id, parts, res, query);
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

  /** /api/runs/:id/probes (the list) and /api/runs/:id/probes/:probe/:protocol (a window of it). */
  const probes = (dir: string, parts: string[], res: ServerResponse, query: URLSearchParams) => {
    const [, , , probe, protocol] = parts;
    const all = listProbes(dir);
    if (parts.length === 3) return sendJson(res, { probes: all });
    const p = all.find((q) => q.probe === probe && q.protocol === protocol);
    if (!p || parts.length !== 5) throw new HttpError(404, `no probe '${probe}' for protocol '${protocol ?? ''}' in this run`);
    const list = (key: string) => query.get(key)?.split(',').filter((x) => x !== '');
    const num = (key: string, dflt: number) => numberParam(query, key, dflt);
    const vars = list('vars') ?? p.variables;
    const trials = (list('trials') ?? p.trials.map(String)).map(Number);
    const max = Math.min(2_000_000, Math.max(16, Math.floor(num('max', 100_000))));
    let w;
    try {
      w = readProbeWindow(dir, p, vars, trials, num('from', -Infinity), num('to', Infinity), max);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    if (query.get('format') === 'json') return sendJson(res, { ...numericToColumns(w), total: w.total, bucket: w.bucket });
    return sendColumnsF64(res, w, { 'x-total': String(w.total), 'x-bucket': String(w.bucket) });
  };

  /**
   * /api/runs/:id/network (overview), …/network/spikes (a window, thinned to `max`), …/network/rates
   * and …/network/weights (checked tables); 404 for a run that is not a network run.
   */
  const network = (dir: string, id: string, parts: string[], res: ServerResponse, query: URLSearchParams) => {
    const [, , , which] = parts;
    if (parts.length === 3) return sendJson(res, networkOverview(dir, id));
    if (parts.length !== 4) throw new HttpError(404, `unknown API path /api/${parts.join('/')}`);
    const summary = readNetworkSummary(dir, id);
    if (which === 'spikes') {
      const max = Math.min(5_000_000, Math.max(1000, Math.floor(numberParam(query, 'max', 200_000))));
      const w = spikeWindow(readSpikes(dir, summary.neurons), numberParam(query, 'from', -Infinity), numberParam(query, 'to', Infinity), max);
      if (query.get('format') === 'json') return sendJson(res, { ...numericToColumns(w), total: w.total, stride: w.stride });
      return sendColumnsF64(res, w, { 'x-total': String(w.total), 'x-stride': String(w.stride) });
    }
    const table = which === 'rates' ? readRates(dir) : which === 'weights' ? readWeights(dir) : undefined;
    if (!table) throw new HttpError(404, `unknown API path /api/${parts.join('/')}: network data is spikes, rates or weights`);
    return query.get('format') === 'f64' ? sendColumnsF64(res, table) : sendJson(res, numericToColumns(table));
  };

  const staticFile = (path: string, res: ServerResponse) => {
    if (!webDir) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The dashboard front end is not built. Run `npm run build:web` (or `npm ci`, which runs it) and restart `calcitag serve`.\n');
      return;
    }
    const rel = path === '/' ? 'index.html' : path.slice(1);
    const p = webFile(webDir, rel);
    if (p) return sendFile(res, p, rel.startsWith('assets/'));
    if (extname(rel) === '') return sendFile(res, join(webDir, 'index.html'));
    throw new HttpError(404, `not found: ${path}`);
  };

  return (req, res) => {
    try {
      if (!hostAllowed(req.headers.host, opts)) {
        throw new HttpError(421, `Host '${String(req.headers.host).slice(0, 100)}' is not this dashboard's (DNS rebinding?); open it by IP address or localhost, or start it with that name allowed`);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'read-only: GET and HEAD only');
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        throw new HttpError(400, 'malformed request target');
      }
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        const parts = url.pathname.slice(5).split('/').filter((s) => s !== '').map(decode);
        api(parts, res, url.searchParams);
      } else staticFile(decode(url.pathname), res);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      sendJson(res, { error: (e as Error).message }, status);
    }
  };
}
