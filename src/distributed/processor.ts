/**
 * BullMQ's sandboxed processor of sweep jobs: runs in a worker thread of `calcitag worker` (so the
 * worker's main thread keeps renewing the job locks while trials run), reads the manifest from the
 * sweep folder and runs the queue job's manifest jobs one after the other (one, or a batch: batches.ts):
 * each job's trials (or network, from its latest checkpoint when the sweep keeps them), its result file
 * written atomically as soon as it is done. A job whose complete result already exists (e.g. written by a
 * worker that died before it could report, or earlier in a batch that was lost) is not run again.
 * A network job stopped by its worker (`calcitag worker` on SIGTERM, io/stopFiles.ts) saves its state and
 * goes back to the queue without counting an attempt: any worker continues it from there.
 */
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { SandboxedJob } from 'bullmq';
import { RunStopped } from '../engines/networkTypes.js';
import { runJob } from '../experiments/sweep/run.js';
import type { SweepManifest } from '../experiments/sweep/plan.js';
import { MANIFEST_FILE, readJobResult, readManifest } from '../io/sweepFiles.js';
import { storeJobResult, sweepCheckpoints } from '../io/sweepCheckpoints.js';
import type { SweepJobMessage } from './broker.js';
import { stopFile as stopFileOf } from '../io/stopFiles.js';

/** What a finished queue job returns (kept by BullMQ: small on purpose, the results are in the folder). */
export interface ProcessorReturn {
  /** Manifest jobs run here. */
  readonly ran: number;
  /** Manifest jobs whose complete result was already there. */
  readonly skipped: number;
}

/** The last manifest read per sweep folder, reused while the file is unchanged (a thread runs many jobs of one sweep). */
const manifests = new Map<string, { key: string; manifest: SweepManifest }>();

function manifestOf(dir: string): SweepManifest {
  let st;
  try {
    st = statSync(join(dir, MANIFEST_FILE));
  } catch {
    return readManifest(dir); // throws the one-line reason
  }
  const key = `${st.mtimeMs}:${st.size}:${st.ino}`;
  const hit = manifests.get(dir);
  if (hit && hit.key === key) return hit.manifest;
  const manifest = readManifest(dir);
  manifests.set(dir, { key, manifest });
  return manifest;
}

/** Progress goes to the broker at most once a second (each report is a Redis round trip). */
const BROKER_PROGRESS_MS = 1000;

export default async function processSweepJob(job: SandboxedJob<SweepJobMessage, ProcessorReturn>, token?: string): Promise<ProcessorReturn> {
  const { dir, jobs } = job.data;
  const m = manifestOf(dir);
  const specs = jobs.map(({ index, id }) => {
    const spec = m.jobs[index];
    if (!spec || spec.id !== id) throw new Error(`job ${index} of ${dir} is not ${id}: the manifest changed since the sweep was submitted`);
    return spec;
  });
  const trialsPerJob = m.trials_per_point * m.protocols.length;
  const total = trialsPerJob * specs.length;
  let done = 0, ran = 0, skipped = 0;
  let last = performance.now();
  /** Whether a progress report is due (at most one a second). */
  const due = () => {
    const now = performance.now();
    if (now - last < BROKER_PROGRESS_MS) return false;
    last = now;
    return true;
  };
  const stopFile = stopFileOf('worker', process.pid);
  for (const spec of specs) {
    if (readJobResult(dir, m, spec)) {
      skipped++;
      done += trialsPerJob;
      continue;
    }
    const result = await runJob(m, spec, {
      ranOn: `${hostname()}:${process.pid}`, checkpoints: sweepCheckpoints(dir),
      shouldStop: () => existsSync(stopFile),
      onTrial: () => {
        done++;
        if (due()) void job.updateProgress({ trials_done: done, trials: total });
      },
      onProgress: (t, end) => { if (due()) void job.updateProgress({ job: spec.index, t_s: Math.round(t * 1000) / 1000, duration_s: end }); },
    }).catch(async (e: unknown) => {
      if (!(e instanceof RunStopped) || token === undefined) throw e;
      await job.moveToWait(token); // not a failure: the job was asked to stop, and saved where it stood
      // loaded here, not at the top: BullMQ costs a sandbox thread ≈ 180 ms to load, and only this line needs it
      const { WaitingError } = await import('bullmq');
      throw new WaitingError();
    });
    storeJobResult(dir, result); // the result, then the job's checkpoints (if any) removed
    ran++;
  }
  return { ran, skipped };
}
