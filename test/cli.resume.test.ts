/**
 * `calcitag run FILE --resume DIR` end to end (built CLI in dist/): a run killed mid-way (SIGKILL, or
 * Ctrl-C) and resumed writes what an uninterrupted run writes — trials.csv, summary.json, results.h5
 * (every dataset and attribute), .npy — bit for bit, apart from the wall times the files record.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { beforeAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** Three short protocols with probes (h5 traces, npy, spikes): ≈ 1 s a protocol. */
const EXPERIMENT = `
name: resumetest
trials: 6
engine: reference
fast_forward: false
outputs: { npy: true }
protocols:
  - { name: a, duration_s: 30, trains: [{ onset_s: 1, duration_s: 1, rate_Hz: 100 }] }
  - { name: b, duration_s: 30, trains: [{ onset_s: 1, duration_s: 1, rate_Hz: 50 }] }
  - { name: c, duration_s: 30, trains: [{ onset_s: 1, duration_s: 0.5, rate_Hz: 100 }] }
probes:
  - { name: pr, variables: [h, z, c, spikes], interval_s: 0.1, trials: [0, 2] }
`;

/** Drops what measures the machine (wall times) from parsed JSON. */
function withoutWall(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutWall);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !/wall/.test(k)).map(([k, x]) => [k, withoutWall(x)]));
  return v;
}

type H5Node = InstanceType<typeof h5wasm.Group> | InstanceType<typeof h5wasm.Dataset>;
/** Every dataset and attribute of an HDF5 file, by path. */
function h5Contents(file: string): Record<string, unknown> {
  const f = new h5wasm.File(file, 'r');
  const out: Record<string, unknown> = {};
  const visit = (path: string, node: H5Node) => {
    for (const [k, a] of Object.entries(node.attrs)) out[`${path}@${k}`] = k === 'experiment' ? a.value : withoutWall(a.value);
    if (node instanceof h5wasm.Dataset) {
      const v = node.value;
      out[path] = ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v;
    } else for (const k of node.keys()) visit(`${path === '/' ? '' : path}/${k}`, node.get(k) as H5Node);
  };
  visit('/', f);
  f.close();
  return out;
}

/** What a run folder holds that does not depend on the machine. */
function results(dir: string): Record<string, unknown> {
  const csv = readFileSync(join(dir, 'trials.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const wall = csv[0]!.indexOf('wall_ms');
  const npy = readdirSync(join(dir, 'npy')).sort();
  return {
    files: readdirSync(dir).sort(),
    trials: csv.map((r) => r.filter((_, i) => i !== wall).join(',')),
    summary: withoutWall(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))),
    h5: h5Contents(join(dir, 'results.h5')),
    npy: Object.fromEntries(npy.map((n) => [n, readFileSync(join(dir, 'npy', n)).toString('base64')])),
    run: readFileSync(join(dir, 'run.json'), 'utf8'),
  };
}

