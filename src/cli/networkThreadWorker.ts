/**
 * Worker-thread entry of a network split across threads (networkThreads.ts): runs rank `rank`'s part
 * with the engine's runNetworkPart, and on failure reports the error to rank 0 and fails the team so
 * that no rank waits for it. Modules are loaded inside the try, so a load error is reported too.
 */
import { workerData } from 'node:worker_threads';
import type { ThreadJob } from './networkThreads.js';

const job = workerData as ThreadJob;
let team: { fail(): void } | undefined;
try {
  const [{ getEngine }, { ThreadTeam, TeamAborted }] = await Promise.all([import('../engines/registry.js'), import('./networkThreads.js')]);
  const t = new ThreadTeam(job.rank, job.size, job.control, [job.port]);
  team = t;
  try {
    getEngine(job.engine).runNetworkPart!(job.spec, t);
    t.reportCpu();
  } catch (e) {
    if (!(e instanceof TeamAborted)) job.port.postMessage({ error: `thread ${job.rank}: ${(e as Error).message}` });
    t.fail();
  }
} catch (e) {
  job.port.postMessage({ error: `thread ${job.rank}: ${(e as Error).message}` });
  if (team) team.fail();
  else {
    const ctl = new Int32Array(job.control, 0, 4);
    Atomics.store(ctl, 2, 1);
    Atomics.notify(ctl, 1);
  }
} finally {
  job.port.close();
}
