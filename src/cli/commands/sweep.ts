/**
 * `calcitag sweep plan|run|run-job|collect|status|submit|slurm`: parameter sweeps from an experiment
 * file with a `sweep` section (docs/sweeps.md). A sweep folder holds the manifest and one result file
 * per finished job; every way of running it — all local cores, BullMQ workers on Redis, SLURM array
 * tasks — writes the same files, and `collect` turns them into the same table and class map.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ExperimentError, readExperimentFile } from '../../experiments/experiment.js';
import { describePoint, planSweep, type SweepJob, type SweepManifest } from '../../experiments/sweep/plan.js';
import { networkCurvesTable, networkRatesTable, sweepTable } from '../../experiments/sweep/results.js';
import { runSweepJobs } from '../../experiments/sweep/run.js';
import { SweepSpecError } from '../../experiments/sweep/spec.js';
import { VERSION } from '../../version.js';
import { writeFileAtomic } from '../../io/files.js';
import { collectResults, pendingJobs, readJobResult, readManifest, SweepFolderError, writeManifest } from '../../io/sweepFiles.js';
import { writeSweepTable } from '../../io/sweepTables.js';
import { writeSweepFigure } from '../../io/sweepPlot.js';
import { writeNetworkSweepFigure } from '../../io/networkSweepPlot.js';
import { isNetworkInput, planNetworkSweep } from '../../experiments/sweep/network.js';
import { slurmScript } from '../../io/sweepSlurm.js';
import { BrokerError, brokerStatus, DEFAULT_QUEUE, submitSweep } from '../../distributed/broker.js';
import { outputFolder, usageError } from '../errors.js';
import { parseInteger } from './run.js';
import { parseCheckpointEvery } from './networkCheckpoint.js';
import { removeStaleCheckpoints, savedProgress, storeJobResult, sweepCheckpoints } from '../../io/sweepCheckpoints.js';
import { builtScript } from '../../experiments/builtScript.js';
import { stopOnSignals } from '../sweepStop.js';

/** The manifest of a sweep folder, or exit 2 with one line. */
function manifestOf(dir: string): SweepManifest {
  try {
    return readManifest(dir);
  } catch (e) {
    if (e instanceof SweepFolderError) usageError(e.message);
    throw e;
  }
}

/** The job pool's thread entry here: network jobs keep their checkpoints in the sweep folder (from TypeScript sources, the build's). */
function sweepJobWorkerUrl(): URL {
  return builtScript(import.meta.url, 'cli/sweepJobWorker.js');
}

/** Where a sweep's jobs keep their checkpoints, in this thread and in the job pool's. */
const jobPlaces = (dir: string) => ({ dir, checkpoints: sweepCheckpoints(dir), jobWorkerUrl: sweepJobWorkerUrl() });

/** Runs a broker call; an unreachable or malformed broker is bad input (exit 2, one line). */
async function viaBroker<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof BrokerError) usageError(e.message);
    throw e;
  }
}

async function planCommand(spec: string, flags: { out: string; force?: boolean; checkpointEvery?: number }): Promise<void> {
  const dir = outputFolder(flags.out, { force: flags.force });
  let m: SweepManifest;
  try {
    const raw = readExperimentFile(spec);
    const network = isNetworkInput(raw);
    if (flags.checkpointEvery !== undefined && !network) usageError(`--checkpoint-every: ${spec} is a single-synapse sweep, whose jobs are short and run again whole; checkpoints are for network sweeps`);
    m = network ? await planNetworkSweep(raw as Record<string, unknown>, spec, { checkpointEvery_s: flags.checkpointEvery }) : planSweep(raw, spec);
  } catch (e) {
    if (e instanceof SweepSpecError) usageError(`${spec}: ${e.message}`);
    if (e instanceof ExperimentError) usageError(e.message);
    throw e;
  }
  const path = writeManifest(dir, m);
  const stale = removeStaleCheckpoints(dir, m);
  if (stale > 0) process.stderr.write(`removed the checkpoints of ${stale} job(s) that are not in this plan\n`);
  if (m.kind === 'network') {
    const cp = m.checkpoint_every_s !== undefined ? `, a checkpoint every ${m.checkpoint_every_s} simulated s` : '';
    process.stdout.write(`${m.jobs.length} jobs (${m.fields.map((f) => f.path).join(' × ')}), one network each${cp}; manifest ${path}\n`);
    return;
  }
  const trials = m.jobs.length * m.protocols.length * m.trials_per_point;
  process.stdout.write(`${m.jobs.length} jobs (${m.fields.map((f) => f.path).join(' × ')}), ${m.protocols.length} protocol(s), ${m.trials_per_point} trials each: ${trials} trials; manifest ${path}\n`);
}

