/**
 * The broker side of distributed sweeps: BullMQ queues on Redis. A queue message names a sweep folder
 * and a job of its manifest — nothing else. Results do not travel back through Redis: each worker
 * writes `results/<job id>.json` into the sweep folder, which must be on a file system every worker
 * sees (NFS, Lustre, BeeGFS — what a cluster has, and what SLURM array tasks need anyway). Why: one
 * format and one resume rule for local, Redis and SLURM runs (a complete result file is a finished
 * job, whoever wrote it); Redis holds only small messages, so its memory does not grow with the
 * sweep's results; and `collect` works even after the queue is gone.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashText, type SweepJob, type SweepManifest } from '../experiments/sweep/plan.js';

/** The default queue all workers listen on (a message says which sweep folder it belongs to). */
export const DEFAULT_QUEUE = 'calcitag-sweeps';

/**
 * The file by which `calcitag worker` (process `pid`) asks its running network jobs to stop: they run
 * synchronously in BullMQ's sandbox threads, where no message arrives mid-job, and poll it once a
 * simulated second (engines' shouldStop).
 */
export const workerStopFile = (pid: number): string => join(tmpdir(), `calcitag-worker-${pid}.stop`);

/** What a queue message carries. */
export interface SweepJobMessage {
  /** Absolute path of the sweep folder (the same on every worker). */
  readonly dir: string;
  readonly id: string;
  readonly index: number;
}

/** A --broker URL that cannot be used; the message is one line. */
export class BrokerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerError';
  }
}

/** Checks a redis:// or rediss:// URL and returns BullMQ connection options for it. */
export function brokerConnection(url: string, flag = '--broker'): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BrokerError(`${flag} '${url}' is invalid; allowed: a Redis URL such as redis://host:6379 (or rediss:// for TLS)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new BrokerError(`${flag} '${url}' is invalid: the scheme is '${u.protocol.replace(/:$/, '')}'; allowed: redis, rediss`);
  }
  // workers block on Redis: BullMQ needs maxRetriesPerRequest null; a broker that is down fails fast
  return { url, maxRetriesPerRequest: null, connectTimeout: 5000, retryStrategy: (times: number) => (times > 3 ? null : 200 * times) };
}

/** The BullMQ job id of a sweep job: unique per sweep folder and job, and the same on every submit. */
export const queueJobId = (dir: string, job: SweepJob): string => `s${hashText(resolve(dir)).slice(0, 12)}-${job.id}`;

export interface SubmitOptions {
  readonly broker: string;
  readonly queue?: string;
  /** Tries per job (retries after an error or a worker lost twice), default 3. */
  readonly attempts?: number;
}

export interface SubmitReport {
  readonly added: number;
  /** Jobs that had failed and were put back to run again. */
  readonly retried: number;
  /** Jobs already waiting or running. */
  readonly queued: number;
}

async function withQueue<T>(broker: string, name: string, f: (q: Queue) => Promise<T>): Promise<T> {
  const q = new Queue(name, { connection: brokerConnection(broker) });
  q.on('error', () => undefined); // connection errors surface through waitUntilReady or the failing call, as one line
  try {
    await q.waitUntilReady().catch((e: Error) => {
      throw new BrokerError(`cannot reach the broker ${broker}: ${e.message.split('\n')[0]}`);
    });
    return await f(q);
  } finally {
    await q.close().catch(() => undefined);
  }
}

/**
 * Enqueues `jobs` (those without a result) of the sweep in folder `dir`. Idempotent: a job already
 * waiting or running is left alone, a failed one is retried, one completed but without its result
 * file (deleted since) is queued again.
 */
export async function submitSweep(dir: string, m: SweepManifest, jobs: readonly SweepJob[], opts: SubmitOptions): Promise<SubmitReport> {
  const abs = resolve(dir);
  const jobOpts: JobsOptions = { attempts: opts.attempts ?? 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false };
  return withQueue(opts.broker, opts.queue ?? DEFAULT_QUEUE, async (q) => {
    let retried = 0, queued = 0;
    const fresh: Array<{ name: string; data: SweepJobMessage; opts: JobsOptions }> = [];
    for (const job of jobs) {
      const jobId = queueJobId(abs, job);
      const existing = await q.getJob(jobId);
      const state = existing ? await existing.getState() : undefined;
      if (existing && state === 'failed') {
        await existing.retry();
        retried++;
        continue;
      }
      if (existing && state === 'completed') await existing.remove();
      else if (existing) {
        queued++;
        continue;
      }
      fresh.push({ name: m.name, data: { dir: abs, id: job.id, index: job.index }, opts: { ...jobOpts, jobId } });
    }
    for (let i = 0; i < fresh.length; i += 1000) await q.addBulk(fresh.slice(i, i + 1000));
    return { added: fresh.length, retried, queued };
  });
}

export interface BrokerStatus {
  /** Jobs of this sweep by BullMQ state (waiting, active, delayed, completed, failed, unknown = not in the queue). */
  readonly states: Record<string, number>;
  /** Failed jobs with BullMQ's reason (at most 10). */
  readonly failures: Array<{ index: number; id: string; reason: string }>;
  /** Running jobs with their progress (trials done / total). */
  readonly active: Array<{ index: number; id: string; progress: unknown }>;
}

/** Where every job of the sweep stands in the queue. */
export async function brokerStatus(dir: string, m: SweepManifest, opts: { broker: string; queue?: string }): Promise<BrokerStatus> {
  return withQueue(opts.broker, opts.queue ?? DEFAULT_QUEUE, async (q) => {
    const states: Record<string, number> = {};
    const failures: BrokerStatus['failures'] = [];
    const active: BrokerStatus['active'] = [];
    for (const job of m.jobs) {
      const j = await q.getJob(queueJobId(dir, job));
      const state = j ? await j.getState() : 'unknown';
      states[state] = (states[state] ?? 0) + 1;
      if (j && state === 'failed' && failures.length < 10) failures.push({ index: job.index, id: job.id, reason: j.failedReason });
      if (j && state === 'active') active.push({ index: job.index, id: job.id, progress: j.progress });
    }
    return { states, failures, active };
  });
}
