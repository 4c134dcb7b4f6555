/**
 * Sweep benchmark: `npm run bench:sweep` (or `node dist/bench/sweep.js [--points-per-axis 20] [--trials 100] [--workers 2]`).
 *
 * 1. Local: a sweep of 20 × 20 = 400 points (c_pre × θ_p) × 100 trials of STET on the exact engine,
 *    `sweep run` as the CLI does it (the ensemble worker pool, one result file per job, then the table),
 *    on `--workers` threads (default 2, the target machine). Target ≤ 30 s.
 * 2. Redis: the same manifest through BullMQ — Debian's redis-server on a free loopback port, two
 *    `calcitag worker --concurrency 1` processes started and ready before the clock starts, from
 *    `submit` (its default batches: 40 queue jobs of 10 points, distributed/batches.ts) until the last
 *    result file exists; then the same with one manifest job a queue message (`--batch 1`), for the
 *    cost of a queue job. Overhead against (1), same work, same machine, same
 *    run. Target ≤ 20 %. Skipped when redis-server is not installed. Both tables must be identical.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { planSweep, type SweepManifest } from '../src/experiments/sweep/plan.js';
import { sweepTable } from '../src/experiments/sweep/results.js';
import { runSweepJobs } from '../src/experiments/sweep/run.js';
import { collectResults, writeJobResult, writeManifest } from '../src/io/sweepFiles.js';
import { tableCsv, writeSweepTable } from '../src/io/sweepTables.js';
import { submitSweep } from '../src/distributed/broker.js';

const arg = (flag: string, dflt: number): number => {
  const i = process.argv.indexOf(flag);
  const v = i < 0 ? dflt : Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} '${process.argv[i + 1]}' is invalid; allowed: an integer ≥ 1`);
  return v;
};
const side = arg('--points-per-axis', 20);
const trials = arg('--trials', 100);
const workers = arg('--workers', 2);
/** Local and Redis runs alternate this many times; the best of each is reported (the machine is shared). */
const repeats = arg('--repeats', 2);
const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));

function plan(): SweepManifest {
  return planSweep({
    name: 'bench-stet', engine: 'exact', seed: 1, protocols: ['STET'],
    sweep: { trials, grid: { 'params.c_pre': { from: 0.5, to: 1.5, steps: side }, 'params.theta_p': { from: 2.5, to: 4.0, steps: side } } },
  });
}

/** CPU seconds a process has used (Linux /proc; NaN elsewhere): the workers and redis-server are other processes. */
function cpuOf(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** A run's wall time, its table, and the CPU seconds of each part (this process; the worker processes; redis-server). */
interface Timed { s: number; csv: string; cpu: { bench: number; workers?: number; redis?: number } }

const ownCpu = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
};

async function local(m: SweepManifest): Promise<Timed> {
  const dir = mkdtempSync(join(tmpdir(), 'calcitag-bench-sweep-'));
  writeManifest(dir, m);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await runSweepJobs(m, m.jobs, { workers, onJobDone: (_j, r) => writeJobResult(dir, r) });
  const table = sweepTable(m, collectResults(dir, m).results);
  writeSweepTable(dir, table);
  const s = (performance.now() - t0) / 1000;
  const cpu = { bench: ownCpu(c0) }; // its worker threads included
  rmSync(dir, { recursive: true, force: true });
  return { s, csv: tableCsv(table), cpu };
}

const freePort = () => new Promise<number>((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number };
    srv.close(() => resolve(port));
  });
});

function untilLine(c: ChildProcess, re: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    c.stdout!.setEncoding('utf8').on('data', (d: string) => { buf += d; if (re.test(buf)) resolve(); });
    c.once('exit', (code) => reject(new Error(`worker exited (${code}) before '${re}': ${buf}`)));
  });
}