/** Writes the table and the figure of complete results; returns the paths. */
async function aggregate(dir: string, m: SweepManifest): Promise<{ paths: string[]; missing: number }> {
  const { results, missing } = collectResults(dir, m);
  if (missing.length > 0) return { paths: [], missing: missing.length };
  const table = sweepTable(m, results);
  const figure = m.kind === 'network' ? writeNetworkSweepFigure : writeSweepFigure;
  const curves = m.kind === 'network'
    ? [...writeSweepTable(dir, networkCurvesTable(m, results), 'curves'), ...writeSweepTable(dir, networkRatesTable(m, results), 'rates')]
    : [];
  return { paths: [...writeSweepTable(dir, table), ...curves, ...(await figure(dir, m, table))], missing: 0 };
}

async function runCommand(dir: string, flags: { workers?: number; quiet?: boolean }): Promise<void> {
  const m = manifestOf(dir);
  const todo = pendingJobs(dir, m);
  const skipped = m.jobs.length - todo.length;
  const say = (line: string) => { if (!flags.quiet) process.stderr.write(`${line}\n`); };
  say(`${m.jobs.length} jobs: ${skipped} already complete, ${todo.length} to run`);
  const t0 = performance.now();
  let done = 0;
  let last = t0;
  const stop = stopOnSignals(m, () => `${skipped + done} of ${m.jobs.length} jobs are complete in ${dir}/results; run the same command again to resume`);
  // network jobs run for hours: where each stands, at most once a minute a job
  const shownAt = new Map<number, number>();
  const onJobProgress = (job: SweepJob, t: number, end: number) => {
    const now = performance.now();
    if (now - (shownAt.get(job.index) ?? -Infinity) < 60_000 && t < end) return;
    shownAt.set(job.index, now);
    say(`job ${job.index} (${describePoint(job.point)}): t = ${t.toFixed(1)} s of ${end} s (${Math.floor((100 * t) / end)} %)`);
  };
  await runSweepJobs(m, todo, {
    workers: flags.workers, ranOn: `${hostname()}:${process.pid}`, ...jobPlaces(dir), signal: stop.signal, onJobStopped: stop.onJobStopped, onJobProgress,
    onJobDone: (_job, r) => {
      storeJobResult(dir, r);
      done++;
      const now = performance.now();
      if (now - last > 2000 || done === todo.length) {
        last = now;
        say(`${skipped + done}/${m.jobs.length} jobs complete (${((now - t0) / 1000).toFixed(1)} s)`);
      }
    },
  });
  const code = stop.finish();
  if (code !== undefined) {
    process.exitCode = code;
    return;
  }
  const { paths } = await aggregate(dir, m);
  process.stdout.write(`${m.jobs.length} jobs complete (${todo.length} run now, ${((performance.now() - t0) / 1000).toFixed(1)} s); ${paths.join(', ')}\n`);
}

async function runJobCommand(dir: string, flags: { index: number; workers?: number }): Promise<void> {
  const m = manifestOf(dir);
  const job = m.jobs[flags.index];
  if (!job) usageError(`--index ${flags.index} is invalid; allowed: 0 to ${m.jobs.length - 1} (the manifest has ${m.jobs.length} jobs)`);
  if (readJobResult(dir, m, job)) {
    process.stdout.write(`job ${job.index} (${job.id}) is already complete\n`);
    return;
  }
  let complete = false;
  const stop = stopOnSignals(m, () => (complete ? `job ${job.index} is complete` : `job ${job.index} is not complete; run the same task again to continue it`));
  await runSweepJobs(m, [job], {
    workers: flags.workers ?? 1, ranOn: `${hostname()}:${process.pid}`, ...jobPlaces(dir), signal: stop.signal, onJobStopped: stop.onJobStopped,
    onJobDone: (_j, r) => {
      storeJobResult(dir, r);
      complete = true;
    },
  });
  const code = stop.finish();
  if (code !== undefined && !complete) {
    process.exitCode = code;
    return;
  }
  process.stdout.write(`job ${job.index} (${job.id}) complete\n`);
}

