/**
 * Ctrl-C or SIGTERM during `calcitag sweep run` / `run-job`. SIGTERM is how a scheduler ends a task at its
 * time limit (SLURM sends it, then SIGKILL after KillWait, 30 s by default), so a network sweep stops
 * gracefully: its running jobs stop at their next simulated second, saving their state where the manifest
 * asks for checkpoints (the job then continues from there when the command runs again), and the command
 * exits 130 (SIGINT) or 143 (SIGTERM) once they have. A second signal exits at once. Single-synapse jobs
 * are short and keep no checkpoints: the first signal exits at once (finished jobs' results are kept).
 */
import type { SweepJob, SweepManifest } from '../experiments/sweep/plan.js';

export interface SweepStop {
  /** Aborted by the first signal (SweepRunOptions.signal). */
  readonly signal: AbortSignal;
  /** SweepRunOptions.onJobStopped: notes each stopped job. */
  readonly onJobStopped: (job: SweepJob, message: string) => void;
  /** After the jobs: removes the handlers; if a signal came, reports the stopped jobs and returns the exit code. */
  readonly finish: () => number | undefined;
}

/**
 * Installs the handlers for manifest m; `interrupted()` is the line that says what is complete and how to
 * resume, written when the command ends on a signal.
 */
export function stopOnSignals(m: SweepManifest, interrupted: () => string): SweepStop {
  const controller = new AbortController();
  const stopped: string[] = [];
  let code: number | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    const exitCode = sig === 'SIGTERM' ? 143 : 130;
    if (code !== undefined || m.kind !== 'network') {
      process.stderr.write(`\ncalcitag: ${sig}: stopped at once; ${interrupted()}\n`);
      process.exit(exitCode);
    }
    code = exitCode;
    const saving = m.checkpoint_every_s !== undefined ? ', saving their state' : ' (this sweep keeps no checkpoints: they will start again)';
    process.stderr.write(`\ncalcitag: ${sig}: the running network jobs stop at their next simulated second${saving}; a second signal exits at once\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    onJobStopped: (job, message) => stopped.push(`job ${job.index} (${job.id}): ${message}`),
    finish: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      if (code === undefined) return undefined;
      for (const line of stopped) process.stderr.write(`calcitag: ${line}\n`);
      process.stderr.write(`calcitag: ${interrupted()}\n`);
      return code;
    },
  };
}
