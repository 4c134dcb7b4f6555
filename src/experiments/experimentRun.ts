/**
 * `runExperiment`: the library's one call for an experiment — validate, resolve, run every protocol's
 * trials and record probes. Where the results go is the caller's choice: an {@link ExperimentSink}
 * (io's run folder, `experimentFolder(dir)`, implements it) passed in from above, so this module never
 * imports io. Without one, nothing is written and probe samples come back in memory.
 */
import { TrialInterrupted } from '../engines/interrupt.js';
import { getEngine } from '../engines/registry.js';
import type { ProbeSink, ProbeSpec, ProbeTrace } from '../engines/types.js';
import { EnsembleAccumulator, type EnsembleResult } from './ensemble.js';
import { ExperimentError, experimentRunConfig, experimentRunProblems, resolveExperiment, type ResolvedExperiment, type ResolvedProbe, type ResolvedProtocol } from './experiment.js';
import type { ExperimentInput } from './experimentSchema.js';
import { summaryJson, type RunConfig } from './protocolRun.js';

/** How far a run got (a run folder writes it to summary.json and log.txt). */
export interface RunProgressNote {
  readonly complete: boolean;
  readonly interrupted: boolean;
  /** Protocols whose every trial finished. */
  readonly completed_protocols: string[];
  /** The protocol that was running when the run stopped. */
  readonly partial?: { protocol: string; trials_done: number; trials: number };
  readonly not_started: string[];
}

/** One probe's recording of one trial, kept in memory (a run without a sink). */
export interface ProbeRecording {
  readonly probe: string;
  readonly protocol: string;
  readonly trial: number;
  readonly trace: ProbeTrace;
}

/**
 * Where a run's results go while it runs. The runner calls it in this order: `start`, then per trial
 * `probeSink` (when the trial has probes) and `trialDone`, per protocol `protocolDone`, and `finish` —
 * or `abort` after an error. io's run folder implements it; front ends choose one and pass it in.
 */
export interface ExperimentSink {
  /** Where the results are (e.g. the run folder's path), returned in {@link ExperimentResult.runDir}. */
  readonly location?: string;
  start(): void;
  /**
   * Where the engine streams the samples of `probes` (the probes recording `trial` of `protocol`, in the
   * order of `TrialSpec.probes`), or undefined to have them returned in the trial's result.
   */
  probeSink(protocol: ResolvedProtocol, trial: number, probes: readonly ResolvedProbe[]): ProbeSink | undefined;
  /** What the trial's probes returned (`traces[i]` belongs to `probes[i]`): spike times, and samples when not streamed. */
  trialDone(protocol: ResolvedProtocol, trial: number, probes: readonly ResolvedProbe[], traces: readonly ProbeTrace[]): void;
  /** A protocol's every trial finished; resolves once its results are stored. */
  protocolDone(protocol: ResolvedProtocol, result: EnsembleResult): Promise<void>;
  /** A line for the run's log (warnings, failures). */
  note(line: string): void;
  /** The run ended (complete, or interrupted as `progress` says). */
  finish(progress: RunProgressNote): void;
  /** The run failed: remove what is unfinished. */
  abort(): void;
}

/** Makes the sink of a resolved experiment (called once, after validation, before anything runs). */
export type ExperimentSinkFactory = (experiment: ResolvedExperiment, config: RunConfig) => ExperimentSink | Promise<ExperimentSink>;

/** The engine-level description of a probe in one protocol. */
export function probeSpecFor(probe: ResolvedProbe, protocol: ResolvedProtocol): ProbeSpec {
  return { name: probe.name, variables: probe.variables, interval_s: probe.interval_s, from_s: probe.from_s, to_s: probe.to_s ?? protocol.duration_s };
}

/** The probes that record `trial` of `protocol`, in the experiment's order. */
export function probesForTrial(exp: ResolvedExperiment, protocol: ResolvedProtocol, trial: number): ResolvedProbe[] {
  return exp.probes.filter((p) => p.protocols.includes(protocol.name) && p.trials.includes(trial));
}

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
  /**
   * Where the results go, made from the resolved experiment: e.g. `experimentFolder(dir)` (a run folder
   * with run.json, summary.json, CSV, figures, results.h5, npy/). Without it nothing is written
   * and probe samples are returned in memory.
   */
  readonly output?: ExperimentSinkFactory;
  /** Called after every trial and every protocol. */
  readonly onProgress?: (progress: ExperimentProgress) => void;
  /** Aborting stops the run after the current trial; the files then hold what finished, and a note of how far it got. */
  readonly signal?: AbortSignal;
  /** Name of the experiment's source, used in error messages (e.g. the file path). */
  readonly source?: string;
}

