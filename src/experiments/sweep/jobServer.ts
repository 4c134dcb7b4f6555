/**
 * The job pool's side in a worker thread (run.ts): receives the manifest once, then runs whole jobs
 * (every protocol's trials and their reduction, or one network, in this thread) and posts back each job's
 * summary. The entry script chooses where network jobs keep checkpoints: jobWorker.ts none,
 * cli/sweepJobWorker.ts the sweep folder's (it may do I/O; this layer does not).
 */
import { parentPort } from 'node:worker_threads';
import { RunStopped } from '../../engines/networkTypes.js';
import type { SweepManifest } from './plan.js';
import { PROGRESS_MS, runJob, type FromJobWorker, type JobCheckpointProvider, type JobContext, type ToJobWorker } from './run.js';

/** Serves jobs on this thread's port; `checkpointsIn(dir)` gives network jobs' checkpoints in the sweep folder. */
export function serveSweepJobs(checkpointsIn?: (dir: string) => JobCheckpointProvider): void {
  let manifest: SweepManifest | undefined;
  let ctx: JobContext = {};
  // jobs come one at a time (the pool sends the next when this one is back), so awaiting one keeps the order
  const handle = async (msg: ToJobWorker): Promise<void> => {
    if (msg.type === 'init') {
      manifest = msg.manifest;
      const stop = msg.stop ? new Int32Array(msg.stop) : undefined;
      ctx = {
        ranOn: msg.ranOn, ...(msg.dir !== undefined && checkpointsIn ? { checkpoints: checkpointsIn(msg.dir) } : {}),
        ...(stop ? { shouldStop: () => Atomics.load(stop, 0) === 1 } : {}),
      };
    } else if (msg.type === 'job') {
      let out: FromJobWorker;
      // a network job reports each whole per cent, at most every PROGRESS_MS (posted while it runs: the
      // pool's thread is free to receive them)
      let shown = -1, last = -Infinity;
      const index = msg.index;
      const onProgress = (t_s: number, duration_s: number) => {
        const pct = Math.floor((100 * t_s) / duration_s), now = performance.now();
        if (pct <= shown || now - last < PROGRESS_MS) return;
        shown = pct;
        last = now;
        parentPort!.postMessage({ type: 'progress', index, t_s, duration_s } satisfies FromJobWorker);
      };
      try {
        out = { type: 'done', index: msg.index, result: await runJob(manifest!, manifest!.jobs[msg.index]!, { ...ctx, onProgress }) };
      } catch (e) {
        out = { type: e instanceof RunStopped ? 'stopped' : 'error', index: msg.index, message: (e as Error).message.split('\n')[0]! };
      }
      parentPort!.postMessage(out);
    } else {
      parentPort!.close();
    }
  };
  parentPort!.on('message', (msg: ToJobWorker) => void handle(msg));
}
