/**
 * End-to-end test of `calcitag serve` in Debian's headless Chromium, driven by playwright-core (which
 * never downloads a browser here: it launches /usr/bin/chromium). Two small runs are made with the CLI,
 * the server is started on a free loopback port, and the page is used as a visitor would: open a run,
 * zoom, compare two runs, take a screenshot, simulate WTET in the browser.
 *
 * Skips when /usr/bin/chromium is absent (install it with `apt-get install chromium`; .ci/run does).
 * Needs the built CLI and front end (`npm run build && npm run build:web`, or `npm ci`).
 * CALCITAG_E2E_SHOTS=<dir> also copies the screenshots there.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type uPlot from 'uplot';

/** The handles web/src/main.ts puts on the page for tests. */
declare global {
  interface Window {
    __calcitag: {
      charts: Map<string, uPlot>;
      route: () => { view: string; q: URLSearchParams };
      ready: boolean;
      sim: { status: string; maxHRel: number; done: number; liveMessages: number; log: string[]; message: string; request?: { params: Record<string, number> } };
    };
  }
}

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const WEB = join(ROOT, 'dist', 'web', 'index.html');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`dashboard e2e: skipped — ${CHROMIUM} not found (apt-get install chromium; CI installs it in .ci/run)`);
}

const run = promisify(execFile);

interface ChartState {
  min: number;
  max: number;
  first: number;
  last: number;
}

