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

async function local(m: SweepManifest): Promise<{ s: number; csv: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'calcitag-bench-sweep-'));
  writeManifest(dir, m);
  const t0 = performance.now();
  await runSweepJobs(m, m.jobs, { workers, onJobDone: (_j, r) => writeJobResult(dir, r) });
  const table = sweepTable(m, collectResults(dir, m).results);
  writeSweepTable(dir, table);
  const s = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return { s, csv: tableCsv(table) };
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

async function viaRedis(m: SweepManifest, batch?: number): Promise<{ s: number; csv: string }> {
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
    const t0 = performance.now();
    await submitSweep(dir, m, m.jobs, { broker, batch });
    const results = join(dir, 'results');
    // polled every 25 ms: the listing of up to 400 files costs CPU that the two workers would otherwise have
    while (!existsSync(results) || readdirSync(results).filter((f) => f.endsWith('.json')).length < m.jobs.length) await new Promise((r) => setTimeout(r, 25));
    const table = sweepTable(m, collectResults(dir, m).results);
    writeSweepTable(dir, table);
    return { s: (performance.now() - t0) / 1000, csv: readFileSync(join(dir, 'sweep.csv'), 'utf8') };
  } finally {
    for (const p of procs.reverse()) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const m = plan();
  console.log(`calcitag sweep benchmark: ${m.jobs.length} points × ${trials} trials of STET, exact engine, ${workers} workers`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'}, ${availableParallelism()} hardware threads, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const best = (xs: number[]) => Math.min(...xs);
  const localS: number[] = [], redisS: number[] = [], singleS: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const a = await local(m);
    localS.push(a.s);
    if (!REDIS) continue;
    const b = await viaRedis(m);
    redisS.push(b.s);
    const c = await viaRedis(m, 1);
    singleS.push(c.s);
    if (b.csv !== a.csv || c.csv !== a.csv) throw new Error('a Redis table differs from the local table');
  }
  const a = best(localS);
  console.log(`1. local pool (sweep run): best of ${localS.map((x) => x.toFixed(2)).join(', ')} s = ${a.toFixed(2)} s for ${m.jobs.length * trials} trials (${((a * 1000) / (m.jobs.length * trials)).toFixed(3)} ms per trial wall); target ≤ 30 s: ${a <= 30 ? 'met' : 'MISSED'}`);
  if (!REDIS) {
    console.log('2. Redis: skipped (no redis-server; apt-get install redis-server)');
    return;
  }
  const b = best(redisS);
  const over = b / a - 1;
  console.log(`2. BullMQ on Redis, ${workers} worker processes × 1 job: best of ${redisS.map((x) => x.toFixed(2)).join(', ')} s = ${b.toFixed(2)} s; overhead against the local pool ${(100 * over).toFixed(1)} %; target ≤ 20 %: ${over <= 0.2 ? 'met' : 'MISSED'}`);
  const c = best(singleS);
  console.log(`   the same, one job a queue message (--batch 1): best of ${singleS.map((x) => x.toFixed(2)).join(', ')} s = ${c.toFixed(2)} s; overhead ${(100 * (c / a - 1)).toFixed(1)} %`);
  console.log('   tables identical (sweep.csv byte for byte)');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
