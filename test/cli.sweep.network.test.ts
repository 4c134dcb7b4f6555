/**
 * Network sweeps end to end (built CLI in dist/): examples/sweep-network.yaml plans; a two-job version of
 * it runs on the job pool, gives one row of finite readouts per network, and resumes skipping finished
 * jobs with the same table. (The BullMQ worker and SLURM tasks run a job with the same `runJob` as the
 * pool, so test/redis.sweep.test.ts covers their transport.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'sweep-network.yaml');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const READOUTS = ['Q', 'Q_err', 'MI', 'v_as_Hz', 'v_ans_Hz', 'v_ctrl_Hz', 'v_inh_Hz', 'v_exc_Hz', 'h_assembly_end_mV', 'zh0_assembly_end_mV', 'h_control_end_mV', 'zh0_control_end_mV'];

/** The example with another sweep section. */
const withSweep = (sweep: string) => readFileSync(EXAMPLE, 'utf8').replace(/^sweep:[\s\S]*$/m, sweep);

describe('calcitag sweep of a network experiment', () => {
  const root = mkdtempSync(join(tmpdir(), 'calcitag-netsweep-'));

  it('plans the example: one network per point, a swept seed is the job\'s seed', () => {
    const r = run(['sweep', 'plan', EXAMPLE, '--out', join(root, 'example')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('6 jobs (projections[0].connectivity.p × seed), one network each');
    const m = JSON.parse(readFileSync(join(root, 'example', 'manifest.json'), 'utf8'));
    expect(m.kind).toBe('network');
    expect(m.jobs.map((j: { seed: number }) => j.seed)).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('plans the 8 h study without fast-forward: every seed once with and once without, checkpoints asked for', () => {
    const study = join(import.meta.dirname, '..', 'examples', 'sweep-fast-forward-8h.yaml');
    const r = run(['sweep', 'plan', study, '--out', join(root, 'ff8h'), '--checkpoint-every', '600']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('20 jobs (fast_forward × seed), one network each, a checkpoint every 600 simulated s');
    const m = JSON.parse(readFileSync(join(root, 'ff8h', 'manifest.json'), 'utf8'));
    const jobs = m.jobs as Array<{ seed: number; point: Record<string, unknown> }>;
    for (const ff of [true, false]) {
      expect(jobs.filter((j) => j.point.fast_forward === ff).map((j) => j.seed).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  });

  it('runs on the pool: finite readouts in every row; a rerun skips finished jobs and writes the same table', () => {
    const spec = join(root, 'two.yaml');
    writeFileSync(spec, withSweep("sweep:\n  list:\n    - { 'projections[0].connectivity.p': 0.1 }\n    - { 'projections[0].connectivity.p': 0.2, 'params.theta_pro': 2.0 }\n"));
    const dir = join(root, 'two');
    expect(run(['sweep', 'plan', spec, '--out', dir]).status).toBe(0);
    const first = run(['sweep', 'run', dir, '--workers', '2']);
    expect(first.status, first.stderr).toBe(0);
    // where each network job stands, while it runs
    expect(first.stderr).toMatch(/job 0 \(projections\[0\]\.connectivity\.p=0\.1\): t = [\d.]+ s of 30 s \(\d+ %\)/);
    const csv = readFileSync(join(dir, 'sweep.csv'), 'utf8');
    const [head, ...rows] = csv.trim().split('\n').map((l) => l.split(','));
    expect(rows).toHaveLength(2);
    expect(head).toEqual(expect.arrayContaining(['job', 'seed', 'projections[0].connectivity.p', 'params.theta_pro', ...READOUTS]));
    for (const row of rows) for (const k of READOUTS) expect(Number.isFinite(Number(row[head!.indexOf(k)])), `${k} = ${row[head!.indexOf(k)]}`).toBe(true);
    // the assembly learned: its synapses end above the control's
    for (const row of rows) expect(Number(row[head!.indexOf('h_assembly_end_mV')])).toBeGreaterThan(Number(row[head!.indexOf('h_control_end_mV')]));
    expect(tableFromIPC(readFileSync(join(dir, 'sweep.arrow'))).numRows).toBe(2);
    expect(existsSync(join(dir, 'network_sweep.png'))).toBe(true);
    // each job's weight curves in long form; a curve's last row is the job's end value in the table
    const curves = readFileSync(join(dir, 'curves.csv'), 'utf8');
    const [ch, ...crows] = curves.trim().split('\n').map((l) => l.split(','));
    expect(ch).toEqual(expect.arrayContaining(['job', 'seed', 't_s', 'h_mean_assembly_mV', 'zh0_mean_control_mV', 'p_mean_assembly']));
    for (const row of rows) {
      const own = crows.filter((c) => c[ch!.indexOf('job')] === row[head!.indexOf('job')]);
      expect(own.length).toBeGreaterThan(10);
      const lastRow = own[own.length - 1]!;
      expect(Number(lastRow[ch!.indexOf('h_mean_assembly_mV')])).toBe(Number(row[head!.indexOf('h_assembly_end_mV')]));
      expect(Number(lastRow[ch!.indexOf('zh0_mean_control_mV')])).toBe(Number(row[head!.indexOf('zh0_control_end_mV')]));
    }
    expect(tableFromIPC(readFileSync(join(dir, 'curves.arrow'))).numRows).toBe(crows.length);
    // and its population rates: windows that tile the run, which count every spike of the table
    const [rh, ...rrows] = readFileSync(join(dir, 'rates.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const col = (r: string[], name: string) => Number(r[rh!.indexOf(name)]);
    for (const row of rows) {
      const own = rrows.filter((r) => r[rh!.indexOf('job')] === row[head!.indexOf('job')]);
      expect(col(own[0]!, 't_start_s')).toBe(0);
      expect(col(own[own.length - 1]!, 't_end_s')).toBe(30);
      // the example: assembly 25 of 100 excitatory neurons, control 75, inhibitory 25
      const spikes = own.reduce((sum, r) => sum + (col(r, 't_end_s') - col(r, 't_start_s')) * (25 * col(r, 'rate_assembly_Hz') + 75 * col(r, 'rate_ctrl_Hz') + 25 * col(r, 'rate_inh_Hz')), 0);
      expect(spikes).toBeCloseTo(Number(row[head!.indexOf('spikes')]), 6);
    }
    // one result lost (a crash before it was written): the rerun runs that job only
    const results = readdirSync(join(dir, 'results'));
    expect(results).toHaveLength(2);
    rmSync(join(dir, 'results', results[0]!));
    const again = run(['sweep', 'run', dir, '--workers', '0']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('2 jobs: 1 already complete, 1 to run');
    expect(readFileSync(join(dir, 'sweep.csv'), 'utf8')).toBe(csv);
    expect(readFileSync(join(dir, 'curves.csv'), 'utf8')).toBe(curves);
  }, 120_000);

  it('refuses what a network sweep cannot vary, with one line per problem and exit 2', () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, withSweep("sweep:\n  grid:\n    'protocols[0].duration_s': [1, 2]\n"));
    const r = run(['sweep', 'plan', bad, '--out', join(root, 'bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/'protocols\[0\]\.duration_s' cannot be swept; a path starts with one of params, .*populations/);
    writeFileSync(bad, withSweep('sweep:\n  trials: 3\n  grid:\n    seed: [1, 2]\n'));
    const t = run(['sweep', 'plan', bad, '--out', join(root, 'bad2')]);
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/sweep\.trials: a network job runs one network/);
    writeFileSync(bad, withSweep("sweep:\n  grid:\n    'readout.assembly': [25, 500]\n"));
    const a = run(['sweep', 'plan', bad, '--out', join(root, 'bad3')]);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/point 1 \(readout\.assembly=500\): readout\.assembly: 500 must be below/);
  });
});
