/**
 * One network on several threads: `npm run bench:workers` (or `node dist/bench/networkWorkers.js
 * [--pairs P] [--workers 1,2] [--recall 10s|8h] [--seed S] [--json out.json]`).
 *
 * The memory paradigm with 10 s recall (2000 neurons, 30 s simulated, detailed to 21.35 s then
 * fast-forward) on the `fast` engine on 1 and on 2 threads (what `calcitag network --engine fast
 * --workers W` runs), each in its own child process (the engine and the paradigm's readouts, no CLI
 * output), alternating P times so that both see the same machine load; the ratio of the fastest walls,
 * and a check that every run gave the same readouts and spikes. The load average is printed beside
 * the figures: on a shared machine the threads compete with other work, and the wall ratio says only
 * what they got. So each thread's own CPU time is printed too (Linux /proc/thread-self/stat): the
 * largest share is the split run's critical path, one thread's CPU over it the speed-up on free cores.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runNetworkOnThreads, threadCpuSeconds } from '../src/cli/networkThreads.js';
import { getEngine } from '../src/engines/registry.js';
import type { Engine } from '../src/engines/types.js';
import { runMemoryParadigm } from '../src/experiments/network/memoryRun.js';
import { memoryParadigm, type RecallDelay } from '../src/model/network/memoryParadigm.js';

const SELF = fileURLToPath(import.meta.url);

interface Timed {
  readonly workers: number;
  readonly wall_s: number;
  readonly cpu_s: number;
  readonly peak_rss_mb: number;
  /** Each thread's CPU seconds in the run (rank 0 first). */
  readonly thread_cpu_s: number[];
  /** Readouts, spike count and a checksum of the spikes, as text: equal for every number of threads. */
  readonly result: string;
}

/** The child: one run of the paradigm on `workers` threads; prints its Timed as JSON. */
function child(workers: number, seed: number, recall: RecallDelay): void {
  const fast = getEngine('fast');
  let threads: number[] = [];
  const engine: Engine = workers > 1 ? { ...fast, runNetwork: (spec) => runNetworkOnThreads(fast, spec, workers, (c) => { threads = c; }) } : fast;
  const { description, readout } = memoryParadigm({ recall });
  const wall0 = performance.now(), cpu0 = process.cpuUsage(), own0 = threadCpuSeconds() ?? NaN;
  const r = runMemoryParadigm(engine, { description, readout, seed, dt_ms: 0.2, fastForward: true });
  const cpu = process.cpuUsage(cpu0);
  if (workers <= 1) threads = [(threadCpuSeconds() ?? NaN) - own0];
  let sum = 0;
  r.result.spikes.neuron.forEach((i, k) => { sum = (sum * 31 + i + Math.round(r.result.spikes.t_s[k]! * 5000)) % 1_000_000_007; });
  const timed: Timed = {
    workers, wall_s: (performance.now() - wall0) / 1e3, cpu_s: (cpu.user + cpu.system) / 1e6, peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    thread_cpu_s: threads, result: JSON.stringify([r.readout.Q, r.readout.MI, r.readout.v_as, r.readout.v_ans, r.readout.v_ctrl, r.readout.v_inh, r.result.spikes.t_s.length, sum]),
  };
  process.stdout.write(`${JSON.stringify(timed)}\n`);
}

function timeRun(workers: number, seed: number, recall: string): Timed {
  const r = spawnSync(process.execPath, [SELF, '--child', String(workers), '--seed', String(seed), '--recall', recall], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`the run on ${workers} threads failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Timed;
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
      console.log(`  round ${round + 1}, ${w} thread${w > 1 ? 's' : ''}: wall ${t.wall_s.toFixed(2)} s, CPU ${t.cpu_s.toFixed(2)} s (threads ${t.thread_cpu_s.map((x) => x.toFixed(1)).join(' + ')}), peak ${t.peak_rss_mb.toFixed(0)} MB`);
    }
  }
  const identical = runs.every((r) => r.result === runs[0]!.result);
  const per = counts.map((w) => {
    const mine = runs.filter((r) => r.workers === w);
    return {
      workers: w, best_wall_s: Math.min(...mine.map((r) => r.wall_s)), median_wall_s: median(mine.map((r) => r.wall_s)), median_cpu_s: median(mine.map((r) => r.cpu_s)),
      // the critical path: the busiest thread's CPU (median over rounds)
      median_critical_cpu_s: median(mine.map((r) => Math.max(...r.thread_cpu_s))),
    };
  });
  const base = per[0]!;
  for (const p of per) {
    console.log(`${p.workers} thread${p.workers > 1 ? 's' : ''}: best wall ${p.best_wall_s.toFixed(2)} s, median wall ${p.median_wall_s.toFixed(2)} s, median CPU ${p.median_cpu_s.toFixed(2)} s, ` +
      `busiest thread ${p.median_critical_cpu_s.toFixed(2)} CPU-s; wall ratio ${base.workers}/${p.workers} threads (best) ${(base.best_wall_s / p.best_wall_s).toFixed(2)}×, ` +
      `critical-path ratio ${(base.median_critical_cpu_s / p.median_critical_cpu_s).toFixed(2)}×`);
  }
  const load1 = loadavg();
  console.log(`identical readouts and spike counts in every run: ${identical ? 'yes' : 'NO'}; load average after ${load1.map((x) => x.toFixed(2)).join(' ')}`);
  const out = arg('json', '');
  if (out) writeFileSync(out, `${JSON.stringify({ seed, recall, runs, per, identical, loadavg_before: load0, loadavg_after: load1 }, null, 2)}\n`);
  if (!identical) process.exitCode = 1;
}

if (process.argv.includes('--child')) child(Number(arg('child', '1')), Number(arg('seed', '1')), arg('recall', '10s') as RecallDelay);
else main();
