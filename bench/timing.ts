/**
 * Timing benchmark: `npm run bench:timing` (or `node dist/bench/timing.js [--workers N] [--figures DIR] [--json out.json]`).
 *
 * 1. The grid on the exact engine: a 101-point STDP window (Δt −100…100 ms, 2 ms) × 5 pairing
 *    frequencies (1, 5, 10, 20, 50 Hz) × 100 trials of 60 pairings, 8 h each (50 500 trials), on the
 *    worker pool (default 2 workers, the target machine's cores). Target: ≤ 30 s wall.
 * 2. The baseline, measured in the same run: the reference engine (fixed 0.2 ms step, fast-forward) on a
 *    subset — every 10th Δt (11 points) × the 5 frequencies × 10 trials — and the exact engine on the
 *    same subset, both in this thread after a warm-up (no pool start-up in the numbers); the ratio is CPU
 *    per trial, reference over exact, on identical trials.
 * With --figures DIR the full grid's window and class map are written there (docs/figures/timing_*.png).
 */
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveParams } from '../src/model/parameters.js';
import { runTimingGrid, type TimingGridConfig, type TimingResult } from '../src/experiments/timing/grid.js';
import { RunDirectory } from '../src/io/files.js';
import { renderSvg, svgToPng } from '../src/io/plots.js';
import { timingMapSpec, timingWindowSpec } from '../src/io/timingFigures.js';

const argv = process.argv.slice(2);
const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const workers = Number(arg('--workers') ?? 2);
const TARGET_S = 30;

const dts = Array.from({ length: 101 }, (_, i) => -100 + 2 * i);
const grid = (engine: string, dts_ms: number[], trials: number): TimingGridConfig => ({
  dts_ms, freqs_Hz: [1, 5, 10, 20, 50], pairs: 60, engine, trials, seed: 1, params: resolveParams(), dt_ms: 0.2,
});

/** Wall time and CPU of the whole process (main thread and workers) over one grid. */
async function timed(cfg: TimingGridConfig, threads = workers): Promise<{ r: TimingResult; wall_s: number; cpu_s: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runTimingGrid(cfg, { workers: threads });
  const cpu = process.cpuUsage(cpu0);
  return { r, wall_s: (performance.now() - t0) / 1000, cpu_s: (cpu.user + cpu.system) / 1e6 };
}

async function main(): Promise<void> {
  console.log(`calcitag timing benchmark — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, load ${loadavg()[0]!.toFixed(2)}, ${workers} workers`);
  // a short warm-up so that both measurements see loaded code
  await runTimingGrid(grid('exact', [0, 10], 2), { workers });

  const full = await timed(grid('exact', dts, 100));
  const n = full.r.trials;
  console.log(`1. exact engine, 101 Δt × 5 frequencies × 100 trials = ${n} trials of 8 h: wall ${full.wall_s.toFixed(1)} s (target ≤ ${TARGET_S} s: ${full.wall_s <= TARGET_S ? 'met' : 'MISSED'}), `
    + `CPU ${full.cpu_s.toFixed(1)} s, ${((1000 * full.cpu_s) / n).toFixed(3)} ms CPU per trial`);

  const subset = dts.filter((_, i) => i % 10 === 0);
  // warm-up of both engines in this thread on the subset itself (discarded)
  for (const e of ['exact', 'reference']) await runTimingGrid(grid(e, subset, 10), { workers: 0 });
  const ref = await timed(grid('reference', subset, 10), 0);
  const ex = await timed(grid('exact', subset, 10), 0);
  const m = ref.r.trials;
  const perRef = ref.cpu_s / m, perEx = ex.cpu_s / m;
  console.log(`2. baseline on a subset (11 Δt × 5 frequencies × 10 trials = ${m} trials), same run, one thread:`);
  console.log(`   reference engine: wall ${ref.wall_s.toFixed(1)} s, ${(1000 * perRef).toFixed(2)} ms CPU per trial; exact: wall ${ex.wall_s.toFixed(1)} s, ${(1000 * perEx).toFixed(3)} ms CPU per trial; `
    + `reference/exact ${(perRef / perEx).toFixed(1)}×`);
  console.log(`   the full grid on the reference engine would take ≈ ${((perRef * n) / workers).toFixed(0)} s wall on ${workers} workers (extrapolated from the subset)`);

  const figures = arg('--figures');
  if (figures) {
    const dir = new RunDirectory(figures);
    for (const [name, spec] of [['timing_window', timingWindowSpec(full.r)], ['timing_map', timingMapSpec(full.r)]] as const) {
      dir.write(`${name}.png`, svgToPng(await renderSvg(spec)));
    }
    console.log(`   figures of the full grid: ${join(dir.path, 'timing_window.png')}, timing_map.png`);
  }
  const json = arg('--json');
  if (json) {
    writeFileSync(json, `${JSON.stringify({
      workers, exact_full: { trials: n, wall_s: full.wall_s, cpu_s: full.cpu_s, target_s: TARGET_S },
      subset: { trials: m, reference: { wall_s: ref.wall_s, cpu_s: ref.cpu_s }, exact: { wall_s: ex.wall_s, cpu_s: ex.cpu_s }, ratio: perRef / perEx },
    }, null, 1)}\n`);
  }
}

await main();
