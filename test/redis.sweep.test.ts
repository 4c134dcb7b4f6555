/**
 * Distributed sweeps with real parts: Debian's redis-server on loopback (started here on a free port,
 * no persistence), `calcitag sweep submit`, two `calcitag worker` processes, one killed (SIGKILL) in the
 * middle of a job. Every job must complete exactly once (the lost job is found stalled and rerun by the
 * other worker), and the collected table must equal a local run of the same manifest byte for byte. A
 * worker stopped by SIGTERM returns its network job to the queue, saved where it stood, for another.
 * Skipped, with the reason, when redis-server is not installed (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
if (!REDIS) console.warn('test/redis.sweep.test.ts skipped: no redis-server binary (apt-get install redis-server)');

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

const SPEC = `
name: redis-fault
engine: exact
seed: 11
protocols: [STET]
sweep:
  trials: 3000
  grid:
    params.theta_p: [2.6, 2.8, 3.0, 3.2]
    params.c_post: [0.2, 0.3]
`;

/** A process whose stdout lines are collected; `waitFor` resolves on the first line matching. */
class Proc {
  readonly lines: string[] = [];
  private waiters: Array<[RegExp, (line: string) => void]> = [];
  constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        this.lines.push(line);
        this.waiters = this.waiters.filter(([re, f]) => (re.test(line) ? (f(line), false) : true));
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => this.lines.push(`stderr: ${d}`));
  }
  waitFor(re: RegExp, ms: number): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output:\n${this.lines.join('\n')}`)), ms);
      this.waiters.push([re, (l) => { clearTimeout(t); resolve(l); }]);
    });
  }
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A redis-server of its own on a free loopback port (no persistence), in a fresh folder. */
async function startRedis(): Promise<{ root: string; broker: string }> {
  const root = mkdtempSync(join(tmpdir(), 'calcitag-redis-'));
  const port = await freePort();
  started.push(spawn(REDIS!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root], { stdio: 'ignore' }));
  return { root, broker: `redis://127.0.0.1:${port}` };
}

