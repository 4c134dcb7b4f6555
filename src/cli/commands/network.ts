/**
 * `calcitag network`: the memory formation, consolidation and recall paradigm (MODEL.md §8) on a
 * recurrent network — readouts, run folder, figures. Any engine that can run the description.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { whyEngineCannotRun, whyEngineCannotSplit } from '../../engines/capabilities.js';
import { getEngine, engineNames } from '../../engines/registry.js';
import { ExperimentError, readExperimentFile } from '../../experiments/experiment.js';
import { runMemoryParadigm, type MemoryRunResult } from '../../experiments/network/memoryRun.js';
import { networkExperimentFile, resolveNetworkExperiment, type NetworkExperiment } from '../../experiments/network/networkExperiment.js';
import { memoryParadigm, type RecallDelay } from '../../model/network/memoryParadigm.js';
import { descriptionIssues } from '../../model/network/validate.js';
import { estimateNetworkRun } from '../../experiments/network/estimate.js';
import { largeRunProblem } from '../../experiments/limits.js';
import { parseParamAssignment } from '../../model/parameters.js';
import { loadEdgesFile } from '../../io/edgeFiles.js';
import { defaultRunDir } from '../../io/files.js';
import { networkSummary, writeNetworkRun, type NetworkRunRecord, type RunCost } from '../../io/networkOutput.js';
import { VERSION } from '../../version.js';
import { outputFolder, usageError } from '../errors.js';
import { runNetworkSeeds } from './networkSeeds.js';
import { runsNetworkHere, superviseCommand, supervisedStop } from '../networkStop.js';
import { RunStopped } from '../../engines/networkTypes.js';
import { KEEP_CHECKPOINTS, parseCheckpointEvery, parseKeepCheckpoints, runningEngine, type CheckpointFlags } from './networkCheckpoint.js';
import { parseInteger } from './run.js';
import { addEngineOptions, engineOptionsFromFlags } from './engineFlags.js';
import { resolveEngineOptions } from '../../engines/options.js';

interface NetworkFlags {
  assembly?: number;
  recall?: RecallDelay;
  seed?: number;
  engine?: string;
  neuronsExc?: number;
  neuronsInh?: number;
  p?: number;
  inDegree?: number;
  dt?: number;
  fastForward?: boolean;
  param: string[];
  seeds?: number;
  workers?: number;
  out?: string;
  force?: boolean;
  allowLarge?: boolean;
  json?: boolean;
  quiet?: boolean;
}

function parseProbability(raw: string): number {
  const v = Number(raw);
  if (!(v > 0 && v <= 1)) throw new InvalidArgumentError(`--p '${raw}' is invalid; allowed: a connection probability in (0, 1]`);
  return v;
}

function parseDt(raw: string): number {
  const v = Number(raw);
  if (!(v > 0 && v <= 1)) throw new InvalidArgumentError(`--dt '${raw}' is invalid; allowed: a step in ms in (0, 1]`);
  return v;
}

function readoutLine(run: MemoryRunResult, cost: RunCost): string {
  const r = run.readout;
  return [
    `Q = ${r.Q.toFixed(4)} ± ${r.Q_err.toFixed(4)}   MI = ${r.MI.toFixed(3)} bits`,
    `rates at recall (Hz): as ${r.v_as.toFixed(2)}  ans ${r.v_ans.toFixed(2)}  ctrl ${r.v_ctrl.toFixed(2)}  inh ${r.v_inh.toFixed(2)}`,
    `${run.result.neurons} neurons, ${run.result.synapses} synapses (${run.result.plasticSynapses} plastic), ${run.result.spikes.t_s.length} spikes; ` +
      `${run.result.steps} detailed steps; CPU ${cost.cpu_s.toFixed(1)} s, wall ${cost.wall_s.toFixed(1)} s, peak ${cost.peak_rss_mb.toFixed(0)} MB`,
  ].join('\n');
}

/** The experiment: from a file (flags may override seed, engine, step, fast-forward) or built from flags. */
async function networkExperiment(file: string | undefined, flags: NetworkFlags): Promise<NetworkExperiment> {
  const params: Record<string, number> = {};
  for (const a of flags.param) {
    try {
      const [name, value] = parseParamAssignment(a);
      params[name] = value;
    } catch (e) {
      usageError((e as Error).message);
    }
  }
  let base: NetworkExperiment;
  if (file) {
    const paradigmFlags = (['assembly', 'recall', 'neuronsExc', 'neuronsInh', 'p', 'inDegree'] as const).filter((k) => flags[k] !== undefined);
    if (paradigmFlags.length > 0) usageError(`--${paradigmFlags[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} builds the paradigm; with an experiment file, change the file instead`);
    if (flags.param.length > 0) usageError('--param: with an experiment file, set parameters in its params section');
    try {
      // A run folder reruns its run record; explicit edge files are resolved against the file's folder.
      const record = join(file, 'run.json');
      const input = existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as { network?: unknown }).network : readExperimentFile(file);
      const baseDir = existsSync(record) ? resolve(file) : dirname(resolve(file));
      base = await resolveNetworkExperiment(input, loadEdgesFile(baseDir), existsSync(record) ? record : file);
      for (const pr of base.source.projections) {
        if (pr.connectivity.rule === 'explicit') pr.connectivity.file = resolve(baseDir, pr.connectivity.file);
      }
    } catch (e) {
      if (e instanceof ExperimentError) usageError(e.message);
      throw e;
    }
  } else {
    let built;
    if (flags.p !== undefined && flags.inDegree !== undefined) usageError(`--p ${flags.p} and --in-degree ${flags.inDegree}: give one (a connection probability or a fixed in-degree)`);
    try {
      built = memoryParadigm({ nExc: flags.neuronsExc, nInh: flags.neuronsInh, assembly: flags.assembly, p: flags.p, inDegree: flags.inDegree, recall: flags.recall, params });
    } catch (e) {
      const message = (e as Error).message;
      usageError(`${message.startsWith('in-degree') ? '--in-degree' : '--assembly/--param'}: ${message}`);
    }
    const issues = descriptionIssues(built.description);
    if (issues.length > 0) usageError(issues[0]!);
    base = { name: built.description.name, seed: 1, engine: 'reference', dt_ms: 0.2, fast_forward: true, description: built.description, readout: built.readout, source: { projections: [] } as never };
  }
  const engine = flags.engine ?? base.engine;
  // the file's engine settings belong to its engine; --engine naming another one starts from defaults
  const fileOptions = engine === base.engine ? base.engine_options ?? {} : {};
  let engineOptions: Record<string, unknown> = {};
  if (engineNames().includes(engine)) {
    try {
      engineOptions = { ...fileOptions, ...engineOptionsFromFlags(engine, flags as unknown as Record<string, unknown>) };
      // checked as the engine resolves them; the run gets (and records) only what was given, since a
      // network engine chooses some settings itself when they are not (bss2: the solver period its
      // processors' cycle budget allows)
      if (Object.keys(engineOptions).length > 0) resolveEngineOptions(getEngine(engine), engineOptions, { params: base.description.params, dt_ms: flags.dt ?? base.dt_ms });
    } catch (e) {
      usageError((e as Error).message);
    }
  }
  const { engine_options: _fileOptions, ...rest } = base;
  return {
    ...rest,
    seed: flags.seed ?? base.seed, engine, dt_ms: flags.dt ?? base.dt_ms,
    fast_forward: flags.fastForward === false ? false : base.fast_forward,
    ...(Object.keys(engineOptions).length > 0 ? { engine_options: engineOptions } : {}),
  };
}

