/**
 * Network sweeps: a network experiment file (populations, projections, stimuli, readout) with a `sweep`
 * section. Each job runs one network — the memory paradigm's learning, consolidation and recall — on the
 * file's engine, and keeps its readouts (results.ts, NetworkReadouts), its weight curves, thinned
 * (NetworkCurves), and its population rates in merged windows (NetworkRates). The manifest, ids, result files,
 * resume, the job pool, BullMQ workers and SLURM tasks are the single-synapse sweep's; only planning,
 * running a job and the table's columns differ.
 *
 * A job's seed is the point's `seed` when the sweep varies it (so a point reproduces `calcitag network
 * --seed S`), otherwise drawn from (master seed, job id) as for any sweep.
 */
import { whyEngineCannotRun } from '../../engines/capabilities.js';
import { resolveEngineOptions } from '../../engines/options.js';
import { engineNames, getEngine } from '../../engines/registry.js';
import { VERSION } from '../../version.js';
import { ExperimentError } from '../experiment.js';
import { largeRunProblem } from '../limits.js';
import { estimateNetworkRun } from '../network/estimate.js';
import { RATE_BIN_S, runMemoryParadigm } from '../network/memoryRun.js';
import { networkExperimentFile, resolveNetworkExperiment, type EdgeLoader, type NetworkExperiment } from '../network/networkExperiment.js';
import { describePoint, hashText, jobId, jobSeed, MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION, type SweepJob, type SweepManifest } from './plan.js';
import { mergeRates, RESULT_FORMAT, thinCurves, type JobResult, type NetworkReadouts } from './results.js';
import type { JobContext } from './run.js';
import type { NetworkRunSpec } from '../../engines/networkTypes.js';
import { applyAssignments, expandSweep, NETWORK_ROOTS, SweepSpecError, type Assignments } from './spec.js';

/** Whether an experiment file describes a network (it has populations). */
export function isNetworkInput(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && !Array.isArray(raw) && 'populations' in raw;
}

/** Sweeps build their networks from connection rules: an edge file would tie every job to one network. */
const noEdgeFiles: EdgeLoader = () => {
  throw new Error('a sweep builds its networks from connection rules; explicit edge files are not supported in a sweep');
};


/** The seed of a job: the point's own `seed` when swept, else from (master seed, id). */
const seedOf = (masterSeed: number, id: string, point: Assignments) => (typeof point.seed === 'number' ? point.seed : jobSeed(masterSeed, id));

/** The network experiment of one point, resolved and checked as `calcitag network` checks it. */
async function resolveJob(base: Record<string, unknown>, point: Assignments, seed: number, source: string): Promise<NetworkExperiment> {
  const exp = await resolveNetworkExperiment({ ...applyAssignments(base, point, NETWORK_ROOTS), seed }, noEdgeFiles, source);
  const problems: string[] = [];
  if (!exp.readout) problems.push('readout: a network sweep needs a readout section (kind: memory-recall): its Q, MI and rates are the results');
  if (!engineNames().includes(exp.engine)) problems.push(`engine: '${exp.engine}' is unknown; allowed: ${engineNames().join(', ')}`);
  else {
    const engine = getEngine(exp.engine);
    const why = whyEngineCannotRun(engine, exp.description);
    if (why) problems.push(`engine: ${why}`);
    try {
      resolveEngineOptions(engine, exp.engine_options, { params: exp.description.params, dt_ms: exp.dt_ms });
    } catch (e) {
      problems.push(`engine_options: ${(e as Error).message}`);
    }
  }
  const large = largeRunProblem(estimateNetworkRun(exp.description, exp.dt_ms, exp.fast_forward));
  if (large) problems.push(large);
  if (problems.length > 0) throw new ExperimentError(problems, source);
  return exp;
}

/** The hash of a resolved network (its record without the version): a result counts for that network only. */
const networkHash = (exp: NetworkExperiment) => hashText(JSON.stringify(networkExperimentFile(exp)));

/** Options of planning a network sweep. */
export interface NetworkPlanOptions {
  /** Each job saves its state every this many simulated seconds (its engine must be able to). */
  readonly checkpointEvery_s?: number;
}

