/**
 * A BullMQ worker for sweep jobs: `concurrency` jobs at once, each in a sandboxed worker thread
 * (processor.ts). BullMQ brings the fault handling: a job whose worker died keeps its lock only until
 * `lockDuration` runs out; the stalled-job check of any live worker then puts it back in the queue
 * (once; a second loss fails it), and a job that threw is retried with exponential backoff up to its
 * `attempts`. Together with the result files (written atomically, checked before a job runs) every job
 * ends up with exactly one complete result.
 */
import { Worker, type Job } from 'bullmq';
import { brokerConnection, DEFAULT_QUEUE, describeQueued, type SweepJobMessage } from './broker.js';
import type { ProcessorReturn } from './processor.js';
import { builtScript } from '../experiments/builtScript.js';

export interface SweepWorkerOptions {
  readonly broker: string;
  readonly queue?: string;
  /** Jobs at once (default 1). */
  readonly concurrency?: number;
  /** How long a job's lock lasts without renewal, ms (default 30 000): how soon a lost worker's job is rerun. */
  readonly lockMs?: number;
  /** How often this worker looks for stalled jobs, ms (default lockMs). */
  readonly stalledMs?: number;
  /** One line per event (started, progress, completed, failed, stalled). */
  readonly log?: (line: string) => void;
}

/** The processor script: processor.js beside this module; from TypeScript sources (tests), the build in dist/. */
export function processorUrl(): URL {
  return builtScript(import.meta.url, 'distributed/processor.js');
}

const label = (job: Job<SweepJobMessage> | undefined) => (job ? describeQueued(job.data.jobs) : '?');

/** What a completed queue job adds to its log line: the jobs whose results were there already. */
const skippedNote = (r: ProcessorReturn | undefined): string => {
  if (!r || r.skipped === 0) return '';
  return r.ran === 0 ? (r.skipped === 1 ? ' (result already there)' : ' (results already there)') : ` (${r.skipped} of ${r.ran + r.skipped} results already there)`;
};

/** Starts a worker; it runs until `close()`. */
export async function startSweepWorker(opts: SweepWorkerOptions): Promise<Worker<SweepJobMessage, ProcessorReturn>> {
  const lockDuration = opts.lockMs ?? 30_000;
  const log = opts.log ?? (() => undefined);
  const worker = new Worker<SweepJobMessage, ProcessorReturn>(opts.queue ?? DEFAULT_QUEUE, processorUrl(), {
    connection: brokerConnection(opts.broker),
    concurrency: opts.concurrency ?? 1,
    useWorkerThreads: true,
    lockDuration,
    stalledInterval: opts.stalledMs ?? lockDuration,
    maxStalledCount: 1,
    autorun: false,
  });
  worker.on('active', (job) => log(`started ${label(job)}`));
  worker.on('progress', (job, p) => log(`progress ${label(job)} ${JSON.stringify(p)}`));
  worker.on('completed', (job, r) => log(`completed ${label(job)}${skippedNote(r)}`));
  worker.on('failed', (job, err) => log(`failed ${label(job)}: ${err.message.split('\n')[0]} (attempt ${job?.attemptsMade ?? '?'})`));
  worker.on('stalled', (jobId) => log(`stalled ${jobId}: its worker was lost; queued again`));
  let ready = false;
  // before it is ready, a connection error is reported once, by the rejected waitUntilReady
  worker.on('error', (err) => { if (ready) log(`error: ${err.message.split('\n')[0]}`); });
  await worker.waitUntilReady();
  ready = true;
  void worker.run();
  return worker;
}
