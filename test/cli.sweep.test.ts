/** `calcitag sweep` end to end on this machine (built CLI in dist/): plan, run on a pool, resume, table, SLURM script. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

const SPEC = `
name: tiny
engine: exact
seed: 5
protocols: [WTET, STET]
sweep:
  trials: 3
  grid:
    params.theta_p: [2.5, 3.0, 3.5]
    params.c_pre: { from: 0.6, to: 1.0, steps: 2 }
`;

function planned(): { dir: string; spec: string } {
  const root = mkdtempSync(join(tmpdir(), 'calcitag-sweep-'));
  const spec = join(root, 'sweep.yaml');
  writeFileSync(spec, SPEC);
  const dir = join(root, 'sw');
  const r = run(['sweep', 'plan', spec, '--out', dir]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('6 jobs (params.theta_p × params.c_pre), 2 protocol(s), 3 trials each: 36 trials');
  return { dir, spec };
}

/** Debian's pandas (python3-pandas), when installed: the table's reader in the issue. */
const PYTHON = '/usr/bin/python3';
const hasPandas = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0;

describe('calcitag sweep (local)', () => {
  it('runs the same table on the job pool, the ensemble pool and in one thread, and resumes only the missing or broken jobs', () => {
    const a = planned();
    const b = planned();
    expect(readFileSync(join(a.dir, 'manifest.json'), 'utf8')).toBe(readFileSync(join(b.dir, 'manifest.json'), 'utf8'));
    const ra = run(['sweep', 'run', a.dir, '--workers', '2']);
    expect(ra.status).toBe(0);
    expect(ra.stderr).toContain('6 jobs: 0 already complete, 6 to run');
    const rb = run(['sweep', 'run', b.dir, '--workers', '0', '--quiet']);
    expect(rb.status).toBe(0);
    // 6 jobs on 4 threads: the ensemble pool splits each job's trials (2 threads: whole jobs per thread)
    const c = planned();
    expect(run(['sweep', 'run', c.dir, '--workers', '4', '--quiet']).status).toBe(0);
    const csv = readFileSync(join(a.dir, 'sweep.csv'), 'utf8');
    expect(readFileSync(join(b.dir, 'sweep.csv'), 'utf8')).toBe(csv);
    expect(readFileSync(join(c.dir, 'sweep.csv'), 'utf8')).toBe(csv);
    expect(csv.split('\n')[0]).toMatch(/^job,index,seed,params\.theta_p,params\.c_pre,protocol,trials,class,n_late-LTP,/);
    expect(csv.trim().split('\n')).toHaveLength(1 + 6 * 2);
    for (const f of ['classmap.svg', 'classmap.png', 'classmap.vl.json', 'sweep.arrow']) expect(existsSync(join(a.dir, f))).toBe(true);

    // a crash: two results lost, one half-written (a truncated file): only those three run again
    const results = readdirSync(join(a.dir, 'results')).sort();
    expect(results).toHaveLength(6);
    rmSync(join(a.dir, 'results', results[0]!));
    rmSync(join(a.dir, 'results', results[1]!));
    const third = join(a.dir, 'results', results[2]!);
    writeFileSync(third, readFileSync(third, 'utf8').slice(0, 100));
    rmSync(join(a.dir, 'sweep.csv'));
    const st = run(['sweep', 'status', a.dir, '--json']);
    expect(JSON.parse(st.stdout)).toEqual({ jobs: 6, complete: 3 });
    const again = run(['sweep', 'run', a.dir, '--workers', '2']);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('6 jobs: 3 already complete, 3 to run');
    expect(readFileSync(join(a.dir, 'sweep.csv'), 'utf8')).toBe(csv);
    expect(readdirSync(join(a.dir, 'results')).filter((f) => f.includes('.tmp'))).toEqual([]);

    // the Arrow file holds the CSV's table
    const t = tableFromIPC(readFileSync(join(a.dir, 'sweep.arrow')));
    expect(t.numRows).toBe(12);
    const rows = csv.trim().split('\n').slice(1).map((l) => l.split(','));
    const header = csv.split('\n')[0]!.split(',');
    const w = header.indexOf('w_rel_8h_mean');
    expect(Array.from(t.getChild('w_rel_8h_mean')!.toArray() as Float64Array)).toEqual(rows.map((r) => Number(r[w])));
    expect(Array.from(t.getChild('class')!, String)).toEqual(rows.map((r) => r[header.indexOf('class')]));
  });

  it('resumes after the run is killed (SIGKILL) in the middle: finished jobs are kept, the table is the same', async () => {
    const root = mkdtempSync(join(tmpdir(), 'calcitag-sweep-'));
    writeFileSync(join(root, 'spec.yaml'), 'engine: exact\nseed: 2\nprotocols: [STET]\nsweep:\n  trials: 400\n  grid:\n    params.theta_p: { from: 2.5, to: 4.0, steps: 12 }\n');
    for (const d of ['killed', 'whole']) expect(run(['sweep', 'plan', join(root, 'spec.yaml'), '--out', join(root, d)]).status).toBe(0);
    const dir = join(root, 'killed');
    const child = spawn(process.execPath, [CLI, 'sweep', 'run', dir, '--workers', '1', '--quiet'], { stdio: 'ignore' });
    const done = () => (existsSync(join(dir, 'results')) ? readdirSync(join(dir, 'results')).filter((f) => f.endsWith('.json')).length : 0);
    while (done() < 3 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const kept = done();
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(12);
    const again = run(['sweep', 'run', dir, '--workers', '2']);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(`12 jobs: ${kept} already complete, ${12 - kept} to run`);
    expect(run(['sweep', 'run', join(root, 'whole'), '--workers', '2', '--quiet']).status).toBe(0);
    expect(readFileSync(join(dir, 'sweep.csv'), 'utf8')).toBe(readFileSync(join(root, 'whole', 'sweep.csv'), 'utf8'));
  });

  it.skipIf(!hasPandas)('writes a table pandas reads (Debian python3-pandas)', () => {
    const a = planned();
    expect(run(['sweep', 'run', a.dir, '--workers', '1', '--quiet']).status).toBe(0);
    const py = `import pandas as pd, sys\nd = pd.read_csv(sys.argv[1])\nprint(len(d), d['params.theta_p'].nunique(), d.groupby('protocol')['w_rel_8h_mean'].mean().round(6).to_dict())`;
    const r = spawnSync(PYTHON, ['-c', py, join(a.dir, 'sweep.csv')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^12 3 \{'STET': 1\.\d+, 'WTET': \d\.\d+\}/);
  });

  it('refuses a bad spec with one line per problem and exit 2, writing nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'calcitag-sweep-'));
    const spec = join(root, 'bad.yaml');
    writeFileSync(spec, 'protocols: [STET]\nsweep:\n  grid:\n    params.c_pre: [1, -2]\n    seed: [1]\n');
    const r = run(['sweep', 'plan', spec, '--out', join(root, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'seed' cannot be swept");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(root, 'out'))).toBe(false);
    writeFileSync(spec, 'protocols: [STET]\nsweep:\n  grid:\n    params.c_pre: [1, -2]\n');
    const r2 = run(['sweep', 'plan', spec, '--out', join(root, 'out')]);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/point 1 \(params\.c_pre=-2\): params\.c_pre: .*≥ 0/);
    expect(run(['sweep', 'run', root]).stderr).toMatch(/no manifest\.json here; plan the sweep first/);
    expect(run(['sweep', 'collect', root]).status).toBe(2);
  });

  it('writes a SLURM job array whose tasks each run one manifest job', () => {
    const a = planned();
    const r = run(['sweep', 'slurm', a.dir, '--cpus-per-task', '2', '--time', '00:10:00', '--max-parallel', '4']);
    expect(r.status).toBe(0);
    const script = readFileSync(join(a.dir, 'sweep.slurm'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-5%4');
    expect(script).toContain('#SBATCH --cpus-per-task=2');
    expect(script).toContain('sweep run-job');
    expect(run(['sweep', 'slurm', a.dir, '--time', 'soon']).status).toBe(2);
    // two array tasks as SLURM would start them
    for (const task of ['0', '4']) {
      const t = spawnSync('bash', [join(a.dir, 'sweep.slurm')], {
        encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: task, SLURM_CPUS_PER_TASK: '1', CALCITAG: `${process.execPath} ${CLI}` },
      });
      expect(t.stderr).toBe('');
      expect(t.stdout).toMatch(new RegExp(`^job ${task} \\(j[0-9a-f]{16}\\) complete`));
    }
    const m = JSON.parse(readFileSync(join(a.dir, 'manifest.json'), 'utf8'));
    expect(readdirSync(join(a.dir, 'results')).sort()).toEqual([`${m.jobs[0].id}.json`, `${m.jobs[4].id}.json`].sort());
    expect(run(['sweep', 'run-job', a.dir, '--index', '4']).stdout).toContain('already complete');
    expect(run(['sweep', 'run-job', a.dir, '--index', '6']).stderr).toContain('--index 6 is invalid; allowed: 0 to 5');
    const c = run(['sweep', 'collect', a.dir]);
    expect(c.status).toBe(1);
    expect(c.stderr).toContain('4 of 6 jobs have no result yet');
  });
});
