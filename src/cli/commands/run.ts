/** `calcitag run`: protocol ensembles with a table, files and figures, or one JSON object. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ParameterError, parseParamAssignment } from '../../model/parameters.js';
import { engineNames, getEngine } from '../../engines/registry.js';
import { whyEngineCannotRun } from '../../engines/capabilities.js';
import { singleSynapseDescription } from '../../model/network/singleSynapse.js';
import { ConfigError, resolveRunConfig, summaryJson, type RunConfig } from '../../experiments/protocolRun.js';
import { runProtocolsParallel } from '../../experiments/parallel.js';
import { availableParallelism } from 'node:os';
import type { EnsembleResult } from '../../experiments/ensemble.js';
import { defaultRunDir } from '../../io/files.js';
import { RunWriter } from '../../io/runWriter.js';
import { resultsTable } from '../../io/table.js';
import { outputFolder, stopNonFinite, usageError } from '../errors.js';
import { NonFiniteStateError } from '../../experiments/ensemble.js';
import { existsSync } from 'node:fs';
import { experimentFromRunConfig, looksLikeExperimentFile } from '../../experiments/experiment.js';
import { estimateRun, largeRunProblem, MAX_TRIALS } from '../../experiments/limits.js';
import { runExperimentFile } from './experiment.js';
import { resumeExperimentFile } from './resume.js';
import { KEEP_CHECKPOINTS, parseCheckpointEvery, parseKeepCheckpoints } from './networkCheckpoint.js';
import { isNetworkExperiment, runNetworkFromRun } from './network.js';
import { createProgressReporter, protocolProgress } from '../../io/progress.js';
import { addEngineOptions, engineOptionsFromFlags } from './engineFlags.js';

export function parseInteger(flag: string, min: number, max?: number) {
  return (raw: string): number => {
    const v = Number(raw);
    if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(v) || v < min || (max !== undefined && v > max)) {
      throw new InvalidArgumentError(`${flag} '${raw}' is invalid; allowed: an integer ≥ ${min}${max !== undefined ? ` and ≤ ${max}` : ''}`);
    }
    return v;
  };
}

export function parsePositive(flag: string) {
  return (raw: string): number => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`${flag} '${raw}' is invalid; allowed: a number > 0`);
    return v;
  };
}

/** `--param name=value` (repeatable) into a record, each checked against the parameter's range. */
export function collectParam(raw: string, prev: Record<string, number> = {}): Record<string, number> {
  try {
    const [name, value] = parseParamAssignment(raw);
    return { ...prev, [name]: value };
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

interface RunFlags {
  trials: number;
  seed: number;
  engine: string;
  param?: Record<string, number>;
  dt: number;
  fastForward: boolean;
  out?: string;
  force?: boolean;
  allowLarge?: boolean;
  json?: boolean;
  quiet?: boolean;
  workers: number;
  resume?: string;
  checkpointEvery?: number;
  checkpoints?: string;
  keepCheckpoints?: number;
}

async function runCommand(protocols: string[], flags: RunFlags, command?: Command): Promise<void> {
  const files = protocols.filter((a) => looksLikeExperimentFile(a, existsSync));
  if (files.length > 0) {
    if (protocols.length > 1) usageError(`an experiment file runs alone; got ${protocols.join(' ')}`);
    if (isNetworkExperiment(files[0]!)) {
      return runNetworkFromRun(files[0]!, flags as unknown as Record<string, unknown>, (name) => command?.getOptionValueSource(name) === 'cli');
    }
    if (flags.checkpointEvery !== undefined || flags.checkpoints !== undefined || flags.keepCheckpoints !== undefined) {
      usageError(`${flags.checkpoints !== undefined ? '--checkpoints' : flags.keepCheckpoints !== undefined ? '--keep-checkpoints' : '--checkpoint-every'}: network experiments save checkpoints; a single-synapse run keeps every finished protocol, resume it with --resume DIR`);
    }
    if (flags.resume !== undefined) return resumeExperimentFile(files[0]!, flags.resume, flags, command);
    return runExperimentFile(files[0]!, flags, command);
  }
  for (const f of ['resume', 'checkpointEvery', 'checkpoints', 'keepCheckpoints'] as const) {
    if (flags[f] !== undefined) usageError(`--${f === 'resume' ? 'resume' : f === 'checkpoints' ? 'checkpoints' : f === 'keepCheckpoints' ? 'keep-checkpoints' : 'checkpoint-every'}: applies to an experiment file (calcitag run FILE --resume DIR); a run of protocol names is rerun from its folder with calcitag run DIR --out NEW`);
  }
  let cfg: RunConfig;
  try {
    cfg = resolveRunConfig({
      protocols, trials: flags.trials, seed: flags.seed, engine: flags.engine, params: flags.param,
      dt_ms: flags.dt, fastForward: flags.fastForward, engineOptions: engineOptionsFromFlags(flags.engine, flags as unknown as Record<string, unknown>),
    });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ParameterError || e instanceof InvalidArgumentError) usageError(e.message);
    throw e;
  }
  // an engine that cannot run this parameter set (e.g. background noise on exact or bss2): refused up front
  const why = whyEngineCannotRun(getEngine(cfg.engine), singleSynapseDescription(cfg.protocols[0]!, cfg.params));
  if (why) usageError(`--engine: ${why}`);
  // memory and output size, estimated before anything runs (the same limits as experiment files)
  const large = largeRunProblem(estimateRun(experimentFromRunConfig(cfg)));
  if (large && !flags.allowLarge) usageError(large);
  // what the engine says about the run besides the results (e.g. bss2: hardware time, processor budget)
  const engine = getEngine(cfg.engine);
  const report = engine.report?.(cfg.engine_options, { params: cfg.params, dt_ms: cfg.dt_ms, protocols: cfg.protocols });
  const writeFiles = !flags.json || flags.out !== undefined;
  const label = cfg.protocols.length === 4 ? 'all' : cfg.protocols.map((p) => p.name).join('-');
  // the output folder is checked before any work: a bad one costs nothing
  const outDir = writeFiles ? (flags.out !== undefined ? outputFolder(flags.out, { force: flags.force }) : outputFolder(defaultRunDir(label), { allowExisting: true })) : undefined;
  const writer = outDir !== undefined ? new RunWriter(outDir, cfg) : undefined;
  const progress = createProgressReporter({ quiet: flags.json || flags.quiet });
  const track = protocolProgress(cfg.protocols.map((p) => p.name), cfg.trials, progress.onProgress);
  writer?.start();
  track.start();
  const results: EnsembleResult[] = [];
  const pending: Promise<void>[] = [];
  const written: string[] = [];
  const trialsDone = new Map<string, number>();
  // Ctrl-C: every file is written atomically, so stopping now leaves only complete ones; note how far
  // the run got (protocols whose files are all written) and exit.
  const onSigint = () => {
    progress.stop();
    const left = cfg.protocols.map((p) => p.name).filter((n) => !written.includes(n));
    const running = left.filter((n) => (trialsDone.get(n) ?? 0) > 0);
    const partial = running.length > 0 ? { protocol: running[0]!, trials_done: trialsDone.get(running[0]!)!, trials: cfg.trials } : undefined;
    const note = {
      complete: false, interrupted: true, completed_protocols: [...written], ...(partial ? { partial } : {}),
      not_started: left.filter((n) => n !== partial?.protocol),
    };
    if (writer) {
      writer.finish({ interrupted: true, progress: note }, written);
      writer.note(`interrupted: completed ${written.join(', ') || 'no protocol'}${running.map((n) => `; ${n}: ${trialsDone.get(n)} of ${cfg.trials} trials (not summarised)`).join('')}; not started: ${note.not_started.join(', ') || 'none'}`);
    }
    process.stderr.write(`calcitag: interrupted; completed ${written.join(', ') || 'no protocol'}${writer ? `; files in ${writer.dir.path}` : ''}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  try {
    await runProtocolsParallel(cfg, {
      workers: flags.workers,
      onTrial: (name) => (done) => {
        trialsDone.set(name, done);
        track.trial(name, done);
      },
      onProtocol: (name, res) => {
        track.protocol(name);
        results.push(res);
        if (writer) pending.push(writer.protocolDone(res).then(() => void written.push(name)));
      },
    });
  } catch (e) {
    if (!(e instanceof NonFiniteStateError)) throw e;
    // a non-finite state: no statistic over it; the folder says the run failed, and where
    progress.stop();
    process.removeListener('SIGINT', onSigint);
    await Promise.allSettled(pending);
    if (writer) {
      writer.finish({ complete: false, failed: e.message }, written);
      writer.note(`failed: ${e.message}`);
    }
    stopNonFinite(e, cfg.params, writer?.dir.path);
  }
  await Promise.all(pending);
  track.done();
  progress.stop();
  process.removeListener('SIGINT', onSigint);
  if (flags.json) {
    const summary = summaryJson(cfg, results);
    if (report) summary[engine.name] = report.json;
    process.stdout.write(JSON.stringify(summary) + '\n');
  } else {
    process.stdout.write(resultsTable(cfg, results) + '\n');
    if (report) process.stdout.write('\n' + report.text + '\n');
    if (writer) process.stdout.write(`\nresults, traces and figures in ${writer.dir.path}\n`);
  }
}



export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run the single-synapse protocols (STET, WTET, SLFS, WLFS or all) as trial ensembles, or an experiment file')
    .argument('<protocols...>', 'protocol names: STET, WTET, SLFS, WLFS, or all; or one experiment file (.yaml, .yml, .json)')
    .option('--trials <n>', `independent trials per protocol (at most ${MAX_TRIALS})`, parseInteger('--trials', 1, MAX_TRIALS), 10)
    .option('--seed <s>', 'master seed (integer ≥ 0); every random stream derives from it', parseInteger('--seed', 0), 1)
    .addOption(new Option('--engine <name>', 'integration engine').default('exact').argParser((v: string) => {
      if (!engineNames().includes(v)) throw new InvalidArgumentError(`--engine '${v}' is unknown; allowed: ${engineNames().join(', ')}`);
      return v;
    }))
    .option('--param <name=value>', 'override a model parameter (repeatable), e.g. theta_p=3.0; units as in MODEL.md', collectParam)
    .option('--dt <ms>', 'integration step in ms (reference engine)', parsePositive('--dt'), 0.2)
    .option('--no-fast-forward', 'integrate every step for the whole run (no fast-forward after stimulation)')
    .option('--out <dir>', 'output folder (default runs/<timestamp>-<protocol>)')
    .option('--force', 'write into an --out folder that already holds files (files of the same name are replaced)')
    .option('--allow-large', 'run even if the estimated memory or output size passes 4 GiB')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .option('--quiet', 'no progress output')
    .option('--workers <n>', 'worker threads for the trials (default: all cores; 0: in the main thread); results do not depend on it', parseInteger('--workers', 0), availableParallelism())
    .option('--resume <dir>', 'finish the interrupted run of this experiment file in dir (its finished protocols are kept; a network file: continue from its checkpoints); docs/sweeps.md')
    .option('--checkpoint-every <s>', 'network experiment files: save the complete state every s seconds of simulated time (engines reference and fast)', parseCheckpointEvery)
    .option('--checkpoints <dir>', 'network experiment files: where --checkpoint-every saves (default <out>/checkpoints)')
    .option('--keep-checkpoints <n>', `network experiment files: how many of the latest checkpoints to keep (0: all; default ${KEEP_CHECKPOINTS})`, parseKeepCheckpoints);
  addEngineOptions(cmd).action(runCommand);
}
