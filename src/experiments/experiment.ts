/**
 * Experiments: read (YAML or JSON), validate (every violation, with its path), and resolve into a
 * fully explicit {@link ResolvedExperiment} — every parameter, every protocol's trains, every probe's
 * protocols and trials written out — which is the run record a run saves as `run.json` and what
 * reproduces it bit for bit.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { resolveEngineOptions } from '../engines/options.js';
import { whyEngineCannotRun } from '../engines/capabilities.js';
import { engineNames, getEngine } from '../engines/registry.js';
import { singleSynapseDescription } from '../model/network/singleSynapse.js';
import type { ProbeVariable } from '../engines/types.js';
import { defaultParams, PARAM_SPECS, resolveParams, type ModelParams } from '../model/parameters.js';
import { isPresetName, PRESET_NAMES, PRESET_PROTOCOLS, type OutcomeClass, type Protocol, type StimulusTrain } from '../model/protocols.js';
import { VERSION } from '../version.js';
import { DEFAULT_DT_MS, DEFAULT_SEED, DEFAULT_TRIALS, resolveRunConfig, type RunConfig } from './protocolRun.js';
import { ExperimentSchema, formatIssues, formatPath, normalizeParam, unitSuffixes, type ExperimentInput } from './experimentSchema.js';

/** A train with every field explicit. */
export interface ResolvedTrain {
  onset_s: number;
  duration_s: number;
  rate_Hz: number;
  count: number;
  period_s: number;
  kind: 'poisson' | 'regular';
}

export interface ResolvedProtocol {
  name: string;
  description: string;
  duration_s: number;
  trains: ResolvedTrain[];
  spike_times_s: number[];
  expected?: OutcomeClass;
}

export interface ResolvedProbe {
  name: string;
  variables: ProbeVariable[];
  protocols: string[];
  trials: number[];
  interval_s: number;
  from_s: number;
  /** End of the window, s; absent = end of each protocol's run. */
  to_s?: number;
}

export interface ResolvedOutputs {
  csv: boolean;
  plots: boolean;
  hdf5: boolean;
  npy: boolean;
  chunk_samples: number;
}

/** An experiment with every default filled in: the run record, a run folder's `run.json` (runRecord.ts). */
export interface ResolvedExperiment {
  calcitag_version: string;
  name: string;
  description?: string;
  engine: string;
  engine_options: Record<string, unknown>;
  seed: number;
  trials: number;
  dt_ms: number;
  fast_forward: boolean;
  sample_interval_s: number;
  /** Every model parameter, in its documented unit (MODEL.md §10). */
  params: ModelParams;
  protocols: ResolvedProtocol[];
  probes: ResolvedProbe[];
  outputs: ResolvedOutputs;
}

export const DEFAULT_OUTPUTS: ResolvedOutputs = { csv: true, plots: true, hdf5: true, npy: false, chunk_samples: 65_536 };

/** An experiment that cannot run; `issues` lists every violation as `path: message`. */
export class ExperimentError extends Error {
  constructor(readonly issues: readonly string[], readonly source?: string) {
    super(`${source ? `${source}: ` : ''}${issues.length} problem${issues.length === 1 ? '' : 's'} in the experiment:\n${issues.map((i) => `  ${i}`).join('\n')}`);
    this.name = 'ExperimentError';
  }
}

/** Whether a `calcitag run` argument names an experiment file rather than a protocol. */
export function looksLikeExperimentFile(arg: string, exists: (p: string) => boolean): boolean {
  return /\.(ya?ml|json)$/i.test(arg) || (!/^[A-Za-z]+$/.test(arg) && exists(arg));
}

/**
 * Largest experiment file read, bytes (10 MiB). A real experiment is a few kB; the limit bounds the time
 * and memory of parsing whatever is handed in (YAML is parsed in linear time, see {@link parseExperimentText}).
 */
export const MAX_EXPERIMENT_BYTES = 10 * 1024 * 1024;

