/**
 * Checkpoints of network sweep jobs (`calcitag sweep plan … --checkpoint-every S`): a job saves its
 * network's complete state every S simulated seconds to `DIR/checkpoints/<job id>-<network hash>/`, and a
 * job that starts where such a folder holds a checkpoint continues from the latest readable one — so a
 * job lost to a crash or a killed worker loses at most S simulated seconds, whichever runner (job pool,
 * BullMQ worker, SLURM task) takes it up again; one stopped by a signal (Ctrl-C, a SLURM time limit's
 * SIGTERM) saves where it stands first and loses nothing. The result equals an uninterrupted
 * run's bit for bit (engines/reference/networkCheckpoint.ts, fast/fastCheckpoint.ts). The folder is named
 * by the job's network hash too, so a sweep planned again with another network never resumes from it;
 * it is removed once the job's result file is written.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { NetworkCheckpoint } from '../engines/reference/networkCheckpoint.js';
import type { NetworkCheckpointOptions } from '../engines/networkTypes.js';
import type { SweepJob, SweepManifest } from '../experiments/sweep/plan.js';
import type { JobResult } from '../experiments/sweep/results.js';
import type { JobCheckpointProvider, JobCheckpoints } from '../experiments/sweep/run.js';
import { checkpointFiles, checkpointSaver, checkpointTime, readCheckpoint } from './networkCheckpointFile.js';
import { writeJobResult } from './sweepFiles.js';

export const CHECKPOINTS_DIR = 'checkpoints';
/** Checkpoints kept per job: the latest, and the one before in case the latest cannot be read. */
export const JOB_CHECKPOINTS_KEPT = 2;

/** The checkpoint folder of one job of the sweep in `dir`. */
export const jobCheckpointDir = (dir: string, job: Pick<SweepJob, 'id' | 'experiment_hash'>): string =>
  join(dir, CHECKPOINTS_DIR, `${job.id}-${job.experiment_hash.slice(0, 12)}`);

/** The job's latest readable checkpoint, newest first (an unreadable file is passed over), or undefined. */
function latestReadable(folder: string): { path: string; cp: NetworkCheckpoint } | undefined {
  for (const name of checkpointFiles(folder).reverse()) {
    try {
      return { path: join(folder, name), cp: readCheckpoint(join(folder, name)) };
    } catch {
      // a file cut short by a full disk or a foreign file: the one before it is complete (written atomically)
    }
  }
  return undefined;
}

/**
 * The checkpoints of the network jobs of the sweep in `dir`: none unless the manifest asks for them; else
 * a job saves every `checkpoint_every_s` into its folder (keeping {@link JOB_CHECKPOINTS_KEPT}) and resumes
 * from the latest readable one there.
 */
export function sweepCheckpoints(dir: string): JobCheckpointProvider {
  return (m: SweepManifest, job: SweepJob): JobCheckpoints | undefined => {
    const every = m.checkpoint_every_s;
    if (every === undefined) return undefined;
    const folder = jobCheckpointDir(dir, job);
    const found = latestReadable(folder);
    const options: NetworkCheckpointOptions = {
      every_s: every,
      borrow: true, // written out before the run goes on
      save: checkpointSaver(folder, JOB_CHECKPOINTS_KEPT),
      ...(found ? { resume: found.cp } : {}),
    };
    return found ? { options, resumedAt_s: found.cp.t_s } : { options };
  };
}

/** An unfinished job's latest checkpoint: its simulated time and when it was written. */
export interface SavedProgress {
  readonly job: SweepJob;
  readonly t_s: number;
  readonly saved: Date;
}

/**
 * Where the given (unfinished) jobs of the sweep in `dir` stand, by their latest checkpoint files (read from
 * the names and dates only: a checkpoint holds the whole network); jobs without one are left out.
 */
export function savedProgress(dir: string, jobs: readonly SweepJob[]): SavedProgress[] {
  const out: SavedProgress[] = [];
  for (const job of jobs) {
    const folder = jobCheckpointDir(dir, job);
    const name = checkpointFiles(folder).pop();
    if (!name) continue;
    out.push({ job, t_s: checkpointTime(name), saved: statSync(join(folder, name)).mtime });
  }
  return out;
}

/**
 * Removes the checkpoint folders of `dir` that belong to no job of `m` (a sweep planned again with
 * `--force`: a job whose network changed would never resume from them); returns how many.
 */
export function removeStaleCheckpoints(dir: string, m: SweepManifest): number {
  const root = join(dir, CHECKPOINTS_DIR);
  if (!existsSync(root)) return 0;
  const live = new Set(m.jobs.map((j) => basename(jobCheckpointDir(dir, j))));
  let n = 0;
  for (const name of readdirSync(root)) {
    if (live.has(name) || !/^j[0-9a-f]{16}-[0-9a-f]+$/.test(name)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    n++;
  }
  return n;
}

/** Stores a finished job's result (atomically), then removes its checkpoints: the result is the record now. */
export function storeJobResult(dir: string, r: JobResult): void {
  writeJobResult(dir, r);
  rmSync(jobCheckpointDir(dir, r), { recursive: true, force: true });
}
