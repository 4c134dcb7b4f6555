/**
 * One set of limits for every way a run is described — command-line flags and experiment files alike —
 * and an estimate of a run's memory and output size, made before anything runs. A run past
 * {@link LARGE_RUN_BYTES} of either is refused unless the user confirms it (`--allow-large`).
 */

/**
 * What the estimate reads of a resolved experiment (structurally a `ResolvedExperiment`; declared here so
 * that this module imports nothing — protocolRun, in the browser entry, uses its limits).
 */
export interface EstimatedExperiment {
  readonly trials: number;
  readonly dt_ms: number;
  readonly sample_interval_s: number;
  readonly protocols: ReadonlyArray<{
    readonly name: string;
    readonly duration_s: number;
    readonly spike_times_s: readonly number[];
    readonly trains: ReadonlyArray<{ readonly count: number; readonly duration_s: number; readonly rate_Hz: number }>;
  }>;
  readonly probes: ReadonlyArray<{
    readonly variables: readonly string[];
    readonly protocols: readonly string[];
    readonly trials: readonly number[];
    readonly interval_s: number;
    readonly from_s: number;
    readonly to_s?: number;
  }>;
  readonly outputs: { readonly hdf5: boolean; readonly npy: boolean; readonly chunk_samples: number };
}

/** Trials per protocol. */
export const MAX_TRIALS = 1_000_000;
/** Simulated duration of a protocol, and any time in it (onsets, probe windows), s (≈ 116 days). */
export const MAX_DURATION_S = 1e7;
/** Rate of a stimulus train, Hz (the default step of 0.2 ms resolves at most 5 kHz). */
export const MAX_RATE_HZ = 10_000;
/** Trains in one train entry (`count`). */
export const MAX_TRAIN_COUNT = 1_000_000;
/** Explicit spike times of one protocol. */
export const MAX_SPIKE_TIMES = 10_000_000;
/** Integration step, ms: at least 1 µs (a smaller step is no model of anything and overflows counts), at most 10 ms. */
export const MIN_DT_MS = 1e-3;
export const MAX_DT_MS = 10;
/** Memory or output size past which a run needs an explicit confirmation (4 GiB). */
export const LARGE_RUN_BYTES = 4 * 2 ** 30;

/**
 * Bytes held per trial row (outcome, checkpoints, scalars) for the whole run: 26 doubles in the
 * ensemble's TrialTable, twice that while the table grows.
 */
const ROW_BYTES = 512;
/** Bytes per stimulus spike while a trial runs (spike times, pre and post, with headroom). */
const SPIKE_BYTES = 16;

export interface RunEstimate {
  /** Peak memory of the run, bytes (an upper estimate). */
  readonly memory_bytes: number;
  /** Size of what the run folder will hold, bytes (probe samples, spikes, tables; figures excluded). */
  readonly output_bytes: number;
  /** The largest expected number of presynaptic spikes of one trial. */
  readonly spikes_per_trial: number;
}

/** Expected presynaptic spikes of a protocol's trial. */
export function expectedSpikes(p: EstimatedExperiment['protocols'][number]): number {
  let n = p.spike_times_s.length;
  for (const t of p.trains) n += t.count * t.duration_s * t.rate_Hz;
  return n;
}

/** Memory and output size of a resolved experiment, estimated from its counts (nothing is run). */
export function estimateRun(exp: EstimatedExperiment): RunEstimate {
  const dt_s = exp.dt_ms * 1e-3;
  const files = (exp.outputs.hdf5 ? 1 : 0) + (exp.outputs.npy ? 1 : 0);
  let spikesMax = 0, gridMax = 0, output = 0, probeBuffers = 0;
  for (const p of exp.protocols) {
    const spikes = expectedSpikes(p);
    spikesMax = Math.max(spikesMax, spikes);
    gridMax = Math.max(gridMax, p.duration_s / exp.sample_interval_s + 2);
    output += exp.trials * 600; // trials.csv and the HDF5 per-trial table
    for (const probe of exp.probes) {
      if (!probe.protocols.includes(p.name)) continue;
      const values = probe.variables.filter((v) => v !== 'spikes').length;
      const window = Math.max(0, (probe.to_s ?? p.duration_s) - probe.from_s);
      const samples = Math.floor(window / Math.max(probe.interval_s, dt_s)) + 1;
      output += probe.trials.length * (samples * values * 8 * files + (probe.variables.includes('spikes') ? spikes * SPIKE_BYTES : 0));
      probeBuffers += Math.min(samples, exp.outputs.chunk_samples) * values * 8;
    }
  }
  const memory = 200 * 2 ** 20 // the program itself
    + exp.protocols.length * exp.trials * ROW_BYTES
    + spikesMax * SPIKE_BYTES
    + gridMax * 8 * 16
    + probeBuffers;
  return { memory_bytes: memory, output_bytes: output, spikes_per_trial: spikesMax };
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(b < 10 * 2 ** 30 ? 1 : 0)} GiB`;

/**
 * Why a run is too large to start without confirmation (one line), or undefined. Names the estimate,
 * the limit and how to proceed.
 */
export function largeRunProblem(e: RunEstimate, limit = LARGE_RUN_BYTES): string | undefined {
  const parts: string[] = [];
  if (e.memory_bytes > limit) parts.push(`about ${gib(e.memory_bytes)} of memory`);
  if (e.output_bytes > limit) parts.push(`about ${gib(e.output_bytes)} of files`);
  if (parts.length === 0) return undefined;
  return `this run needs ${parts.join(' and ')} (the limit without confirmation is ${gib(limit)}); use fewer trials, shorter protocols or sparser probes, or give --allow-large to run it anyway`;
}
