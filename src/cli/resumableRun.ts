/**
 * An experiment run into a run folder that can be resumed (io/runResume.ts): every finished protocol is
 * recorded in the folder's `.resume/`; resuming replays the recorded protocols into a fresh folder and
 * runs only the others through `runExperiment`, so the folder ends as an uninterrupted run's.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EnsembleResult } from '../experiments/ensemble.js';
import { ExperimentError, experimentRunConfig, experimentRunProblems, resolveExperiment, type ResolvedExperiment } from '../experiments/experiment.js';
import { runExperiment, type ExperimentProgress, type RunProgressNote } from '../experiments/experimentRun.js';
import { summaryJson, type RunConfig } from '../experiments/protocolRun.js';
import { runRecordJson } from '../experiments/runRecord.js';
import { readFinishedProtocols, removeStaleTemporaries, RESUME_DIR, ResumableOutput } from '../io/runResume.js';

export interface FolderRunResult {
  readonly config: RunConfig;
  readonly results: EnsembleResult[];
  readonly summary: Record<string, unknown>;
  readonly progress: RunProgressNote;
  readonly warnings: string[];
  readonly runDir: string;
  /** Protocols kept from the earlier run (resuming). */
  readonly kept: string[];
}

/** The experiment without its first `skip` protocols (and probes of those only), as an experiment input. */
function withoutFirst(exp: ResolvedExperiment, skip: number): Record<string, unknown> {
  const record = runRecordJson(exp);
  const rest = exp.protocols.slice(skip).map((p) => p.name);
  const probes = exp.probes
    .map((p) => ({ ...p, protocols: p.protocols.filter((n) => rest.includes(n)) }))
    .filter((p) => p.protocols.length > 0);
  return { ...record, protocols: (record.protocols as unknown[]).slice(skip), probes };
}

/**
 * Runs `experiment` into the folder `dir`. With `resume`, the protocols the folder's `.resume/` holds
 * (a prefix of the experiment's) are kept and the rest is run; without it, any earlier state is dropped.
 */
export async function runIntoFolder(
  experiment: unknown, dir: string,
  options: { source?: string; resume?: boolean; onProgress?: (p: ExperimentProgress) => void },
): Promise<FolderRunResult> {
  const exp = resolveExperiment(experiment, options.source);
  const problems = experimentRunProblems(exp);
  if (problems.length > 0) throw new ExperimentError(problems, options.source);
  const cfg = experimentRunConfig(exp);
  const names = exp.protocols.map((p) => p.name);
  if (options.resume) removeStaleTemporaries(dir);
  else rmSync(join(dir, RESUME_DIR), { recursive: true, force: true });
  const saved = options.resume ? readFinishedProtocols(dir, names) : [];
  const kept = saved.map((s) => s.protocol);
  let output: ResumableOutput | undefined;
  const open = async () => {
    output = await ResumableOutput.open(dir, exp, cfg, saved);
    output.start();
    await output.replay();
    return output;
  };

  if (saved.length === names.length) {
    // every protocol had finished (the run stopped while closing its files): write the folder again
    const out = await open();
    const progress: RunProgressNote = { complete: true, interrupted: false, completed_protocols: names, not_started: [] };
    out.finish(progress);
    const results = out.replayed;
    return { config: cfg, results, summary: summaryJson(cfg, results), progress, warnings: [], runDir: out.location, kept };
  }
  const res = await runExperiment(withoutFirst(exp, saved.length), {
    ...(options.source !== undefined ? { source: options.source } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    output: open, // started and replayed: runExperiment's start() of it does nothing more
  });
  const results = [...(output?.replayed ?? []), ...res.results];
  const progress: RunProgressNote = { ...res.progress, completed_protocols: results.map((r) => r.protocol) };
  return { config: cfg, results, summary: summaryJson(cfg, results), progress, warnings: res.warnings, runDir: output?.location ?? resolve(dir), kept };
}
