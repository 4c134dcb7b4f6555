/**
 * One network on several threads: `npm run bench:workers` (or `node dist/bench/networkWorkers.js
 * [--pairs P] [--workers 1,2] [--recall 10s|8h] [--seed S] [--json out.json]`).
 *
 * The memory paradigm with 10 s recall (2000 neurons, 30 s simulated, detailed to 21.35 s then
 * fast-forward) on the `fast` engine with `--workers 1` and `--workers 2`, each in its own child
 * process (`calcitag network --json`: wall time of the run, CPU of all its threads), alternating
 * P times so that both see the same machine load; the ratio of the fastest walls, and a check that
 * every run gave the same readouts and spike count. The load average is printed beside the figures:
 * on a shared machine the threads compete with other work, and the ratio says only what they got.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

interface Timed {
  readonly workers: number;
  readonly wall_s: number;
  readonly cpu_s: number;
  readonly peak_rss_mb: number;
  /** Readouts and spike count, as text: equal for every number of threads. */
  readonly result: string;
}

function timeRun(workers: number, seed: number, recall: string): Timed {
  const r = spawnSync(process.execPath, [CLI, 'network', '--engine', 'fast', '--seed', String(seed), '--recall', recall, '--workers', String(workers), '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`calcitag network --workers ${workers} failed: ${r.stderr}`);
  const s = JSON.parse(r.stdout) as { wall_s: number; cpu_s: number; peak_rss_mb: number; readouts: unknown; spikes: number };
  return { workers, wall_s: s.wall_s, cpu_s: s.cpu_s, peak_rss_mb: s.peak_rss_mb, result: JSON.stringify([s.readouts, s.spikes]) };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

function main(): void {
  const pairs = Number(arg('pairs', '2')), seed = Number(arg('seed', '1')), recall = arg('recall', '10s');
  const counts = arg('workers', '1,2').split(',').map(Number);
  const load0 = loadavg();
  console.log(`network on threads: memory paradigm (${recall} recall, 2000 neurons), fast engine, seed ${seed}, ${pairs} rounds of ${counts.map((w) => `--workers ${w}`).join(', ')}`);
  console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), load average ${load0.map((x) => x.toFixed(2)).join(' ')}`);
  const runs: Timed[] = [];
  for (let round = 0; round < pairs; round++) {
    for (const w of counts) {
      const t = timeRun(w, seed, recall);
      runs.push(t);
      console.log(`  round ${round + 1}, ${w} thread${w > 1 ? 's' : ''}: wall ${t.wall_s.toFixed(2)} s, CPU ${t.cpu_s.toFixed(2)} s, peak ${t.peak_rss_mb.toFixed(0)} MB`);
    }
  }
  const identical = runs.every((r) => r.result === runs[0]!.result);
  const per = counts.map((w) => {
    const mine = runs.filter((r) => r.workers === w);
    return { workers: w, best_wall_s: Math.min(...mine.map((r) => r.wall_s)), median_wall_s: median(mine.map((r) => r.wall_s)), median_cpu_s: median(mine.map((r) => r.cpu_s)) };
  });
  const base = per[0]!;
  for (const p of per) {
    console.log(`${p.workers} thread${p.workers > 1 ? 's' : ''}: best wall ${p.best_wall_s.toFixed(2)} s, median wall ${p.median_wall_s.toFixed(2)} s, median CPU ${p.median_cpu_s.toFixed(2)} s; ` +
      `wall ratio ${base.workers}/${p.workers} threads (best) ${(base.best_wall_s / p.best_wall_s).toFixed(2)}×`);
  }
  const load1 = loadavg();
  console.log(`identical readouts and spike counts in every run: ${identical ? 'yes' : 'NO'}; load average after ${load1.map((x) => x.toFixed(2)).join(' ')}`);
  const out = arg('json', '');
  if (out) writeFileSync(out, `${JSON.stringify({ seed, recall, runs, per, identical, loadavg_before: load0, loadavg_after: load1 }, null, 2)}\n`);
  if (!identical) process.exitCode = 1;
}

main();
