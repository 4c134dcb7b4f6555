/**
 * A sweep's plan (the manifest): the base experiment, what varies, and one job per point with a stable
 * id and its own seed. A job's id is a hash of its point's values, so re-planning the same file — or a
 * file with more values — keeps every existing job's id, seed and finished result. A job's seed comes
 * from (master seed, job id) through src/random/streams.ts; every random stream of its trials is keyed
 * by that seed, so a job's results do not depend on where, when or next to which jobs it runs.
 *
 * Every point is resolved while planning, so a bad value is refused before any job runs.
 */
import { hashText, streamFor } from '../../random/streams.js';
import { VERSION } from '../../version.js';
import { ExperimentError, experimentRunProblems, experimentToJson, resolveExperiment, type ResolvedExperiment } from '../experiment.js';
import { DEFAULT_SEED, DEFAULT_TRIALS } from '../protocolRun.js';
import { applyAssignments, expandSweep, SweepSpecError, type Assignments, type SweptField } from './spec.js';

export const MANIFEST_FORMAT = 'calcitag-sweep-manifest';
export const MANIFEST_FORMAT_VERSION = 1;

export interface SweepJob {
  /** Position in the manifest (a SLURM array index), 0-based. */
  readonly index: number;
  /** Stable id: 'j' + 16 hex digits of a hash of the point. */
  readonly id: string;
  /** Master seed of the job's trials, derived from (master seed, id). */
  readonly seed: number;
  /** The point: swept path → value. */
  readonly point: Assignments;
  /** Hash of the job's resolved experiment: a result counts only for the experiment it was run for. */
  readonly experiment_hash: string;
}

export interface SweepManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly format_version: number;
  readonly calcitag_version: string;
  /** 'network': every job runs one network (sweep/network.ts); absent: single-synapse protocol ensembles. */
  readonly kind?: 'network';
  readonly name: string;
  readonly master_seed: number;
  readonly trials_per_point: number;
  /** The experiment without its `sweep` section, as written. */
  readonly base: Record<string, unknown>;
  /** The `sweep` section as written. */
  readonly sweep: unknown;
  readonly fields: SweptField[];
  readonly protocols: string[];
  readonly jobs: SweepJob[];
  /**
   * Network sweeps: each job saves its network's state every this many simulated seconds and a job taken
   * up again continues from its latest checkpoint (io/sweepCheckpoints.ts); absent: no checkpoints.
   */
  readonly checkpoint_every_s?: number;
}

export { hashText };

/** A point as canonical JSON (keys sorted), the input of its id. */
const canonical = (point: Assignments) => JSON.stringify(Object.keys(point).sort().map((k) => [k, point[k]]));

export const jobId = (point: Assignments): string => `j${hashText(canonical(point))}`;

/** The job's seed: 53 bits of the stream keyed by (master seed, the id's two words). */
export function jobSeed(masterSeed: number, id: string): number {
  const r = streamFor(masterSeed, [parseInt(id.slice(1, 9), 16), parseInt(id.slice(9, 17), 16)], 'sampling');
  const hi = r.nextUint32() & 0x1fffff;
  return hi * 4294967296 + r.nextUint32();
}

/** The experiment input of one job: the base with the point's values, the job's seed and trials, no files. */
export function jobExperimentInput(m: Pick<SweepManifest, 'base' | 'trials_per_point'>, point: Assignments, seed: number): Record<string, unknown> {
  const e = applyAssignments(m.base, point);
  return { ...e, seed, trials: m.trials_per_point, outputs: { csv: false, plots: false, hdf5: false, npy: false } };
}

const experimentHash = (e: ResolvedExperiment) => {
  const { calcitag_version: _v, ...rest } = experimentToJson(e);
  return hashText(JSON.stringify(rest));
};

/** A sweep point as `path=value, …` (messages, progress lines). */
export const describePoint = (p: Readonly<Assignments>): string => Object.entries(p).map(([k, v]) => `${k}=${v}`).join(', ');

/**
 * Expands an experiment with a `sweep` section into its manifest. Throws a {@link SweepSpecError} listing
 * every problem (of the section, of the base experiment, or of a point, named by its values).
 */
