/**
 * BullMQ's sandboxed processor of sweep jobs: runs in a worker thread of `calcitag worker` (so the
 * worker's main thread keeps renewing the job locks while trials run), reads the manifest from the
 * sweep folder, runs the job's trials and writes its result file atomically. A job whose complete
 * result already exists (e.g. written by a worker that died before it could report) is not run again.
 */
import { hostname } from 'node:os';
import type { SandboxedJob } from 'bullmq';
import { runSweepJobs } from '../experiments/sweep/run.js';
import { readJobResult, readManifest, writeJobResult } from '../io/sweepFiles.js';
import type { SweepJobMessage } from './broker.js';

/** What a finished queue job returns (kept by BullMQ: small on purpose, the result is in the folder). */
export interface ProcessorReturn {
  readonly id: string;
  readonly ran: boolean;
}

export default async function processSweepJob(job: SandboxedJob<SweepJobMessage, ProcessorReturn>): Promise<ProcessorReturn> {
  const { dir, id, index } = job.data;
  const m = readManifest(dir);
  const spec = m.jobs[index];
  if (!spec || spec.id !== id) throw new Error(`job ${index} of ${dir} is not ${id}: the manifest changed since the sweep was submitted`);
  if (readJobResult(dir, m, spec)) return { id, ran: false };
  const total = m.trials_per_point * m.protocols.length;
  let done = 0;
  let reported = 0;
  await runSweepJobs(m, [spec], {
    workers: 0,
    ranOn: `${hostname()}:${process.pid}`,
    onTrial: () => {
      done++;
      if (done - reported >= Math.max(1, total / 20)) {
        reported = done;
        void job.updateProgress({ trials_done: done, trials: total });
      }
    },
    onJobDone: (_j, r) => writeJobResult(dir, r),
  });
  return { id, ran: true };
}