export interface ExperimentResult {
  /** The fully resolved experiment (the run record: what run.json holds). */
  readonly experiment: ResolvedExperiment;
  readonly config: RunConfig;
  /** One ensemble per completed protocol. */
  readonly results: EnsembleResult[];
  /** What summary.json holds (without the interruption note). */
  readonly summary: Record<string, unknown>;
  /** Probe samples, only when no `output` was given (otherwise the sink has them). */
  readonly probes: ProbeRecording[];
  /** Where the sink put the results (its `location`), when `output` was given. */
  readonly runDir?: string;
  readonly progress: RunProgressNote;
  /** Problems that did not stop the run (e.g. an engine that does not record probes). */
  readonly warnings: string[];
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs an experiment: validates it (throwing an `ExperimentError` that lists every violation with its
 * path), resolves every default, runs each protocol's trials with the chosen engine and records the
 * probes. With `options.output` the results go to its sink as the run goes — with
 * `experimentFolder(dir)`, each protocol's files as soon as it finishes, probe samples in chunks as they
 * fill, and a run record that reproduces the run bit for bit.
 *
 * @param experiment an experiment object as in an experiment file (see `calcitag schema`), or a resolved one
 * @param options output sink, progress callback, abort signal
 * @example
 * ```ts
 * import { experimentFolder, runExperiment } from 'calcitag';
 * const { results } = await runExperiment(
 *   { protocols: ['STET'], trials: 4, probes: [{ name: 'w', variables: ['w'], interval_s: 60 }] },
 *   { output: experimentFolder('runs/stet'), onProgress: (p) => console.log(`${p.done}/${p.total}`) },
 * );
 * console.log(results[0].w_rel['8h']); // { mean: 1.7…, sd: 0.0… }
 * ```
 */
export async function runExperiment(experiment: ExperimentInput | ResolvedExperiment | unknown, options: RunExperimentOptions = {}): Promise<ExperimentResult> {
  const exp = resolveExperiment(experiment, options.source);
  const problems = experimentRunProblems(exp);
  if (problems.length > 0) throw new ExperimentError(problems, options.source); // before anything is written
  const cfg = experimentRunConfig(exp);
  const engine = getEngine(cfg.engine);
  const output = options.output ? await options.output(exp, cfg) : undefined;
  const recordings: ProbeRecording[] = [];
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
      const acc = new EnsembleAccumulator(cfg.params.h0, protocol.name);
      const tp = performance.now();
      for (let trial = 0; trial < exp.trials; trial++) {
        if (options.signal?.aborted) {
          if (trial > 0) partial = { protocol: protocol.name, trials_done: trial, trials: exp.trials };
          break outer;
        }
        const trialProbes = probesForTrial(exp, protocol, trial);
        const sink = trialProbes.length > 0 ? output?.probeSink(protocol, trial, trialProbes) : undefined;
        const ts = performance.now();
        let r;
        try {
          r = engine.runTrial({
            params: cfg.params, protocol: proto, seed: cfg.seed, trial, dt_ms: cfg.dt_ms, fastForward: cfg.fast_forward,
            sampleInterval_s: cfg.sample_interval_s, recordCalcium: trial === 0, engineOptions: cfg.engine_options,
            ...(trialProbes.length > 0 ? { probes: trialProbes.map((p) => probeSpecFor(p, protocol)), ...(sink ? { probeSink: sink } : {}) } : {}),
          });
        } catch (e) {
          // stopped inside the trial (a front end raised the interrupt flag): the trial is dropped, as if
          // the stop had come just before it
          if (!(e instanceof TrialInterrupted)) throw e;
          if (trial > 0) partial = { protocol: protocol.name, trials_done: trial, trials: exp.trials };
          break outer;
        }
        acc.add(r, performance.now() - ts);
        if (trialProbes.length > 0 && !r.probes) {
          const w = `engine '${engine.name}' does not record probes; ${trialProbes.map((p) => p.name).join(', ')} left empty`;
          if (!warnings.includes(w)) {
            warnings.push(w);
            output?.note(`warning: ${w}`);
          }
        }
        if (trialProbes.length > 0 && r.probes) {
          if (output) output.trialDone(protocol, trial, trialProbes, r.probes);
          else r.probes.forEach((trace, i) => { if (trialProbes[i]) recordings.push({ probe: trialProbes[i].name, protocol: protocol.name, trial, trace }); });
        }
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
      output?.note(`failed: ${(e as Error).message}`);
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
    experiment: exp, config: cfg, results, summary: summaryJson(cfg, results), probes: recordings,
    ...(output?.location !== undefined ? { runDir: output.location } : {}), progress: note, warnings,
  };
}
