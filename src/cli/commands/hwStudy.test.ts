/** The bss2 flags of `calcitag run` and `calcitag hw-study`, end to end (built CLI in dist/). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', '..', '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[], cwd?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });

describe('calcitag run --engine bss2', () => {
  it('states biological and hardware time and the processor budget in --json', () => {
    const r = run(['run', 'WTET', '--engine', 'bss2', '--trials', '1', '--workers', '0', '--json', '--ppu-period', '20', '--rounding', 'stochastic']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.engine).toBe('bss2');
    expect(out.bss2).toMatchObject({ ppu_period_ms: 20, ppu_period_hw_us: 20, feasible: true, format: 'int16' });
    expect(out.bss2.time[0]).toEqual({ protocol: 'WTET', biological_s: 28800, hardware_s: 28.8 });
    expect(out.results[0].class).toBe('early-LTP');
  });

  it.each([
    [['--acceleration', '0'], /--acceleration 0 is invalid; allowed: a number > 0/],
    [['--ppu-period', '0.2'], /--ppu-period ≥ 0\.\d+ ms/],
    [['--format', 'int12'], /Allowed choices are int8, int16, int32/],
    [['--rounding', 'up'], /Allowed choices are truncate, nearest, stochastic/],
    [['--mismatch', 'lots'], /--mismatch 'lots' is invalid/],
    [['--format', 'int8', '--param', 'theta_tag=0.1'], /int8 is too narrow for theta_tag/],
  ])('rejects %j with one line and exit code 2', (args, message) => {
    const cwd = mkdtempSync(join(tmpdir(), 'calcitag-bss2-'));
    const r = run(['run', 'WTET', '--engine', 'bss2', '--trials', '1', ...args], cwd);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses hardware flags for other engines', () => {
    const r = run(['run', 'WTET', '--engine', 'reference', '--mismatch', '0.1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--mismatch applies to --engine bss2 only/);
  });
});

describe('calcitag hw-study', () => {
  it('--json prints exactly {"rows": [...]} with the documented keys', () => {
    const r = run(['hw-study', '--protocols', 'WLFS', '--trials', '1', '--reference-trials', '2', '--periods', '10', '--formats', 'int16', '--roundings', 'stochastic', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['rows']);
    expect(out.rows).toHaveLength(1);
    expect(Object.keys(out.rows[0])).toEqual(['protocol', 'format', 'ppu_period_ms', 'rounding', 'w_rel_8h', 'dev_sd_8h', 'class', 'class_ok', 'feasible']);
    expect(out.rows[0]).toMatchObject({ protocol: 'WLFS', format: 'int16', ppu_period_ms: 10, rounding: 'stochastic', class: 'early-LTD', class_ok: true, feasible: true });
  });

  it('rejects a bad list with one line and exit code 2', () => {
    const r = run(['hw-study', '--formats', 'int9']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--formats 'int9' is invalid; allowed: int8, int16, int32/);
    const p = run(['hw-study', '--periods', '0.3']);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/whole multiple of the analog step/);
  });
});
