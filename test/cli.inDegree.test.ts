/** `calcitag network --in-degree K` end to end (built CLI in dist/): exact in-degrees, rerun bit for bit, bad values refused. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hdf5Ready } from '../src/io/hdf5.js';
import { readSonataEdges } from '../src/io/sonata.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const SMALL = ['--neurons-exc', '80', '--neurons-inh', '20', '--assembly', '20'];

describe('calcitag network --in-degree', () => {
  const out = mkdtempSync(join(tmpdir(), 'calcitag-indeg-'));
  const r = run(['network', ...SMALL, '--in-degree', '10', '--seed', '3', '--out', out, '--json']);

  it('gives every neuron exactly k inputs (8 from exc, 2 from inh), none from itself, and records the rule', async () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.synapses).toBe(100 * 10);
    expect(s.plastic_synapses).toBe(80 * 8);
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(record.network.projections.map((p: { connectivity: unknown }) => p.connectivity)).toEqual([
      { rule: 'fixed-in-degree', in_degree: 8 }, { rule: 'fixed-in-degree', in_degree: 8 },
      { rule: 'fixed-in-degree', in_degree: 2 }, { rule: 'fixed-in-degree', in_degree: 2 },
    ]);
    await hdf5Ready();
    const edges = await readSonataEdges(join(out, 'edges.h5'), s.populations);
    const inputs = new Map<string, number>();
    for (const { name, edges: e } of edges) {
      for (let k = 0; k < e.source.length; k++) {
        if (name === 'EE' || name === 'II') expect(e.source[k]).not.toBe(e.target[k]);
        const key = `${name}:${e.target[k]}`;
        inputs.set(key, (inputs.get(key) ?? 0) + 1);
      }
    }
    expect(inputs.size).toBe(80 + 20 + 80 + 20);
    for (const [key, count] of inputs) expect(count, key).toBe(key.startsWith('E') ? 8 : 2);
  });

  it('reruns its folder bit for bit; another seed draws other connections', () => {
    const again = mkdtempSync(join(tmpdir(), 'calcitag-indeg-'));
    expect(run(['network', out, '--out', again, '--json']).status).toBe(0);
    expect(readFileSync(join(again, 'spikes.csv'), 'utf8')).toBe(readFileSync(join(out, 'spikes.csv'), 'utf8'));
    const other = mkdtempSync(join(tmpdir(), 'calcitag-indeg-'));
    expect(run(['network', ...SMALL, '--in-degree', '10', '--seed', '4', '--out', other, '--json']).status).toBe(0);
    expect(readFileSync(join(other, 'edges.h5'))).not.toEqual(readFileSync(join(out, 'edges.h5')));
  });

  it('refuses bad values with one line naming the flag, the value and what is allowed (exit 2)', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--in-degree', '0'], /--in-degree '0' is invalid; allowed: an integer ≥ 1/],
      [['--in-degree', 'ten'], /--in-degree 'ten' is invalid; allowed: an integer ≥ 1/],
      [['--in-degree', '100'], /--in-degree: in-degree = 100: must be a whole number in \[1, 97\]/],
      [['--in-degree', '10', '--p', '0.2'], /--p 0\.2 and --in-degree 10: give one/],
    ];
    for (const [args, message] of cases) {
      const bad = run(['network', ...SMALL, ...args, '--json']);
      expect(bad.status, args.join(' ')).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(message);
    }
    const file = run(['network', join(import.meta.dirname, '..', 'examples', 'memory-network.yaml'), '--in-degree', '10', '--json']);
    expect(file.status).toBe(2);
    expect(file.stderr).toMatch(/--in-degree builds the paradigm; with an experiment file, change the file instead/);
  });
});
