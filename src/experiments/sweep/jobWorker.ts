/**
 * Default worker-thread entry of the sweep job pool (run.ts): jobs without checkpoints (jobServer.ts).
 * `calcitag sweep run` uses cli/sweepJobWorker.ts, whose network jobs keep checkpoints in the sweep folder.
 */
import { serveSweepJobs } from './jobServer.js';

serveSweepJobs();