/** Reads a YAML or JSON experiment file (syntax errors become an {@link ExperimentError}). */
export function readExperimentFile(path: string): unknown {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_EXPERIMENT_BYTES) {
      throw new ExperimentError([`the file is ${(size / 2 ** 20).toFixed(1)} MiB; an experiment file may hold at most ${MAX_EXPERIMENT_BYTES / 2 ** 20} MiB`], path);
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ExperimentError) throw e;
    throw new ExperimentError([`cannot read the file: ${readError(e)}`], path);
  }
  return parseExperimentText(text, path);
}

function readError(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a part of the path is a file, not a folder';
    default: return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

/**
 * Duplicate keys of every mapping in a YAML document, as `line L, column C: …` messages — one pass with
 * a set per mapping (yaml's own `uniqueKeys` check compares every key with every other: quadratic).
 */
function duplicateKeys(root: YamlNode | null, lines: LineCounter): string[] {
  const out: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || isAlias(node) || isScalar(node)) continue; // an alias points at a node visited where it is defined
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? item.key.value : item.key === null ? null : String(item.key);
        if (seen.has(key)) {
          const at = isScalar(item.key) && item.key.range ? lines.linePos(item.key.range[0]) : undefined;
          out.push(`${at ? `line ${at.line}, column ${at.col}: ` : ''}Map keys must be unique ('${String(key)}' appears twice)`);
        }
        seen.add(key);
        stack.push(item.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return out;
}

/**
 * Parses YAML or JSON text (JSON is YAML; `.json` files are parsed strictly as JSON). Both paths take
 * time linear in the text's length: duplicate keys are found with one set per mapping, and aliases may
 * expand to at most 100 nodes each (a "billion laughs" file is refused).
 */
export function parseExperimentText(text: string, source = 'experiment'): unknown {
  if (text.length > MAX_EXPERIMENT_BYTES) {
    throw new ExperimentError([`the text is ${(text.length / 2 ** 20).toFixed(1)} MiB; an experiment may hold at most ${MAX_EXPERIMENT_BYTES / 2 ** 20} MiB`], source);
  }
  if (extname(source).toLowerCase() === '.json') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ExperimentError([`not valid JSON: ${(e as Error).message}`], source);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter });
  const errors = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    return `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
  });
  if (errors.length === 0) errors.push(...duplicateKeys(doc.contents, lineCounter));
  if (errors.length > 0) throw new ExperimentError(errors, source);
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (/alias/i.test((e as Error).message)) {
      throw new ExperimentError(['too many alias expansions (*name): an experiment file may expand each alias to at most 100 nodes'], source);
    }
    throw new ExperimentError([`cannot read the YAML: ${(e as Error).message.split('\n')[0]}`], source);
  }
}

/**
 * What stops a valid, resolved experiment from running (empty when it can run): stimulation that starts
 * at or after its protocol's end, an engine that cannot run the parameter set (e.g. background noise on
 * an event-driven engine). `runExperiment` checks it before anything is written; front ends call it to
 * refuse such a run up front.
 */
export function experimentRunProblems(exp: ResolvedExperiment): string[] {
  const issues: string[] = [];
  exp.protocols.forEach((p, i) => {
    p.trains.forEach((t, j) => {
      if (t.onset_s >= p.duration_s) issues.push(`${formatPath(['protocols', i, 'trains', j, 'onset_s'])}: must be < the protocol's duration_s (${p.duration_s} s) (got ${t.onset_s})`);
    });
    p.spike_times_s.forEach((t, k) => {
      if (t >= p.duration_s) issues.push(`${formatPath(['protocols', i, 'spike_times_s', k])}: must be < the protocol's duration_s (${p.duration_s} s) (got ${t})`);
    });
  });
  if (engineNames().includes(exp.engine) && exp.protocols.length > 0) {
    const why = whyEngineCannotRun(getEngine(exp.engine), singleSynapseDescription(toProtocol(exp.protocols[0]!), exp.params));
    if (why) issues.push(`engine: ${why}`);
  }
  return issues;
}

