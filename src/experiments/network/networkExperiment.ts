/**
 * Resolves a network experiment file into a {@link NetworkDescription} and its run settings: units
 * converted, weights in h0 turned into mV, Poisson-input stimuli into their OU current, explicit
 * edges loaded through the caller's loader (file formats live in io/). Every violation is reported
 * with its path; a description that cannot run is refused before any work.
 */
import type { EdgeList, PopulationLayout } from '../../model/network/edges.js';
import type { ConnectivityRule, NetworkDescription, ProbeSpec, StimulusSpec } from '../../model/network/description.js';
import { poissonInputCurrent, type MemoryReadoutSpec } from '../../model/network/memoryParadigm.js';
import { descriptionIssues, populationLayout } from '../../model/network/validate.js';
import { resolveParams, type ModelParams } from '../../model/parameters.js';
import { ExperimentError } from '../experiment.js';
import { formatIssues, normalizeParam } from '../experimentSchema.js';
import { NetworkExperimentSchema, type NetworkExperimentParsed } from './networkSchema.js';

/** Reads explicit edges of one projection, in local indices of its source and target populations. */
export type EdgeLoader = (ref: { file: string; format: 'cpp-matrix' | 'sonata'; edge_population?: string; source: string; target: string }, layout: readonly PopulationLayout[]) => EdgeList | Promise<EdgeList>;

export interface NetworkExperiment {
  readonly name: string;
  readonly seed: number;
  readonly engine: string;
  /** The engine's settings as given (resolved against the engine when the run starts). */
  readonly engine_options?: Readonly<Record<string, unknown>>;
  readonly dt_ms: number;
  readonly fast_forward: boolean;
  readonly description: NetworkDescription;
  readonly readout?: MemoryReadoutSpec;
  /** The parsed file with defaults filled in: what a run record stores (explicit edges by file reference). */
  readonly source: NetworkExperimentParsed;
}

function params(raw: Record<string, unknown> | undefined, issues: string[]): ModelParams {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (value === undefined) continue;
    const r = normalizeParam(key, value as number | string);
    if ('error' in r) issues.push(`params.${key}: ${r.error}`);
    else out[r.name] = r.value;
  }
  try {
    return resolveParams(out, 'network');
  } catch (e) {
    issues.push(`params: ${(e as Error).message}`);
    return resolveParams({}, 'network');
  }
}

function stimulus(s: NetworkExperimentParsed['stimuli'][number], P: ModelParams, at: string, issues: string[]): StimulusSpec {
  if (s.kind === 'spike-trains') {
    return {
      kind: 'spike-trains', name: s.name, target: s.target,
      trains: s.trains.map((t) => ({ onset_s: t.onset_s, duration_s: t.duration_s, rate_Hz: t.rate_Hz, count: t.count ?? 1, period_s: t.period_s ?? t.interval_s ?? 0, kind: t.kind ?? 'poisson' })),
      ...(s.spike_times_s ? { spikeTimes_s: [...s.spike_times_s].sort((a, b) => a - b) } : {}),
    };
  }
  let mean = s.mean_nA, sd = s.sd_nA;
  if (s.poisson_inputs) {
    if (mean !== undefined || sd !== undefined) issues.push(`${at}: give poisson_inputs or mean_nA/sd_nA, not both`);
    ({ mean_nA: mean, sd_nA: sd } = poissonInputCurrent(P, s.poisson_inputs.count, s.poisson_inputs.rate_Hz, s.poisson_inputs.weight_h0 * P.h0));
  } else if (mean === undefined || sd === undefined) {
    issues.push(`${at}: mean_nA and sd_nA (or poisson_inputs) are required`);
  }
  return { kind: 'ou-current', name: s.name, target: s.target, windows: s.windows, mean_nA: mean ?? 0, sd_nA: sd ?? 0, tau_ms: s.tau_ms ?? P.tau_syn };
}

function probe(p: NetworkExperimentParsed['probes'][number], at: string, issues: string[]): ProbeSpec {
  const common = { name: p.name, interval_s: p.interval_s, from_s: p.from_s, to_s: p.to_s, reduce: p.reduce, sample: p.sample };
  if (p.kind === 'neurons') {
    if (!p.target.population) issues.push(`${at}.target.population: a neuron probe needs a population`);
    return { ...common, kind: 'neurons', target: { population: p.target.population ?? '', from: p.target.from, to: p.target.to }, variables: p.variables as never };
  }
  if (!p.target.projection) issues.push(`${at}.target.projection: a synapse probe needs a plastic projection`);
  return { ...common, kind: 'synapses', target: { projection: p.target.projection ?? '', sources: p.target.sources, targets: p.target.targets }, variables: p.variables as never };
}

