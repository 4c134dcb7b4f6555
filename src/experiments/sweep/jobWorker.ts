/**
 * Worker-thread entry of the sweep job pool (run.ts): receives the manifest once, then runs whole jobs
 * (every protocol's trials and their reduction, in this thread) and posts back each job's summary.
 */
import { parentPort } from 'node:worker_threads';
import type { SweepManifest } from './plan.js';
import { runJobHere, type FromJobWorker, type ToJobWorker } from './run.js';

let manifest: SweepManifest | undefined;
let ranOn: string | undefined;

parentPort!.on('message', (msg: ToJobWorker) => {
  if (msg.type === 'init') {
    manifest = msg.manifest;
    ranOn = msg.ranOn;
  } else if (msg.type === 'job') {
    let out: FromJobWorker;
    try {
      out = { type: 'done', index: msg.index, result: runJobHere(manifest!, manifest!.jobs[msg.index]!, ranOn) };
    } catch (e) {
      out = { type: 'error', index: msg.index, message: (e as Error).message.split('\n')[0]! };
    }
    parentPort!.postMessage(out);
  } else {
    parentPort!.close();
  }
});
