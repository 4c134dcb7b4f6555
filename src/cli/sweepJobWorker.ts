/**
 * Worker-thread entry of `calcitag sweep run`'s job pool: the generic job server (experiments/sweep/
 * jobServer.ts) with network jobs' checkpoints in the sweep folder (io/sweepCheckpoints.ts), when the
 * manifest asks for them.
 */
import { serveSweepJobs } from '../experiments/sweep/jobServer.js';
import { sweepCheckpoints } from '../io/sweepCheckpoints.js';

serveSweepJobs(sweepCheckpoints);
