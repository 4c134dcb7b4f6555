/**
 * What an engine is given to run a network description, and what it returns. Plain data both ways:
 * the description is built before any engine, results are read by experiments and writers alike.
 */
import type { NetworkDescription } from '../model/network/description.js';
import type { PopulationLayout } from '../model/network/edges.js';
import type { NetworkCheckpoint } from './reference/networkCheckpoint.js';

/**
 * Checkpoints of a network run (engines whose `savesNetworkState` is set): `save` gets the complete
 * state at the first step boundary at or after each multiple of `every_s` of simulated time (at the end
 * of a fast-forward stretch that passes one); a run given `resume` continues from that state and returns
 * the uninterrupted run's result bit for bit.
 */
export interface NetworkCheckpointOptions {
  readonly every_s?: number;
  readonly save?: (cp: NetworkCheckpoint) => void;
  /**
   * `save` only borrows the checkpoint: it is done with it when it returns (writes it to a file), so its
   * arrays may be views of the run's live state instead of copies — a copy of the whole state (≈ 1 GB at
   * 20 000 neurons) less at every save. Without it each checkpoint is a snapshot the caller may keep.
   */
  readonly borrow?: boolean;
  readonly resume?: NetworkCheckpoint;
}

export interface NetworkRunSpec {
  readonly description: NetworkDescription;
  /** Master seed: connectivity from (seed, projection), noise from (seed, trial, neuron, purpose). */
  readonly seed: number;
  /** Index of this run among repetitions of the same network (0 for a single run). */
  readonly trial: number;
  /** Integration step, ms. */
  readonly dt_ms: number;
  /** Use the reference's fast-forward after each stimulus block (MODEL.md §6). */
  readonly fastForward: boolean;
  /** Engine-specific settings (e.g. the bss2 number format and rounding), already resolved. */
  readonly engineOptions?: Readonly<Record<string, unknown>>;
  /** Called now and then with the biological time reached, s. */
  readonly onProgress?: (t_s: number) => void;
  /**
   * Polled between chunks of steps (every simulated second or so); once it is true the run stops with a
   * {@link RunStopped} error — after saving a checkpoint where it stands when it saves checkpoints
   * (NetworkCheckpointOptions.save), so that a run stopped by its scheduler loses nothing.
   */
  readonly shouldStop?: () => boolean;
}

/** A network run stopped because its shouldStop said so; `saved`: its state was saved at t_s first. */
export class RunStopped extends Error {
  constructor(readonly t_s: number, readonly saved: boolean) {
    super(`run stopped at t = ${t_s.toFixed(3)} s${saved ? '; its state was saved there' : ''}`);
    this.name = 'RunStopped';
  }
}

/** What one probe recorded: sample times, the recorded elements, and one series per variable. */
export interface NetworkProbeTrace {
  readonly name: string;
  readonly kind: 'neurons' | 'synapses';
  readonly reduce: 'none' | 'mean-sd';
  readonly t_s: Float64Array;
  /** Recorded neurons (global index), or the synapses' source and target neurons. */
  readonly neurons?: Int32Array;
  readonly sources?: Int32Array;
  readonly targets?: Int32Array;
  /**
   * reduce 'none': `values[v]` holds samples × elements, row-major (sample k, element e at k·E + e);
   * reduce 'mean-sd': `values[v + '_mean']` and `values[v + '_sd']`, one value per sample.
   */
  readonly values: Readonly<Record<string, Float64Array>>;
  readonly units: Readonly<Record<string, string>>;
}

export interface NetworkResult {
  readonly layout: readonly PopulationLayout[];
  /** Every spike, sorted by time then neuron: biological time (s) and global neuron index. */
  readonly spikes: { readonly t_s: Float64Array; readonly neuron: Int32Array };
  readonly probes: readonly NetworkProbeTrace[];
  /** Each projection's edges in global indices. */
  readonly edges: ReadonlyArray<{ readonly name: string; readonly source: Int32Array; readonly target: Int32Array }>;
  readonly neurons: number;
  readonly synapses: number;
  readonly plasticSynapses: number;
  /** Detailed steps computed, and fast-forward steps. */
  readonly steps: number;
  readonly fastForwardSteps: number;
  /** Intervals spent in fast-forward, s (biological time). */
  readonly fastForwardIntervals: ReadonlyArray<readonly [number, number]>;
  /** Largest signed deviation h − h0 reached in an active calcium regime (the reference's max_dev). */
  readonly maxDev_mV: number;
  /** Whether any synapse was ever tagged, any neuron ever synthesised protein. */
  readonly tagged: boolean;
  readonly proteinSynthesis: boolean;
  /**
   * What the engine did, counted (cost measures, not model results; an engine's own names, e.g. the fast
   * engine's synapse_advances, ou_transitions, bridge_samples, synthesis_checks): for benchmarks.
   */
  readonly work?: Readonly<Record<string, number>>;
}