export function planSweep(raw: unknown, source = 'sweep'): SweepManifest {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SweepSpecError([`${source}: must be an experiment (a map) with a 'sweep' section`]);
  const { sweep, ...base } = raw as Record<string, unknown>;
  if (sweep === undefined) throw new SweepSpecError(["sweep: is required (the fields to vary: grid, list or random)"]);
  if (base.probes !== undefined) throw new SweepSpecError(['probes: a sweep records each job\'s summary statistics, not probes; remove them (or run the point of interest with `calcitag run`)']);
  let resolvedBase: ResolvedExperiment;
  try {
    resolvedBase = resolveExperiment(base, source);
  } catch (e) {
    if (e instanceof ExperimentError) throw new SweepSpecError(e.issues);
    throw e;
  }
  const masterSeed = typeof base.seed === 'number' ? base.seed : DEFAULT_SEED;
  const { fields, points } = expandSweep(sweep, masterSeed);
  const trials = (sweep as { trials?: number }).trials ?? (typeof base.trials === 'number' ? base.trials : DEFAULT_TRIALS);
  const manifestBase = { base, trials_per_point: trials };
  const issues: string[] = [];
  const seen = new Map<string, number>();
  const jobs: SweepJob[] = [];
  let protocols: string[] = resolvedBase.protocols.map((p) => p.name);
  points.forEach((point, index) => {
    const id = jobId(point);
    if (seen.has(id)) {
      issues.push(`sweep: point ${index} (${describePoint(point)}) repeats point ${seen.get(id)}`);
      return;
    }
    seen.set(id, index);
    const seed = jobSeed(masterSeed, id);
    try {
      const exp = resolveExperiment(jobExperimentInput(manifestBase, point, seed), source);
      const problems = experimentRunProblems(exp);
      if (problems.length > 0) throw new ExperimentError(problems, source);
      if (index === 0) protocols = exp.protocols.map((p) => p.name);
      jobs.push({ index, id, seed, point, experiment_hash: experimentHash(exp) });
    } catch (e) {
      if (!(e instanceof ExperimentError || e instanceof Error)) throw e;
      const lines = e instanceof ExperimentError ? e.issues : [e.message];
      for (const l of lines) if (issues.length < 20) issues.push(`point ${index} (${describePoint(point)}): ${l}`);
    }
  });
  if (issues.length > 0) throw new SweepSpecError(issues);
  return {
    format: MANIFEST_FORMAT, format_version: MANIFEST_FORMAT_VERSION, calcitag_version: VERSION,
    name: resolvedBase.name, master_seed: masterSeed, trials_per_point: trials, base, sweep, fields, protocols, jobs,
  };
}

/**
 * The resolved experiment of a job, checked against the hash the plan recorded: a manifest planned by a
 * calcitag whose defaults differ is refused rather than run as something else.
 */
export function jobExperiment(m: SweepManifest, job: SweepJob): ResolvedExperiment {
  const exp = resolveExperiment(jobExperimentInput(m, job.point, job.seed), `manifest job ${job.index}`);
  const h = experimentHash(exp);
  if (h !== job.experiment_hash) {
    throw new Error(`job ${job.index} (${job.id}) resolves to another experiment than the plan recorded (calcitag ${m.calcitag_version} planned it, this is ${VERSION}); plan the sweep again`);
  }
  return exp;
}

/** Checks what a manifest file held; returns it typed, or throws with a one-line reason. */
export function checkManifest(raw: unknown): SweepManifest {
  const m = raw as Partial<SweepManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== MANIFEST_FORMAT) throw new Error(`not a calcitag sweep manifest (format is not '${MANIFEST_FORMAT}')`);
  if (m.format_version !== MANIFEST_FORMAT_VERSION) throw new Error(`manifest format_version ${String(m.format_version)} is not supported; allowed: ${MANIFEST_FORMAT_VERSION}`);
  if (!Array.isArray(m.jobs) || !m.base || typeof m.trials_per_point !== 'number') throw new Error('the manifest is incomplete (jobs, base or trials_per_point missing)');
  const every = m.checkpoint_every_s;
  if (every !== undefined && !(typeof every === 'number' && Number.isFinite(every) && every > 0 && m.kind === 'network')) {
    throw new Error(`checkpoint_every_s ${JSON.stringify(every)} is invalid; allowed: simulated seconds > 0, in a network sweep`);
  }
  return m as SweepManifest;
}
