/**
 * The dashboard's API for network run folders (no browser): the fixture run converted from the
 * published C++ simulator (test/fixtures/network-run, made by test/fixtures/make-network-run.mjs),
 * a copy without spikes.csv, and folders with corrupt files.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/web/server.js';
import { RATE_COLUMNS, WEIGHT_COLUMNS } from '../src/web/networkData.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'network-run');
const SPIKES = readFileSync(join(FIXTURE, 'spikes.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number) as [number, number]);
const SUMMARY = readFileSync(join(FIXTURE, 'summary.json'), 'utf8');

let dir: string;
let server: RunningServer;

const get = async (path: string) => {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, headers: res.headers, body: await res.text() };
};
const json = async (path: string, status = 200) => {
  const r = await get(path);
  expect(r.status, `${path}: ${r.body}`).toBe(status);
  return JSON.parse(r.body);
};
/** A failed request's error message, checked to be a plain message (no stack trace). */
const error = async (path: string, status: number) => {
  const { error: msg } = await json(path, status);
  expect(typeof msg).toBe('string');
  expect(msg).not.toMatch(/\n\s+at /);
  return msg as string;
};

/** A network run folder with the fixture's summary.json and the given files. */
function brokenRun(name: string, files: Record<string, string>, summary = SUMMARY): void {
  const d = join(dir, 'runs', name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'summary.json'), summary);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calcitag-net-'));
  cpSync(FIXTURE, join(dir, 'runs', 'net'), { recursive: true });
  cpSync(FIXTURE, join(dir, 'runs', 'no-spikes'), { recursive: true });
  rmSync(join(dir, 'runs', 'no-spikes', 'spikes.csv'));
  const rates = readFileSync(join(FIXTURE, 'population_rates.csv'), 'utf8');
  brokenRun('bad-spikes', { 'spikes.csv': 't_s,neuron\n0.1,5\n0.2,abc\n' });
  brokenRun('bad-neuron', { 'spikes.csv': 't_s,neuron\n0.1,5\n0.2,2500\n' });
  brokenRun('bad-rates', { 'population_rates.csv': rates.replace('rate_ans_Hz', 'rate_x_Hz'), 'weights.csv': 't_s\n' });
  brokenRun('bad-summary', {}, JSON.stringify({ kind: 'network', name: 'x' }));
  const ref = join(dir, 'runs', 'ref');
  mkdirSync(ref, { recursive: true });
  writeFileSync(join(ref, 'summary.json'), JSON.stringify({ engine: 'reference', seed: 1, trials: 2, results: [{ protocol: 'WTET', class: 'early-LTP' }] }));
  server = await startServer({ root: join(dir, 'runs'), port: 0, webDir: null, figureDirs: [] });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('network runs in the dashboard API', () => {
  it('lists network runs with their kind, size and readouts', async () => {
    const { runs } = await json('/api/runs');
    const net = runs.find((r: { id: string }) => r.id === 'net');
    expect(net).toMatchObject({ kind: 'network', engine: 'published C++', seed: 1, protocols: [], network: { neurons: 2000, assembly: 150, recall: '10s' } });
    expect(net.network.Q).toBeCloseTo(0.0157, 4);
    expect(net.network.MI).toBeCloseTo(0.848, 3);
    expect(runs.find((r: { id: string }) => r.id === 'ref')).toMatchObject({ kind: 'protocols' });
    expect(runs.find((r: { id: string }) => r.id === 'ref').network).toBeUndefined();
    const d = await json('/api/runs/net');
    expect(d.kind).toBe('network');
    expect(d.files).toEqual(expect.arrayContaining(['spikes.csv', 'population_rates.csv', 'weights.csv', 'run.json', 'log.txt', 'raster.svg']));
  });

  it('gives the overview: summary, neuron groups, learning and recall times, files and figures', async () => {
    const o = await json('/api/runs/net/network');
    expect(o.summary.readouts.rates_Hz.as).toBeCloseTo(92.59, 2);
    expect(o.groups.map((g: { name: string; from: number; to: number }) => [g.name, g.from, g.to])).toEqual([
      ['as', 0, 75], ['ans', 75, 150], ['ctrl', 150, 1600], ['inh', 1600, 2000],
    ]);
    expect(o.marks.learning_from).toBe('paradigm');
    expect(o.marks.learning.map((m: number[]) => m[0])).toEqual([10, 10.5, 11]);
    expect(o.marks.recall[0][0]).toBe(20);
    expect(o.marks.recall[0][1]).toBeCloseTo(20.1, 9);
    expect(o.files).toEqual({ spikes: true, rates: true, weights: true, run_record: true, log: true });
    expect(o.figures).toEqual(['raster.svg', 'weights.svg']);
    expect((await json('/api/runs/net/files/run.json')).kind).toBe('network');
  });

  it('sends every spike as float64 columns, and a window of them', async () => {
    const r = await fetch(new URL('/api/runs/net/network/spikes', server.url));
    expect(r.headers.get('x-columns')).toBe('t_s,neuron');
    expect(r.headers.get('x-total')).toBe(String(SPIKES.length));
    expect(r.headers.get('x-stride')).toBe('1');
    const buf = Buffer.from(await r.arrayBuffer());
    expect(buf.length).toBe(SPIKES.length * 16);
    expect([buf.readDoubleLE(0), buf.readDoubleLE(SPIKES.length * 8)]).toEqual(SPIKES[0]);
    const w = await json('/api/runs/net/network/spikes?from=20&to=20.5&format=json');
    const inWindow = SPIKES.filter(([t]) => t >= 20 && t <= 20.5);
    expect(w.total).toBe(inWindow.length);
    expect(w.rows).toBe(inWindow.length);
    expect(w.data[0].every((t: number) => t >= 20 && t <= 20.5)).toBe(true);
    const perNeuron = (lo: number, hi: number) => w.data[1].filter((n: number) => n >= lo && n < hi).length / (hi - lo);
    expect(perNeuron(0, 75)).toBeGreaterThan(10 * perNeuron(150, 1600)); // recall drives the recalled half
  });

  it('thins spikes to at most max, every k-th one', async () => {
    const w = await json('/api/runs/net/network/spikes?max=10000&format=json');
    const k = Math.ceil(SPIKES.length / 10000);
    expect(w.stride).toBe(k);
    expect(w.total).toBe(SPIKES.length);
    expect(w.rows).toBe(Math.ceil(SPIKES.length / k));
    expect(w.rows).toBeLessThanOrEqual(10000);
    expect([w.data[0][1], w.data[1][1]]).toEqual(SPIKES[k]);
    expect(await error('/api/runs/net/network/spikes?max=lots', 400)).toBe('max=lots is not a number');
  });

  it('sends population rates and weight curves as checked columns', async () => {
    const rates = await json('/api/runs/net/network/rates');
    expect(rates.columns).toEqual(RATE_COLUMNS);
    expect(rates.rows).toBe(60);
    const recallBin = rates.data[0].indexOf(20);
    expect(rates.data[3][recallBin]).toBeGreaterThan(80); // rate_as_Hz at recall
    const weights = await json('/api/runs/net/network/weights');
    expect(weights.columns).toEqual(WEIGHT_COLUMNS);
    expect(weights.rows).toBe(215);
    const last = (name: string) => weights.data[weights.columns.indexOf(name)][weights.rows - 1];
    expect(last('h_mean_assembly_mV')).toBeGreaterThan(7); // learning potentiated the assembly
    expect(last('h_mean_control_mV')).toBeLessThan(4.5);
    expect((await fetch(new URL('/api/runs/net/network/rates?format=f64', server.url))).headers.get('x-rows')).toBe('60');
  });

  it('says so when a file is missing, and still serves the rest', async () => {
    expect(await error('/api/runs/no-spikes/network/spikes', 404)).toBe('this run has no spikes.csv');
    expect((await json('/api/runs/no-spikes/network')).files.spikes).toBe(false);
    expect((await json('/api/runs/no-spikes/network/rates')).rows).toBe(60);
    expect(await error('/api/runs/bad-summary/network/weights', 422)).toMatch(/does not follow the network run format: "neurons" must be a positive integer/);
  });

  it('names the line of a corrupt CSV', async () => {
    expect(await error('/api/runs/bad-spikes/network/spikes', 422)).toBe("spikes.csv is corrupt: line 3: 'abc' is not a number");
    expect(await error('/api/runs/bad-neuron/network/spikes', 422)).toBe('spikes.csv is corrupt: spike 2 (line 3) names neuron 2500, the network has 0 … 1999');
    expect(await error('/api/runs/bad-rates/network/rates', 422)).toMatch(/^population_rates\.csv is corrupt: no column rate_ans_Hz/);
    expect(await error('/api/runs/bad-rates/network/weights', 422)).toMatch(/^weights\.csv is corrupt: no column h_mean_assembly_mV/);
  });

  it('refuses network routes of other runs and unknown network paths', async () => {
    expect(await error('/api/runs/ref/network', 404)).toBe("'ref' is not a network run (its summary.json has no \"kind\": \"network\")");
    expect(await error('/api/runs/net/network/nope', 404)).toMatch(/spikes, rates or weights/);
    expect((await get('/api/runs/net/network/spikes/more')).status).toBe(404);
  });
});
