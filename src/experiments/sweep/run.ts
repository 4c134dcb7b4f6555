/**
 * Runs sweep jobs on this machine's cores, two ways with the same numbers:
 *  - many jobs (at least 2 per thread): a job pool (jobWorker.ts) — each thread runs whole jobs, trials
 *    and reduction, and sends back only the job's summary, so no thread waits on another's chunk and
 *    the main thread only writes files;
 *  - few jobs (e.g. one SLURM task with several CPUs): the ensemble pool (parallel.ts), which splits
 *    each job's trials across threads and reduces them in trial order.
 * Each job is handed to `onJobDone` as soon as it is complete (the caller stores it atomically; a crash
 * loses only the jobs in flight). A trial's streams are keyed by (job seed, trial, purpose), and both
 * paths reduce trials in trial order with the same code, so results are bit-identical for any thread
 * count and either path (the sweep tests compare them).
 */
import { VERSION } from '../../version.js';
import { runEnsemble, type EnsembleResult } from '../ensemble.js';
import { experimentRunConfig } from '../experiment.js';
import { defaultWorkerCount, runEnsemblesParallel } from '../parallel.js';
import { ensembleConfigs } from '../protocolRun.js';
import { jobExperiment, type SweepJob, type SweepManifest } from './plan.js';
import { runNetworkJob } from './network.js';
import { summarizeJob, type JobResult } from './results.js';
import type { NetworkCheckpointOptions } from '../../engines/networkTypes.js';
import { builtScript } from '../builtScript.js';

export interface SweepRunOptions {
  /** Worker threads (default: all cores); 0 runs in this thread. */
  readonly workers?: number;
  /** Jobs per ensemble-pool batch (bounds memory: a batch's ensembles are held until it ends; default 256). */
  readonly batchJobs?: number;
  /** Called once per finished job (in the order jobs finish). */
  readonly onJobDone: (job: SweepJob, result: JobResult) => void;
  /**
   * Stops handing out jobs (finished jobs are kept). Running network jobs of the job pool stop at their
   * next chunk (about a simulated second), saving their state first where they keep checkpoints, and go
   * to onJobStopped; other running jobs finish.
   */
  readonly signal?: AbortSignal;
  /** A network job stopped by `signal` before its end (the engine's one-line RunStopped message). */
  readonly onJobStopped?: (job: SweepJob, message: string) => void;
  /**
   * A network job of the job pool has reached simulated time t_s of duration_s (each whole per cent, at
   * most one report a job every {@link PROGRESS_MS}).
   */
  readonly onJobProgress?: (job: SweepJob, t_s: number, duration_s: number) => void;
  /** Recorded in each result (host:pid). */
  readonly ranOn?: string;
  /** Network jobs' checkpoints in this thread (workers 0). */
  readonly checkpoints?: JobCheckpointProvider;
  /**
   * The sweep folder, for the job pool's threads: their entry (jobWorkerUrl) may keep network jobs'
   * checkpoints there (cli/sweepJobWorker.ts does; the default entry keeps none).
   */
  readonly dir?: string;
  /** Called after every trial run in this thread or reduced from the ensemble pool (progress). */
  readonly onTrial?: () => void;
  /** Worker scripts (tests): the ensemble pool's and the job pool's. */
  readonly workerUrl?: URL;
  readonly jobWorkerUrl?: URL;
}

/** Runs one job in this thread: its protocols' ensembles one after the other (single-synapse sweeps). */
export function runJobHere(m: SweepManifest, job: SweepJob, ranOn?: string, onTrial?: () => void): JobResult {
  if (m.kind === 'network') throw new Error('a network sweep\'s jobs run with runJob (they resolve their network asynchronously)');
  const results = ensembleConfigs(experimentRunConfig(jobExperiment(m, job))).map((cfg) => runEnsemble(cfg, onTrial));
  return summarizeJob(job, VERSION, results, ranOn);
}

/** A network job's checkpoints, as the host keeps them (io/sweepCheckpoints.ts): what to pass the engine, and where it resumes. */
export interface JobCheckpoints {
  readonly options: NetworkCheckpointOptions;
  /** Simulated time of the checkpoint it continues from, s (none: from the start). */
  readonly resumedAt_s?: number;
}

/** The checkpoints of a job of manifest m (undefined: none, e.g. the manifest asks for none). */
export type JobCheckpointProvider = (m: SweepManifest, job: SweepJob) => JobCheckpoints | undefined;

/** Where and how a job runs, beside the manifest: all optional. */
export interface JobContext {
  /** Recorded in the result (host:pid). */
  readonly ranOn?: string;
  /** A network job's checkpoints (the host's files: this layer does no I/O). */
  readonly checkpoints?: JobCheckpointProvider;
  /** After every trial of a single-synapse job (progress). */
  readonly onTrial?: () => void;
  /** Now and then in a network job: the simulated time reached and the run's duration, s (progress). */
  readonly onProgress?: (t_s: number, duration_s: number) => void;
  /** Polled by a network job between chunks of steps: once true it stops (engines' RunStopped). */
  readonly shouldStop?: () => boolean;
}

/** Runs one job of any sweep in this thread: a network job (sweep/network.ts) or protocol ensembles. */
export async function runJob(m: SweepManifest, job: SweepJob, ctx: JobContext = {}): Promise<JobResult> {
  return m.kind === 'network' ? runNetworkJob(m, job, ctx) : runJobHere(m, job, ctx.ranOn, ctx.onTrial);
}


