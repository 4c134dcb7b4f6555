/**
 * Worker-thread entry of `calcitag run <experiment file>`: runs the experiment (and writes its run
 * folder) off the main thread, so that the main thread stays free to handle Ctrl-C while a long trial
 * computes. The main thread raises the shared interrupt flag; the engines notice it at their next grid
 * point and the run folder is closed as after any interruption (see experimentRunner.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { watchInterruptFlag } from '../engines/interrupt.js';
import { NonFiniteStateError, withoutRows } from '../experiments/ensemble.js';
import { runExperiment, type ExperimentProgress } from '../experiments/experimentRun.js';
import type { ExperimentJob, FromExperimentWorker, WorkerError } from './experimentRunner.js';
import { runIntoFolder } from './resumableRun.js';

function describe(e: unknown): WorkerError {
  if (e instanceof NonFiniteStateError) return { kind: 'nonfinite', message: e.message };
  const err = e as NodeJS.ErrnoException;
  return {
    kind: 'other', name: err?.name ?? 'Error', message: err instanceof Error ? err.message : String(e),
    ...(typeof err?.code === 'string' ? { code: err.code } : {}),
    ...(typeof err?.syscall === 'string' ? { syscall: err.syscall } : {}),
    ...(typeof err?.path === 'string' ? { path: err.path } : {}),
  };
}

async function main(job: ExperimentJob): Promise<void> {
  const post = (m: FromExperimentWorker) => parentPort!.postMessage(m);
  watchInterruptFlag(job.flag);
  try {
    const onProgress = (progress: ExperimentProgress) => post({ type: 'progress', progress });
    // into a folder: resumable (every finished protocol recorded in .resume/, see io/runResume.ts)
    const res = job.outDir !== undefined
      ? await runIntoFolder(job.experiment, job.outDir, { ...(job.source !== undefined ? { source: job.source } : {}), resume: job.resume === true, onProgress })
      : await runExperiment(job.experiment, { source: job.source, onProgress });
    post({
      type: 'done',
      result: {
        config: res.config, results: res.results.map(withoutRows), summary: res.summary, progress: res.progress, warnings: res.warnings,
        ...(res.runDir !== undefined ? { runDir: res.runDir } : {}), ...('kept' in res ? { kept: res.kept } : {}),
      },
    });
  } catch (e) {
    post({ type: 'error', error: describe(e) });
  }
}

void main(workerData as ExperimentJob);