/** Validates and resolves an experiment; throws an {@link ExperimentError} listing every violation. */
export function resolveExperiment(input: unknown, source?: string): ResolvedExperiment {
  const parsed = ExperimentSchema.safeParse(input);
  const issues: string[] = parsed.success ? [] : formatIssues(parsed.error.issues, input);
  const raw = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;

  // --- parameters (names, units, ranges, cross-checks)
  const params: Record<string, number> = {};
  const rawParams = raw.params;
  if (rawParams && typeof rawParams === 'object' && !Array.isArray(rawParams)) {
    const from = new Map<string, string>();
    for (const [key, value] of Object.entries(rawParams)) {
      if (typeof value !== 'number' && typeof value !== 'string') continue; // reported by the schema
      const r = normalizeParam(key, value);
      if ('error' in r) {
        if (!issues.some((i) => i.startsWith(`params.${key}:`))) issues.push(`params.${key}: ${r.error}`);
        continue;
      }
      if (from.has(r.name)) {
        issues.push(`params.${key}: ${r.name} is already given as '${from.get(r.name)}'`);
        continue;
      }
      from.set(r.name, key);
      params[r.name] = r.value;
    }
  }
  let resolvedParams: ModelParams = defaultParams();
  try {
    resolvedParams = resolveParams(params);
  } catch (e) {
    issues.push(`params: ${(e as Error).message}`); // ranges are checked above: this is a cross-check
  }

  // --- engine: as `calcitag run` by default; the reference engine when there are probes (it records them)
  const hasProbes = Array.isArray(raw.probes) && raw.probes.length > 0;
  const engine = typeof raw.engine === 'string' ? raw.engine : hasProbes ? 'reference' : defaultEngine();
  if (!engineNames().includes(engine)) issues.push(`engine: unknown engine '${engine}'; allowed: ${engineNames().join(', ')}`);
  else if (hasProbes && !getEngine(engine).recordsProbes) {
    const able = engineNames().filter((n) => getEngine(n).recordsProbes);
    issues.push(`engine: '${engine}' does not record probes; use ${able.map((n) => `'${n}'`).join(' or ')} for an experiment with probes`);
  }

  // --- protocols
  const protocols: ResolvedProtocol[] = [];
  const rawProtocols = Array.isArray(raw.protocols) ? raw.protocols : [];
  const seen = new Map<string, number>();
  const add = (p: ResolvedProtocol, i: number) => {
    if (seen.has(p.name)) {
      issues.push(`${formatPath(['protocols', i])}: protocol name '${p.name}' is already used by protocols[${seen.get(p.name)}]`);
      return;
    }
    seen.set(p.name, i);
    protocols.push(p);
  };
  rawProtocols.forEach((entry: unknown, i: number) => {
    if (typeof entry === 'string') {
      if (entry.toLowerCase() === 'all') PRESET_NAMES.forEach((n) => { if (!seen.has(n)) add(fromProtocol(PRESET_PROTOCOLS[n]), i); });
      else if (isPresetName(entry.toUpperCase())) add(fromProtocol(PRESET_PROTOCOLS[entry.toUpperCase() as keyof typeof PRESET_PROTOCOLS]), i);
      else issues.push(`${formatPath(['protocols', i])}: unknown protocol '${entry}'; allowed: ${PRESET_NAMES.join(', ')}, all, or a protocol object`);
    } else if (entry && typeof entry === 'object' && parsed.success) {
      const e = parsed.data.protocols[i] as Exclude<ExperimentInput['protocols'][number], string>;
      if (e.preset !== undefined) {
        const base = fromProtocol(PRESET_PROTOCOLS[e.preset as keyof typeof PRESET_PROTOCOLS]);
        add({ ...base, name: e.name ?? base.name, description: e.description ?? base.description, duration_s: e.duration_s ?? base.duration_s, ...(e.expected ? { expected: e.expected as OutcomeClass } : {}) }, i);
      } else {
        add({
          name: e.name!,
          description: e.description ?? '',
          duration_s: e.duration_s!,
          trains: (e.trains ?? []).map((t) => ({
            onset_s: t.onset_s, duration_s: t.duration_s, rate_Hz: t.rate_Hz, count: t.count ?? 1,
            period_s: t.period_s ?? t.interval_s ?? 0, kind: t.kind ?? 'poisson',
          })),
          spike_times_s: [...(e.spike_times_s ?? [])].sort((a, b) => a - b),
          ...(e.expected ? { expected: e.expected as OutcomeClass } : {}),
        }, i);
      }
    }
  });

  const trials = typeof raw.trials === 'number' ? raw.trials : DEFAULT_TRIALS;
  const dt_ms = typeof raw.dt_ms === 'number' ? raw.dt_ms : DEFAULT_DT_MS;

  // --- engine options: checked and completed by the engine (before anything runs or is written)
  let engineOptions: Record<string, unknown> = {};
  if (engineNames().includes(engine) && parsed.success) {
    try {
      engineOptions = resolveEngineOptions(getEngine(engine), parsed.data.engine_options, { params: resolvedParams, dt_ms });
    } catch (e) {
      const field = (e as { field?: unknown }).field;
      issues.push(`engine_options${typeof field === 'string' ? `.${field}` : ''}: ${(e as Error).message}`);
    }
  }

  // --- outputs
  const outputs: ResolvedOutputs = { ...DEFAULT_OUTPUTS };
  if (parsed.success && parsed.data.outputs) {
    for (const [k, v] of Object.entries(parsed.data.outputs)) if (v !== undefined) (outputs as unknown as Record<string, unknown>)[k] = v;
  }

  // --- probes
  const probes: ResolvedProbe[] = [];
  const rawProbes = Array.isArray(raw.probes) ? raw.probes : [];
  const probeNames = new Map<string, number>();
  rawProbes.forEach((pr: unknown, i: number) => {
    if (!pr || typeof pr !== 'object') return;
    const p = pr as Record<string, unknown>;
    if (typeof p.name === 'string') {
      if (probeNames.has(p.name)) issues.push(`probes[${i}].name: '${p.name}' is already used by probes[${probeNames.get(p.name)}]`);
      probeNames.set(p.name, i);
    }
    if (Array.isArray(p.protocols)) {
      p.protocols.forEach((n: unknown, k: number) => {
        if (typeof n === 'string' && !protocols.some((q) => q.name === n)) {
          issues.push(`probes[${i}].protocols[${k}]: no protocol '${n}' in this experiment; allowed: ${protocols.map((q) => q.name).join(', ')}`);
        }
      });
    }
    if (Array.isArray(p.trials)) {
      p.trials.forEach((t: unknown, k: number) => {
        if (typeof t === 'number' && Number.isInteger(t) && t >= trials) issues.push(`probes[${i}].trials[${k}]: trial ${t} does not exist; allowed: 0 to ${trials - 1}`);
      });
    }
    if (typeof p.interval_s === 'number' && p.interval_s > 0 && p.interval_s < dt_ms * 1e-3 * (1 - 1e-9)) {
      issues.push(`probes[${i}].interval_s: must be ≥ the integration step dt (${dt_ms} ms)`);
    }
    if (!parsed.success) return;
    const q = parsed.data.probes![i]!;
    probes.push({
      name: q.name,
      variables: [...new Set(q.variables)] as ProbeVariable[],
      protocols: q.protocols ? [...new Set(q.protocols)] : protocols.map((x) => x.name),
      trials: q.trials === undefined ? [0] : q.trials === 'all' ? Array.from({ length: trials }, (_, k) => k) : [...new Set(q.trials)].sort((a, b) => a - b),
      interval_s: q.interval_s,
      from_s: q.from_s ?? 0,
      ...(q.to_s !== undefined ? { to_s: q.to_s } : {}),
    });
  });
  if (rawProbes.length > 0 && parsed.success && !outputs.hdf5 && !outputs.npy) {
    issues.push('outputs: probes are written to HDF5 or .npy; enable outputs.hdf5 or outputs.npy');
  }

  if (issues.length > 0) throw new ExperimentError([...new Set(issues)], source);
  const d = parsed.success ? parsed.data : undefined!;
  return {
    calcitag_version: VERSION,
    name: d.name ?? defaultName(protocols),
    ...(d.description !== undefined ? { description: d.description } : {}),
    engine,
    engine_options: engineOptions,
    seed: d.seed ?? DEFAULT_SEED,
    trials,
    dt_ms,
    fast_forward: d.fast_forward ?? true,
    sample_interval_s: d.sample_interval_s ?? 60,
    params: resolvedParams,
    protocols,
    probes,
    outputs,
  };
}

