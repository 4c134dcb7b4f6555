/**
 * How a sweep's jobs are grouped into queue jobs. Every queue job costs its worker a few milliseconds of
 * broker traffic and bookkeeping (fetch, lock, the sandbox's messages, completion), which is as much as a
 * small single-synapse job computes (100 trials of STET on the exact engine: ≈ 12 ms). Small jobs
 * therefore travel in batches of consecutive manifest jobs; a batch is still run job by job, each with
 * its own result file, so a worker lost in the middle of a batch loses only the job it was running (the
 * rerun skips the jobs whose results exist). Network jobs (minutes to hours each) travel alone.
 *
 * Batches are cut from the manifest's order, not from what is left to do, so that a batch has the same
 * queue id on every submit of the same size (submitting again stays idempotent).
 */
import type { SweepJob, SweepManifest } from '../experiments/sweep/plan.js';

/** Trials a batch of single-synapse jobs should hold at least (≈ 0.1–1 s of an exact-engine worker). */
export const BATCH_TRIALS = 1000;
/** Batches a sweep should be cut into at least, so that many workers still share it. */
export const MIN_BATCHES = 32;

/** The default batch size of a sweep: 1 for networks and for sweeps too small to share otherwise. */
export function defaultBatchSize(m: SweepManifest): number {
  if (m.kind === 'network') return 1;
  const trialsPerJob = Math.max(1, m.trials_per_point * Math.max(1, m.protocols.length));
  const bySize = Math.ceil(BATCH_TRIALS / trialsPerJob);
  const byCount = Math.max(1, Math.floor(m.jobs.length / MIN_BATCHES));
  return Math.max(1, Math.min(bySize, byCount));
}

/** Batch b of size k holds manifest jobs b·k … b·k + k − 1: the batches that hold at least one of `todo`. */
export function batchesOf(m: SweepManifest, todo: readonly SweepJob[], size: number): SweepJob[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`batch size ${size} is invalid; allowed: an integer ≥ 1`);
  const wanted = new Set<number>();
  for (const job of todo) wanted.add(Math.floor(job.index / size));
  return [...wanted].sort((a, b) => a - b).map((b) => m.jobs.slice(b * size, (b + 1) * size));
}