interface BrokerFlags { broker?: string; queue: string }

async function collectCommand(dir: string, flags: BrokerFlags): Promise<void> {
  const m = manifestOf(dir);
  const { paths, missing } = await aggregate(dir, m);
  if (missing > 0) {
    let why = '';
    if (flags.broker) {
      const s = await viaBroker(() => brokerStatus(dir, m, { broker: flags.broker!, queue: flags.queue }));
      why = `; queue: ${Object.entries(s.states).map(([k, v]) => `${k} ${v}`).join(', ')}${s.failures.map((f) => `\n  failed ${f.jobs}: ${f.reason}`).join('')}`;
    }
    process.stderr.write(`calcitag: ${missing} of ${m.jobs.length} jobs have no result yet in ${dir}/results; nothing collected${why}\n`);
    process.exit(1);
  }
  process.stdout.write(`${m.jobs.length} jobs collected: ${paths.join(', ')}\n`);
}

async function statusCommand(dir: string, flags: BrokerFlags & { json?: boolean }): Promise<void> {
  const m = manifestOf(dir);
  const pending = pendingJobs(dir, m);
  const complete = m.jobs.length - pending.length;
  const queue = flags.broker ? await viaBroker(() => brokerStatus(dir, m, { broker: flags.broker!, queue: flags.queue })) : undefined;
  // unfinished network jobs that saved checkpoints: how far each got (however it runs: pool, SLURM, BullMQ)
  const durationOf = (job: SweepJob) => Number(job.point.duration_s ?? m.base.duration_s);
  const saved = m.checkpoint_every_s !== undefined ? savedProgress(dir, pending) : [];
  if (flags.json) {
    const savedJson = saved.map((p) => ({ index: p.job.index, id: p.job.id, t_s: p.t_s, duration_s: durationOf(p.job), saved_at: p.saved.toISOString() }));
    process.stdout.write(JSON.stringify({ jobs: m.jobs.length, complete, ...(saved.length > 0 ? { saved: savedJson } : {}), ...(queue ? { queue } : {}) }) + '\n');
    return;
  }
  const lines = [`${m.name}: ${complete} of ${m.jobs.length} jobs complete (results in ${join(dir, 'results')})`];
  for (const p of saved) {
    const of = durationOf(p.job);
    lines.push(`  job ${p.job.index} (${describePoint(p.job.point)}): saved at t = ${p.t_s} s of ${of} s (${((100 * p.t_s) / of).toFixed(0)} %), ${p.saved.toISOString()}`);
  }
  if (queue) {
    lines.push(`queue ${flags.queue}: ${Object.entries(queue.states).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    // BullMQ's progress is 0 until the job's first report (at most one a second)
    for (const a of queue.active) lines.push(`  running ${a.jobs}: ${a.progress && typeof a.progress === 'object' ? JSON.stringify(a.progress) : 'started'}`);
    for (const f of queue.failures) lines.push(`  failed ${f.jobs}: ${f.reason}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

async function submitCommand(dir: string, flags: BrokerFlags & { attempts: number; batch?: number }): Promise<void> {
  const m = manifestOf(dir);
  const todo = pendingJobs(dir, m);
  const r = await viaBroker(() => submitSweep(dir, m, todo, { broker: flags.broker!, queue: flags.queue, attempts: flags.attempts, batch: flags.batch }));
  const batches = r.batch > 1 && r.queueJobs > 0 ? ` (${r.queueJobs} queue jobs of up to ${r.batch})` : '';
  process.stdout.write(`${m.jobs.length - todo.length} jobs already complete; queued ${r.added} new${batches}, retried ${r.retried} failed, ${r.queued} already waiting or running, on queue '${flags.queue}' of ${flags.broker}\n`);
}

function slurmCommand(dir: string, flags: { out?: string; cpusPerTask: number; time?: string; partition?: string; account?: string; mem?: string; maxParallel?: number }): void {
  const m = manifestOf(dir);
  if (flags.time !== undefined && !/^(\d+-)?\d{1,2}(:\d{2}){0,2}$/.test(flags.time)) usageError(`--time '${flags.time}' is invalid; allowed: SLURM's [days-]hours:minutes:seconds, e.g. 00:30:00`);
  const path = flags.out ?? join(dir, 'sweep.slurm');
  mkdirSync(join(dir, 'slurm'), { recursive: true });
  writeFileAtomic(path, slurmScript(dir, m, flags, VERSION));
  process.stdout.write(`${path}: a job array of ${m.jobs.length} tasks; submit with \`sbatch ${path}\`, then \`calcitag sweep collect ${dir}\`\n`);
}

const brokerOption = (c: Command, required: boolean) => {
  const desc = 'Redis URL of the BullMQ broker, e.g. redis://host:6379';
  (required ? c.requiredOption('--broker <url>', desc) : c.option('--broker <url>', desc))
    .option('--queue <name>', 'BullMQ queue name', DEFAULT_QUEUE);
  return c;
};

export function registerSweep(program: Command): void {
  const sweep = program.command('sweep').description('parameter sweeps: plan a manifest, run it on all cores, on BullMQ workers or as a SLURM array, collect the table');
  sweep.command('plan').description('expand an experiment file with a sweep section into DIR/manifest.json')
    .argument('<spec>', 'experiment file (YAML or JSON) with a sweep section: single-synapse protocols, or a network (one network per job)')
    .requiredOption('--out <dir>', 'sweep folder to create')
    .option('--force', 'write into a folder that already holds files (results that still match are kept)')
    .option('--checkpoint-every <s>', 'network sweeps: each job saves its state every s simulated seconds to DIR/checkpoints/, and a job run again continues from its latest one (bit for bit)', parseCheckpointEvery)
    .action(planCommand);
  sweep.command('run').description('run every job without a complete result on this machine\'s cores, then write the table and class map')
    .argument('<dir>', 'sweep folder')
    .option('--workers <n>', 'worker threads (default: all cores)', parseInteger('--workers', 0, 1024))
    .option('--quiet', 'no progress lines')
    .action(runCommand);
  sweep.command('run-job').description('run one job of the manifest (a SLURM array task)')
    .argument('<dir>', 'sweep folder')
    .requiredOption('--index <i>', 'job index in the manifest (0-based)', parseInteger('--index', 0))
    .option('--workers <n>', 'worker threads (default 1)', parseInteger('--workers', 0, 1024))
    .action(runJobCommand);
  brokerOption(sweep.command('collect').description('gather the result files into sweep.csv, sweep.arrow and the class map')
    .argument('<dir>', 'sweep folder'), false).action(collectCommand);
  brokerOption(sweep.command('status').description('how many jobs are complete (and, with --broker, where the others stand in the queue)')
    .argument('<dir>', 'sweep folder'), false).option('--json', 'print one JSON object').action(statusCommand);
  brokerOption(sweep.command('submit').description('enqueue every job without a complete result on BullMQ (run `calcitag worker` to process them)')
    .argument('<dir>', 'sweep folder on a file system every worker sees'), true)
    .option('--attempts <n>', 'tries per job (after an error or a lost worker)', parseInteger('--attempts', 1, 100), 3)
    .option('--batch <n>', 'manifest jobs per queue job (default: single-synapse jobs grouped to ≥ 1 000 trials, in at least 32 queue jobs; network jobs alone); each job still writes its own result', parseInteger('--batch', 1, 100_000))
    .action(submitCommand);
  sweep.command('slurm').description('write a SLURM job-array script: array task i runs `calcitag sweep run-job DIR --index i`')
    .argument('<dir>', 'sweep folder on the cluster\'s shared file system')
    .option('--out <file>', 'script path (default DIR/sweep.slurm)')
    .option('--cpus-per-task <n>', 'CPUs per array task (its worker threads)', parseInteger('--cpus-per-task', 1, 1024), 1)
    .option('--time <limit>', 'wall-time limit per task, e.g. 00:30:00')
    .option('--partition <name>', 'SLURM partition')
    .option('--account <name>', 'SLURM account')
    .option('--mem <size>', 'memory per task, e.g. 2G')
    .option('--max-parallel <n>', 'array tasks running at once', parseInteger('--max-parallel', 1))
    .action(slurmCommand);
}

