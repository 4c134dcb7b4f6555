/**
 * Runs sweep jobs on this machine's cores with the ensemble worker pool (parallel.ts): the jobs'
 * protocol ensembles are fed to one pool in batches, so no core idles between jobs, and each job is
 * handed to `onJobDone` as soon as its last ensemble is reduced (the caller stores it atomically; a
 * crash loses only the jobs in flight). Results are bit-identical for any worker count, since each
 * trial's streams are keyed by (job seed, trial, purpose).
 */
import { VERSION } from '../../version.js';
import type { EnsembleResult } from '../ensemble.js';
import { experimentRunConfig } from '../experiment.js';
import { runEnsemblesParallel } from '../parallel.js';
import { ensembleConfigs } from '../protocolRun.js';
import { jobExperiment, type SweepJob, type SweepManifest } from './plan.js';
import { summarizeJob, type JobResult } from './results.js';

export interface SweepRunOptions {
  /** Worker threads (default: all cores); 0 runs in this thread. */
  readonly workers?: number;
  /** Jobs per pool batch (bounds memory: a batch's ensembles are held until it ends; default 256). */
  readonly batchJobs?: number;
  /** Called once per finished job, in manifest order within a batch. */
  readonly onJobDone: (job: SweepJob, result: JobResult) => void;
  /** Stops before the next batch (finished jobs are kept). */
  readonly signal?: AbortSignal;
  /** Recorded in each result (host:pid). */
  readonly ranOn?: string;
  /** Called after every reduced trial (progress). */
  readonly onTrial?: () => void;
  /** Worker script of the pool (tests). */
  readonly workerUrl?: URL;
}

/** Runs `jobs` of manifest `m`; returns how many finished. */
export async function runSweepJobs(m: SweepManifest, jobs: readonly SweepJob[], opts: SweepRunOptions): Promise<number> {
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
      workers: opts.workers, workerUrl: opts.workerUrl,
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
