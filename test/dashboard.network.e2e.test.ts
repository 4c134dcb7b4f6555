/**
 * The dashboard's network-run view in Debian's headless Chromium (playwright-core, /usr/bin/chromium):
 * the fixture run converted from the published C++ simulator (test/fixtures/network-run) is served
 * with a copy that lacks spikes.csv; the test opens it from the run list and checks the readouts, that
 * the raster, rate and weight charts drew their data, that the charts zoom together, that a thinned
 * raster says so and loads every spike once zoomed in, and that a missing file shows a message.
 *
 * Skips when /usr/bin/chromium is absent; needs the built front end (`npm run build:web`). No DOM types
 * here (the tests' tsconfig has none): code that runs in the page reaches the page through casts.
 * CALCITAG_E2E_SHOTS=<dir> keeps the screenshot (network-view.png).
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../src/web/server.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '..');
const WEB = join(ROOT, 'dist', 'web');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'network-run');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`dashboard network e2e: skipped — ${CHROMIUM} not found (apt-get install chromium)`);

/** What the page exposes for tests (window.__calcitag), as far as this test uses it. */
interface Scale { min: number; max: number }
interface Chart { scales: Record<string, Scale>; setScale(key: string, s: Scale): void }
interface Handles { ready: boolean; charts: Map<string, Chart> }
/** Pixels of a canvas, and how many are strongly coloured (data, not grey axes or light shading). */
interface Ink { width: number; colored: number }
interface CanvasLike { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }

