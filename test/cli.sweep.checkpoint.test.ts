/**
 * Checkpoints of network sweep jobs (built CLI in dist/; io/sweepCheckpoints.ts): a sweep planned with
 * --checkpoint-every is killed (SIGKILL) in its job's middle, right after a checkpoint; running it again
 * continues the job from that checkpoint and collects the table of an uninterrupted sweep byte for byte;
 * the job's checkpoints are removed once its result is written. SIGTERM (a scheduler's time limit) stops
 * the job gracefully, saving where it stands, and the next run continues from there. Planning refuses
 * checkpoints where they cannot be taken.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'sweep-network.yaml');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const withSweep = (sweep: string) => readFileSync(EXAMPLE, 'utf8').replace(/^sweep:[\s\S]*$/m, sweep);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The checkpoint files of every job folder under DIR/checkpoints. */
function checkpointFiles(dir: string): string[] {
  const root = join(dir, 'checkpoints');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((job) => readdirSync(join(root, job)).filter((f) => f.endsWith('.ckpt')).map((f) => join(job, f)));
}

describe('checkpoints of network sweep jobs', () => {
  const root = mkdtempSync(join(tmpdir(), 'calcitag-sweepckpt-'));
  const spec = join(root, 'one.yaml');
  writeFileSync(spec, withSweep("sweep:\n  list:\n    - { 'projections[0].connectivity.p': 0.15, seed: 3 }\n"));

  it('a job killed in its middle continues from its latest checkpoint: the same table as an uninterrupted sweep', async () => {
    const plain = join(root, 'plain'), ckpt = join(root, 'ckpt');
    expect(run(['sweep', 'plan', spec, '--out', plain]).status).toBe(0);
    const planned = run(['sweep', 'plan', spec, '--out', ckpt, '--checkpoint-every', '2']);
    expect(planned.status, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('a checkpoint every 2 simulated s');
    const whole = run(['sweep', 'run', plain, '--workers', '0', '--quiet']);
    expect(whole.status, whole.stderr).toBe(0);

    // kill the checkpointing sweep as soon as its job has saved twice (t = 4 s of 30)
    const child = spawn(process.execPath, [CLI, 'sweep', 'run', ckpt, '--workers', '0', '--quiet'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const t0 = Date.now();
    while (checkpointFiles(ckpt).length < 2 && Date.now() - t0 < 60_000) await sleep(10);
    child.kill('SIGKILL');
    await exited;
    const saved = checkpointFiles(ckpt);
    expect(saved.length).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(ckpt, 'results')) ? readdirSync(join(ckpt, 'results')).filter((f) => f.endsWith('.json')) : []).toEqual([]);

    const again = run(['sweep', 'run', ckpt, '--workers', '1', '--quiet']);
    expect(again.status, again.stderr).toBe(0);
    const [result] = readdirSync(join(ckpt, 'results'));
    const r = JSON.parse(readFileSync(join(ckpt, 'results', result!), 'utf8'));
    expect(r.resumed_at_s).toBeGreaterThanOrEqual(4);
    expect(readFileSync(join(ckpt, 'sweep.csv'), 'utf8')).toBe(readFileSync(join(plain, 'sweep.csv'), 'utf8'));
    // the curves from before the checkpoint are the resumed job's too
    expect(readFileSync(join(ckpt, 'curves.csv'), 'utf8')).toBe(readFileSync(join(plain, 'curves.csv'), 'utf8'));
    expect(checkpointFiles(ckpt)).toEqual([]); // removed with the result written
  }, 180_000);

  it('SIGTERM (a time limit) stops the running job where it stands, saving it first: exit 143, and the next run continues from there', async () => {
    const plain = join(root, 'plain'), dir = join(root, 'sigterm');
    expect(existsSync(join(plain, 'sweep.csv'))).toBe(true); // the uninterrupted sweep of the first test
    expect(run(['sweep', 'plan', spec, '--out', dir, '--checkpoint-every', '2']).status).toBe(0);
    const child = spawn(process.execPath, [CLI, 'sweep', 'run', dir, '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const t0 = Date.now();
    while (checkpointFiles(dir).length < 1 && Date.now() - t0 < 60_000) await sleep(10);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stderr).toContain('SIGTERM: the running network jobs stop at their next simulated second, saving their state');
    const at = /run stopped at t = (\d+)\.000 s; its state was saved there/.exec(stderr);
    expect(at, stderr).not.toBeNull();
    const t = Number(at![1]);
    expect(t).toBeGreaterThanOrEqual(2);
    expect(t).toBeLessThan(30);
    expect(checkpointFiles(dir).some((f) => f.endsWith(`t${String(t * 1000).padStart(12, '0')}ms.ckpt`)), checkpointFiles(dir).join(' ')).toBe(true);
    expect(stderr).toContain(`0 of 1 jobs are complete in ${dir}/results; run the same command again to resume`);
    expect(existsSync(join(dir, 'sweep.csv'))).toBe(false);
    // the status says how far the unfinished job got
    const status = run(['sweep', 'status', dir]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`0 of 1 jobs complete[\\s\\S]*job 0 \\(.*seed=3\\): saved at t = ${t} s of 30 s \\(\\d+ %\\)`));
    expect(JSON.parse(run(['sweep', 'status', dir, '--json']).stdout).saved).toEqual([expect.objectContaining({ index: 0, t_s: t, duration_s: 30 })]);

    const again = run(['sweep', 'run', dir, '--workers', '1', '--quiet']);
    expect(again.status, again.stderr).toBe(0);
    const [result] = readdirSync(join(dir, 'results'));
    expect(JSON.parse(readFileSync(join(dir, 'results', result!), 'utf8')).resumed_at_s).toBe(t);
    expect(readFileSync(join(dir, 'sweep.csv'), 'utf8')).toBe(readFileSync(join(plain, 'sweep.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'curves.csv'), 'utf8')).toBe(readFileSync(join(plain, 'curves.csv'), 'utf8'));
  }, 180_000);

  it('a sweep planned again (--force) drops the checkpoints of jobs that are not in the new plan', () => {
    const dir = join(root, 'replan');
    expect(run(['sweep', 'plan', spec, '--out', dir, '--checkpoint-every', '5']).status).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const live = join(dir, 'checkpoints', `${m.jobs[0].id}-${m.jobs[0].experiment_hash.slice(0, 12)}`);
    const stale = join(dir, 'checkpoints', `${m.jobs[0].id}-000000000000`);
    for (const d of [live, stale]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 't000000005000ms.ckpt'), 'x');
    }
    const again = run(['sweep', 'plan', spec, '--out', dir, '--checkpoint-every', '5', '--force']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('removed the checkpoints of 1 job(s) that are not in this plan');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('refuses checkpoints for a single-synapse sweep and for an engine that cannot save its state (exit 2, one line)', () => {
    const single = run(['sweep', 'plan', join(import.meta.dirname, '..', 'examples', 'sweep-classmap.yaml'), '--out', join(root, 's'), '--checkpoint-every', '10']);
    expect(single.status).toBe(2);
    expect(single.stderr).toMatch(/--checkpoint-every: .* is a single-synapse sweep.*checkpoints are for network sweeps/);
    const chip = join(root, 'chip.yaml');
    writeFileSync(chip, readFileSync(spec, 'utf8').replace(/^engine: fast$/m, 'engine: bss2'));
    const r = run(['sweep', 'plan', chip, '--out', join(root, 'chip'), '--checkpoint-every', '10']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/engine: 'bss2' cannot save its state for --checkpoint-every; allowed: reference, fast/);
    const bad = run(['sweep', 'plan', spec, '--out', join(root, 'bad'), '--checkpoint-every', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--checkpoint-every '0' is invalid; allowed: seconds of simulated time > 0/);
  });
});