/** Starts a run, sends `signal` once `when` shows on stderr (default: protocol b has finished), and waits for the exit. */
async function interrupted(file: string, out: string, signal: NodeJS.Signals, when = /b: all 6 trials done/): Promise<number | null> {
  const child = spawn(process.execPath, [CLI, 'run', file, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no progress line:\n${stderr}`)), 60_000);
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (when.test(stderr)) {
        clearTimeout(timer);
        child.kill(signal);
        resolve();
      }
    });
  });
  return exited;
}

describe('calcitag run FILE --resume DIR', () => {
  const root = mkdtempSync(join(tmpdir(), 'calcitag-resume-'));
  const file = join(root, 'e.yaml');
  let plain: Record<string, unknown>;
  beforeAll(async () => {
    await h5wasm.ready;
    writeFileSync(file, EXPERIMENT);
    const r = run(['run', file, '--out', join(root, 'plain'), '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(root, 'plain', '.resume'))).toBe(false); // a complete run leaves no resume state
    plain = results(join(root, 'plain'));
    expect(Object.keys(plain.h5 as object).length).toBeGreaterThan(50);
    expect(Object.keys(plain.npy as object)).toHaveLength(12);
  }, 60_000);

  it('after SIGKILL: keeps the finished protocols, runs the rest, and equals an uninterrupted run', async () => {
    const dir = join(root, 'killed');
    expect(await interrupted(file, dir, 'SIGKILL')).toBe(null);
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(true); // killed while results.h5 was open
    expect(readdirSync(join(dir, '.resume'))).toEqual(expect.arrayContaining(['0000.bin', '0000.probes', '0001.bin', '0001.probes']));
    const r = run(['run', file, '--resume', dir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/kept a, b/);
    expect(results(dir)).toEqual(plain);
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toMatch(/complete\n$/);
  }, 60_000);

  it('after SIGKILL in the first protocol: keeps nothing and runs it all', async () => {
    const dir = join(root, 'early');
    expect(await interrupted(file, dir, 'SIGKILL', /starting/)).toBe(null);
    const r = run(['run', file, '--resume', dir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/kept no protocol/);
    expect(results(dir)).toEqual(plain);
  }, 60_000);

  it('after Ctrl-C: the same', async () => {
    const dir = join(root, 'sigint');
    expect(await interrupted(file, dir, 'SIGINT')).toBe(130);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).interrupted).toBe(true);
    const r = run(['run', file, '--resume', dir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/kept a, b/);
    expect(results(dir)).toEqual(plain);
  }, 60_000);

  it('a complete run: says so, exits 0 and changes nothing', () => {
    const dir = join(root, 'plain');
    const before = readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]);
    const r = run(['run', file, '--resume', dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/holds a complete run; nothing to do/);
    expect(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs])).toEqual(before);
  });

  it('refuses another experiment in one line naming what differs, exit 2, and --out or protocol names with it', () => {
    const dir = join(root, 'plain');
    const r = run(['run', file, '--resume', dir, '--seed', '7']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/seed 7 \(DIR: 1\)/);
    const other = join(root, 'other.yaml');
    writeFileSync(other, EXPERIMENT.replace('rate_Hz: 50', 'rate_Hz: 60'));
    const o = run(['run', other, '--resume', dir]);
    expect(o.status).toBe(2);
    expect(o.stderr).toMatch(/protocols\[1\]\.trains\[0\]\.rate_Hz 60 \(DIR: 50\)/);
    expect(run(['run', file, '--resume', dir, '--out', join(root, 'x')]).status).toBe(2);
    const p = run(['run', 'STET', '--resume', dir]);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/--resume: applies to an experiment file/);
    const c = run(['run', file, '--checkpoint-every', '5']);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/network experiments save checkpoints/);
  });
});

/** A 50-neuron version of examples/memory-network.yaml (learning at 10 s, recall at 20 s). */
const NETWORK = readFileSync(join(import.meta.dirname, '..', 'examples', 'memory-network.yaml'), 'utf8')
  .replace(/^probes:[\s\S]*?^readout:/m, 'readout:')
  .replace('size: 1600', 'size: 40').replace('size: 400', 'size: 10').replaceAll('p: 0.1', 'p: 0.3')
  .replace('to: 150', 'to: 10').replace('to: 75', 'to: 5').replace('assembly: 150', 'assembly: 10');

describe('calcitag run NETWORK_FILE --checkpoint-every / --resume', () => {
  it('passes both to the network run: a run resumed from a checkpoint equals the uninterrupted one', () => {
    const root = mkdtempSync(join(tmpdir(), 'calcitag-resume-net-'));
    const file = join(root, 'net.yaml');
    writeFileSync(file, NETWORK);
    const same = (dir: string) => {
      const { cpu_s: _c, wall_s: _w, peak_rss_mb: _p, ...summary } = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
      return { summary, spikes: readFileSync(join(dir, 'spikes.csv'), 'utf8') };
    };
    const plain = run(['run', file, '--out', join(root, 'plain'), '--quiet']);
    expect(plain.status, plain.stderr).toBe(0);
    const saved = run(['run', file, '--out', join(root, 'saved'), '--checkpoint-every', '15', '--quiet']);
    expect(saved.status, saved.stderr).toBe(0);
    // the state of a run that died after t = 15 s (learning at 10–11 s): only the checkpoint it had written
    const crashed = join(root, 'crashed');
    mkdirSync(crashed);
    copyFileSync(join(root, 'saved', 'checkpoints', 't000000015000ms.ckpt'), join(crashed, 't000000015000ms.ckpt'));
    const resumed = run(['run', file, '--out', join(root, 'resumed'), '--resume', crashed]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('t000000015000ms.ckpt (t = 15 s)');
    expect(same(join(root, 'resumed'))).toEqual(same(join(root, 'plain')));
  }, 120_000);
});
