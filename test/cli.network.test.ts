/** `calcitag network` end to end (built CLI in dist/), on small networks so that the suite stays quick. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hdf5Ready } from '../src/io/hdf5.js';
import { readSonataEdges, readSonataSpikes } from '../src/io/sonata.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const SMALL = ['--neurons-exc', '80', '--neurons-inh', '20', '--assembly', '20'];

describe('calcitag network', () => {
  const out = mkdtempSync(join(tmpdir(), 'calcitag-net-'));
  const r = run(['network', ...SMALL, '--seed', '4', '--out', out, '--json']);

  it('prints one JSON summary with the readouts, sizes and cost', () => {
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ kind: 'network', seed: 4, engine: 'reference', neurons: 100, assembly: 20, recall_onset_s: 20 });
    for (const k of ['Q', 'MI']) expect(Number.isFinite(s.readouts[k])).toBe(true);
    for (const k of ['as', 'ans', 'ctrl', 'inh']) expect(s.readouts.rates_Hz[k]).toBeGreaterThanOrEqual(0);
    expect(s.readouts.rates_Hz.as).toBeGreaterThan(80); // the recalled half is driven near its maximal rate
    for (const k of ['cpu_s', 'wall_s', 'peak_rss_mb']) expect(s[k]).toBeGreaterThan(0);
    expect(s.synapses).toBeGreaterThan(s.plastic_synapses);
  });

  it('writes the run folder: record, summary, spikes (CSV and SONATA), edges, rates, weights, figures', async () => {
    for (const f of ['run.json', 'summary.json', 'spikes.csv', 'spikes.h5', 'edges.h5', 'population_rates.csv', 'weights.csv', 'raster.png', 'weights.png', 'weights.svg', 'log.txt']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const csv = readFileSync(join(out, 'spikes.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('t_s,neuron');
    expect(csv.length - 1).toBe(s.spikes);
    await hdf5Ready();
    const layout = s.populations;
    const spikes = await readSonataSpikes(join(out, 'spikes.h5'), layout);
    expect(spikes.t_s.length).toBe(s.spikes);
    const edges = await readSonataEdges(join(out, 'edges.h5'), layout);
    expect(edges.map((e) => e.name)).toEqual(['EE', 'EI', 'IE', 'II']);
    expect(edges.reduce((n, e) => n + e.edges.source.length, 0)).toBe(s.synapses);
    const weights = readFileSync(join(out, 'weights.csv'), 'utf8').split('\n')[0];
    expect(weights).toBe('t_s,h_mean_assembly_mV,h_sd_assembly_mV,zh0_mean_assembly_mV,zh0_sd_assembly_mV,p_mean_assembly,p_sd_assembly,h_mean_control_mV,h_sd_control_mV,zh0_mean_control_mV,zh0_sd_control_mV,p_mean_control,p_sd_control');
    expect(readFileSync(join(out, 'population_rates.csv'), 'utf8').split('\n')[0]).toBe('t_start_s,t_end_s,rate_assembly_Hz,rate_as_Hz,rate_ans_Hz,rate_ctrl_Hz,rate_inh_Hz');
  });

  it('reruns a run folder bit for bit, and the same seed gives the same spikes', () => {
    const again = mkdtempSync(join(tmpdir(), 'calcitag-net-'));
    const r2 = run(['network', out, '--out', again, '--json']);
    expect(r2.status).toBe(0);
    expect(readFileSync(join(again, 'spikes.csv'), 'utf8')).toBe(readFileSync(join(out, 'spikes.csv'), 'utf8'));
    expect(readFileSync(join(again, 'weights.csv'), 'utf8')).toBe(readFileSync(join(out, 'weights.csv'), 'utf8'));
    const other = JSON.parse(run(['network', ...SMALL, '--seed', '5', '--json']).stdout);
    expect(other.spikes).not.toBe(JSON.parse(r.stdout).spikes);
  });

  it('--seeds runs several networks, summarises them, and resumes after finished seeds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calcitag-net-seeds-'));
    const first = run(['network', ...SMALL, '--seeds', '2', '--workers', '2', '--out', dir, '--json']);
    expect(first.status).toBe(0);
    const v = JSON.parse(first.stdout);
    expect(v).toMatchObject({ seeds: [1, 2], published_reference: false, comparison: [] });
    expect(v.readouts.Q.mean).toBeCloseTo((JSON.parse(readFileSync(join(dir, 'seed-1', 'summary.json'), 'utf8')).readouts.Q + JSON.parse(readFileSync(join(dir, 'seed-2', 'summary.json'), 'utf8')).readouts.Q) / 2, 12);
    for (const f of ['seeds.csv', 'validation.json', 'comparison.png']) expect(existsSync(join(dir, f)), f).toBe(true);
    const stamp = readFileSync(join(dir, 'seed-1', 'summary.json'), 'utf8');
    const again = run(['network', ...SMALL, '--seeds', '2', '--out', dir, '--json']);
    expect(JSON.parse(again.stdout).readouts).toEqual(v.readouts);
    expect(readFileSync(join(dir, 'seed-1', 'summary.json'), 'utf8')).toBe(stamp); // not rerun
  });

  it('refuses bad input with one line naming the flag, the value and what is allowed', () => {
    const cases: Array<[string[], RegExp]> = [
      [['network', '--assembly', '1'], /--assembly '1' is invalid; allowed: an integer ≥ 2/],
      [['network', '--assembly', '2000'], /assembly = 2000: must be a whole number in \[2, 1599\]/],
      [['network', '--recall', '1h'], /'1h' is invalid\. Allowed choices are 10s, 8h/],
      [['network', '--engine', 'exact'], /--engine: engine 'exact' runs one plastic synapse .* not two single neurons/],
      [['network', '--engine', 'warp'], /--engine 'warp' is unknown; allowed: reference, exact, bss2/],
      [['network', '--p', '2'], /--p '2' is invalid; allowed: a connection probability in \(0, 1\]/],
      [['network', '--param', 'theta_p=x'], /value 'x' is not a finite number/],
      [['network', 'examples/memory-network.yaml', '--assembly', '10'], /--assembly builds the paradigm; with an experiment file, change the file instead/],
    ];
    for (const [args, message] of cases) {
      const res = run(args);
      expect(res.status, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stderr.trim().split('\n').filter((l) => l.startsWith('calcitag:')).length).toBe(1);
      expect(res.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    const bad = join(mkdtempSync(join(tmpdir(), 'calcitag-net-')), 'bad.yaml');
    writeFileSync(bad, 'name: bad\nduration_s: 1\npopulations: [{ name: exc, size: 3 }]\nprojections: [{ name: EE, source: exc, target: exc, connectivity: { rule: fixed-probability, p: 3 }, plastic: true }]\n');
    const res = run(['network', bad]);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/projections\[0\]\.connectivity\.p: must be ≤ 1/);
  });
});

describe('calcitag run <network experiment>', () => {
  const ONE_CHIP = join(import.meta.dirname, '..', 'examples', 'memory-network-1chip.yaml');

  it('runs the file as calcitag network does, engine settings from flags recorded and rerun bit for bit', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'calcitag-net-run-')), 'out');
    const r = run(['run', ONE_CHIP, '--engine', 'bss2', '--rounding', 'nearest', '--out', dir, '--json', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.engine).toBe('bss2');
    expect(Number.isFinite(s.readouts.MI)).toBe(true);
    const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(record.network.engine_options).toEqual({ rounding: 'nearest' });
    const again = run(['network', dir, '--json', '--quiet']);
    expect(again.status, again.stderr).toBe(0);
    const a = JSON.parse(again.stdout);
    expect(a.readouts).toEqual(s.readouts);
    // the default rounding differs (stochastic): a different run
    const other = JSON.parse(run(['run', ONE_CHIP, '--engine', 'bss2', '--json', '--quiet']).stdout);
    expect(other.readouts).not.toEqual(s.readouts);
  });

  it('refuses what does not apply: --trials, another engine\'s settings; one line, exit 2', () => {
    for (const args of [['--trials', '3'], ['--engine', 'reference', '--rounding', 'nearest'], ['--param', 'theta_p=3']]) {
      const r = run(['run', ONE_CHIP, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});

describe('calcitag network --seeds with checkpoints', () => {
  it('refuses --resume and --checkpoints with --seeds (they name one network): one line, exit 2, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calcitag-net-cp-'));
    for (const flag of [['--resume', dir], ['--checkpoints', join(dir, 'cp')]]) {
      const r = run(['network', ...SMALL, '--seeds', '2', '--out', join(dir, 'o'), ...flag]);
      expect(r.status, flag[0]).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`${flag[0]} names one network's checkpoints`));
    }
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });

  it('a seed cut short continues from its latest checkpoint when the same command runs again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calcitag-net-cp-'));
    const cmd = ['network', ...SMALL, '--engine', 'fast', '--seeds', '2', '--workers', '1', '--checkpoint-every', '10', '--keep-checkpoints', '0', '--out', dir, '--json'];
    const first = run(cmd);
    expect(first.status, first.stderr).toBe(0);
    const seeds = readFileSync(join(dir, 'seeds.csv'), 'utf8');
    const spikes2 = readFileSync(join(dir, 'seed-2', 'spikes.csv'), 'utf8');
    // seed 2 "died" after its 20 s checkpoint: no summary (so not complete), the later checkpoints gone
    const cp2 = join(dir, 'seed-2', 'checkpoints');
    for (const f of readdirSync(cp2).filter((f) => f > 't000000020000ms.ckpt')) rmSync(join(cp2, f));
    rmSync(join(dir, 'seed-2', 'summary.json'));
    rmSync(join(dir, 'seed-2', 'spikes.csv'));
    const again = run(cmd);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'seed-2', 'spikes.csv'), 'utf8')).toBe(spikes2);
    expect(readFileSync(join(dir, 'seeds.csv'), 'utf8').replace(/,[^,\n]*,[^,\n]*,[^,\n]*$/gm, '')).toBe(seeds.replace(/,[^,\n]*,[^,\n]*,[^,\n]*$/gm, ''));
    // it did resume: with seed 1's checkpoint in seed 2's folder the rerun is refused, naming the seed
    rmSync(join(dir, 'seed-2', 'summary.json'));
    rmSync(cp2, { recursive: true });
    cpSync(join(dir, 'seed-1', 'checkpoints'), cp2, { recursive: true });
    const wrong = run(cmd);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/seed 2: .*seed is 1 there, 2 here/);
  });
});
