/**
 * The part of `calcitag run FILE` and `calcitag run FILE --resume DIR` that watches an experiment running
 * in its worker thread: progress (which protocols completed, how far the current one got), Ctrl-C (first:
 * stop the running trial and write what is complete; second: stop at once and close the folder), and the
 * run's own failures. The caller prints the result.
 */
import type { ResolvedExperiment } from '../experiments/experiment.js';
import { experimentRunConfig } from '../experiments/experiment.js';
import type { ExperimentProgress } from '../experiments/experimentRun.js';
import { summaryJson } from '../experiments/protocolRun.js';
import type { ProgressReporter } from '../io/progress.js';
import { stopNonFinite } from './errors.js';
import { closeStoppedFolder, runExperimentInWorker, StoppedAtOnce, WorkerFailure, type ExperimentJob, type WorkerResult } from './experimentRunner.js';

export interface WatchOptions {
  readonly job: Omit<ExperimentJob, 'flag'>;
  readonly exp: ResolvedExperiment;
  readonly progress: ProgressReporter;
  /** Said on the first Ctrl-C (absent: nothing). */
  readonly onInterrupt?: string;
  /** Said after a second Ctrl-C stopped the run at once, given the protocols completed. */
  readonly stoppedMessage: (completed: readonly string[]) => string;
}

/** Runs the experiment in its worker and returns its result; exits 130 after a second Ctrl-C, 1 on a non-finite state. */
export async function watchExperiment(o: WatchOptions): Promise<WorkerResult> {
  const { exp, progress } = o;
  const completed: string[] = [];
  let current: { protocol: string; trialsDone: number; trials: number } | undefined;
  const onProgress = (p: ExperimentProgress) => {
    if (p.phase === 'trial' && p.protocol) current = { protocol: p.protocol, trialsDone: p.trialsDone, trials: p.trials };
    if (p.phase === 'protocol' && p.protocol) {
      completed.push(p.protocol);
      current = undefined;
    }
    progress.onProgress(p);
  };
  // The run goes on in a worker thread: a trial is one synchronous computation, and only a free main
  // thread can take a Ctrl-C while it runs (see experimentRunner.ts).
  const run = runExperimentInWorker(o.job, onProgress);
  let sigints = 0;
  let forced: Promise<void> | undefined;
  const onSigint = () => {
    if (++sigints === 1) {
      run.interrupt();
      if (o.onInterrupt) progress.log(o.onInterrupt);
    } else {
      progress.stop();
      forced ??= run.stopNow();
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    return await run.done;
  } catch (e) {
    progress.stop();
    const dir = o.job.outDir;
    if (e instanceof StoppedAtOnce) {
      await forced;
      // the worker is gone mid-write: keep every complete file, remove unfinished ones, and say how far
      // the run got (summary.json, log.txt)
      if (dir !== undefined) {
        closeStoppedFolder(dir, {
          protocols: exp.protocols.map((p) => p.name), trials: exp.trials, completed, ...(current ? { current } : {}),
          emptySummary: summaryJson(experimentRunConfig(exp), []),
        });
      }
      process.stderr.write(`${o.stoppedMessage(completed)}\n`);
      process.exit(130);
    }
    if (e instanceof WorkerFailure) stopNonFinite(e, exp.params, dir);
    throw e;
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
  }
}