describe.skipIf(!haveChromium)('dashboard in headless Chromium', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let url: string;
  let context: BrowserContext | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const shots: string[] = [];

  const xRange = (key: string) =>
    page.evaluate((k) => {
      const u = window.__calcitag.charts.get(k);
      if (!u) return null;
      const x = u.data[0];
      return { min: u.scales.x.min!, max: u.scales.x.max!, first: x[0]!, last: x[x.length - 1]! } satisfies ChartState;
    }, key);

  const waitForChart = (key: string, timeout = 60_000) =>
    page.waitForFunction((k) => window.__calcitag?.ready === true && window.__calcitag.charts.has(k), key, { timeout });

  const screenshot = async (name: string) => {
    const path = join(dir, name);
    await page.screenshot({ path, fullPage: true });
    shots.push(path);
    return path;
  };

  beforeAll(async () => {
    for (const f of [CLI, WEB]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: build first (npm run build && npm run build:web, or npm ci)`);
    }
    dir = mkdtempSync(join(tmpdir(), 'calcitag-e2e-'));
    const runs = join(dir, 'runs');
    // Two small runs that differ in one parameter, made by the CLI as a user would.
    // A third from an experiment file with a fine probe (0.2 ms for 60 s: 300 001 samples per trial).
    const experiment = join(dir, 'probe.json');
    writeFileSync(experiment, JSON.stringify({
      name: 'probe', trials: 2, seed: 5,
      protocols: [{ preset: 'WTET', duration_s: 7200 }],
      probes: [{ name: 'fine', variables: ['c', 'h'], trials: 'all', interval_s: 0.0002, from_s: 3590, to_s: 3650 }],
      outputs: { hdf5: false, npy: true, plots: false },
    }));
    await Promise.all([
      run(process.execPath, [CLI, 'run', 'STET', 'WTET', '--engine', 'reference', '--trials', '2', '--quiet', '--out', join(runs, 'ref')]),
      run(process.execPath, [CLI, 'run', 'STET', 'WTET', '--engine', 'reference', '--trials', '2', '--quiet', '--param', 'theta_p=2.5', '--out', join(runs, 'theta_p-2.5')]),
    ]);
    await run(process.execPath, [CLI, 'run', experiment, '--quiet', '--out', join(runs, 'probe')]);
    server = spawn(process.execPath, [CLI, 'serve', runs, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((res, rej) => {
      let out = '';
      const timer = setTimeout(() => rej(new Error(`calcitag serve did not start: ${out}`)), 60_000);
      server!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          res(m[1]!);
        }
      });
      server!.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      server!.once('exit', (code) => rej(new Error(`calcitag serve exited with ${code}: ${out}`)));
    });
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-dev-shm-usage', // containers often have a tiny /dev/shm
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000); // generous: CI machines run the other test files beside this one
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    server?.kill('SIGTERM');
    const keep = process.env.CALCITAG_E2E_SHOTS;
    if (keep && shots.length) {
      mkdirSync(keep, { recursive: true });
      for (const s of shots) copyFileSync(s, join(keep, s.split('/').pop()!));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the runs and opens one with its summary and traces', async () => {
    await page.goto(url);
    await page.waitForSelector('[data-run]');
    const ids = await page.$$eval('[data-run]', (els) => els.map((e) => (e as HTMLElement).dataset.run).sort());
    expect(ids).toEqual(['probe', 'ref', 'theta_p-2.5']);
    await page.click('[data-run="ref"]');
    await page.waitForFunction(() => window.__calcitag.route().q.get('id') === 'ref');
    await waitForChart('run-weights');
    await waitForChart('run-calcium');
    expect(await page.textContent('[data-testid=run-title]')).toBe('ref');
    const table = await page.textContent('[data-testid=summary-table]');
    expect(table).toContain('STET');
    expect(table).toContain('late-LTP');
    // the weight chart holds the 8-hour trace on the 60 s grid, in % of h0 (series 1: w/h0)
    const r = (await xRange('run-weights'))!;
    expect(r.first).toBe(0);
    expect(r.last).toBeCloseTo(8, 6);
    const wMax = await page.evaluate(() => Math.max(...(window.__calcitag.charts.get('run-weights')!.data[1] as number[])));
    expect(wMax).toBeGreaterThan(150); // STET: w/h0 rises well above 100 %
    // the run's class-counts figure is in the figures section, served from the run folder
    const classesSrc = await page.getAttribute('[data-testid=classes-figure]', 'src');
    expect(classesSrc).toContain('figure_classes.svg');
    expect((await page.request.get(new URL(classesSrc!, url).href)).status()).toBe(200);
  });

  it('zooms into time by dragging across a chart, in step with the linked chart, and zooms out again', async () => {
    const before = (await xRange('run-weights'))!;
    const box = (await page.locator('[data-chart="run-weights"] .u-over').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.25, y, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.35, y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => {
      const u = window.__calcitag.charts.get('run-weights')!;
      return u.scales.x.max! - u.scales.x.min! < 4;
    });
    const zoomed = (await xRange('run-weights'))!;
    expect(zoomed.max - zoomed.min).toBeLessThan(0.5 * (before.max - before.min));
    expect(zoomed.min).toBeGreaterThan(before.min);
    expect(zoomed.min).toBeGreaterThan(0.5); // ≈ 0.8 h … 2.8 h: around the stimulation at 1 h
    expect(zoomed.max).toBeLessThan(3.5);
    const protein = (await xRange('run-protein'))!;
    expect(protein.min).toBeCloseTo(zoomed.min, 9);
    expect(protein.max).toBeCloseTo(zoomed.max, 9);
    await screenshot('run-zoomed.png');
    // programmatic zoom through the same scale, then the reset button
    await page.evaluate(() => window.__calcitag.charts.get('run-weights')!.setScale('x', { min: 0.99, max: 1.05 }));
    expect((await xRange('run-protein'))!.max).toBeCloseTo(1.05, 9);
    await page.click('[data-testid=reset-zoom]');
    const reset = (await xRange('run-weights'))!;
    expect(reset.min).toBe(0);
    expect(reset.max).toBeCloseTo(8, 6);
  });

  it('switches protocol within a run', async () => {
    await page.click('[data-testid=protocol-tabs] button[data-protocol="WTET"]');
    await page.waitForFunction(() => window.__calcitag.route().q.get('p') === 'WTET' && window.__calcitag.charts.get('run-weights')?.root.textContent?.includes('WTET'));
    expect(await page.getAttribute('[data-testid=protocol-tabs] button.active', 'data-protocol')).toBe('WTET');
  });

  it("shows a run's probe recording reduced, and every sample once zoomed in", async () => {
    await page.goto(`${url}#/runs?id=probe`);
    await waitForChart('probe-c');
    await waitForChart('probe-h');
    const info = page.locator('[data-testid=probe-info]');
    expect(await info.getAttribute('data-total')).toBe('300001');
    expect(Number(await info.getAttribute('data-bucket'))).toBeGreaterThan(1); // 300 001 samples → min/max buckets
    expect((await xRange('probe-c'))!.first).toBeCloseTo(3590, 6);
    // zoom to the stimulus: the window is loaded again, sample by sample
    await page.evaluate(() => window.__calcitag.charts.get('probe-c')!.setScale('x', { min: 3600, max: 3600.5 }));
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid=probes]')!.dataset.loaded === '3600,3600.5');
    expect(await info.getAttribute('data-bucket')).toBe('1');
    const zoomed = await page.evaluate(() => {
      const u = window.__calcitag.charts.get('probe-h')!;
      const c = window.__calcitag.charts.get('probe-c')!;
      return { n: u.data[0].length, min: u.scales.x.min, max: u.scales.x.max, cMax: Math.max(...(c.data[1] as number[])) };
    });
    expect(zoomed.n).toBeGreaterThan(2400); // 0.5 s at 0.2 ms
    expect(zoomed.n).toBeLessThan(2600);
    expect([zoomed.min, zoomed.max]).toEqual([3600, 3600.5]);
    expect(zoomed.cMax).toBeGreaterThan(3); // calcium crosses θ_p during WTET
    await screenshot('probe-zoomed.png');
  });

  it('compares two runs overlaid and side by side, and takes a screenshot', async () => {
    await page.goto(`${url}#/compare?a=ref&b=theta_p-2.5&p=WTET`);
    await waitForChart('cmp-weights');
    const legend = await page.textContent('[data-chart="cmp-weights"] .u-legend');
    expect(legend).toContain('A ref');
    expect(legend).toContain('B theta_p-2.5');
    const diff = await page.textContent('[data-testid=config-diff]');
    expect(diff).toMatch(/theta_p\s*3\s*2\.5/);
    expect(await page.textContent('[data-testid=compare-table]')).toContain('w/h0 @8h');
    // both runs' w/h0 traces are on the chart, and they differ (θ_p changed)
    const differ = await page.evaluate(() => {
      const d = window.__calcitag.charts.get('cmp-weights')!.data;
      return d[1]!.some((v, i) => v != null && d[4]![i] != null && Math.abs(v - d[4]![i]!) > 1e-9);
    });
    expect(differ).toBe(true);
    const overlayPng = await screenshot('compare-overlay.png');
    await page.click('[data-testid=mode-side]');
    await waitForChart('cmp-b-weights');
    await waitForChart('cmp-a-weights');
    expect(await page.isVisible('[data-testid=compare-a]')).toBe(true);
    expect(await page.isVisible('[data-testid=compare-b]')).toBe(true);
    // side by side shares one y range and zooms together
    const ya = await page.evaluate(() => window.__calcitag.charts.get('cmp-a-weights')!.scales.y);
    const yb = await page.evaluate(() => window.__calcitag.charts.get('cmp-b-weights')!.scales.y);
    expect([ya.min, ya.max]).toEqual([yb.min, yb.max]);
    await page.evaluate(() => window.__calcitag.charts.get('cmp-a-weights')!.setScale('x', { min: 0.9, max: 2 }));
    const xb = (await xRange('cmp-b-weights'))!;
    expect([xb.min, xb.max]).toEqual([0.9, 2]);
    const sidePng = await screenshot('compare-side.png');
    for (const p of [overlayPng, sidePng]) {
      const png = readFileSync(p);
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(png.readUInt32BE(16)).toBe(1400); // IHDR width
      expect(png.readUInt32BE(20)).toBeGreaterThan(900); // full page height
      expect(png.length).toBeGreaterThan(40_000); // charts, not a blank page
    }
  });

  it('runs WTET in the browser (Web Worker, no server round trip): h rises above h0, and θ_p changes the outcome', async () => {
    await page.goto(`${url}#/simulate`);
    await page.waitForSelector('[data-testid=sim-form]');
    await page.selectOption('[data-testid=sim-protocol]', 'WTET');
    await page.fill('[data-testid=sim-trials]', '3');
    const api: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) api.push(r.url());
    });
    await page.click('[data-testid=sim-run]');
    await page.waitForFunction(() => window.__calcitag.sim.status === 'done', null, { timeout: 90_000 });
    const first = await page.evaluate(() => ({ max: window.__calcitag.sim.maxHRel, done: window.__calcitag.sim.done, message: window.__calcitag.sim.message, live: window.__calcitag.sim.liveMessages }));
    const statuses = await page.evaluate(() => window.__calcitag.sim.log);
    expect(first.done).toBe(3);
    expect(first.max).toBeGreaterThan(1.05); // early-phase LTP: h/h0 well above 1
    // progress from the worker: the running trial streamed while it integrates, then trial by trial
    expect(first.live).toBeGreaterThanOrEqual(3);
    expect(statuses.some((s) => /^trial \d\/3: [\d.]+ h of 8 h simulated$/.test(s))).toBe(true);
    expect(statuses.some((s) => /^trial 1\/3: [\w-]+, w\/h0 @8h [\d.]+/.test(s))).toBe(true);
    expect(first.message).toMatch(/class early-LTP/);
    expect(api).toEqual([]); // simulated in the page, not on the server
    await waitForChart('sim-weights');
    await waitForChart('sim-calcium');
    expect(Number(await page.textContent('[data-testid=sim-max-h]'))).toBeCloseTo(first.max, 3);
    await screenshot('simulate-wtet.png');
    // the result downloads in the layout of a run folder's traces_<P>.csv
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=sim-download]')]);
    expect(download.suggestedFilename()).toBe('traces_WTET.csv');
    const csv = join(dir, 'browser.csv');
    await download.saveAs(csv);
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('t_s,h_rel_mean,h_rel_sd,z_mean,z_sd,w_rel_mean,w_rel_sd,p_mean,p_sd');
    expect(rows).toHaveLength(482); // 8 h on the 60 s grid
    expect(Math.max(...rows.slice(1).map((r) => Number(r.split(',')[1])))).toBeCloseTo(first.max, 12);
    // θ_p above every calcium peak of WTET: no potentiation, h stays at or below h0
    await page.fill('input[data-param="theta_p"]', '20');
    await page.click('[data-testid=sim-run]');
    await page.waitForFunction(() => window.__calcitag.sim.status === 'done' && window.__calcitag.sim.request?.params.theta_p === 20, null, { timeout: 90_000 });
    const second = await page.evaluate(() => window.__calcitag.sim.maxHRel);
    expect(second).toBeLessThanOrEqual(1 + 1e-9);
    expect(await page.textContent('[data-chart="sim-weights"] .u-legend')).toContain('previous (WTET)');
    expect(api).toEqual([]);
  });

  it('picks up a new run folder on reload of the list', async () => {
    await page.goto(`${url}#/runs?id=ref`);
    await waitForChart('run-weights');
    cpSync(join(dir, 'runs', 'ref'), join(dir, 'runs', 'later', 'copy'), { recursive: true });
    await page.click('[data-testid=refresh-runs]');
    await page.waitForSelector('[data-run="later/copy"]');
    await page.click('[data-run="later/copy"]');
    await page.waitForFunction(() => window.__calcitag.route().q.get('id') === 'later/copy');
    await waitForChart('run-weights');
    expect(await page.textContent('[data-testid=run-title]')).toBe('later/copy');
  });

  it('shows the hardware-study page whether or not a study exists', async () => {
    await page.goto(`${url}#/hardware`);
    await page.waitForFunction(() => window.__calcitag?.ready === true && window.__calcitag.route().view === 'hardware');
    const n = await page.locator('[data-testid=hw-figures] img').count();
    if (n === 0) expect(await page.isVisible('[data-testid=hw-missing]')).toBe(true);
    // a folder as `calcitag hw-study --out` writes it (hw_study.json, rows, figure), made by hand here
    const study = join(dir, 'runs', 'hw-study');
    mkdirSync(study);
    writeFileSync(join(study, 'hw_study.json'), JSON.stringify({ seed: 1, trials: 1, reference: [{ protocol: 'STET', trials: 2, w_rel_8h: { mean: 1.786, sd: 0.0015 }, class: 'late-LTP' }], rows: [{}, {}] }));
    writeFileSync(join(study, 'hw_study_rows.csv'), 'protocol,format,rounding,ppu_period_ms,w_rel_8h_mean,dev_sd_8h,class,class_ok\nSTET,int8,truncate,1,-3.8,-3682,early-LTD,false\nSTET,int32,stochastic,1,1.78,-4.4,late-LTP,true\n');
    copyFileSync(join(dir, 'runs', 'ref', 'figure_STET.svg'), join(study, 'accuracy_vs_period.svg'));
    await page.reload();
    await page.waitForSelector('[data-study="hw-study"] img');
    expect(await page.locator('[data-study="hw-study"] img').evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 100)).toBe(true);
    expect(await page.textContent('[data-testid=study-reference]')).toContain('1.786');
    expect(await page.locator('[data-testid=study-rows] tbody tr').count()).toBe(2);
    expect(await page.isVisible('[data-testid=hw-missing]')).toBe(false);
    await screenshot('hardware-study.png');
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