/** A `calcitag worker` with short locks, so that a killed worker's job is found stalled within seconds. */
function startWorker(broker: string): Proc {
  const c = spawn(process.execPath, [CLI, 'worker', '--broker', broker, '--concurrency', '1', '--lock-ms', '2000', '--stalled-ms', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(c);
  return new Proc(c);
}

/** Collects `dir` and runs its twin `local` with `sweep run`: the two tables must be equal byte for byte. */
function expectLocalTable(dir: string, local: string, workers: number): void {
  const collected = run(['sweep', 'collect', dir]);
  expect(collected.status, collected.stderr).toBe(0);
  expect(run(['sweep', 'run', local, '--workers', String(workers), '--quiet']).status).toBe(0);
  expect(readFileSync(join(dir, 'sweep.csv'), 'utf8')).toBe(readFileSync(join(local, 'sweep.csv'), 'utf8'));
}

/**
 * A one-network sweep of examples/sweep-network.yaml (seed `seed`) on its own redis-server: planned with
 * checkpoints every 2 s into `dir` and submitted, and planned without into `local` (the uninterrupted run to
 * compare with); `saved()` lists the checkpoint files of `dir`.
 */
async function networkSweepOnBroker(seed: number): Promise<{ broker: string; dir: string; local: string; saved: () => string[] }> {
  const { root, broker } = await startRedis();
  const example = readFileSync(join(import.meta.dirname, '..', 'examples', 'sweep-network.yaml'), 'utf8');
  writeFileSync(join(root, 'net.yaml'), example.replace(/^sweep:[\s\S]*$/m, `sweep:\n  grid:\n    seed: [${seed}]\n`));
  const dir = join(root, 'dist'), local = join(root, 'local');
  expect(run(['sweep', 'plan', join(root, 'net.yaml'), '--out', dir, '--checkpoint-every', '2']).status).toBe(0);
  expect(run(['sweep', 'plan', join(root, 'net.yaml'), '--out', local]).status).toBe(0);
  // the broker takes a moment to listen
  for (let i = 0; i < 50 && run(['sweep', 'submit', dir, '--broker', broker]).status !== 0; i++) await new Promise((r) => setTimeout(r, 200));
  const saved = () => {
    const top = join(dir, 'checkpoints');
    return existsSync(top) ? readdirSync(top).flatMap((j) => readdirSync(join(top, j)).filter((f) => f.endsWith('.ckpt'))).sort() : [];
  };
  return { broker, dir, local, saved };
}

describe.skipIf(!REDIS)('sweeps on BullMQ with a real redis-server', () => {
  it('completes every job exactly once when a worker dies mid-job, and collects the local table', async () => {
    const { root, broker } = await startRedis();
    writeFileSync(join(root, 'spec.yaml'), SPEC);
    const dir = join(root, 'dist'), local = join(root, 'local');
    for (const d of [dir, local]) expect(run(['sweep', 'plan', join(root, 'spec.yaml'), '--out', d]).status).toBe(0);

    // the broker takes a moment to listen
    let sub;
    for (let i = 0; i < 50; i++) {
      sub = run(['sweep', 'submit', dir, '--broker', broker]);
      if (sub.status === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(sub!.stderr).toBe('');
    expect(sub!.stdout).toContain('queued 8 new');
    // submitting again adds nothing (the jobs are waiting)
    expect(run(['sweep', 'submit', dir, '--broker', broker]).stdout).toContain('queued 0 new, retried 0 failed, 8 already waiting or running');

    const worker = () => startWorker(broker);
    // a takes a job first, then b joins; a is killed in the middle of the job it is running then
    const a = worker();
    await a.waitFor(/ started j[0-9a-f]{16}/, 60_000);
    const b = worker();
    await b.waitFor(/ worker ready/, 60_000);
    const running = (p: Proc) => {
      const ids = p.lines.flatMap((l) => /started (j[0-9a-f]{16})/.exec(l)?.[1] ?? []);
      return ids.filter((id) => !p.lines.some((l) => l.includes(`completed ${id}`)));
    };
    // b took a while to start: a may be between two jobs (each ≈ 0.4 s), so catch it in the middle of one
    for (let i = 0; i < 6000 && running(a).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const lostId = running(a)[0]!;
    expect(lostId).toBeDefined();
    a.child.kill('SIGKILL'); // mid-job: its result file is never written, its lock is never released
    await new Promise((r) => a.child.once('exit', r));
    expect(a.lines.some((l) => l.includes(`completed ${lostId}`))).toBe(false);

    // b finds the lost job stalled once its lock runs out, and runs it
    await b.waitFor(new RegExp(`completed ${lostId}`), 120_000);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { jobs: Array<{ id: string }> };
    for (let i = 0; i < 600; i++) {
      const s = JSON.parse(run(['sweep', 'status', dir, '--broker', broker, '--json']).stdout);
      if (s.complete === 8 && s.queue.states.completed === 8) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const status = JSON.parse(run(['sweep', 'status', dir, '--broker', broker, '--json']).stdout);
    expect(status).toMatchObject({ jobs: 8, complete: 8, queue: { states: { completed: 8 }, failures: [] } });
    b.child.kill('SIGTERM');
    await new Promise((r) => b.child.once('exit', r));

    // exactly once: each job completed by one worker, one time
    const completions = [...a.lines, ...b.lines].flatMap((l) => /completed (j[0-9a-f]{16})/.exec(l)?.[1] ?? []);
    expect(completions.sort()).toEqual(m.jobs.map((j) => j.id).sort());
    expect(b.lines.some((l) => / stalled /.test(l))).toBe(true);
    expect(readdirSync(join(dir, 'results')).sort()).toEqual(m.jobs.map((j) => `${j.id}.json`).sort());

    const collected = run(['sweep', 'collect', dir, '--broker', broker]);
    expect(collected.stderr).toBe('');
    expect(run(['sweep', 'run', local, '--workers', '2', '--quiet']).status).toBe(0);
    expect(readFileSync(join(dir, 'sweep.csv'), 'utf8')).toBe(readFileSync(join(local, 'sweep.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'sweep.arrow'))).toEqual(readFileSync(join(local, 'sweep.arrow')));
  });

  it('runs small jobs in batches: a worker lost mid-batch loses only the job it was running', async () => {
    const { root, broker } = await startRedis();
    writeFileSync(join(root, 'spec.yaml'), 'name: batches\nengine: exact\nseed: 3\nprotocols: [STET]\nsweep:\n  trials: 1500\n  grid:\n    params.theta_p: [2.6, 2.8, 3.0, 3.2, 3.4, 3.6]\n    params.c_post: [0.2, 0.3]\n');
    const dir = join(root, 'dist'), local = join(root, 'local');
    for (const d of [dir, local]) expect(run(['sweep', 'plan', join(root, 'spec.yaml'), '--out', d]).status).toBe(0);
    let sub;
    for (let i = 0; i < 50; i++) {
      sub = run(['sweep', 'submit', dir, '--broker', broker, '--batch', '4']);
      if (sub.status === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(sub!.stdout).toContain('queued 12 new (3 queue jobs of up to 4)');
    // the same batches on a second submit: nothing added
    expect(run(['sweep', 'submit', dir, '--broker', broker, '--batch', '4']).stdout).toContain('queued 0 new, retried 0 failed, 12 already waiting or running');
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { jobs: Array<{ id: string }> };
    const results = () => (existsSync(join(dir, 'results')) ? readdirSync(join(dir, 'results')).filter((f) => f.endsWith('.json')) : []);

    // a is killed once the first job of its batch has its result and before the batch ends
    const a = startWorker(broker);
    const startedLine = await a.waitFor(/ started j[0-9a-f]{16} … j[0-9a-f]{16} \(indices 0–3\)/, 60_000);
    expect(startedLine).toContain(m.jobs[0]!.id);
    for (let i = 0; i < 6000 && results().length < 1; i++) await new Promise((r) => setTimeout(r, 5));
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    const kept = results();
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(4);
    const keptFrom = Object.fromEntries(kept.map((f) => [f, JSON.parse(readFileSync(join(dir, 'results', f), 'utf8')).ran_on]));

    // b finds the batch stalled, runs only its jobs without a result, then the other batches
    const b = startWorker(broker);
    await b.waitFor(new RegExp(`completed ${m.jobs[0]!.id} … j[0-9a-f]{16} \\(indices 0–3\\) \\(${kept.length} of 4 results already there\\)`), 120_000);
    for (let i = 0; i < 600 && results().length < 12; i++) await new Promise((r) => setTimeout(r, 200));
    const status = JSON.parse(run(['sweep', 'status', dir, '--broker', broker, '--json']).stdout);
    expect(status).toMatchObject({ jobs: 12, complete: 12, queue: { states: { completed: 12 }, failures: [] } });
    b.child.kill('SIGTERM');
    await new Promise((r) => b.child.once('exit', r));
    // exactly once: a's results were not written again
    for (const [f, ranOn] of Object.entries(keptFrom)) expect(JSON.parse(readFileSync(join(dir, 'results', f), 'utf8')).ran_on).toBe(ranOn);
    expect(results().sort()).toEqual(m.jobs.map((j) => `${j.id}.json`).sort());
    expectLocalTable(dir, local, 2);
  }, 180_000);

  it('a network job whose worker dies continues on another worker from its latest checkpoint', async () => {
    const { broker, dir, local, saved } = await networkSweepOnBroker(5);
    const worker = () => startWorker(broker);
    const a = worker();
    await a.waitFor(/ started j[0-9a-f]{16}/, 60_000);
    // killed once its job has saved twice (t = 4 s of 30)
    for (let i = 0; i < 6000 && saved().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    expect(saved().length).toBeGreaterThanOrEqual(2);
    expect(a.lines.some((l) => / completed /.test(l))).toBe(false);
    const b = worker();
    await b.waitFor(/ completed j[0-9a-f]{16}/, 120_000);
    b.child.kill('SIGTERM');
    await new Promise((r) => b.child.once('exit', r));
    const [file] = readdirSync(join(dir, 'results'));
    expect(JSON.parse(readFileSync(join(dir, 'results', file!), 'utf8')).resumed_at_s).toBeGreaterThanOrEqual(4);
    expect(saved()).toEqual([]);
    expectLocalTable(dir, local, 1);
  }, 180_000);

  it('a worker stopped by SIGTERM saves its network job where it stands and returns it to the queue; another continues it', async () => {
    const { broker, dir, local, saved } = await networkSweepOnBroker(6);
    const a = startWorker(broker);
    await a.waitFor(/ started j[0-9a-f]{16}/, 60_000);
    for (let i = 0; i < 6000 && saved().length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    a.child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => a.child.once('exit', r));
    expect(code).toBe(0);
    expect(a.lines.some((l) => / completed /.test(l))).toBe(false);
    expect(a.lines.some((l) => / stopped$/.test(l))).toBe(true);
    // back in the queue, not failed, with a checkpoint past the first periodic one (where it was stopped)
    const status = JSON.parse(run(['sweep', 'status', dir, '--broker', broker, '--json']).stdout);
    expect(status).toMatchObject({ jobs: 1, complete: 0, queue: { failures: [] } });
    expect(status.queue.states.wait ?? status.queue.states.waiting).toBe(1);
    const stoppedAt = status.saved[0].t_s as number;
    expect(stoppedAt).toBeGreaterThan(2);

    const b = startWorker(broker);
    await b.waitFor(/ completed j[0-9a-f]{16}/, 120_000);
    b.child.kill('SIGTERM');
    await new Promise((r) => b.child.once('exit', r));
    const [file] = readdirSync(join(dir, 'results'));
    expect(JSON.parse(readFileSync(join(dir, 'results', file!), 'utf8')).resumed_at_s).toBe(stoppedAt);
    expectLocalTable(dir, local, 1);
  }, 180_000);

  it('retries a failing job, reports it failed with the reason, and runs it again after a new submit', async () => {
    const { root, broker } = await startRedis();
    writeFileSync(join(root, 'spec.yaml'), 'engine: exact\nprotocols: [WTET]\nsweep:\n  trials: 20\n  grid:\n    params.theta_p: [2.5, 3.5]\n');
    const dir = join(root, 's');
    expect(run(['sweep', 'plan', join(root, 'spec.yaml'), '--out', dir]).status).toBe(0);
    // job 0's recorded experiment no longer matches what it resolves to: every attempt fails
    const manifestPath = join(dir, 'manifest.json');
    const good = readFileSync(manifestPath, 'utf8');
    const replace = (text: string) => { writeFileSync(`${manifestPath}.new`, text); renameSync(`${manifestPath}.new`, manifestPath); };
    const m = JSON.parse(good) as { jobs: Array<{ experiment_hash: string }> };
    m.jobs[0]!.experiment_hash = '0000000000000000';
    replace(JSON.stringify(m));
    for (let i = 0; i < 50 && run(['sweep', 'submit', dir, '--broker', broker, '--attempts', '2']).status !== 0; i++) await new Promise((r) => setTimeout(r, 200));
    const c = spawn(process.execPath, [CLI, 'worker', '--broker', broker, '--concurrency', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(c);
    const w = new Proc(c);
    await w.waitFor(/failed .*\(index 0\).*attempt 2/, 60_000);
    await w.waitFor(/completed .*\(index 1\)/, 60_000);
    expect(w.lines.filter((l) => / failed .*\(index 0\)/.test(l))).toHaveLength(2); // one retry, then failed
    const status = JSON.parse(run(['sweep', 'status', dir, '--broker', broker, '--json']).stdout);
    expect(status).toMatchObject({ jobs: 2, complete: 1, queue: { states: { completed: 1, failed: 1 } } });
    expect(status.queue.failures[0].reason).toContain('resolves to another experiment than the plan recorded');
    const col = run(['sweep', 'collect', dir, '--broker', broker]);
    expect(col.status).toBe(1);
    expect(col.stderr).toMatch(/1 of 2 jobs have no result yet[^]*failed j[0-9a-f]{16} \(index 0\): job 0 .* resolves to another experiment/);
    // the manifest mended: a new submit retries the failed job, the worker still running picks it up
    replace(good);
    expect(run(['sweep', 'submit', dir, '--broker', broker]).stdout).toContain('1 jobs already complete; queued 0 new, retried 1 failed');
    await w.waitFor(/completed .*\(index 0\)/, 60_000);
    expect(run(['sweep', 'collect', dir, '--broker', broker]).status).toBe(0);
    c.kill('SIGTERM');
  });

  it('a worker whose log reader goes away (calcitag worker | head) keeps working, without a stack trace', async () => {
    const { root, broker } = await startRedis();
    writeFileSync(join(root, 'spec.yaml'), 'engine: exact\nprotocols: [WTET]\nsweep:\n  trials: 20\n  grid:\n    params.theta_p: [2.5, 3.0, 3.5]\n');
    const dir = join(root, 's');
    expect(run(['sweep', 'plan', join(root, 'spec.yaml'), '--out', dir]).status).toBe(0);
    const w = startWorker(broker);
    await w.waitFor(/ worker ready/, 60_000);
    w.child.stdout!.destroy(); // the reader is gone: the worker's next log line meets a closed pipe
    for (let i = 0; i < 50 && run(['sweep', 'submit', dir, '--broker', broker]).status !== 0; i++) await new Promise((r) => setTimeout(r, 200));
    const results = () => (existsSync(join(dir, 'results')) ? readdirSync(join(dir, 'results')).filter((f) => f.endsWith('.json')).length : 0);
    for (let i = 0; i < 600 && results() < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(results()).toBe(3);
    expect(w.child.exitCode).toBe(null);
    expect(w.lines.filter((l) => l.startsWith('stderr:'))).toEqual([]);
    w.child.kill('SIGTERM');
  });

  it('refuses a broker URL it cannot use, or cannot reach, with one line and exit 2', async () => {
    const root = mkdtempSync(join(tmpdir(), 'calcitag-redis-'));
    writeFileSync(join(root, 'spec.yaml'), SPEC);
    const planned = run(['sweep', 'plan', join(root, 'spec.yaml'), '--out', join(root, 's')]);
    expect(planned.status, planned.stderr).toBe(0);
    const bad = run(['sweep', 'submit', join(root, 's'), '--broker', 'http://localhost:6379']);
    expect(bad.status, bad.stderr).toBe(2);
    expect(bad.stderr).toContain("--broker 'http://localhost:6379' is invalid: the scheme is 'http'; allowed: redis, rediss");
    // a broker nobody listens on: one line, exit 2, no stack trace
    const dead = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [['sweep', 'submit', join(root, 's')], ['sweep', 'status', join(root, 's')], ['worker']]) {
      const r = run([...args, '--broker', dead]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toBe(`calcitag: cannot reach the broker ${dead}: connect ECONNREFUSED ${dead.slice(8)}\n`);
    }
    const w = run(['worker', '--broker', 'nonsense']);
    expect(w.status, w.stderr).toBe(2);
    expect(w.stderr).toMatch(/--broker 'nonsense' is invalid/);
  });
});
