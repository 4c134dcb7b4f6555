/**
 * `calcitag run experiment.yaml|.json|<run folder>`: an experiment file (or a run folder's record) run
 * through the library's `runExperiment` in a worker thread, with a progress bar (or log lines), Ctrl-C handling and the
 * results table. Flags given on the command line (--trials, --seed, --engine, --param, --dt,
 * --no-fast-forward) override the file; the new folder's run.json records them.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ExperimentError, experimentRunProblems, readExperimentFile, resolveExperiment, type ResolvedExperiment } from '../../experiments/experiment.js';
import { estimateRun, largeRunProblem } from '../../experiments/limits.js';
import { readRunFolder } from '../../experiments/runRecord.js';
import { defaultRunDir } from '../../io/files.js';
import { createProgressReporter } from '../../io/progress.js';
import { resultsTable } from '../../io/table.js';
import { outputFolder, USAGE } from '../errors.js';
import { watchExperiment } from '../watchExperiment.js';

export interface ExperimentFlags {
  trials?: number;
  seed?: number;
  engine?: string;
  param?: Record<string, number>;
  dt?: number;
  fastForward?: boolean;
  out?: string;
  force?: boolean;
  allowLarge?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** Flags that apply to an experiment file (others, such as --workers, are reported as ignored). */
const HANDLED = new Set(['trials', 'seed', 'engine', 'param', 'dt', 'fastForward', 'out', 'force', 'allowLarge', 'json', 'quiet']);

/** Prints every problem of a malformed experiment and exits with 2 (nothing has been written). */
function reject(e: ExperimentError): never {
  process.stderr.write(`calcitag: ${e.message}\n`);
  process.exit(USAGE);
}

/** The file's content with the command-line overrides applied (only flags the user typed). */
export function applyOverrides(raw: unknown, flags: ExperimentFlags, fromCli: (name: string) => boolean): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  if (fromCli('trials')) out.trials = flags.trials;
  if (fromCli('seed')) out.seed = flags.seed;
  if (fromCli('engine')) out.engine = flags.engine;
  if (fromCli('dt')) out.dt_ms = flags.dt;
  if (fromCli('fastForward')) out.fast_forward = flags.fastForward;
  if (flags.param && Object.keys(flags.param).length > 0) {
    const params = { ...((out.params as Record<string, unknown> | undefined) ?? {}) };
    for (const [k, v] of Object.entries(flags.param)) {
      // a --param replaces the same parameter however the file wrote it (plain or unit-suffixed)
      for (const key of Object.keys(params)) if (key === k || key.startsWith(`${k}_`)) delete params[key];
      params[k] = v;
    }
    out.params = params;
  }
  return out;
}

export async function runExperimentFile(path: string, flags: ExperimentFlags, command?: Command): Promise<void> {
  let exp: ResolvedExperiment;
  let overridden: unknown;
  try {
    // a run folder stands for its run record (run.json; experiment.json or config.json in older folders)
    let raw: unknown;
    if (existsSync(path) && statSync(path).isDirectory()) ({ experiment: raw, file: path } = readRunFolder(path));
    else raw = readExperimentFile(path);
    const fromCli = (name: string) => command?.getOptionValueSource(name) === 'cli';
    overridden = applyOverrides(raw, flags, fromCli);
    exp = resolveExperiment(overridden, path);
    const problems = experimentRunProblems(exp); // valid, but not runnable as it stands
    if (problems.length > 0) throw new ExperimentError(problems, path);
  } catch (e) {
    if (e instanceof ExperimentError) reject(e);
    throw e;
  }

  // memory and output size, estimated before anything runs
  const large = largeRunProblem(estimateRun(exp));
  if (large && !flags.allowLarge) {
    process.stderr.write(`calcitag: ${path}: ${large}\n`);
    process.exit(USAGE);
  }

  // as with protocol names, --json without --out prints the summary and writes no files
  // the output folder is checked before any work: a bad one costs nothing
  const outDir = flags.out !== undefined ? outputFolder(flags.out, { force: flags.force })
    : flags.json ? undefined : outputFolder(defaultRunDir(exp.name), { allowExisting: true });
  if (outDir === undefined && exp.probes.length > 0) process.stderr.write('calcitag: probes are recorded to files: give --out DIR to keep them\n');
  const progress = createProgressReporter({ quiet: flags.quiet || flags.json });
  const ignored = (command?.options ?? [])
    .filter((o) => !HANDLED.has(o.attributeName()) && command?.getOptionValueSource(o.attributeName()) === 'cli')
    .map((o) => o.long ?? o.flags);
  if (ignored.length > 0) {
    process.stderr.write(`calcitag: ignored with an experiment file: ${ignored.join(', ')} (set engine settings under engine_options in the file; trials run in order in one thread)\n`);
  }
  const res = await watchExperiment({
    job: { experiment: overridden, source: path, ...(outDir !== undefined ? { outDir } : {}) }, exp, progress,
    onInterrupt: 'calcitag: interrupted — stopping the running trial and writing what is complete (Ctrl-C again to stop at once)',
    stoppedMessage: (completed) => `calcitag: stopped; completed ${completed.join(', ') || 'no protocol'}; complete files are kept, unfinished ones removed`,
  });
  if (flags.json) {
    process.stdout.write(JSON.stringify({ ...res.summary, ...(res.progress.interrupted ? { interrupted: true, progress: res.progress } : {}) }) + '\n');
  } else {
    if (res.results.length > 0) process.stdout.write(resultsTable(res.config, res.results) + '\n');
    for (const w of res.warnings) process.stderr.write(`calcitag: warning: ${w}\n`);
    if (res.progress.interrupted) {
      const pr = res.progress;
      const partial = pr.partial ? `; ${pr.partial.protocol}: ${pr.partial.trials_done}/${pr.partial.trials} trials (not summarised)` : '';
      process.stdout.write(`\ninterrupted: completed ${pr.completed_protocols.join(', ') || 'no protocol'}${partial}\n`);
    }
    if (res.runDir !== undefined) process.stdout.write(`\nresults in ${res.runDir}\n`);
  }
  if (res.progress.interrupted) process.exitCode = 130;
}
