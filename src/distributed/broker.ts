/**
 * The broker side of distributed sweeps: BullMQ queues on Redis. A queue message names a sweep folder
 * and a job of its manifest — nothing else. Results do not travel back through Redis: each worker
 * writes `results/<job id>.json` into the sweep folder, which must be on a file system every worker
 * sees (NFS, Lustre, BeeGFS — what a cluster has, and what SLURM array tasks need anyway). Why: one
 * format and one resume rule for local, Redis and SLURM runs (a complete result file is a finished
 * job, whoever wrote it); Redis holds only small messages, so its memory does not grow with the
 * sweep's results; and `collect` works even after the queue is gone. Small jobs travel in batches
 * (batches.ts).
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { resolve } from 'node:path';
import { hashText, type SweepJob, type SweepManifest } from '../experiments/sweep/plan.js';
import { batchesOf, defaultBatchSize } from './batches.js';

/** The default queue all workers listen on (a message says which sweep folder it belongs to). */
export const DEFAULT_QUEUE = 'calcitag-sweeps';

/** One job of the manifest, as a queue message names it (the id guards against a manifest planned again). */
export interface QueuedJob {
  readonly index: number;
  readonly id: string;
}

/** What a queue message carries. */
export interface SweepJobMessage {
  /** Absolute path of the sweep folder (the same on every worker). */
  readonly dir: string;
  /** The manifest jobs it runs, in manifest order: one, or a batch of consecutive small jobs (batches.ts). */
  readonly jobs: readonly QueuedJob[];
}

/** A queue message's jobs for a log line: `j… (index 4)`, or `j… … j… (indices 10–19)` for a batch. */
export function describeQueued(jobs: readonly QueuedJob[]): string {
  const first = jobs[0], last = jobs[jobs.length - 1];
  if (!first || !last) return '(no jobs)';
  return jobs.length === 1 ? `${first.id} (index ${first.index})` : `${first.id} … ${last.id} (indices ${first.index}–${last.index})`;
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

/**
 * The BullMQ job id of a queue job: unique per sweep folder and batch, and the same on every submit of the
 * same batch size (a single job keeps the form it always had).
 */
export function queueJobId(dir: string, jobs: readonly SweepJob[]): string {
  const folder = `s${hashText(resolve(dir)).slice(0, 12)}`;
  return jobs.length === 1 ? `${folder}-${jobs[0]!.id}` : `${folder}-${jobs[0]!.id}-x${jobs.length}`;
}

export interface SubmitOptions {
  readonly broker: string;
  readonly queue?: string;
  /** Tries per job (retries after an error or a worker lost twice), default 3. */
  readonly attempts?: number;
  /** Manifest jobs per queue job (default: batches.ts defaultBatchSize). */
  readonly batch?: number;
}

/** What a submit did, in jobs of the manifest (those with a result not counted). */
export interface SubmitReport {
  readonly added: number;
  /** Jobs that had failed and were put back to run again. */
  readonly retried: number;
  /** Jobs already waiting or running. */
  readonly queued: number;
  /** Manifest jobs per queue job. */
  readonly batch: number;
  /** Queue jobs added. */
  readonly queueJobs: number;
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
 * Enqueues `jobs` (those without a result) of the sweep in folder `dir`, in batches (batches.ts).
 * Idempotent: a batch already waiting or running is left alone, a failed one is retried, one completed
 * but holding a job without its result file (deleted since) is queued again.
 */
export async function submitSweep(dir: string, m: SweepManifest, jobs: readonly SweepJob[], opts: SubmitOptions): Promise<SubmitReport> {
  const abs = resolve(dir);
  const batch = opts.batch ?? defaultBatchSize(m);
  const todo = new Set(jobs.map((j) => j.index));
  const jobOpts: JobsOptions = { attempts: opts.attempts ?? 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false };
  return withQueue(opts.broker, opts.queue ?? DEFAULT_QUEUE, async (q) => {
    let added = 0, retried = 0, queued = 0;
    const fresh: Array<{ name: string; data: SweepJobMessage; opts: JobsOptions }> = [];
    const batches = batchesOf(m, jobs, batch);
    // the existing queue jobs looked up concurrently, a few hundred at a time (one round trip each otherwise)
    for (let i = 0; i < batches.length; i += 256) {
      const part = batches.slice(i, i + 256);
      const found = await Promise.all(part.map(async (b) => {
        const existing = await q.getJob(queueJobId(abs, b));
        return { b, existing, state: existing ? await existing.getState() : undefined };
      }));
      for (const { b, existing, state } of found) {
        const pending = b.filter((j) => todo.has(j.index)).length;
        if (existing && state === 'failed') {
          await existing.retry();
          retried += pending;
          continue;
        }
        if (existing && state === 'completed') await existing.remove();
        else if (existing) {
          queued += pending;
          continue;
        }
        added += pending;
        fresh.push({ name: m.name, data: { dir: abs, jobs: b.map((j) => ({ index: j.index, id: j.id })) }, opts: { ...jobOpts, jobId: queueJobId(abs, b) } });
      }
    }
    for (let i = 0; i < fresh.length; i += 1000) await q.addBulk(fresh.slice(i, i + 1000));
    return { added, retried, queued, batch, queueJobs: fresh.length };
  });
}

export interface BrokerStatus {
  /**
   * Jobs of the manifest by the BullMQ state of the queue job that holds them (waiting, active, delayed,
   * completed, failed; unknown = in no queue job). A job in a running batch counts as active until the batch ends.
   */
  readonly states: Record<string, number>;
  /** Failed queue jobs with BullMQ's reason (at most 10); `jobs` names the manifest jobs they hold. */
  readonly failures: Array<{ index: number; id: string; jobs: string; reason: string }>;
  /** Running queue jobs with their progress (trials done / total, or simulated time). */
  readonly active: Array<{ index: number; id: string; jobs: string; progress: unknown }>;
}

/** The states a queue job of this sweep can be in, the more telling first (a job in two queue jobs counts once). */
const STATES = ['active', 'waiting', 'prioritized', 'delayed', 'waiting-children', 'failed', 'completed'] as const;

/**
 * Where every job of the sweep stands in the queue: the queue's jobs of this sweep folder, state by state
 * (whatever batch size they were submitted with).
 */
export async function brokerStatus(dir: string, m: SweepManifest, opts: { broker: string; queue?: string }): Promise<BrokerStatus> {
  const abs = resolve(dir);
  return withQueue(opts.broker, opts.queue ?? DEFAULT_QUEUE, async (q) => {
    const stateOf = new Map<number, string>();
    const failures: BrokerStatus['failures'] = [];
    const active: BrokerStatus['active'] = [];
    for (const state of STATES) {
      for (const j of await q.getJobs([state], 0, -1)) {
        const data = j?.data as SweepJobMessage | undefined;
        if (!data || data.dir !== abs || !Array.isArray(data.jobs)) continue;
        const mine = data.jobs.filter((x) => m.jobs[x.index]?.id === x.id);
        for (const x of mine) if (!stateOf.has(x.index)) stateOf.set(x.index, state);
        const head = mine[0];
        if (!head) continue;
        if (state === 'failed' && failures.length < 10) failures.push({ ...head, jobs: describeQueued(mine), reason: j.failedReason });
        if (state === 'active') active.push({ ...head, jobs: describeQueued(mine), progress: j.progress });
      }
    }
    const states: Record<string, number> = {};
    for (const job of m.jobs) {
      const state = stateOf.get(job.index) ?? 'unknown';
      states[state] = (states[state] ?? 0) + 1;
    }
    return { states, failures, active };
  });
}
