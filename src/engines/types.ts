/**
 * The one interface every engine implements (reference, exact, bss2, ...). Engines are registered by
 * name in `registry.ts`; callers never branch on an engine's identity.
 */
import type { ModelParams } from '../model/parameters.js';
import type { NetworkDescription } from '../model/network/description.js';
import type { OutcomeClass, Protocol } from '../model/protocols.js';
import type { NetworkCheckpointOptions, NetworkResult, NetworkRunSpec } from './networkTypes.js';
import type { Team } from './team.js';

/** Everything one single-synapse trial needs: plain data, built before and independent of any engine. */
export interface TrialSpec {
  readonly params: ModelParams;
  readonly protocol: Protocol;
  /** Master seed; the trial's streams are keyed by (seed, trial, purpose). */
  readonly seed: number;
  /** Trial index (0-based). */
  readonly trial: number;
  /** Integration step, ms (reference engine; others may ignore it). */
  readonly dt_ms: number;
  /** Use the reference's fast-forward regime after the last stimulus. */
  readonly fastForward: boolean;
  /** Coarse sampling interval of the h, z, p traces, s. */
  readonly sampleInterval_s: number;
  /** Also record a fine calcium (and h) trace around the first stimulation. */
  readonly recordCalcium: boolean;
  /** Engine-specific settings (e.g. the bss2 hardware configuration), already validated. */
  readonly engineOptions?: Readonly<Record<string, unknown>>;
  /** Variables to record in this trial (optional; engines that do not support probes ignore them). */
  readonly probes?: readonly ProbeSpec[];
  /**
   * Receives probe samples in chunks as they fill, so long runs need not hold them in memory.
   * Without a sink the samples are returned in {@link TrialResult.probes}.
   */
  readonly probeSink?: ProbeSink;
}

/** Variables a probe samples on its time grid (`spikes` is recorded as events instead). */
export const SAMPLED_VARIABLES = ['V', 'c', 'h', 'z', 'w', 'p', 'tag'] as const;
export type SampledVariable = (typeof SAMPLED_VARIABLES)[number];
export type ProbeVariable = SampledVariable | 'spikes';
export const PROBE_VARIABLES: readonly ProbeVariable[] = [...SAMPLED_VARIABLES, 'spikes'];
/** Units of the probe variables (tag: +1 LTP tag, −1 LTD tag, 0 none). */
export const PROBE_UNITS: Readonly<Record<ProbeVariable, string>> = {
  V: 'mV', c: '1', h: 'mV', z: '1', w: 'mV', p: '1', tag: '1', spikes: 's',
};

/**
 * One probe: which variables to record, every `interval_s` from `from_s` to `to_s` (inclusive,
 * clipped to the run). Sample times lie on the integration grid: t_k = (k₀ + k·m)·dt with
 * k₀ = round(from_s/dt) and m = max(1, round(interval_s/dt)).
 */
export interface ProbeSpec {
  readonly name: string;
  readonly variables: readonly ProbeVariable[];
  readonly interval_s: number;
  readonly from_s: number;
  readonly to_s: number;
}

/** Where an engine streams probe samples. */
export interface ProbeSink {
  /**
   * Consecutive samples `offset … offset + n − 1` of probe `probe` (index into `TrialSpec.probes`);
   * `values[i]` belongs to the i-th sampled variable of that probe, in the order of its `variables`.
   * The arrays are reused after the call returns: copy what you keep.
   */
  samples(probe: number, offset: number, values: readonly Float64Array[]): void;
  /** Samples per chunk (default 65 536). */
  readonly chunkSamples?: number;
}

/** What a probe recorded in one trial. */
export interface ProbeTrace {
  readonly name: string;
  /** Number of samples on the probe's grid. */
  readonly samples: number;
  /** Time of the first sample and the sampling interval, s: t_k = first_s + k · interval_s. */
  readonly first_s: number;
  readonly interval_s: number;
  /** Sample times, s, when the trial ran without a {@link ProbeSink} (a streamed run never holds them all). */
  readonly t_s?: Float64Array;
  /** The samples, when the trial ran without a {@link ProbeSink}. */
  readonly values?: Partial<Record<SampledVariable, Float64Array>>;
  /** Presynaptic and postsynaptic spike times inside the window, s (when `spikes` is probed). */
  readonly preSpikes_s?: Float64Array;
  readonly postSpikes_s?: Float64Array;
}

/** Fine trace of calcium and early-phase weight around the first stimulus. */
export interface CalciumTrace {
  readonly t_s: Float64Array;
  readonly c: Float64Array;
  readonly h_mV: Float64Array;
}

