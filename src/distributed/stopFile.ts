/**
 * The file by which `calcitag worker` (process `pid`) asks its running network jobs to stop: they run
 * synchronously in BullMQ's sandbox threads, where no message arrives mid-job, and poll it once a
 * simulated second (engines' shouldStop). A module of its own so that the sandbox thread, which polls
 * it, does not load BullMQ.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const workerStopFile = (pid: number): string => join(tmpdir(), `calcitag-worker-${pid}.stop`);