/** Expands a network experiment with a `sweep` section into its manifest (every point resolved and checked). */
export async function planNetworkSweep(raw: Record<string, unknown>, source = 'sweep', opts: NetworkPlanOptions = {}): Promise<SweepManifest> {
  const every = opts.checkpointEvery_s;
  const { sweep, ...base } = raw;
  if (sweep === undefined) throw new SweepSpecError(['sweep: is required (the fields to vary: grid, list or random)']);
  if (sweep && typeof sweep === 'object' && 'trials' in sweep) {
    throw new SweepSpecError(['sweep.trials: a network job runs one network; sweep `seed` (e.g. grid: { seed: [1, 2, 3] }) for several']);
  }
  const masterSeed = typeof base.seed === 'number' ? base.seed : 1;
  const { fields, points } = expandSweep(sweep, masterSeed, NETWORK_ROOTS);
  const issues: string[] = [];
  const jobs: SweepJob[] = [];
  const seen = new Map<string, number>();
  let name = typeof base.name === 'string' ? base.name : 'network';
  for (const [index, point] of points.entries()) {
    const id = jobId(point);
    if (seen.has(id)) {
      issues.push(`sweep: point ${index} (${describePoint(point)}) repeats point ${seen.get(id)}`);
      continue;
    }
    seen.set(id, index);
    const seed = seedOf(masterSeed, id, point);
    try {
      const exp = await resolveJob(base, point, seed, source);
      if (every !== undefined && !getEngine(exp.engine).savesNetworkState) {
        const can = engineNames().filter((e) => getEngine(e).savesNetworkState);
        throw new ExperimentError([`engine: '${exp.engine}' cannot save its state for --checkpoint-every; allowed: ${can.join(', ')}`], source);
      }
      name = exp.name;
      jobs.push({ index, id, seed, point, experiment_hash: networkHash(exp) });
    } catch (e) {
      const lines = e instanceof ExperimentError ? e.issues : [(e as Error).message];
      for (const l of lines) if (issues.length < 20) issues.push(`point ${index} (${describePoint(point)}): ${l}`);
    }
  }
  if (issues.length > 0) throw new SweepSpecError(issues);
  return {
    format: MANIFEST_FORMAT, format_version: MANIFEST_FORMAT_VERSION, calcitag_version: VERSION, kind: 'network',
    name, master_seed: masterSeed, trials_per_point: 1, base, sweep, fields, protocols: [], jobs,
    ...(every !== undefined ? { checkpoint_every_s: every } : {}),
  };
}

/** The seconds around learning (the readout's reference time) and recall whose curve samples a result keeps whole. */
const aroundStimuli = (exp: NetworkExperiment): Array<[number, number]> =>
  [exp.readout!.reference_time_s, exp.readout!.recall_onset_s].map((t) => [t - 2, t + 2]);

/** The last value of a curve (NaN when the file has no such probe). */
const last = (a: Float64Array | undefined) => (a && a.length > 0 ? a[a.length - 1]! : NaN);

/**
 * Runs one network job in this thread; with checkpoints (ctx.checkpoints, when the manifest asks for
 * them) it saves its state as it goes and continues from the job's latest checkpoint if one is there.
 */
export async function runNetworkJob(m: SweepManifest, job: SweepJob, ctx: JobContext = {}): Promise<JobResult> {
  const exp = await resolveJob(m.base, job.point, job.seed, `manifest job ${job.index}`);
  if (networkHash(exp) !== job.experiment_hash) {
    throw new Error(`job ${job.index} (${job.id}) resolves to another network than the plan recorded (calcitag ${m.calcitag_version} planned it, this is ${VERSION}); plan the sweep again`);
  }
  const t0 = performance.now();
  const checkpoints = ctx.checkpoints?.(m, job);
  const base = getEngine(exp.engine);
  const engine = checkpoints ? { ...base, runNetwork: (spec: NetworkRunSpec) => base.runNetwork!(spec, checkpoints.options) } : base;
  const run = runMemoryParadigm(engine, {
    description: exp.description, readout: exp.readout!, seed: exp.seed, dt_ms: exp.dt_ms, fastForward: exp.fast_forward,
    ...(exp.engine_options ? { engineOptions: exp.engine_options } : {}),
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    ...(ctx.shouldStop ? { shouldStop: ctx.shouldStop } : {}),
  });
  const r = run.readout;
  const c = run.curves.columns;
  const network: NetworkReadouts = {
    Q: r.Q, Q_err: r.Q_err, MI: r.MI, v_as_Hz: r.v_as, v_ans_Hz: r.v_ans, v_ctrl_Hz: r.v_ctrl, v_inh_Hz: r.v_inh, v_exc_Hz: r.v_exc,
    h_assembly_end_mV: last(c.h_mean_assembly_mV), zh0_assembly_end_mV: last(c.zh0_mean_assembly_mV),
    h_control_end_mV: last(c.h_mean_control_mV), zh0_control_end_mV: last(c.zh0_mean_control_mV),
    neurons: run.result.neurons, synapses: run.result.synapses, spikes: run.result.spikes.t_s.length,
  };
  return {
    format: RESULT_FORMAT, id: job.id, index: job.index, seed: job.seed, experiment_hash: job.experiment_hash,
    calcitag_version: VERSION, point: job.point, protocols: [], network, curves: thinCurves(run.curves.t_s, c, aroundStimuli(exp)),
    rates: mergeRates(run.rates.binStart_s, RATE_BIN_S, Object.fromEntries(Object.entries(run.rates.rate_Hz).map(([g, v]) => [`rate_${g}_Hz`, v])), aroundStimuli(exp)),
    wall_ms: performance.now() - t0,
    ...(ctx.ranOn ? { ran_on: ctx.ranOn } : {}),
    ...(checkpoints?.resumedAt_s !== undefined ? { resumed_at_s: checkpoints.resumedAt_s } : {}),
  };
}