/** Runs `jobs` of manifest `m`; returns how many finished. */
export async function runSweepJobs(m: SweepManifest, jobs: readonly SweepJob[], opts: SweepRunOptions): Promise<number> {
  const workers = opts.workers ?? (await defaultWorkerCount());
  if (workers === 0) {
    let n = 0;
    for (const job of jobs) {
      if (opts.signal?.aborted) break;
      opts.onJobDone(job, await runJob(m, job, { ranOn: opts.ranOn, checkpoints: opts.checkpoints, onTrial: opts.onTrial }));
      n++;
    }
    return n;
  }
  // a network job is one simulation: whole jobs per thread, however few
  if (jobs.length >= 2 * workers || m.kind === 'network') return runJobPool(m, jobs, workers, opts);
  return runOnEnsemblePool(m, jobs, workers, opts);
}

async function runOnEnsemblePool(m: SweepManifest, jobs: readonly SweepJob[], workers: number, opts: SweepRunOptions): Promise<number> {
  const batch = opts.batchJobs ?? 256;
  let finished = 0;
  for (let b = 0; b < jobs.length; b += batch) {
    if (opts.signal?.aborted) break;
    const group = jobs.slice(b, b + batch);
    const owner: number[] = [];
    const configs = group.flatMap((job, j) => {
      const cs = ensembleConfigs(experimentRunConfig(jobExperiment(m, job)));
      for (let k = 0; k < cs.length; k++) owner.push(j);
      return cs;
    });
    const got: EnsembleResult[][] = group.map(() => []);
    await runEnsemblesParallel(configs, {
      workers, workerUrl: opts.workerUrl,
      onTrial: opts.onTrial ? () => opts.onTrial : undefined,
      onEnsemble: (e, r) => {
        const j = owner[e]!;
        got[j]!.push(r);
        if (got[j]!.length === m.protocols.length) {
          opts.onJobDone(group[j]!, summarizeJob(group[j]!, VERSION, got[j]!, opts.ranOn));
          got[j] = []; // the ensembles (traces, rows) are not needed any more
          finished++;
        }
      },
    });
  }
  return finished;
}

/** The least time between two progress reports of one network job of the pool, ms. */
export const PROGRESS_MS = 2000;

/** Messages of the job pool (jobWorker.ts). */
export type ToJobWorker =
  | { type: 'init'; manifest: SweepManifest; ranOn?: string; dir?: string; /** Int32 flag: 1 once the pool is stopping. */ stop?: SharedArrayBuffer }
  | { type: 'job'; index: number }
  | { type: 'stop' };
export type FromJobWorker =
  | { type: 'progress'; index: number; t_s: number; duration_s: number }
  | { type: 'done'; index: number; result: JobResult }
  | { type: 'error'; index: number; message: string }
  | { type: 'stopped'; index: number; message: string };

/** The job worker script: jobWorker.js beside this module; from TypeScript sources (tests), the build in dist/. */
export function defaultJobWorkerUrl(): URL {
  return builtScript(import.meta.url, 'experiments/sweep/jobWorker.js');
}

async function runJobPool(m: SweepManifest, jobs: readonly SweepJob[], workers: number, opts: SweepRunOptions): Promise<number> {
  const { Worker } = await import('node:worker_threads');
  const url = opts.jobWorkerUrl ?? defaultJobWorkerUrl();
  // the threads' network jobs poll this flag (they run synchronously: no message reaches them mid-job)
  const stop = new Int32Array(new SharedArrayBuffer(4));
  opts.signal?.addEventListener('abort', () => Atomics.store(stop, 0, 1), { once: true });
  if (opts.signal?.aborted) Atomics.store(stop, 0, 1);
  return new Promise<number>((resolve, reject) => {
    const pool: InstanceType<typeof Worker>[] = [];
    let next = 0, running = 0, finished = 0, failed = false;
    const end = (err?: Error) => {
      if (failed) return;
      if (err) {
        failed = true;
        for (const w of pool) void w.terminate();
        reject(err);
      } else if (running === 0 && (next >= jobs.length || opts.signal?.aborted)) {
        for (const w of pool) w.postMessage({ type: 'stop' } satisfies ToJobWorker);
        resolve(finished);
      }
    };
    const feed = (w: InstanceType<typeof Worker>) => {
      if (next >= jobs.length || opts.signal?.aborted) return;
      running++;
      w.postMessage({ type: 'job', index: jobs[next++]!.index } satisfies ToJobWorker);
    };
    for (let i = 0; i < Math.min(workers, jobs.length); i++) {
      const w = new Worker(url);
      pool.push(w);
      w.on('message', (msg: FromJobWorker) => {
        if (failed) return;
        if (msg.type === 'progress') {
          opts.onJobProgress?.(m.jobs[msg.index]!, msg.t_s, msg.duration_s);
          return;
        }
        running--;
        if (msg.type === 'error') return end(new Error(`job ${msg.index} failed: ${msg.message}`));
        if (msg.type === 'stopped') {
          opts.onJobStopped?.(m.jobs[msg.index]!, msg.message);
          return end();
        }
        try {
          opts.onJobDone(m.jobs[msg.index]!, msg.result);
        } catch (e) {
          return end(e as Error);
        }
        finished++;
        feed(w);
        end();
      });
      w.on('error', (err) => end(err));
      w.on('exit', (code) => { if (code !== 0) end(new Error(`a sweep worker thread exited with code ${code}`)); });
      w.postMessage({ type: 'init', manifest: m, ranOn: opts.ranOn, dir: opts.dir, stop: stop.buffer as SharedArrayBuffer } satisfies ToJobWorker);
      feed(w);
    }
  });
}
