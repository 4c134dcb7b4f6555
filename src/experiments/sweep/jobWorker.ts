/**
 * Worker-thread entry of the sweep job pool (run.ts): receives the manifest once, then runs whole jobs
 * (every protocol's trials and their reduction, or one network, in this thread) and posts back each job's summary.
 */
import { parentPort } from 'node:worker_threads';
import type { SweepManifest } from './plan.js';
import { runJob, type FromJobWorker, type JobContext, type ToJobWorker } from './run.js';

let manifest: SweepManifest | undefined;
let ctx: JobContext = {};

// jobs come one at a time (the pool sends the next when this one is back), so awaiting one keeps the order
async function handle(msg: ToJobWorker): Promise<void> {
  if (msg.type === 'init') {
    manifest = msg.manifest;
    ctx = msg.ctx;
  } else if (msg.type === 'job') {
    let out: FromJobWorker;
    try {
      out = { type: 'done', index: msg.index, result: await runJob(manifest!, manifest!.jobs[msg.index]!, ctx) };
    } catch (e) {
      out = { type: 'error', index: msg.index, message: (e as Error).message.split('\n')[0]! };
    }
    parentPort!.postMessage(out);
  } else {
    parentPort!.close();
  }
}

parentPort!.on('message', (msg: ToJobWorker) => void handle(msg));