/** The library's default engine (the one `calcitag run` uses without --engine). */
function defaultEngine(): string {
  return resolveRunConfig({ protocols: ['WTET'] }).engine;
}

function defaultName(protocols: readonly ResolvedProtocol[]): string {
  const names = protocols.map((p) => p.name);
  return names.length === 4 && PRESET_NAMES.every((n) => names.includes(n)) ? 'all' : names.join('-').slice(0, 60);
}

/**
 * The experiment as written to run.json: parameters carry their unit in the key
 * (`tau_h_s`, `tau_c_ms`, `h0_mV`; dimensionless ones plain), so the file reads without MODEL.md.
 * {@link resolveExperiment} reads it back to the same experiment.
 */
export function experimentToJson(e: ResolvedExperiment): Record<string, unknown> {
  const params: Record<string, number> = {};
  for (const s of PARAM_SPECS) {
    const own = unitSuffixes(s).find(([, f]) => f === 1);
    params[own ? `${s.name}_${own[0]}` : s.name] = e.params[s.name];
  }
  return { ...e, params };
}

/** A protocol (preset or engine-level) as an explicit experiment protocol. */
export function fromProtocol(p: Protocol): ResolvedProtocol {
  return {
    name: p.name,
    description: p.description,
    duration_s: p.duration_s,
    trains: p.trains.map((t) => ({
      onset_s: t.onset_s, duration_s: t.duration_s, rate_Hz: t.rate_Hz, count: t.count ?? 1, period_s: t.period_s ?? 0, kind: t.kind ?? 'poisson',
    })),
    spike_times_s: [...(p.spikeTimes_s ?? [])],
    ...(p.expected ? { expected: p.expected } : {}),
  };
}

