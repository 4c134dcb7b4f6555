/** `calcitag bss2 map` end to end (built CLI in dist/): verdicts, the JSON fields, bad input. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExperimentFile } from '../src/experiments/experiment.js';
import { resolveNetworkExperiment } from '../src/experiments/network/networkExperiment.js';
import { loadEdgesFile } from '../src/io/edgeFiles.js';
import { memoryParadigm } from '../src/model/network/memoryParadigm.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });

describe('examples/memory-network-1chip.yaml', () => {
  it('is the memory paradigm with 200 + 50 neurons, p = 0.2, assembly 40 (what docs/bss2-network.md studies)', async () => {
    const exp = await resolveNetworkExperiment(readExperimentFile(join(ROOT, 'examples', 'memory-network-1chip.yaml')), loadEdgesFile(ROOT));
    const built = memoryParadigm({ nExc: 200, nInh: 50, p: 0.2, assembly: 40 });
    const { name: _a, description: _b, ...fromFile } = exp.description;
    const { name: _c, description: _d, ...fromParadigm } = built.description;
    expect(JSON.parse(JSON.stringify(fromFile))).toEqual(JSON.parse(JSON.stringify(fromParadigm)));
    expect(exp.readout).toEqual(built.readout);
  });
});

describe('calcitag bss2 map', () => {
  it('the one-chip example fits one chip; --json prints the fields a hardware team reads', () => {
    const r = run(['bss2', 'map', 'examples/memory-network-1chip.yaml', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ feasible: true, chips: 1, chips_needed: 1, violations: [], neurons: 250 });
    for (const k of ['ppu_memory_bytes', 'cycles_per_update', 'min_period_ms', 'hardware_s', 'rows_used', 'labels_used', 'drivers_used']) expect(s[k]).toBeGreaterThan(0);
    expect(s.hardware_s).toBeCloseTo(0.03, 12); // 30 s of biology at 1000×
    expect(s.ppu_memory.total).toBe(s.ppu_memory_bytes);
    expect(s.min_period_ms).toBeCloseTo(s.cycles_per_update / 250, 9); // 250 cycles per biological ms
  });

  it('the published 2000-neuron network: one chip runs out of neuron circuits first', () => {
    const r = run(['bss2', 'map', 'examples/memory-network.yaml', '--json', '--max-chips', '1']);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.feasible).toBe(false);
    expect(s.violations[0]).toEqual({ constraint: 'neuron circuits', needed: 2000, available: 512 });
  });

  it('text output names the verdict and the first broken constraint', () => {
    const r = run(['bss2', 'map', 'examples/memory-network.yaml', '--chips', '4', '--max-chips', '4']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/DOES NOT FIT on 4 chip\(s\)/);
    expect(r.stdout).toMatch(/synapse rows: needs \d+, has 256/);
  });

  it('a too-short --ppu-period is reported as the solver-period constraint', () => {
    const r = run(['bss2', 'map', 'examples/memory-network-1chip.yaml', '--json', '--ppu-period', '10']);
    const s = JSON.parse(r.stdout);
    expect(s.feasible).toBe(false);
    expect(s.violations).toEqual([expect.objectContaining({ constraint: 'solver period', available: 10 })]);
  });

  it('network --engine bss2 runs the one-chip example end to end: readouts as from every engine', () => {
    const r = run(['network', 'examples/memory-network-1chip.yaml', '--engine', 'bss2', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ kind: 'network', engine: 'bss2', neurons: 250 });
    for (const k of ['Q', 'MI']) expect(Number.isFinite(s.readouts[k])).toBe(true);
    expect(s.readouts.rates_Hz.as).toBeGreaterThan(50); // the recalled half is driven at recall
  });

  it('network --engine bss2 refuses the 2000-neuron network up front (exit 2), naming what breaks', () => {
    const r = run(['network', 'examples/memory-network.yaml', '--engine', 'bss2', '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/neuron circuits needs 2000, has 512/);
  });

  it('bad input: one line, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calcitag-bss2-'));
    writeFileSync(join(dir, 'bad.yaml'), 'name: x\npopulations: []\n');
    for (const args of [['bss2', 'map', join(dir, 'bad.yaml')], ['bss2', 'map', 'examples/memory-network-1chip.yaml', '--chips', '0'], ['bss2', 'map', 'examples/memory-network-1chip.yaml', '--format', 'int4']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^calcitag: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