/** Validates and resolves a parsed network experiment file; throws an ExperimentError listing every issue. */
export async function resolveNetworkExperiment(input: unknown, loadEdges: EdgeLoader, source?: string): Promise<NetworkExperiment> {
  const parsed = NetworkExperimentSchema.safeParse(input);
  if (!parsed.success) throw new ExperimentError(formatIssues(parsed.error.issues, input), source);
  const f = parsed.data;
  const issues: string[] = [];
  const P = params(f.params as Record<string, unknown> | undefined, issues);
  const layout = populationLayout({ populations: f.populations });
  const projections = [];
  for (const [i, pr] of f.projections.entries()) {
    let connectivity: ConnectivityRule;
    if (pr.connectivity.rule === 'explicit') {
      try {
        connectivity = { rule: 'explicit', edges: await loadEdges({ ...pr.connectivity, source: pr.source, target: pr.target }, layout) };
      } catch (e) {
        issues.push(`projections[${i}].connectivity.file: ${(e as Error).message}`);
        connectivity = { rule: 'explicit', edges: { source: new Int32Array(0), target: new Int32Array(0) } };
      }
    } else {
      connectivity = pr.connectivity;
    }
    if (pr.weight_mV !== undefined && pr.weight_h0 !== undefined) issues.push(`projections[${i}]: give weight_mV or weight_h0, not both`);
    const weight = pr.weight_mV ?? (pr.weight_h0 !== undefined ? pr.weight_h0 * P.h0 : undefined);
    projections.push({ name: pr.name, source: pr.source, target: pr.target, connectivity, plastic: pr.plastic, ...(weight !== undefined ? { weight_mV: weight } : {}), ...(pr.delay_ms !== undefined ? { delay_ms: pr.delay_ms } : {}) });
  }
  const description: NetworkDescription = {
    name: f.name, ...(f.description ? { description: f.description } : {}), params: P,
    populations: f.populations, projections,
    stimuli: f.stimuli.map((s, i) => stimulus(s, P, `stimuli[${i}]`, issues)),
    probes: f.probes.map((p, i) => probe(p, `probes[${i}]`, issues)),
    duration_s: f.duration_s,
  };
  issues.push(...descriptionIssues(description));
  if (f.readout) {
    const r = f.readout;
    const exc = f.populations.find((p) => p.name === r.excitatory);
    if (!exc) issues.push(`readout.excitatory: unknown population '${r.excitatory}'`);
    else if (r.assembly >= exc.size) issues.push(`readout.assembly: ${r.assembly} must be below the excitatory population's size ${exc.size}`);
    if (!f.populations.some((p) => p.name === r.inhibitory)) issues.push(`readout.inhibitory: unknown population '${r.inhibitory}'`);
    if (r.recall_onset_s >= f.duration_s) issues.push(`readout.recall_onset_s: ${r.recall_onset_s} must be before the end of the run (${f.duration_s} s)`);
  }
  if (issues.length > 0) throw new ExperimentError(issues, source);
  const readout = f.readout ? (({ kind: _kind, ...rest }) => rest)(f.readout) : undefined;
  return {
    name: f.name, seed: f.seed ?? 1, engine: f.engine ?? 'reference', dt_ms: f.dt_ms ?? 0.2, fast_forward: f.fast_forward ?? true,
    ...(f.engine_options && Object.keys(f.engine_options).length > 0 ? { engine_options: f.engine_options } : {}),
    description, ...(readout ? { readout } : {}), source: f,
  };
}

/**
 * The experiment as a file (the `run.json` record of a run): every parameter and derived number
 * written out, so resolving it again gives the same description bit for bit. Explicit edges stay file
 * references (the run folder's edges.h5 holds the edges actually used).
 */
export function networkExperimentFile(exp: NetworkExperiment): NetworkExperimentParsed {
  const d = exp.description;
  const explicit = new Map((exp.source.projections ?? []).map((p) => [p.name, p.connectivity]));
  return {
    name: exp.name,
    ...(d.description ? { description: d.description } : {}),
    seed: exp.seed, engine: exp.engine,
    ...(exp.engine_options && Object.keys(exp.engine_options).length > 0 ? { engine_options: { ...exp.engine_options } } : {}),
    dt_ms: exp.dt_ms, fast_forward: exp.fast_forward,
    params: { ...d.params },
    duration_s: d.duration_s,
    populations: d.populations.map((p) => ({ ...p })),
    projections: d.projections.map((p) => ({
      name: p.name, source: p.source, target: p.target, plastic: p.plastic,
      connectivity: p.connectivity.rule === 'explicit' ? explicit.get(p.name)! : p.connectivity,
      ...(p.weight_mV !== undefined ? { weight_mV: p.weight_mV } : {}),
      ...(p.delay_ms !== undefined ? { delay_ms: p.delay_ms } : {}),
    })) as NetworkExperimentParsed['projections'],
    stimuli: d.stimuli.map((s) => (s.kind === 'ou-current'
      ? { kind: s.kind, name: s.name, target: s.target, windows: s.windows.map((w) => ({ ...w })), mean_nA: s.mean_nA, sd_nA: s.sd_nA, tau_ms: s.tau_ms }
      : { kind: s.kind, name: s.name, target: s.target, trains: s.trains.map((t) => ({ ...t })), ...(s.spikeTimes_s ? { spike_times_s: [...s.spikeTimes_s] } : {}) })) as NetworkExperimentParsed['stimuli'],
    probes: d.probes.map((p) => (p.kind === 'neurons'
      ? { ...p, target: { ...p.target } }
      : { ...p, target: { projection: p.target.projection, ...(p.target.sources ? { sources: p.target.sources } : {}), ...(p.target.targets ? { targets: p.target.targets } : {}) } })) as NetworkExperimentParsed['probes'],
    ...(exp.readout ? { readout: { kind: 'memory-recall' as const, ...exp.readout } } : {}),
  };
}
