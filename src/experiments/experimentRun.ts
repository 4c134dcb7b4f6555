/**
 * `runExperiment`: the library's one call for an experiment — validate, resolve, run every protocol's
 * trials, record probes, and (with `outDir`) write the run folder. This module is the façade over
 * experiments/ and io/, so it imports both.
 */
import { getEngine } from '../engines/registry.js';
import { ExperimentOutput, type RunProgressNote } from '../io/experimentOutput.js';
import { ProbeOutput, type ProbeRecording } from '../io/probes.js';
import { EnsembleAccumulator, type EnsembleResult } from './ensemble.js';
import { experimentRunConfig, resolveExperiment, type ResolvedExperiment } from './experiment.js';
import type { ExperimentInput } from './experimentSchema.js';
import { summaryJson, type RunConfig } from './protocolRun.js';

/** Where a run stands, reported after every trial and protocol. */
export interface ExperimentProgress {
  readonly phase: 'start' | 'trial' | 'protocol' | 'done';
  /** Protocol being run (absent at start and done). */
  readonly protocol?: string;
  /** 0-based index of that protocol, and how many there are. */
  readonly protocolIndex: number;
  readonly protocols: number;
  /** Trials of the current protocol finished, and its trial count. */
  readonly trialsDone: number;
  readonly trials: number;
  /** Trials finished over the whole experiment, and the total. */
  readonly done: number;
  readonly total: number;
  readonly elapsed_s: number;
  /** Estimated time left, s (from the mean time per trial so far). */
  readonly eta_s?: number;
}

export interface RunExperimentOptions {
  /** Write a run folder here (experiment.json, summary.json, CSV, figures, results.h5, npy/). Without it nothing is written and probe samples are returned in memory. */
  readonly outDir?: string;
  /** Called after every trial and every protocol. */
  readonly onProgress?: (progress: ExperimentProgress) => void;
  /** Aborting stops the run after the current trial; the files then hold what finished, and a note of how far it got. */
  readonly signal?: AbortSignal;
  /** Name of the experiment's source, used in error messages (e.g. the file path). */
  readonly source?: string;
}

