/**
 * The one interface every engine implements (reference, exact, bss2, ...). Engines are registered by
 * name in `registry.ts`; callers never branch on an engine's identity.
 */
import type { ModelParams } from '../model/parameters.js';
import type { OutcomeClass, Protocol } from '../model/protocols.js';

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
  /** Engine-specific diagnostics (e.g. hardware time, processor utilisation). */
  readonly diagnostics?: Readonly<Record<string, number | string | boolean>>;
}

export interface Engine {
  readonly name: string;
  readonly description: string;
  runTrial(spec: TrialSpec): TrialResult;
}
