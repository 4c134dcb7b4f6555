/** `calcitag network --engine fast --workers W` end to end (built CLI in dist/): one network on W threads. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const SMALL = ['--neurons-exc', '80', '--neurons-inh', '20', '--assembly', '20', '--seed', '4', '--engine', 'fast'];

describe('calcitag network --workers', () => {
  it('--workers 2 writes the same spikes, curves, rates and readouts as --workers 1', () => {
    const [one, two] = [1, 2].map((w) => {
      const out = mkdtempSync(join(tmpdir(), `calcitag-net-w${w}-`));
      const r = run(['network', ...SMALL, '--workers', String(w), '--out', out, '--json']);
      expect(r.status, r.stderr).toBe(0);
      return { out, summary: JSON.parse(r.stdout) as { readouts: unknown; spikes: number } };
    });
    for (const f of ['spikes.csv', 'weights.csv', 'population_rates.csv']) {
      expect(readFileSync(join(two!.out, f), 'utf8'), f).toBe(readFileSync(join(one!.out, f), 'utf8'));
    }
    expect(two!.summary.readouts).toEqual(one!.summary.readouts);
    expect(one!.summary.spikes).toBeGreaterThan(1000);
    expect(readFileSync(join(two!.out, 'log.txt'), 'utf8')).toMatch(/engine fast on 2 threads/);
  });

  it('an engine that cannot split one network says so (exit 2, one line)', () => {
    const r = run(['network', ...SMALL.slice(0, -2), '--workers', '2', '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--workers: engine 'reference' cannot split one network across threads.*engines that can: fast/);
  });
});
