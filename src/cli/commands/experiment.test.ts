/** `calcitag run <experiment file>` and `calcitag schema`, end to end with the built CLI (dist/). */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'calcitag-exp-'));
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** summary.json without wall-clock times */
const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'), (k, v) => (k.startsWith('wall_ms') ? undefined : v));
/**
 * A summary without what counts the engine's work (steps_per_trial: the exact engine's events, fewer since
 * it stopped making events of arrivals that change nothing): an old run folder must rerun to the same results.
 */
const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'), (k, v) => (k.startsWith('wall_ms') || k === 'steps_per_trial' ? undefined : v));
const traces = (dir: string, protocol: string) => readFileSync(join(dir, `traces_${protocol}.csv`), 'utf8');
/** Run folders written by calcitag 0.1 before run.json (config.json, experiment.json, summary.json). */
const FIXTURES = join(ROOT, 'test', 'fixtures', 'v0.1-runs');

const SMALL = `
name: small
trials: 2
seed: 3
sample_interval_s: 10
params:
  tau_h_s: 700
  theta_pro: "2.1 mV"
protocols:
  - { preset: WTET, name: WTET-1h, duration_s: 3700 }
  - name: pairs
    duration_s: 100
    trains: [{ onset_s: 20, duration_s: 0.1, rate_Hz: 50, count: 3, interval_s: 1, kind: poisson }]
    spike_times_s: [50, 50.01]
probes:
  - { name: ca, variables: [c, h, spikes], protocols: [pairs], interval_s: 0.001, from_s: 19.9, to_s: 23, trials: all }
outputs: { plots: false, npy: true }
`;

