/**
 * `calcitag timing`: the spike-timing × frequency grid of pairing protocols (docs/timing.md): per point
 * the early-phase change right after the protocol, w/h0 at 8 h, the outcome class and the fractions of
 * trials tagged and with protein synthesis; the STDP window and the class map as figures.
 */
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { engineNames } from '../../engines/registry.js';
import { NonFiniteStateError } from '../../experiments/ensemble.js';
import { MAX_TRIALS } from '../../experiments/limits.js';
import { parseBurst, parseDtRange, parseFrequencies, resolveTiming, TimingConfigError } from '../../experiments/timing/config.js';
import { runTimingGrid, windowEdges, zeroCrossings, type TimingGridConfig, type TimingPoint, type TimingResult } from '../../experiments/timing/grid.js';
import { defaultRunDir, RunDirectory } from '../../io/files.js';
import { timingJson, writeTimingPartial, writeTimingRun } from '../../io/timingOutput.js';
import { outputFolder, stopNonFinite, usageError } from '../errors.js';
import { addEngineOptions, engineOptionsFromFlags } from './engineFlags.js';
import { collectParam, parseInteger } from './run.js';

interface TimingFlags {
  dtMs: string;
  freqHz: string;
  pairs: number;
  preBurst?: string;
  postBurst?: string;
  engine: string;
  trials: number;
  seed: number;
  param?: Record<string, number>;
  workers: number;
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

function resolve(flags: TimingFlags): TimingGridConfig[] {
  try {
    const engines = flags.engine.split(',').map((s) => s.trim());
    return resolveTiming({
      dts_ms: parseDtRange(flags.dtMs), freqs_Hz: parseFrequencies(flags.freqHz), pairs: flags.pairs,
      ...(flags.preBurst ? { preBurst: parseBurst(flags.preBurst, '--pre-burst') } : {}),
      ...(flags.postBurst ? { postBurst: parseBurst(flags.postBurst, '--post-burst') } : {}),
      engines, trials: flags.trials, seed: flags.seed, params: flags.param,
      engineOptions: (e) => engineOptionsFromFlags(e, flags as unknown as Record<string, unknown>),
    });
  } catch (e) {
    if (e instanceof TimingConfigError || e instanceof InvalidArgumentError) usageError(e.message);
    throw e;
  }
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}%`;

/** The terminal summary: per engine and frequency the extremes of the window, its zero crossings and the classes. */
function summaryText(results: readonly TimingResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const c = r.config;
    lines.push(`engine ${c.engine}: ${r.points.length} points × ${c.trials} trials in ${r.wall_s.toFixed(1)} s (seed ${c.seed}, ${c.pairs} pairings)`);
    lines.push('  f (Hz)  early change: min (Δt)       max (Δt)        zero crossings (ms)   w/h0 @8h range     classes (points)');
    for (const f of c.freqs_Hz) {
      const ps = r.points.filter((p) => p.freq_Hz === f);
      const lo = ps.reduce((a, b) => (b.early.mean < a.early.mean ? b : a));
      const hi = ps.reduce((a, b) => (b.early.mean > a.early.mean ? b : a));
      const w = ps.map((p) => p.w8h.mean);
      const counts = new Map<string, number>();
      for (const p of ps) counts.set(p.class, (counts.get(p.class) ?? 0) + 1);
      const edges = windowEdges(r.points, f);
      const zc = [...zeroCrossings(r.points, f).map((x) => x.toFixed(1)), ...edges.map((x) => `edge ${x.toFixed(1)}`)].join(', ') || '—';
      lines.push(`  ${String(f).padEnd(6)}  ${pct(lo.early.mean).padStart(8)} (${lo.dt_ms})`.padEnd(36) + `${pct(hi.early.mean).padStart(8)} (${hi.dt_ms})`.padEnd(16)
        + `${zc} `.padEnd(22) + `${Math.min(...w).toFixed(3)}–${Math.max(...w).toFixed(3)}`.padEnd(19) + [...counts].map(([k, v]) => `${k} ${v}`).join(', '));
    }
  }
  return lines.join('\n');
}

async function timingCommand(flags: TimingFlags): Promise<void> {
  const configs = resolve(flags);
  const writeFiles = !flags.json || flags.out !== undefined;
  // the output folder is checked before any work: a bad one costs nothing
  const outDir = !writeFiles ? undefined
    : flags.out !== undefined ? outputFolder(flags.out, { force: flags.force }) : outputFolder(defaultRunDir('timing'), { allowExisting: true });
  const chatty = !flags.json && !flags.quiet;
  const tty = process.stderr.isTTY;
  const results: TimingResult[] = [];
  const done: TimingPoint[][] = configs.map(() => []);
  // Ctrl-C: keep the points finished so far (they complete in grid order) and exit
  const onSigint = () => {
    if (chatty && tty) process.stderr.write('\n');
    if (outDir !== undefined) writeTimingPartial(new RunDirectory(outDir), configs, done);
    process.stderr.write(`calcitag: interrupted; ${done.map((d, i) => `${configs[i]!.engine}: ${d.length} of ${configs[i]!.dts_ms.length * configs[i]!.freqs_Hz.length} points`).join(', ')}${outDir ? `; finished points in ${outDir}/timing_partial.json` : ''}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  for (const [i, cfg] of configs.entries()) {
    try {
      results.push(await runTimingGrid(cfg, {
        workers: flags.workers,
        onPoint: (n, total, p) => {
          done[i]!.push(p);
          if (chatty) process.stderr.write(`${tty ? '\r\x1b[K' : ''}[${cfg.engine} ${n}/${total}] ${p.freq_Hz} Hz, Δt ${p.dt_ms} ms${tty ? '' : '\n'}`);
        },
      }));
    } catch (e) {
      if (e instanceof NonFiniteStateError) stopNonFinite(e, cfg.params);
      throw e;
    }
  }
  process.removeListener('SIGINT', onSigint);
  if (chatty && tty) process.stderr.write('\n');
  if (outDir !== undefined) await writeTimingRun(new RunDirectory(outDir), results);
  if (flags.json) process.stdout.write(JSON.stringify(timingJson(results)) + '\n');
  else process.stdout.write(summaryText(results) + (outDir ? `\n\nresults and figures in ${outDir}\n` : '\n'));
}