export interface ExperimentResult {
  /** The fully resolved experiment (what experiment.json holds). */
  readonly experiment: ResolvedExperiment;
  readonly config: RunConfig;
  /** One ensemble per completed protocol. */
  readonly results: EnsembleResult[];
  /** What summary.json holds (without the interruption note). */
  readonly summary: Record<string, unknown>;
  /** Probe samples, only when no `outDir` was given (otherwise they are on disk). */
  readonly probes: ProbeRecording[];
  /** The run folder, when `outDir` was given. */
  readonly runDir?: string;
  readonly progress: RunProgressNote;
  /** Problems that did not stop the run (e.g. an engine that does not record probes). */
  readonly warnings: string[];
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs an experiment: validates it (throwing an `ExperimentError` that lists every violation with its
 * path), resolves every default, runs each protocol's trials with the chosen engine and records the
 * probes. With `options.outDir` the run folder is written as the run goes — each protocol's files as
 * soon as it finishes, probe samples in chunks as they fill — and `experiment.json` in it reproduces
 * the run bit for bit.
 *
 * @param experiment an experiment object as in an experiment file (see `calcitag schema`), or a resolved one
 * @param options output folder, progress callback, abort signal
 * @example
 * ```ts
 * import { runExperiment } from 'calcitag';
 * const { results } = await runExperiment(
 *   { protocols: ['STET'], trials: 4, probes: [{ name: 'w', variables: ['w'], interval_s: 60 }] },
 *   { outDir: 'runs/stet', onProgress: (p) => console.log(`${p.done}/${p.total}`) },
 * );
 * console.log(results[0].w_rel['8h']); // { mean: 1.7…, sd: 0.0… }
 * ```
 */
export async function runExperiment(experiment: ExperimentInput | ResolvedExperiment | unknown, options: RunExperimentOptions = {}): Promise<ExperimentResult> {
  const exp = resolveExperiment(experiment, options.source);
  const cfg = experimentRunConfig(exp);
  const engine = getEngine(cfg.engine);
  const output = options.outDir !== undefined ? await ExperimentOutput.open(options.outDir, exp, cfg) : undefined;
  const probes = output?.probes ?? new ProbeOutput(exp);
  const warnings: string[] = [];
  const results: EnsembleResult[] = [];
  const t0 = performance.now();
  const total = exp.protocols.length * exp.trials;
  let done = 0;
  let partial: RunProgressNote['partial'];
  const report = (phase: ExperimentProgress['phase'], protocolIndex: number, trialsDone: number) => {
    if (!options.onProgress) return;
    const elapsed_s = (performance.now() - t0) / 1000;
    options.onProgress({
      phase, protocol: phase === 'start' || phase === 'done' ? undefined : exp.protocols[protocolIndex]?.name,
      protocolIndex, protocols: exp.protocols.length, trialsDone, trials: exp.trials, done, total, elapsed_s,
      eta_s: done > 0 ? (elapsed_s / done) * (total - done) : undefined,
    });
  };

  try {
    output?.start();
    report('start', 0, 0);
    outer: for (let pi = 0; pi < exp.protocols.length; pi++) {
      const protocol = exp.protocols[pi]!;
      const proto = cfg.protocols[pi]!;
      const acc = new EnsembleAccumulator(cfg.params.h0);
      const tp = performance.now();
      for (let trial = 0; trial < exp.trials; trial++) {
        if (options.signal?.aborted) {
          if (trial > 0) partial = { protocol: protocol.name, trials_done: trial, trials: exp.trials };
          break outer;
        }
        const rec = probes.forTrial(protocol, trial);
        const ts = performance.now();
        const r = engine.runTrial({
          params: cfg.params, protocol: proto, seed: cfg.seed, trial, dt_ms: cfg.dt_ms, fastForward: cfg.fast_forward,
          sampleInterval_s: cfg.sample_interval_s, recordCalcium: trial === 0, engineOptions: cfg.engine_options,
          ...(rec ? { probes: rec.probes, ...(rec.sink ? { probeSink: rec.sink } : {}) } : {}),
        });
        acc.add(r, performance.now() - ts);
        if (rec && !r.probes) {
          const w = `engine '${engine.name}' does not record probes; ${rec.probes.map((p) => p.name).join(', ')} left empty`;
          if (!warnings.includes(w)) {
            warnings.push(w);
            output?.writer.note(`warning: ${w}`);
          }
        }
        probes.trialDone(protocol, trial, r.probes);
        done++;
        report('trial', pi, trial + 1);
        await yieldToEventLoop(); // lets a SIGINT handler or an abort run between trials
      }
      const res = acc.result(proto.name, cfg.engine, performance.now() - tp);
      results.push(res);
      await output?.protocolDone(protocol, res);
      report('protocol', pi, exp.trials);
    }
  } catch (e) {
    output?.abort();
    try {
      output?.writer.note(`failed: ${(e as Error).message}`);
    } catch {
      // the folder itself is unusable: the error above is what matters
    }
    throw e;
  }

  const completed = results.map((r) => r.protocol);
  const interrupted = completed.length < exp.protocols.length;
  const note: RunProgressNote = {
    complete: !interrupted,
    interrupted,
    completed_protocols: completed,
    ...(partial ? { partial } : {}),
    not_started: exp.protocols.map((p) => p.name).filter((n) => !completed.includes(n) && n !== partial?.protocol),
  };
  output?.finish(note);
  report('done', exp.protocols.length, exp.trials);
  return {
    experiment: exp, config: cfg, results, summary: summaryJson(cfg, results), probes: probes.recordings,
    ...(output ? { runDir: output.path } : {}), progress: note, warnings,
  };
}
