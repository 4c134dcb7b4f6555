/**
 * A sweep folder on disk:
 *   manifest.json         the plan (plan.ts)
 *   results/<job id>.json one finished job each, written atomically (temporary name, then rename), so
 *                         a file that exists is complete; a re-run skips those jobs
 *   sweep.csv, sweep.arrow the table (one row per job and protocol), CSV and Arrow IPC (Feather v2): sweepTables.ts
 *   curves.csv, curves.arrow network sweeps: each job's weight curves in long form (one row per job and time)
 *   rates.csv, rates.arrow   network sweeps: each job's population rates in long form (one row per job and window)
 *   classmap.svg/.png/.vl.json the outcome over the swept values (sweepPlot.ts)
 * The same folder serves a local run, BullMQ workers and SLURM array tasks (on a shared file system).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkManifest, type SweepJob, type SweepManifest } from '../experiments/sweep/plan.js';
import { isCompleteResult, type JobResult } from '../experiments/sweep/results.js';
import { writeFileAtomic } from './files.js';

export const MANIFEST_FILE = 'manifest.json';
export const RESULTS_DIR = 'results';

/** A sweep folder that cannot be used; the message is one line. */
export class SweepFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepFolderError';
  }
}

export function writeManifest(dir: string, m: SweepManifest): string {
  const p = join(dir, MANIFEST_FILE);
  writeFileAtomic(p, JSON.stringify(m, null, 1) + '\n');
  return p;
}

export function readManifest(dir: string): SweepManifest {
  const p = join(dir, MANIFEST_FILE);
  if (!existsSync(p)) throw new SweepFolderError(`${dir}: no ${MANIFEST_FILE} here; plan the sweep first (calcitag sweep plan SPEC --out ${dir})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new SweepFolderError(`${p}: cannot read the manifest (${(e as Error).message.split('\n')[0]})`);
  }
  try {
    return checkManifest(raw);
  } catch (e) {
    throw new SweepFolderError(`${p}: ${(e as Error).message}`);
  }
}

export const resultPath = (dir: string, id: string): string => join(dir, RESULTS_DIR, `${id}.json`);

/** The job's stored result when it is complete and belongs to this manifest's job; otherwise undefined. */
export function readJobResult(dir: string, m: SweepManifest, job: SweepJob): JobResult | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resultPath(dir, job.id), 'utf8'));
  } catch {
    return undefined; // absent or unreadable: the job runs (again)
  }
  return isCompleteResult(raw, job, m) ? raw : undefined;
}

export function writeJobResult(dir: string, r: JobResult): void {
  writeFileAtomic(resultPath(dir, r.id), JSON.stringify(r) + '\n');
}

/** Jobs without a complete result (one directory listing, then only the files that exist are read). */
export function pendingJobs(dir: string, m: SweepManifest): SweepJob[] {
  const present = new Set(existsSync(join(dir, RESULTS_DIR)) ? readdirSync(join(dir, RESULTS_DIR)) : []);
  return m.jobs.filter((j) => !present.has(`${j.id}.json`) || !readJobResult(dir, m, j));
}

/** Every job's complete result in manifest order, and the jobs that have none. */
export function collectResults(dir: string, m: SweepManifest): { results: JobResult[]; missing: SweepJob[] } {
  const results: JobResult[] = [];
  const missing: SweepJob[] = [];
  for (const j of m.jobs) {
    const r = readJobResult(dir, m, j);
    if (r) results.push(r);
    else missing.push(j);
  }
  return { results, missing };
}
