/** The dashboard's JSON API and static serving (no browser needed). */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvToColumns, findRuns, parseNumericCsv, startServer, type RunningServer } from '../src/web/server.js';
import { defaultParams } from '../src/model/parameters.js';
import { listRuns } from '../src/web/catalog.js';
import { experimentFromRunConfig } from '../src/experiments/experiment.js';
import { resolveRunConfig } from '../src/experiments/protocolRun.js';
import { runRecordJson } from '../src/experiments/runRecord.js';

let dir: string;
let server: RunningServer;
let figs: string;

function fakeRun(path: string, engine: string, params: Record<string, number> = {}): void {
  mkdirSync(path, { recursive: true });
  const p = { ...defaultParams('single'), ...params };
  writeFileSync(join(path, 'config.json'), JSON.stringify({ engine, params: p, protocols: [{ name: 'WTET', trains: [{ onset_s: 3600, duration_s: 0.2, rate_Hz: 100 }] }] }));
  writeFileSync(join(path, 'summary.json'), JSON.stringify({ engine, seed: 1, trials: 2, params: p, results: [{ protocol: 'WTET', class: 'early-LTP', trials: 2 }] }));
  writeFileSync(join(path, 'traces_WTET.csv'), 't_s,h_rel_mean,h_rel_sd\n0,1,0\n60,1.2,0.01\n120,,NaN\n');
  writeFileSync(join(path, 'figure_WTET.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(path, 'secret.sh'), 'echo no');
}

const get = async (path: string) => {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};
const json = async (path: string) => JSON.parse((await get(path)).body);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calcitag-serve-'));
  fakeRun(join(dir, 'runs', 'ref'), 'reference');
  fakeRun(join(dir, 'runs', 'study', 'bss2-a'), 'bss2', { theta_p: 2.5 });
  mkdirSync(join(dir, 'runs', 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(dir, 'runs', 'node_modules', 'x', 'summary.json'), '{}');
  const web = join(dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>dash</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  figs = join(dir, 'figures');
  server = await startServer({ root: join(dir, 'runs'), port: 0, webDir: web, figureDirs: [figs] });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('calcitag serve API', () => {
  it('listens on a loopback port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('lists run folders (nested too, skipping node_modules) with engine and changed parameters', async () => {
    const { runs } = await json('/api/runs');
    const ids = runs.map((r: { id: string }) => r.id).sort();
    expect(ids).toEqual(['ref', 'study/bss2-a']);
    const bss2 = runs.find((r: { id: string }) => r.id === 'study/bss2-a');
    expect(bss2.engine).toBe('bss2');
    expect(bss2.params_changed).toEqual({ theta_p: 2.5 });
    expect(bss2.classes).toEqual({ WTET: 'early-LTP' });
    expect(findRuns(join(dir, 'runs', 'ref'))).toHaveLength(1);
  });

  it("gives a run's details, summary and config", async () => {
    const d = await json(`/api/runs/${encodeURIComponent('study/bss2-a')}`);
    expect(d.protocols_with_traces).toEqual(['WTET']);
    expect(d.figures).toEqual(['figure_WTET.svg']);
    expect(d.files).not.toContain('secret.sh');
    expect((await json('/api/runs/ref/summary')).engine).toBe('reference');
    expect((await json('/api/runs/ref/config')).params.theta_p).toBe(3);
  });

  it('reads a run folder by its run record (run.json, no config.json), as `calcitag run` writes it now', async () => {
    const root = join(dir, 'records');
    const d = join(root, 'new');
    mkdirSync(d, { recursive: true });
    const cfg = resolveRunConfig({ protocols: ['WTET'], engine: 'bss2', trials: 2, params: { theta_p: 2.8 }, engineOptions: { ppuPeriod_ms: 20 } });
    writeFileSync(join(d, 'run.json'), JSON.stringify(runRecordJson(experimentFromRunConfig(cfg))));
    writeFileSync(join(d, 'summary.json'), JSON.stringify({ engine: 'bss2', seed: 1, trials: 2, results: [{ protocol: 'WTET', class: 'early-LTP', trials: 2 }] }));
    expect(listRuns(root).map((r) => [r.id, r.engine, r.params_changed])).toEqual([['new', 'bss2', { theta_p: 2.8 }]]);
    const s = await startServer({ root, port: 0, webDir: null, figureDirs: [] });
    try {
      const config = (await (await fetch(new URL('/api/runs/new/config', s.url))).json()) as unknown;
      expect(config).toMatchObject(JSON.parse(JSON.stringify(cfg))); // the run configuration as config.json held it (trains with every field)
      const detail = (await (await fetch(new URL('/api/runs/new', s.url))).json()) as { config: unknown };
      expect(detail.config).toEqual(config);
    } finally {
      await s.close();
    }
  });

  it('turns a trace CSV into JSON columns, empty and NaN cells as null', async () => {
    const c = await json('/api/runs/ref/traces/WTET');
    expect(c.columns).toEqual(['t_s', 'h_rel_mean', 'h_rel_sd']);
    expect(c.rows).toBe(3);
    expect(c.data[0]).toEqual([0, 60, 120]);
    expect(c.data[1]).toEqual([1, 1.2, null]);
    expect(c.data[2]).toEqual([0, 0.01, null]);
    expect(csvToColumns('a,b\n"x,y",2\n')).toEqual({ columns: ['a', 'b'], data: [['x,y'], [2]], rows: 1 });
  });

  it('sends numeric columns as raw little-endian float64 on request, NaN for missing cells', async () => {
    const res = await fetch(new URL('/api/runs/ref/traces/WTET?format=f64', server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-columns')).toBe('t_s,h_rel_mean,h_rel_sd');
    expect(res.headers.get('x-rows')).toBe('3');
    const buf = Buffer.from(await res.arrayBuffer());
    const v = Array.from({ length: 9 }, (_, i) => buf.readDoubleLE(i * 8));
    expect(v.slice(0, 6)).toEqual([0, 60, 120, 1, 1.2, NaN]);
    expect(v.slice(6)).toEqual([0, 0.01, NaN]);
    expect(parseNumericCsv('a,b\r\n1,2\r\n\r\n3,\r\n')).toEqual({ columns: ['a', 'b'], rows: 2, data: [new Float64Array([1, 3]), new Float64Array([2, NaN])] });
    expect(parseNumericCsv('a,b\n1,x\n')).toBeUndefined();
    expect(parseNumericCsv('a\n1,2\n')).toBeUndefined();
    writeFileSync(join(dir, 'runs', 'ref', 'trials.csv'), 'protocol,trial\nWTET,0\n');
    expect((await fetch(new URL('/api/runs/ref/csv/trials.csv?format=f64', server.url))).status).toBe(415);
    expect((await json('/api/runs/ref/csv/trials.csv')).data).toEqual([['WTET'], [0]]);
  });

  it('serves run files by type and refuses anything else', async () => {
    const svg = await get('/api/runs/ref/files/figure_WTET.svg');
    expect(svg.status).toBe(200);
    expect(svg.type).toContain('image/svg+xml');
    expect((await get('/api/runs/ref/files/secret.sh')).status).toBe(403);
    expect((await get('/api/runs/ref/files/nope.png')).status).toBe(404);
    expect((await get('/api/runs/ref/traces/STET')).status).toBe(404);
    expect((await get('/api/runs/missing')).status).toBe(404);
  });

  it('does not leave the runs folder', async () => {
    expect((await get(`/api/runs/${encodeURIComponent('../web')}`)).status).toBe(400);
    expect((await get(`/api/runs/ref/files/${encodeURIComponent('../../web/index.html')}`)).status).toBe(400);
    expect((await get('/assets/../../runs/ref/summary.json')).status).toBe(404);
  });

  it('finds the hardware-study figure in docs/figures and in run folders, and answers an empty list without one', async () => {
    expect((await json('/api/figures')).figures).toEqual([]);
    mkdirSync(figs, { recursive: true });
    writeFileSync(join(figs, 'hw-study.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(figs, 'other.svg'), '<svg/>');
    writeFileSync(join(dir, 'runs', 'study', 'bss2-a', 'hw_study_rounding.png'), 'png');
    const { figures } = await json('/api/figures');
    expect(figures.map((f: { title: string }) => f.title)).toEqual(['docs/figures/hw-study.svg', 'study/bss2-a/hw_study_rounding.png']);
    for (const f of figures) expect((await get(f.url)).status).toBe(200);
    expect((await get('/api/figures/docs0/other.svg')).status).toBe(404);
    // a name that matches the figure pattern but climbs out of the figures folder
    writeFileSync(join(dir, 'hw_study_secret.png'), 'png');
    expect((await get(`/api/figures/docs0/${encodeURIComponent('hw_study/../../hw_study_secret.png')}`)).status).toBe(404);
  });

  it('lists hardware-study folders (calcitag hw-study) with their figure and serves their files', async () => {
    const study = join(dir, 'runs', 'hw');
    mkdirSync(study, { recursive: true });
    writeFileSync(join(study, 'hw_study.json'), JSON.stringify({ seed: 1, trials: 1, reference: [{ protocol: 'WTET', trials: 2, w_rel_8h: { mean: 1.008, sd: 0.002 }, class: 'early-LTP' }], rows: [{}, {}] }));
    writeFileSync(join(study, 'hw_study_rows.csv'), 'protocol,format,dev_sd_8h,class_ok\nWTET,int8,-2369.8,false\nWTET,int32,-0.6,true\n');
    writeFileSync(join(study, 'accuracy_vs_period.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(study, 'accuracy_vs_period.png'), 'png');
    const { studies } = await json('/api/studies');
    expect(studies).toHaveLength(1);
    expect(studies[0]).toMatchObject({ id: 'hw', seed: 1, rows: 2, figures: ['accuracy_vs_period.svg'] });
    expect(studies[0].reference[0].protocol).toBe('WTET');
    const { figures } = await json('/api/figures');
    expect(figures.map((f: { title: string }) => f.title)).toContain('hw/accuracy_vs_period.svg');
    expect((await get('/api/runs/hw/files/accuracy_vs_period.svg')).status).toBe(200);
    expect((await json('/api/runs/hw/csv/hw_study_rows.csv')).data[3]).toEqual(['false', 'true']);
    // a study folder is not a run
    expect((await json('/api/runs')).runs.map((r: { id: string }) => r.id)).not.toContain('hw');
    expect((await get('/api/runs/hw')).status).toBe(404);
  });

  it('serves the front end, with index.html for client routes, and is read-only', async () => {
    expect((await get('/')).body).toContain('<title>dash</title>');
    expect((await get('/assets/app.js')).type).toContain('javascript');
    expect((await get('/compare')).body).toContain('<title>dash</title>');
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await fetch(new URL('/api/runs', server.url), { method: 'POST' })).status).toBe(405);
    expect((await json('/api/health')).ok).toBe(true);
  });

  it('serves a single run folder given as the root', async () => {
    const s = await startServer({ root: join(dir, 'runs', 'ref'), port: 0, webDir: null, figureDirs: [] });
    try {
      const { runs } = (await (await fetch(new URL('/api/runs', s.url))).json()) as { runs: Array<{ id: string; name: string }> };
      expect(runs.map((r) => [r.id, r.name])).toEqual([['.root', 'ref']]);
      const c = (await (await fetch(new URL('/api/runs/.root/traces/WTET?format=json', s.url))).json()) as { rows: number };
      expect(c.rows).toBe(3);
      expect((await fetch(new URL('/api/runs/.root/files/figure_WTET.svg', s.url))).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('explains a missing front end build', async () => {
    const s = await startServer({ root: join(dir, 'runs'), port: 0, webDir: null, figureDirs: [] });
    try {
      const r = await fetch(new URL('/', s.url));
      expect(r.status).toBe(503);
      expect(await r.text()).toContain('npm run build:web');
      expect((await fetch(new URL('/api/runs', s.url))).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');

describe.skipIf(!existsSync(CLI))('calcitag serve (built CLI)', () => {
  const serve = (args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((res) => {
      execFile(process.execPath, [CLI, 'serve', ...args], { timeout: 60_000 }, (e, out, err) => res({ code: e ? (e as { code?: number }).code ?? 1 : 0, out, err }));
    });

  it('refuses a runs folder that does not exist, naming it, exit 2', async () => {
    const r = await serve([join(dir, 'no-such-folder')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/runs folder '.*no-such-folder' does not exist/);
    expect(r.out).toBe('');
  });

  it('refuses a bad or busy port, exit 2', async () => {
    expect((await serve([join(dir, 'runs'), '--port', '70000'])).code).toBe(2);
    expect((await serve([join(dir, 'runs'), '--port', 'abc'])).err).toMatch(/--port 'abc' is invalid/);
    const busy = await serve([join(dir, 'runs'), '--port', String(server.port)]);
    expect(busy.code).toBe(2);
    expect(busy.err).toMatch(/is in use/);
  });
});