/** An experiment protocol as the engines' plain protocol data. */
export function toProtocol(p: ResolvedProtocol): Protocol {
  const trains: StimulusTrain[] = p.trains.map((t) => ({ ...t }));
  return {
    name: p.name,
    description: p.description,
    trains,
    ...(p.spike_times_s.length > 0 ? { spikeTimes_s: [...p.spike_times_s] } : {}),
    duration_s: p.duration_s,
    ...(p.expected ? { expected: p.expected } : {}),
  };
}

/** The run configuration the ensembles use. */
export function experimentRunConfig(e: ResolvedExperiment): RunConfig {
  return {
    version: VERSION,
    engine: e.engine,
    seed: e.seed,
    trials: e.trials,
    dt_ms: e.dt_ms,
    fast_forward: e.fast_forward,
    sample_interval_s: e.sample_interval_s,
    params: { ...e.params },
    protocols: e.protocols.map(toProtocol),
    engine_options: { ...e.engine_options },
  };
}

/** The experiment equivalent to a run configuration (what `calcitag run STET …` records in run.json). */
export function experimentFromRunConfig(cfg: RunConfig, outputs: Partial<ResolvedOutputs> = {}, name?: string): ResolvedExperiment {
  const protocols = cfg.protocols.map(fromProtocol);
  return {
    calcitag_version: cfg.version,
    name: name ?? defaultName(protocols),
    engine: cfg.engine,
    engine_options: { ...cfg.engine_options },
    seed: cfg.seed,
    trials: cfg.trials,
    dt_ms: cfg.dt_ms,
    fast_forward: cfg.fast_forward,
    sample_interval_s: cfg.sample_interval_s,
    params: { ...cfg.params },
    protocols,
    probes: [],
    outputs: { ...DEFAULT_OUTPUTS, hdf5: false, ...outputs },
  };
}