describe('calcitag run <experiment file>', () => {
  it('reproduces a run bit for bit from its run record (run.json)', () => {
    const d = tmp();
    writeFileSync(join(d, 'small.yaml'), SMALL);
    const a = run(['run', join(d, 'small.yaml'), '--out', join(d, 'a'), '--quiet']);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(a.stdout).toContain('pairs');
    for (const f of ['run.json', 'summary.json', 'log.txt', 'results.h5', 'trials.csv', 'npy/ca_pairs_c.npy']) expect(existsSync(join(d, 'a', f)), f).toBe(true);
    const exp = json(join(d, 'a', 'run.json'));
    expect(exp.params.tau_h_s).toBe(700); // units in the keys
    expect(exp.params.theta_pro_mV).toBe(2.1);
    expect(exp.protocols[1].trains[0]).toEqual({ onset_s: 20, duration_s: 0.1, rate_Hz: 50, count: 3, period_s: 1, kind: 'poisson' });

    const b = run(['run', join(d, 'a', 'run.json'), '--out', join(d, 'b'), '--quiet']);
    expect(b.status).toBe(0);
    expect(json(join(d, 'b', 'run.json'))).toEqual(exp);
    expect(run(['run', join(d, 'a'), '--out', join(d, 'c'), '--quiet']).status).toBe(0); // the folder stands for its run.json
    expect(summary(join(d, 'c'))).toEqual(summary(join(d, 'a')));
    expect(summary(join(d, 'b'))).toEqual(summary(join(d, 'a')));
    expect(readFileSync(join(d, 'b', 'npy', 'ca_pairs_c.npy')).equals(readFileSync(join(d, 'a', 'npy', 'ca_pairs_c.npy')))).toBe(true);
  });

  it('writes run.json for protocol names too, and `calcitag run <folder>` reruns them bit for bit', () => {
    const d = tmp();
    expect(run(['run', 'WTET', '--trials', '2', '--seed', '8', '--param', 'theta_p=3.1', '--out', join(d, 'a'), '--quiet']).status).toBe(0);
    const exp = json(join(d, 'a', 'run.json'));
    expect([exp.trials, exp.seed, exp.params.theta_p, exp.protocols[0].name]).toEqual([2, 8, 3.1, 'WTET']); // θ_p is dimensionless
    expect(run(['run', join(d, 'a'), '--out', join(d, 'b'), '--quiet']).status).toBe(0);
    expect(summary(join(d, 'b'))).toEqual(summary(join(d, 'a')));
    expect(traces(join(d, 'b'), 'WTET')).toBe(traces(join(d, 'a'), 'WTET'));
    expect(json(join(d, 'b', 'run.json'))).toEqual(exp);
  });

  it.each(['exact-wtet', 'bss2-wlfs'])('reruns a run folder of calcitag 0.1 (config.json and experiment.json, no run.json) bit for bit: %s', (name) => {
    const d = tmp();
    const old = join(FIXTURES, name);
    const withRecord = join(d, 'both');
    cpSync(old, withRecord, { recursive: true });
    const configOnly = join(d, 'config-only'); // the oldest folders: config.json alone
    cpSync(old, configOnly, { recursive: true });
    rmSync(join(configOnly, 'experiment.json'));
    for (const [src, out] of [[withRecord, 'a'], [configOnly, 'b']] as const) {
      const r = run(['run', src, '--out', join(d, out), '--quiet', '--json']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(results(join(d, out))).toEqual(results(old));
    }
    // both give the same run record, which keeps the engine's options with every default filled in
    const rec = json(join(d, 'a', 'run.json'));
    expect(json(join(d, 'b', 'run.json'))).toEqual(rec);
    expect(rec.engine_options).toMatchObject(json(join(old, 'config.json')).engine_options);
  });

  it('lets command-line flags override the file, and records them', () => {
    const d = tmp();
    writeFileSync(join(d, 'small.yaml'), SMALL);
    const r = run(['run', join(d, 'small.yaml'), '--trials', '1', '--seed', '9', '--param', 'tau_h=650', '--out', join(d, 'o'), '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([out.trials, out.seed, out.params.tau_h]).toEqual([1, 9, 650]);
    const exp = json(join(d, 'o', 'run.json'));
    expect([exp.trials, exp.seed, exp.params.tau_h_s]).toEqual([1, 9, 650]);
  });

  it('lists every problem of a malformed file with its path, exits 2 and writes nothing', () => {
    const d = tmp();
    writeFileSync(join(d, 'bad.json'), JSON.stringify({
      trials: 2.5,
      params: { theta_p: 'high', tau_c_s: -1 },
      protocols: ['STET', { name: 'x', duration_s: 10, trains: [{ onset_s: 0, duration_s: 1, rate_Hz: 10 }, { onset_s: 1, duration_s: 1, rate_Hz: 0 }] }],
      probes: [{ name: 'p', variables: ['h'], interval_s: 1, trials: [5] }],
    }));
    const r = run(['run', join(d, 'bad.json'), '--out', join(d, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    for (const want of [
      'trials: must be an integer',
      "params.theta_p: 'high' is not a number",
      'params.tau_c_s: must be > 0 ms',
      'protocols[1].trains[1].rate_Hz: must be > 0',
      'probes[0].trials[0]: trial 5 does not exist',
    ]) expect(lines.some((l) => l.trim().startsWith(want)), `${want}\n${r.stderr}`).toBe(true);
    expect(existsSync(join(d, 'out'))).toBe(false);
  });

  it('still takes protocol names, and refuses a file mixed with names', () => {
    expect(run(['run', 'XTET', '--trials', '1']).status).toBe(2);
    const r = run(['run', 'STET', join(ROOT, 'examples', 'potentiation.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/experiment file runs alone/);
  });

  it('prints the JSON Schema that docs/experiment.schema.json holds', () => {
    const r = run(['schema']);
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.required).toEqual(['protocols']);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'docs', 'experiment.schema.json'), 'utf8'));
  });

  it('on Ctrl-C during a run of protocol names, stops with only complete files and a note', async () => {
    const d = tmp();
    const child = spawn(process.execPath, [CLI, 'run', 'all', '--trials', '200', '--engine', 'reference', '--workers', '1', '--out', join(d, 'run')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (/starting/.test(stderr)) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    const dir = join(d, 'run');
    const s = json(join(dir, 'summary.json'));
    expect(s.interrupted).toBe(true);
    expect(s.progress.completed_protocols).toEqual(s.results.map((r: { protocol: string }) => r.protocol));
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toMatch(/interrupted: completed/);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(existsSync(join(dir, 'run.json'))).toBe(true);
  });

  it('on Ctrl-C finishes the current trial, keeps only complete files and notes how far it got', async () => {
    const d = tmp();
    writeFileSync(join(d, 'long.yaml'), `
name: long
trials: 20
fast_forward: false
outputs: { plots: false, npy: true }
protocols:
  - { name: quick, duration_s: 20, spike_times_s: [1, 1.01] }
  - { name: long, duration_s: 3000, trains: [{ onset_s: 10, duration_s: 1, rate_Hz: 100 }] }
probes:
  - { name: all, variables: [h, z, c], interval_s: 0.01, trials: all }
`);
    const child = spawn(process.execPath, [CLI, 'run', join(d, 'long.yaml'), '--out', join(d, 'run')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress line:\n${stderr}`)), 60_000);
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/quick: all 20 trials done/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stdout).toMatch(/interrupted: completed quick/);
    const dir = join(d, 'run');
    const s = json(join(dir, 'summary.json'));
    expect(s.interrupted).toBe(true);
    expect(s.progress.completed_protocols).toEqual(['quick']);
    // the signal lands during a trial of 'long' (normally its first): that trial finishes, no other starts
    expect(s.progress.partial?.protocol ?? s.progress.not_started[0]).toBe('long');
    expect(s.results.map((x: { protocol: string }) => x.protocol)).toEqual(['quick']);
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toMatch(/interrupted: completed quick/);
    const all = [...readdirSync(dir), ...readdirSync(join(dir, 'npy'))];
    expect(all.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(all).toEqual(expect.arrayContaining(['results.h5', 'run.json', 'all_quick_h.npy']));
    const done = (s.progress.partial?.trials_done ?? 0) as number;
    expect(done).toBeLessThan(20);
    if (existsSync(join(dir, 'npy', 'all_long_h.npy'))) {
      const head = readFileSync(join(dir, 'npy', 'all_long_h.npy')).subarray(0, 128).toString('latin1');
      expect(head).toContain(`'shape': (${done}, 300001)`);
    }
    const py = spawnSync('/usr/bin/python3', ['-c', `import h5py,sys; f=h5py.File(sys.argv[1]); print(f.attrs['complete'], f['traces/all/quick/h'].shape[0], f['traces/all/long/h'].shape[0])`, join(dir, 'results.h5')], { encoding: 'utf8' });
    if (py.status === 0) expect(py.stdout.trim()).toBe(`0 20 ${done}`);
  });
});
