/** `calcitag timing` end to end (built CLI in dist/): the run folder, --json, bad input (exit 2, nothing written). */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });

describe('calcitag timing', () => {
  it('writes the run record, every point, and the window and map figures', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'calcitag-timing-')), 'run');
    const r = run(['timing', '--dt-ms', '0:30:10', '--freq-hz', '1,50', '--trials', '8', '--seed', '4', '--workers', '1', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/engine exact: 8 points × 8 trials/);
    for (const f of ['run.json', 'timing.json', 'timing_points.csv', 'timing_window.png', 'timing_window.svg', 'timing_window.vl.json', 'timing_map.png', 'timing_map.vl.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readdirSync(out).some((f) => f.includes('.tmp-'))).toBe(false);
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(record).toMatchObject({ kind: 'timing', seed: 4, trials: 8, engines: [{ name: 'exact' }], grid: { dt_ms: [0, 10, 20, 30], freq_Hz: [1, 50], pairs: 60 } });
    expect(record.calcitag_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(record.params.theta_p).toBe(3);
    const csv = readFileSync(join(out, 'timing_points.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(9);
    expect(csv[0]).toMatch(/^engine,freq_Hz,dt_ms,early_change_mean,early_change_sd,w_rel_8h_mean,/);
    expect(readFileSync(join(out, 'timing.json'), 'utf8')).not.toMatch(/NaN|null/);
    // 1 Hz, Δt = 10 ms: one pair's calcium crosses θ_d only (c_pre + c_post < θ_p): early LTD, never tagged
    const p = JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')).results[0].points.find((x: { freq_Hz: number; dt_ms: number }) => x.freq_Hz === 1 && x.dt_ms === 10);
    expect(p.class).toBe('early-LTD');
    expect(p.above_p_s).toBe(0);
    expect(p.early.mean).toBeLessThan(0);
  });

  it('--json prints one object with every point, the same for any number of workers', () => {
    const args = ['timing', '--dt-ms', '-20,20', '--freq-hz', '20', '--trials', '6', '--json'];
    const a = run([...args, '--workers', '0']);
    const b = run([...args, '--workers', '2']);
    expect(a.status, a.stderr).toBe(0);
    const ja = JSON.parse(a.stdout), jb = JSON.parse(b.stdout);
    expect(ja.results[0].points).toHaveLength(2);
    expect(ja.results[0].points).toEqual(jb.results[0].points);
    for (const k of ['early', 'w8h', 'class', 'classFractions', 'taggedFraction', 'proteinFraction', 'predictedEarly', 'above_d_s']) expect(ja.results[0].points[0]).toHaveProperty(k);
  });

  it('Ctrl-C keeps the finished points: timing_partial.json and the run record, exit 130', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'calcitag-timing-int-')), 'run');
    const child = spawn(process.execPath, [CLI, 'timing', '--dt-ms', '-100:100:1', '--freq-hz', '1,50', '--trials', '3000', '--workers', '1', '--out', out], { cwd: ROOT });
    let err = '';
    let sent = false;
    const code = await new Promise<number | null>((done) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        // interrupt once a few points are finished (progress lines name them)
        if (!sent && /\[exact 3\/402\]/.test(err)) sent = child.kill('SIGINT');
      });
      child.on('exit', (c) => done(c));
    });
    expect(code, err).toBe(130);
    expect(err).toMatch(/calcitag: interrupted; exact: \d+ of 402 points/);
    const partial = JSON.parse(readFileSync(join(out, 'timing_partial.json'), 'utf8'));
    expect(partial.complete).toBe(false);
    expect(partial.results[0].points_done).toBeGreaterThanOrEqual(3);
    expect(partial.results[0].points).toHaveLength(partial.results[0].points_done);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).kind).toBe('timing');
    expect(readdirSync(out).some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('bad input: one line naming the field, exit 2, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calcitag-timing-bad-'));
    writeFileSync(join(dir, 'file'), 'x');
    const cases: Array<[string[], RegExp]> = [
      [['--dt-ms', '100:-100:2'], /--dt-ms: '100:-100:2' is invalid \(start is after stop\)/],
      [['--dt-ms', '-100:100:0'], /--dt-ms: .*step must be > 0/],
      [['--freq-hz', '0'], /--freq-hz: '0' is invalid/],
      [['--pairs', '0'], /--pairs '0' is invalid/],
      [['--pairs', '4000', '--freq-hz', '1'], /--pairs: 4000 pairings at 1 Hz last/],
      [['--engine', 'nope'], /--engine: 'nope' is unknown/],
      [['--post-burst', '2'], /--post-burst: '2' is invalid/],
      [['--trials', '-1'], /--trials '-1' is invalid/],
      [['--out', join(dir, 'file')], /is a file, not a folder/],
    ];
    for (const [args, re] of cases) {
      const out = join(dir, `o${cases.findIndex((c) => c[0] === args)}`);
      const r = run(['timing', '--out', out, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      expect(existsSync(out)).toBe(false);
    }
  });
});
