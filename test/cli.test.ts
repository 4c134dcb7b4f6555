/** The `calcitag run` command end to end (built CLI in dist/, as a user runs it). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[], cwd?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });

describe('calcitag run', () => {
  it('prints exactly one JSON object with --json', () => {
    const r = run(['run', 'WTET', 'WLFS', '--trials', '2', '--seed', '5', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.engine).toBe('exact');
    expect(out.seed).toBe(5);
    expect(out.params.theta_p).toBe(3);
    expect(out.results.map((x: { protocol: string }) => x.protocol)).toEqual(['WTET', 'WLFS']);
    const wtet = out.results[0];
    expect(wtet.trials).toBe(2);
    expect(wtet.w_rel['8h'].mean).toBeGreaterThan(1);
    expect(Object.keys(wtet)).toEqual(expect.arrayContaining(['w_rel', 'h_mV', 'z', 'classes', 'class', 'tagged']));
    expect(out.results[1].class).toBe('early-LTD');
  });

  it('is reproducible: the same seed gives the same numbers, --param changes them', () => {
    const a = JSON.parse(run(['run', 'WTET', '--trials', '2', '--json']).stdout);
    const b = JSON.parse(run(['run', 'WTET', '--trials', '2', '--json']).stdout);
    expect(a.results[0].w_rel).toEqual(b.results[0].w_rel);
    const c = JSON.parse(run(['run', 'WTET', '--trials', '2', '--json', '--param', 'theta_p=2.5']).stdout);
    expect(c.params.theta_p).toBe(2.5);
    expect(c.results[0].w_rel['2h'].mean).not.toBe(a.results[0].w_rel['2h'].mean);
  });

  it('writes the run record, summary, per-trial CSV, traces and figures to --out', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'calcitag-')), 'out');
    const r = run(['run', 'WTET', '--trials', '2', '--out', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('WTET');
    expect(r.stdout).toContain('early-LTP');
    const files = readdirSync(dir);
    for (const f of ['run.json', 'summary.json', 'trials.csv', 'traces_WTET.csv', 'calcium_WTET.csv', 'figure_WTET.svg', 'figure_WTET.png', 'figure_WTET.vl.json', 'figure_classes.png', 'figure_classes.svg', 'figure_classes.vl.json', 'log.txt']) {
      expect(files).toContain(f);
    }
    expect(files).not.toContain('config.json'); // one record: run.json replaces config.json and experiment.json
    expect(files).not.toContain('experiment.json');
    const rec = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(rec.calcitag_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(rec.seed).toBe(1);
    expect(rec.engine_options).toEqual({ maxNoisyStep_ms: 1, everyPsp: false }); // the engine's options, defaults filled in
    expect(rec.protocols[0].trains[0].rate_Hz).toBe(100);
    const png = readFileSync(join(dir, 'figure_WTET.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(dir, 'trials.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it.each([
    [['run', 'FOO'], /unknown protocol 'FOO'; allowed: STET, WTET, SLFS, WLFS, all/],
    [['run', 'STET', '--trials', '0'], /--trials '0' is invalid; allowed: an integer ≥ 1/],
    [['run', 'STET', '--trials', '2.5'], /--trials '2.5' is invalid/],
    [['run', 'STET', '--dt', '0'], /--dt '0' is invalid; allowed: a number > 0/],
    [['run', 'STET', '--dt', '-0.1'], /--dt '-0.1' is invalid/],
    [['run', 'STET', '--seed', 'abc'], /--seed 'abc' is invalid; allowed: an integer ≥ 0/],
    [['run', 'STET', '--param', 'theta_x=1'], /unknown parameter 'theta_x'; allowed: .*theta_p/],
    [['run', 'STET', '--param', 'theta_p'], /--param 'theta_p' is malformed; expected name=value/],
    [['run', 'STET', '--param', 'tau_h=-5'], /tau_h=-5 must be > 0 s/],
    [['run', 'STET', '--param', 'c_pre=abc'], /value 'abc' is not a finite number/],
  ])('rejects %j with one line, exit code 2 and no output folder', (args, message) => {
    const cwd = mkdtempSync(join(tmpdir(), 'calcitag-bad-'));
    const r = run([...args, '--out', join(cwd, 'out')], cwd);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(existsSync(join(cwd, 'out'))).toBe(false);
    expect(existsSync(join(cwd, 'runs'))).toBe(false);
  });
});

describe('calcitag validate', () => {
  it('compares an ensemble with the C++ reference and reports per checkpoint', () => {
    const r = run(['validate', 'WTET', '--trials', '6', '--seed', '3', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.engine).toBe('reference');
    const wtet = out.protocols[0];
    expect(wtet.protocol).toBe('WTET');
    expect(wtet.reference_class).toBe('early-LTP');
    expect(wtet.comparisons.map((c: { quantity: string }) => c.quantity)).toEqual(['w_rel@2h', 'w_rel@4h', 'w_rel@8h']);
    expect(wtet.comparisons[2].reference.n).toBe(10);
    expect(r.status).toBe(out.pass ? 0 : 1);
  });
});