/** The command line after `network`, without the flags that `--seeds` sets per seed. */
function forwardedArgs(): string[] {
  const argv = process.argv.slice(process.argv.indexOf('network') + 1);
  const drop = new Set(['--seeds', '--workers', '--seed', '--out']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const flag = a.split('=')[0]!;
    if (drop.has(flag)) {
      if (!a.includes('=')) i++;
    } else if (a !== '--json' && a !== '--quiet') {
      out.push(a);
    }
  }
  return out;
}

/** Whether the run resumes from the checkpoints of the folder `out` itself (--out DIR --resume DIR). */
const resumesInto = (flags: NetworkFlags & CheckpointFlags, out: string) => flags.resume !== undefined && resolve(flags.resume) === resolve(out);

async function networkCommand(file: string | undefined, flags: NetworkFlags): Promise<void> {
  const exp = await networkExperiment(file, flags);
  // memory and output size of one network, estimated before anything runs (each of --seeds alike)
  const large = largeRunProblem(estimateNetworkRun(exp.description, exp.dt_ms, exp.fast_forward));
  if (large && !flags.allowLarge) usageError(large.replace('fewer trials, shorter protocols or sparser probes', 'fewer neurons, a shorter run, fast-forward or sparser probes'));
  if (flags.seeds !== undefined) {
    const cp = flags as NetworkFlags & CheckpointFlags;
    const given = cp.checkpoints !== undefined ? '--checkpoints' : cp.resume !== undefined ? '--resume' : undefined;
    // they name one network's checkpoints (--checkpoint-every gives each seed's folder its own); a --seeds
    // folder resumes by running the same command again
    if (given) usageError(`${given} names one network's checkpoints; with --seeds, --checkpoint-every saves in each seed's folder, and running the same command again resumes (finished seeds are kept)`);
    const recall = exp.readout && exp.readout.recall_onset_s - exp.readout.reference_time_s > 3600 ? '8h' : '10s';
    // The published means hold for the published paradigm only (any seed, engine settings aside).
    const paradigm = memoryParadigm({ recall });
    const published = JSON.stringify(paradigm.description) === JSON.stringify(exp.description) && JSON.stringify(paradigm.readout) === JSON.stringify(exp.readout);
    // a --seeds folder is resumable (finished seeds are kept): only its location is checked
    const seedsOut = outputFolder(flags.out ?? defaultRunDir(`${exp.name}-seeds`), { allowExisting: true });
    const code = await runNetworkSeeds({
      args: forwardedArgs(), experiment: networkExperimentFile(exp), first: flags.seed ?? 1, n: flags.seeds, workers: flags.workers ?? 0,
      out: seedsOut, recall: published ? recall : undefined, json: flags.json === true, quiet: flags.quiet === true,
    });
    process.exit(code);
  }
  // a run that saves checkpoints is done by a child this process supervises, so that Ctrl-C or SIGTERM
  // save where it stands (networkStop.ts); forked before anything is written
  if ((flags as NetworkFlags & CheckpointFlags).checkpointEvery !== undefined && !runsNetworkHere()) {
    process.exitCode = await superviseCommand();
    return;
  }
  if (!engineNames().includes(exp.engine)) usageError(`--engine '${exp.engine}' is unknown; allowed: ${engineNames().join(', ')}`);
  if (!exp.readout) usageError(`${file}: the network command needs a readout section (kind: memory-recall) to report Q and MI`);
  const { description } = exp;
  const engine = getEngine(exp.engine);
  const why = whyEngineCannotRun(engine, description);
  if (why) usageError(`--engine: ${why}`);
  const threads = flags.workers ?? 1;
  const cannotSplit = whyEngineCannotSplit(engine, threads);
  if (cannotSplit) usageError(`--workers: ${cannotSplit}; engines that can: ${engineNames().filter((e) => !whyEngineCannotSplit(getEngine(e), threads)).join(', ')} (or --seeds N --workers W: W seeds at a time)`);
  // the output folder is checked before the network runs: a bad one costs nothing
  const writeFiles = !flags.json || flags.out !== undefined;
  const outDir = !writeFiles ? undefined
    // resuming into the interrupted run's own folder (--out DIR --resume DIR) writes its files there: no --force needed
    : flags.out !== undefined ? outputFolder(flags.out, { force: flags.force || resumesInto(flags, flags.out) })
      : outputFolder(defaultRunDir(exp.name), { allowExisting: true });
  const chatty = !flags.json && !flags.quiet;
  const log: string[] = [`calcitag ${VERSION} network — engine ${engine.name}${threads > 1 ? ` on ${threads} threads` : ''}, seed ${exp.seed}, dt ${exp.dt_ms} ms, fast-forward ${exp.fast_forward ? 'on' : 'off'}`, description.description ?? description.name];
  if (chatty) process.stderr.write(`${log.join('\n')}\n`);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let lastShown = -1;
  let run: MemoryRunResult;
  const stop = supervisedStop();
  try {
    // one network split across threads: the same results bit for bit (docs/network.md, "--workers")
    run = runMemoryParadigm(runningEngine(engine, flags, outDir, threads), {
      description, readout: exp.readout, seed: exp.seed, dt_ms: exp.dt_ms, fastForward: exp.fast_forward,
      ...(exp.engine_options ? { engineOptions: exp.engine_options } : {}),
      ...(stop ? { shouldStop: stop.shouldStop } : {}),
      onProgress: chatty ? (t, end) => {
        const pct = Math.floor((100 * t) / end);
        if (pct !== lastShown) {
          lastShown = pct;
          process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}t = ${t.toFixed(1)} s of ${end} s (${pct} %)${process.stderr.isTTY ? '' : '\n'}`);
        }
      } : undefined,
    });
  } catch (e) {
    if (!(e instanceof RunStopped) || !stop) throw e;
    if (chatty && process.stderr.isTTY) process.stderr.write('\n');
    const cp = flags as NetworkFlags & CheckpointFlags;
    const saved = cp.checkpoints ?? join(outDir!, 'checkpoints');
    // a run folder resumes into itself without --force (resumesInto)
    const from = cp.checkpoints ?? outDir!;
    process.stderr.write(`calcitag: ${stop.signal()}: stopped at t = ${Number(e.t_s.toFixed(3))} s${e.saved ? `, its state saved in ${saved}` : ''}; continue with the same command and --resume ${from}\n`);
    process.exit(stop.exitCode());
  } finally {
    if (chatty && process.stderr.isTTY) process.stderr.write('\n');
  }
  const cpu = process.cpuUsage(cpu0);
  const cost: RunCost = {
    cpu_s: (cpu.user + cpu.system) / 1e6,
    wall_s: (performance.now() - wall0) / 1e3,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  };
  const record: NetworkRunRecord = {
    kind: 'network', calcitag_version: VERSION, name: exp.name, seed: exp.seed, engine: engine.name, dt_ms: exp.dt_ms,
    fast_forward: exp.fast_forward, network: networkExperimentFile(exp), readout: exp.readout,
  };
  log.push(readoutLine(run, cost));
  if (outDir !== undefined) {
    const dir = outDir;
    await writeNetworkRun(dir, run, record, cost, log);
    if (!flags.json) process.stdout.write(`${readoutLine(run, cost)}\nresults and figures in ${dir}\n`);
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(networkSummary(run, record, cost))}\n`);
}

/** Whether `path` is a network experiment (a file with `populations`, or a network run folder). */
export function isNetworkExperiment(path: string): boolean {
  try {
    const record = join(path, 'run.json');
    if (existsSync(record)) return (JSON.parse(readFileSync(record, 'utf8')) as { kind?: unknown }).kind === 'network';
    const raw = readExperimentFile(path);
    return !!raw && typeof raw === 'object' && 'populations' in raw;
  } catch {
    return false; // not readable as one: the experiment-file path reports why
  }
}

/**
 * `calcitag run <network file>`: the file runs as `calcitag network <file>` would, with the flags of
 * `run` that mean the same there (only those typed on the command line; --trials and --workers do not apply).
 */
export async function runNetworkFromRun(file: string, flags: Readonly<Record<string, unknown>>, fromCli: (name: string) => boolean): Promise<void> {
  for (const k of ['trials', 'workers']) if (fromCli(k)) usageError(`--${k} does not apply to a network experiment run with calcitag run (calcitag network <file> --workers W splits one network across threads, --seeds N runs several)`);
  if (flags.param && Object.keys(flags.param).length > 0) usageError('--param: with an experiment file, set parameters in its params section');
  const given: Record<string, unknown> = { param: [] };
  for (const [k, v] of Object.entries(flags)) if (k !== 'param' && k !== 'trials' && k !== 'workers' && v !== undefined && (fromCli(k) || ['out', 'force', 'allowLarge', 'json', 'quiet'].includes(k))) given[k] = v;
  await networkCommand(file, given as unknown as NetworkFlags);
}

export function registerNetwork(program: Command): void {
  const cmd = program
    .command('network [experiment]')
    .summary('the memory paradigm on a recurrent network (learning, consolidation, recall)')
    .description('the memory paradigm on a recurrent network: learn an assembly, consolidate, recall; Q, MI, rates, weights, figures')
    .option('--assembly <n>', 'assembly size, the first n excitatory neurons (default 150 per 1600 of them: 150 for the published network)', parseInteger('--assembly', 2))
    .addOption(new Option('--recall <delay>', 'recall 10 s or 8 h after learning (default 10s)').choices(['10s', '8h']))
    .option('--seed <s>', 'master seed: connectivity and every noise source (default 1)', parseInteger('--seed', 0))
    .option('--engine <name>', 'engine, one that runs networks (default reference)')
    .option('--neurons-exc <n>', 'excitatory neurons (default 1600)', parseInteger('--neurons-exc', 3))
    .option('--neurons-inh <n>', 'inhibitory neurons (default 400)', parseInteger('--neurons-inh', 1))
    .option('--p <prob>', 'connection probability of every projection (default 0.1)', parseProbability)
    .option('--in-degree <k>', 'instead of --p: every neuron gets exactly k inputs, split between exc and inh in proportion to their sizes', parseInteger('--in-degree', 1))
    .option('--dt <ms>', 'integration step, ms (default 0.2)', parseDt)
    .option('--no-fast-forward', 'integrate every step (no fast-forward after learning)')
    .option('--param <name=value>', 'model parameter override (repeatable), e.g. --param theta_pro=2.1', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--seeds <n>', 'run n seeds (from --seed on), each in its own folder, and compare the readouts with the published 50-network means (exit 1 beyond 2 SD)', parseInteger('--seeds', 1))
    .option('--workers <w>', 'threads that share one network (engines that can split it, e.g. fast; results identical for any number); with --seeds: seeds run at a time, one process each (default: one per core)', parseInteger('--workers', 1, 256))
    .option('--out <dir>', 'output folder (default runs/<timestamp>-<name>)')
    .option('--force', 'write into an --out folder that already holds files (files of the same name are replaced)')
    .option('--allow-large', 'run even if the estimated memory or output size passes 4 GiB')
    .option('--json', 'print the summary as one JSON object on stdout (and write files only with --out)')
    .option('--quiet', 'no progress output')
    .option('--checkpoint-every <s>', 'save the complete state every s seconds of simulated time (engines reference and fast; docs/sweeps.md)', parseCheckpointEvery)
    .option('--checkpoints <dir>', 'where --checkpoint-every saves (default <out>/checkpoints)')
    .option('--keep-checkpoints <n>', `how many of the latest checkpoints to keep, each holding the whole run so far (0: all; default ${KEEP_CHECKPOINTS})`, parseKeepCheckpoints)
    .option('--resume <dir>', 'continue from the latest checkpoint in dir (same network, seed and settings): the result equals an uninterrupted run bit for bit');
  addEngineOptions(cmd).action(networkCommand);
}