/** What one trial produced. Times are biological time, s. */
export interface TrialResult {
  readonly trial: number;
  /** Coarse grid t = k · sampleInterval_s (plus the final time), and the state there. */
  readonly t_s: Float64Array;
  readonly h_mV: Float64Array;
  readonly z: Float64Array;
  readonly p: Float64Array;
  readonly calcium?: CalciumTrace;
  /** Largest signed deviation h − h0 reached while calcium was above θ_d (the reference's max_dev). */
  readonly maxDev_mV: number;
  /** Whether a tag (LTP or LTD) was ever set. */
  readonly tagged: boolean;
  /** Whether protein synthesis (Σ|h − h0| ≥ θ_pro) ever occurred. */
  readonly proteinSynthesis: boolean;
  readonly outcome: OutcomeClass;
  readonly preSpikes: number;
  readonly postSpikes: number;
  readonly pMax: number;
  readonly tPMax_s: number;
  /** Detailed integration steps actually computed (a cost measure). */
  readonly steps: number;
  /** What the trial's probes recorded, in the order of `TrialSpec.probes`. */
  readonly probes?: readonly ProbeTrace[];
  /** Engine-specific diagnostics (e.g. hardware time, processor utilisation). */
  readonly diagnostics?: Readonly<Record<string, number | string | boolean>>;
}

/** One option an engine accepts (a key of `TrialSpec.engineOptions`), as front ends show and parse it. */
export interface EngineOption {
  /** Key in `engineOptions` and in experiment files' `engine_options`. */
  readonly name: string;
  /** Command-line flag without the dashes (`ppu-period`); absent: not settable from the command line. */
  readonly flag?: string;
  readonly type: 'number' | 'boolean' | 'choice' | 'object';
  /** The values a `choice` allows. */
  readonly choices?: readonly string[];
  /** Placeholder of the flag's value in the help (`ms`). */
  readonly valueName?: string;
  readonly description: string;
  /** The value used when the option is not given (absent: derived, e.g. from the model parameters). */
  readonly default?: number | string | boolean;
}

/** What an engine checks its options against. */
export interface EngineOptionContext {
  readonly params: ModelParams;
  /** Integration step, ms. */
  readonly dt_ms: number;
}

/** What an engine says about a run besides the results (e.g. hardware time and processor budget). */
export interface EngineReport {
  /** Machine-readable, added to the run's summary under the engine's name. */
  readonly json: Record<string, unknown>;
  /** A few lines for the terminal. */
  readonly text: string;
}

export interface Engine {
  readonly name: string;
  readonly description: string;
  /** Whether the engine records `TrialSpec.probes` (experiments with probes need one that does). */
  readonly recordsProbes?: boolean;
  /**
   * How its single-synapse trials integrate: on the fixed step `dt` with the reference's fast-forward,
   * or event-driven with no time step (absent: neither; its options say how).
   */
  readonly integration?: 'fixed-step' | 'event-driven';
  runTrial(spec: TrialSpec): TrialResult;
  /**
   * Why this engine cannot run a description, in one line, or undefined when it can. An engine
   * without `runNetwork` runs only the two-neuron single-synapse description (through `runTrial`);
   * `cannotRun` adds the engine's own limits (e.g. no background noise).
   */
  cannotRun?(d: NetworkDescription): string | undefined;
  /**
   * Runs any description the engine accepts (see {@link whyEngineCannotRun}); `checkpoints` only where
   * `savesNetworkState` is set.
   */
  runNetwork?(spec: NetworkRunSpec, checkpoints?: NetworkCheckpointOptions): NetworkResult;
  /**
   * Runs one rank's part of a network split across a Team (every rank calls it with the same spec;
   * rank 0 returns the result, equal bit for bit to runNetwork's, and holds the checkpoint options).
   * Absent: the engine cannot split a network (see whyEngineCannotSplit).
   */
  runNetworkPart?(spec: NetworkRunSpec, team: Team, checkpoints?: NetworkCheckpointOptions): NetworkResult | undefined;
  /** Whether runNetwork saves and resumes checkpoints (NetworkCheckpointOptions). */
  readonly savesNetworkState?: boolean;
  /** The options it accepts, for help texts and flags (absent: none). */
  readonly options?: readonly EngineOption[];
  /**
   * Validates raw options and returns them with every default filled in (what a run record keeps);
   * throws an `EngineOptionError` (engines/options.ts) naming the field, the value and what is allowed.
   * Absent: the engine takes no options.
   */
  resolveOptions?(raw: Readonly<Record<string, unknown>>, context: EngineOptionContext): Record<string, unknown>;
  /** A report of a run with these (resolved) options over these protocols, printed next to the results. */
  report?(options: Readonly<Record<string, unknown>>, context: EngineOptionContext & { readonly protocols: readonly Protocol[] }): EngineReport;
}