describe.skipIf(!haveChromium)('network run view in headless Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let context: BrowserContext | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  const waitForCharts = (keys: string[]) =>
    page.waitForFunction((ks) => {
      const c = (globalThis as unknown as { __calcitag?: Handles }).__calcitag;
      return c?.ready === true && ks.every((k) => c.charts.has(k));
    }, keys, { timeout: 60_000 });

  const ink = (key: string): Promise<Ink> =>
    page.locator(`[data-chart="${key}"] canvas`).evaluate((el) => {
      const c = el as unknown as CanvasLike;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let colored = 0;
      for (let i = 0; i < d.length; i += 4) {
        const r = d[i]!, g = d[i + 1]!, b = d[i + 2]!;
        if (d[i + 3]! > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 80) colored++;
      }
      return { width: c.width, colored };
    });

  const xScale = (key: string) =>
    page.evaluate((k) => (globalThis as unknown as { __calcitag: Handles }).__calcitag.charts.get(k)!.scales.x, key);

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB}/index.html is missing: run npm run build:web first`);
    dir = mkdtempSync(join(tmpdir(), 'calcitag-net-e2e-'));
    cpSync(FIXTURE, join(dir, 'runs', 'net'), { recursive: true });
    cpSync(FIXTURE, join(dir, 'runs', 'net-no-spikes'), { recursive: true });
    rmSync(join(dir, 'runs', 'net-no-spikes', 'spikes.csv'));
    server = await startServer({ root: join(dir, 'runs'), port: 0, webDir: WEB, figureDirs: [] });
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the network run with its kind and opens it: readouts, raster, rates and weights', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-run="net"][data-kind="network"]');
    expect(await page.textContent('[data-run="net"]')).toMatch(/network.*2000 neurons.*Q 0\.0157 · MI 0\.848/s);
    await page.click('[data-run="net"]');
    await waitForCharts(['net-raster', 'net-rates', 'net-h', 'net-zh0', 'net-p']);
    expect(await page.textContent('[data-readout=Q]')).toMatch(/^0\.0157 ± 0\.16$/);
    expect(await page.textContent('[data-readout=MI]')).toBe('0.848');
    expect(await page.textContent('[data-readout=rate_as]')).toBe('92.59');
    expect(await page.textContent('[data-readout=neurons]')).toContain('2,000 (exc 1,600 + inh 400)');
    expect(await page.textContent('[data-readout=cpu]')).toBe('1355 s');
    const info = page.locator('[data-testid=raster-info]');
    expect(await info.getAttribute('data-total')).toBe('78966');
    expect(await info.getAttribute('data-stride')).toBe('1');
    expect(await page.textContent('[data-testid=net-marks]')).toMatch(/learning 10–10\.1, 10\.5–10\.6, 11–11\.1 s .*recall 20–20\.1 s/);
    await page.waitForFunction(() => {
      const imgs = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ complete: boolean; naturalWidth: number }> } }).document.querySelectorAll('[data-testid=net-figures] img');
      return imgs.length === 2 && Array.from(imgs).every((i) => i.complete && i.naturalWidth > 100);
    });
    await page.screenshot({ path: join(dir, 'network-view.png'), fullPage: true });
    const keep = process.env.CALCITAG_E2E_SHOTS;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(join(dir, 'network-view.png'), join(keep, 'network-view.png'));
    }
    // every chart drew its data: many strongly coloured pixels (spikes, curves), not only axes
    const raster = await ink('net-raster');
    expect(raster.colored, JSON.stringify(raster)).toBeGreaterThan(5000);
    for (const key of ['net-rates', 'net-h', 'net-zh0']) expect((await ink(key)).colored, key).toBeGreaterThan(300);
  });

  it('zooms the raster and the curves together on time, and back', async () => {
    await page.evaluate(() => (globalThis as unknown as { __calcitag: Handles }).__calcitag.charts.get('net-raster')!.setScale('x', { min: 19.8, max: 20.6 }));
    for (const key of ['net-rates', 'net-h']) expect(await xScale(key)).toMatchObject({ min: 19.8, max: 20.6 });
    expect((await ink('net-raster')).colored).toBeGreaterThan(2000); // the recall burst fills the zoomed raster
    await page.click('[data-testid=reset-zoom]');
    expect(await xScale('net-raster')).toMatchObject({ min: 0, max: 30 });
    // a box dragged across the raster zooms time and neurons; a double-click zooms out again
    const box = (await page.locator('[data-chart="net-raster"] .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.8);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.9, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.98, { steps: 5 });
    await page.mouse.up();
    const scales = () => page.evaluate(() => {
      const s = (globalThis as unknown as { __calcitag: Handles }).__calcitag.charts.get('net-raster')!.scales;
      return { x: [s.x!.min, s.x!.max], y: [s.y!.min, s.y!.max] };
    });
    const zoomed = await scales();
    expect(zoomed.x[0]).toBeGreaterThan(17);
    expect(zoomed.x[1]).toBeLessThan(23);
    expect(zoomed.y[0]).toBeGreaterThanOrEqual(0);
    expect(zoomed.y[1]).toBeLessThan(500);
    expect((await xScale('net-rates')).min).toBeCloseTo(zoomed.x[0]!, 9);
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    expect(await scales()).toEqual({ x: [0, 30], y: [0, 2000] });
  });

  it('says when the raster is thinned, and draws every spike once zoomed in', async () => {
    await page.goto(`${server.url}#/runs?id=net&max=20000`);
    await page.waitForSelector('[data-testid=raster-info][data-stride="4"]');
    await waitForCharts(['net-raster']);
    const info = page.locator('[data-testid=raster-info]');
    expect(await info.getAttribute('data-stride')).toBe('4');
    expect(await info.textContent()).toMatch(/^78,966 spikes in the run — more than 20,000, so every 4th is drawn \(19,742\); zoom in/);
    await page.evaluate(() => (globalThis as unknown as { __calcitag: Handles }).__calcitag.charts.get('net-raster')!.setScale('x', { min: 19, max: 21 }));
    await page.waitForFunction(() => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): { dataset: Record<string, string> } | null } }).document.querySelector('[data-testid=raster-info]');
      return el?.dataset.stride === '1';
    });
    expect(Number(await info.getAttribute('data-total'))).toBeLessThan(20_000);
    expect(await info.textContent()).toMatch(/^[\d,]+ spikes from 19 to 21 s, every one drawn$/);
  });

  it('shows a message for a missing spikes.csv and the other charts all the same', async () => {
    await page.goto(`${server.url}#/runs?id=net-no-spikes`);
    await page.waitForSelector('[data-missing="spikes.csv"]');
    await waitForCharts(['net-rates', 'net-h']);
    expect(await page.textContent('[data-missing="spikes.csv"]')).toBe('This run has no spikes.csv, so there is no spike raster.');
    expect(await page.locator('[data-chart="net-raster"]').count()).toBe(0);
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