export function registerTiming(program: Command): void {
  const cmd = program
    .command('timing')
    .description('spike-timing × frequency grid of pairing protocols: STDP window, outcome-class map, closed-form check')
    .option('--dt-ms <range>', 'Δt = t_post − t_pre in ms: start:stop:step or a comma list', '-100:100:2')
    .option('--freq-hz <list>', 'pairing frequencies, Hz, comma-separated', '1,5,10,20,50')
    .option('--pairs <n>', 'pairings per protocol', parseInteger('--pairs', 1), 60)
    .option('--pre-burst <N:ISI_MS>', 'N presynaptic spikes ISI_MS apart per pairing (e.g. 2:10)')
    .option('--post-burst <N:ISI_MS>', 'N forced postsynaptic spikes ISI_MS apart per pairing (triplets: 2:10)')
    .addOption(new Option('--engine <names>', `engine, or a comma list of engines run on the same grid (${engineNames().join(', ')})`).default('exact'))
    .option('--trials <n>', `trials per grid point (at most ${MAX_TRIALS})`, parseInteger('--trials', 1, MAX_TRIALS), 100)
    .option('--seed <s>', 'master seed (integer ≥ 0)', parseInteger('--seed', 0), 1)
    .option('--param <name=value>', 'override a model parameter (repeatable), e.g. sigma_pl=0', collectParam)
    .option('--workers <n>', 'worker threads (default: all cores; 0: in the main thread); results do not depend on it', parseInteger('--workers', 0), availableParallelism())
    .option('--out <dir>', 'output folder (default runs/<timestamp>-timing)')
    .option('--force', 'write into an --out folder that already holds files (files of the same name are replaced)')
    .option('--json', 'print one JSON object on stdout (files only with --out)')
    .option('--quiet', 'no progress output');
  addEngineOptions(cmd).action(timingCommand);
}
