/**
 * The main-thread side of an experiment run in a worker thread (experimentWorker.ts): starts it,
 * forwards its progress, and stops it — gently (`interrupt`: the running trial stops at its next grid
 * point, the folder is closed with a note of how far the run got) or at once (`stopNow`: the thread is
 * terminated; the caller cleans the folder).
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { raiseInterruptFlag } from '../engines/interrupt.js';
import type { EnsembleSummary } from '../experiments/ensemble.js';
import type { ExperimentProgress, RunProgressNote } from '../experiments/experimentRun.js';
import type { RunConfig } from '../experiments/protocolRun.js';
import { writeFileAtomic } from '../io/files.js';
import { RESUME_DIR } from '../io/runResume.js';
import { builtScript } from '../experiments/builtScript.js';

/** What the worker runs: the experiment as read (overrides applied), its file, the folder, the flag. */
export interface ExperimentJob {
  readonly experiment: unknown;
  readonly source?: string;
  readonly outDir?: string;
  /** Continue the interrupted run in `outDir` (keep its finished protocols, see io/runResume.ts). */
  readonly resume?: boolean;
  readonly flag: Int32Array;
}

/** The part of an `ExperimentResult` the command prints (structured-cloned from the worker). */
export interface WorkerResult {
  readonly config: RunConfig;
  /** Without per-trial rows: the command prints statistics only, the rows are in the run folder. */
  readonly results: EnsembleSummary[];
  readonly summary: Record<string, unknown>;
  readonly progress: RunProgressNote;
  readonly warnings: string[];
  readonly runDir?: string;
  /** Protocols kept from the interrupted run (resuming). */
  readonly kept?: string[];
}

/** An error of the run, as plain data (errors lose their class crossing threads). */
export type WorkerError =
  | { readonly kind: 'nonfinite'; readonly message: string }
  | { readonly kind: 'other'; readonly name: string; readonly message: string; readonly code?: string; readonly syscall?: string; readonly path?: string };

export type FromExperimentWorker =
  | { readonly type: 'progress'; readonly progress: ExperimentProgress }
  | { readonly type: 'done'; readonly result: WorkerResult }
  | { readonly type: 'error'; readonly error: WorkerError };

/** A running experiment. */
export interface ExperimentRunHandle {
  /** Resolves with the result, or rejects with a {@link WorkerFailure} / a reconstructed system error. */
  readonly done: Promise<WorkerResult>;
  /** Stops the running trial at its next grid point; the run ends as interrupted. */
  interrupt(): void;
  /** Terminates the worker now (the promise then rejects with {@link StoppedAtOnce}). */
  stopNow(): Promise<void>;
}

/** The run's own failure: a non-finite state, reported as such by the caller. */
export class WorkerFailure extends Error {
  constructor(readonly error: WorkerError) {
    super(error.message);
  }
}

export class StoppedAtOnce extends Error {
  constructor() {
    super('stopped at once');
  }
}

/** The worker script: beside this module; from TypeScript sources (tests), the build in dist/. */
function workerUrl(): URL {
  return builtScript(import.meta.url, 'cli/experimentWorker.js');
}

/** An error of the worker as the CLI's error mapping expects it (errno fields, RangeError kept). */
function rebuild(e: WorkerError): Error {
  if (e.kind === 'nonfinite') return new WorkerFailure(e);
  const err: NodeJS.ErrnoException = e.name === 'RangeError' ? new RangeError(e.message) : new Error(e.message);
  if (e.code !== undefined) err.code = e.code;
  if (e.syscall !== undefined) err.syscall = e.syscall;
  if (e.path !== undefined) err.path = e.path;
  return err;
}

export function runExperimentInWorker(
  job: Omit<ExperimentJob, 'flag'>,
  onProgress: (p: ExperimentProgress) => void,
): ExperimentRunHandle {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(workerUrl(), { workerData: { ...job, flag } satisfies ExperimentJob });
  let stopped = false;
  const done = new Promise<WorkerResult>((resolve, reject) => {
    worker.on('message', (m: FromExperimentWorker) => {
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'done') resolve(m.result);
      else reject(rebuild(m.error));
    });
    worker.on('error', (e) => reject(e));
    worker.on('exit', (code) => {
      if (stopped) reject(new StoppedAtOnce());
      else reject(new Error(`the run's worker thread ended unexpectedly (exit code ${code})`));
    });
  });
  done.then(() => void worker.terminate(), () => void worker.terminate());
  return {
    done,
    interrupt: () => raiseInterruptFlag(flag),
    stopNow: async () => {
      stopped = true;
      await worker.terminate();
    },
  };
}

/** Removes this process's temporary files from a run folder (after a forced stop). */
export function removeTemporaries(dir: string): void {
  const marker = `.tmp-${process.pid}-`;
  for (const sub of [dir, join(dir, 'npy'), join(dir, RESUME_DIR)]) {
    if (!existsSync(sub)) continue;
    for (const f of readdirSync(sub)) if (f.includes(marker)) rmSync(join(sub, f), { force: true });
  }
}

/** How far a run got when it was stopped at once: what the main thread saw of its progress. */
export interface StoppedRun {
  readonly protocols: readonly string[];
  readonly trials: number;
  readonly completed: readonly string[];
  readonly current?: { readonly protocol: string; readonly trialsDone: number };
  /** summary.json as it would be with no protocol finished (used when none has). */
  readonly emptySummary: Record<string, unknown>;
}

/**
 * After a forced stop: unfinished (temporary) files removed, summary.json marked interrupted with how
 * far the run got (kept from the finished protocols, or written for none), and a line in log.txt.
 */
export function closeStoppedFolder(dir: string, run: StoppedRun): void {
  removeTemporaries(dir);
  const { completed, current } = run;
  const partial = current && current.trialsDone > 0 && !completed.includes(current.protocol)
    ? { protocol: current.protocol, trials_done: current.trialsDone, trials: run.trials } : undefined;
  const progress: RunProgressNote = {
    complete: false, interrupted: true, completed_protocols: [...completed], ...(partial ? { partial } : {}),
    not_started: run.protocols.filter((n) => !completed.includes(n) && n !== partial?.protocol),
  };
  try {
    const file = join(dir, 'summary.json');
    const summary = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : run.emptySummary;
    writeFileAtomic(file, JSON.stringify({ ...summary, interrupted: true, progress, stopped_at_once: true }, null, 2) + '\n');
    const running = partial ? `; ${partial.protocol}: ${partial.trials_done} of ${partial.trials} trials finished (not summarised)` : '';
    appendFileSync(join(dir, 'log.txt'), `${new Date().toISOString()} stopped at once (Ctrl-C twice): completed ${completed.join(', ') || 'no protocol'}${running}; not started: ${progress.not_started.join(', ') || 'none'}\n`);
  } catch {
    // the folder is unusable: the message on stderr says what happened
  }
}