async function viaRedis(m: SweepManifest, batch?: number): Promise<Timed> {
  const dir = mkdtempSync(join(tmpdir(), 'calcitag-bench-sweep-'));
  writeManifest(dir, m);
  const port = await freePort();
  const broker = `redis://127.0.0.1:${port}`;
  const redis = spawn(REDIS!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const procs: ChildProcess[] = [redis];
  try {
    await new Promise((r) => setTimeout(r, 300));
    const ws = Array.from({ length: workers }, () => spawn(process.execPath, [CLI, 'worker', '--broker', broker, '--concurrency', '1', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] }));
    procs.push(...ws);
    await Promise.all(ws.map((w) => untilLine(w, /worker ready/)));
    const w0 = ws.map((w) => cpuOf(w.pid)), r0 = cpuOf(redis.pid), c0 = process.cpuUsage();
    const t0 = performance.now();
    await submitSweep(dir, m, m.jobs, { broker, batch });
    const results = join(dir, 'results');
    // polled every 25 ms: the listing of up to 400 files costs CPU that the two workers would otherwise have
    while (!existsSync(results) || readdirSync(results).filter((f) => f.endsWith('.json')).length < m.jobs.length) await new Promise((r) => setTimeout(r, 25));
    const table = sweepTable(m, collectResults(dir, m).results);
    writeSweepTable(dir, table);
    const s = (performance.now() - t0) / 1000;
    const cpu = { bench: ownCpu(c0), workers: ws.reduce((a, w, i) => a + cpuOf(w.pid) - w0[i]!, 0), redis: cpuOf(redis.pid) - r0 };
    return { s, csv: readFileSync(join(dir, 'sweep.csv'), 'utf8'), cpu };
  } finally {
    for (const p of procs.reverse()) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const m = plan();
  console.log(`calcitag sweep benchmark: ${m.jobs.length} points × ${trials} trials of STET, exact engine, ${workers} workers`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'}, ${availableParallelism()} hardware threads, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const best = (xs: Timed[]) => xs.reduce((p, x) => (x.s < p.s ? x : p));
  const secs = (xs: Timed[]) => xs.map((x) => x.s.toFixed(2)).join(', ');
  const cpu = (t: Timed) => (t.cpu.workers === undefined ? `${t.cpu.bench.toFixed(2)} CPU-s (its threads included)`
    : `${(t.cpu.workers + t.cpu.redis! + t.cpu.bench).toFixed(2)} CPU-s (workers ${t.cpu.workers.toFixed(2)}, redis-server ${t.cpu.redis!.toFixed(2)}, this process ${t.cpu.bench.toFixed(2)})`);
  const localRuns: Timed[] = [], redisRuns: Timed[] = [], singleRuns: Timed[] = [];
  for (let r = 0; r < repeats; r++) {
    const a = await local(m);
    localRuns.push(a);
    if (!REDIS) continue;
    const b = await viaRedis(m);
    redisRuns.push(b);
    const c = await viaRedis(m, 1);
    singleRuns.push(c);
    if (b.csv !== a.csv || c.csv !== a.csv) throw new Error('a Redis table differs from the local table');
  }
  const a = best(localRuns);
  console.log(`1. local pool (sweep run): best of ${secs(localRuns)} s = ${a.s.toFixed(2)} s for ${m.jobs.length * trials} trials (${((a.s * 1000) / (m.jobs.length * trials)).toFixed(3)} ms per trial wall); target ≤ 30 s: ${a.s <= 30 ? 'met' : 'MISSED'}; ${cpu(a)}`);
  if (!REDIS) {
    console.log('2. Redis: skipped (no redis-server; apt-get install redis-server)');
    return;
  }
  const b = best(redisRuns);
  const over = b.s / a.s - 1;
  console.log(`2. BullMQ on Redis, ${workers} worker processes × 1 job: best of ${secs(redisRuns)} s = ${b.s.toFixed(2)} s; overhead against the local pool ${(100 * over).toFixed(1)} %; target ≤ 20 %: ${over <= 0.2 ? 'met' : 'MISSED'}; ${cpu(b)}`);
  const c = best(singleRuns);
  console.log(`   the same, one job a queue message (--batch 1): best of ${secs(singleRuns)} s = ${c.s.toFixed(2)} s; overhead ${(100 * (c.s / a.s - 1)).toFixed(1)} %; ${cpu(c)}`);
  console.log('   tables identical (sweep.csv byte for byte)');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
