/**
 * A protocol run: the validated, fully resolved configuration of `calcitag run` and its execution
 * (one ensemble per protocol). No I/O here: writers and front ends live in io/ and cli/.
 */
import { MAX_DT_MS, MIN_DT_MS } from './limits.js';
import { resolveParams, type ModelParams } from '../model/parameters.js';
import { isPresetName, PRESET_NAMES, PRESET_PROTOCOLS, type Protocol } from '../model/protocols.js';
import { EngineOptionError, resolveEngineOptions } from '../engines/options.js';
import { engineNames, getEngine } from '../engines/registry.js';
import { VERSION } from '../version.js';
import { runEnsemble, type EnsembleConfig, type EnsembleResult, type EnsembleSummary, type TrialCallback } from './ensemble.js';

/** What a user asks for, in user units. */
export interface RunRequest {
  /** Preset names (`STET`, `WTET`, `SLFS`, `WLFS`, or `all`) or custom protocols. */
  protocols: ReadonlyArray<string | Protocol>;
  trials?: number;
  seed?: number;
  /** Engine name (default 'exact', the event-driven engine; 'reference' for the fixed-step one). */
  engine?: string;
  params?: Readonly<Record<string, number>>;
  /** Integration step, ms (default 0.2). */
  dt_ms?: number;
  fastForward?: boolean;
  /** Grid of the averaged traces, s (default 60). */
  sampleInterval_s?: number;
  /** Options of the engine (see its `options`); checked and completed by the engine's resolver. */
  engineOptions?: Readonly<Record<string, unknown>>;
}

/**
 * The fully resolved configuration the ensembles run: the run record (runRecord.ts, run.json) seen with
 * the protocols as engine data (`experimentRunConfig`). Earlier versions wrote it as config.json.
 */
export interface RunConfig {
  version: string;
  engine: string;
  seed: number;
  trials: number;
  dt_ms: number;
  fast_forward: boolean;
  sample_interval_s: number;
  params: ModelParams;
  protocols: Protocol[];
  /** The engine's options with every default filled in (its `resolveOptions`). */
  engine_options: Record<string, unknown>;
}

/** A request that cannot run; `field` names the flag or key, the message says what is allowed. */
export class ConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_SEED = 1;
export const DEFAULT_TRIALS = 10;
export const DEFAULT_DT_MS = 0.2;

/** Expands `all` and preset names, in order, without duplicates. */
export function resolveProtocols(names: ReadonlyArray<string | Protocol>): Protocol[] {
  const out: Protocol[] = [];
  const seen = new Set<string>();
  const add = (p: Protocol) => {
    if (!seen.has(p.name)) {
      seen.add(p.name);
      out.push(p);
    }
  };
  if (names.length === 0) throw new ConfigError('protocol', `no protocol given; allowed: ${PRESET_NAMES.join(', ')}, all`);
  for (const n of names) {
    if (typeof n !== 'string') add(n);
    else if (n.toLowerCase() === 'all') PRESET_NAMES.forEach((k) => add(PRESET_PROTOCOLS[k]));
    else if (isPresetName(n.toUpperCase())) add(PRESET_PROTOCOLS[n.toUpperCase() as keyof typeof PRESET_PROTOCOLS]);
    else throw new ConfigError('protocol', `unknown protocol '${n}'; allowed: ${PRESET_NAMES.join(', ')}, all`);
  }
  return out;
}

function positiveInteger(field: string, v: number, max = 1e9): number {
  if (!Number.isInteger(v) || v <= 0 || v > max) throw new ConfigError(field, `${field} ${v} is invalid; allowed: an integer from 1 to ${max}`);
  return v;
}

export function resolveRunConfig(req: RunRequest): RunConfig {
  const engine = req.engine ?? 'exact';
  if (!engineNames().includes(engine)) throw new ConfigError('--engine', `unknown engine '${engine}'; allowed: ${engineNames().join(', ')}`);
  const seed = req.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError('--seed', `seed ${seed} is invalid; allowed: an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
  const trials = positiveInteger('--trials', req.trials ?? DEFAULT_TRIALS);
  const dt_ms = req.dt_ms ?? DEFAULT_DT_MS;
  if (!Number.isFinite(dt_ms) || dt_ms < MIN_DT_MS || dt_ms > MAX_DT_MS) throw new ConfigError('--dt', `dt ${dt_ms} ms is invalid; allowed: a number ≥ ${MIN_DT_MS} and ≤ ${MAX_DT_MS} ms`);
  const sample = req.sampleInterval_s ?? 60;
  if (!Number.isFinite(sample) || sample <= 0) throw new ConfigError('sample_interval_s', `sample interval ${sample} s is invalid; allowed: a number > 0`);
  let params: ModelParams;
  try {
    params = resolveParams(req.params ?? {});
  } catch (e) {
    throw new ConfigError('--param', (e as Error).message);
  }
  const protocols = resolveProtocols(req.protocols);
  let engine_options: Record<string, unknown>;
  try {
    engine_options = resolveEngineOptions(getEngine(engine), req.engineOptions, { params, dt_ms });
  } catch (e) {
    if (e instanceof EngineOptionError) throw new ConfigError(`engine_options.${e.field}`, e.message);
    throw e;
  }
  return {
    version: VERSION, engine, seed, trials, dt_ms, fast_forward: req.fastForward ?? true,
    sample_interval_s: sample, params, protocols, engine_options,
  };
}

export type ProtocolCallback = (protocol: string, result: EnsembleResult) => void;

/** One ensemble per protocol of a resolved configuration. */
export function ensembleConfigs(cfg: RunConfig): EnsembleConfig[] {
  return cfg.protocols.map((protocol) => ({
    protocol, engine: cfg.engine, trials: cfg.trials, seed: cfg.seed, params: cfg.params, dt_ms: cfg.dt_ms,
    fastForward: cfg.fast_forward, sampleInterval_s: cfg.sample_interval_s, engineOptions: cfg.engine_options,
  }));
}

/** Runs every protocol of a resolved configuration in turn. */
export function runProtocols(cfg: RunConfig, hooks: { onTrial?: (protocol: string) => TrialCallback; onProtocol?: ProtocolCallback } = {}): EnsembleResult[] {
  const out: EnsembleResult[] = [];
  for (const ens of ensembleConfigs(cfg)) {
    const res = runEnsemble(ens, hooks.onTrial?.(ens.protocol.name));
    hooks.onProtocol?.(ens.protocol.name, res);
    out.push(res);
  }
  return out;
}

/** The machine-readable summary (`--json` and summary.json). */
export function summaryJson(cfg: RunConfig, results: readonly EnsembleSummary[]): Record<string, unknown> {
  return {
    version: cfg.version,
    engine: cfg.engine,
    seed: cfg.seed,
    trials: cfg.trials,
    dt_ms: cfg.dt_ms,
    fast_forward: cfg.fast_forward,
    params: cfg.params,
    results: results.map((r) => {
      const protocol = cfg.protocols.find((p) => p.name === r.protocol);
      return {
        protocol: r.protocol,
        trials: r.trials,
        w_rel: r.w_rel,
        h_mV: r.h_mV,
        z: r.z,
        p_max: r.pMax,
        classes: r.classes,
        class: r.class,
        expected: protocol?.expected ?? null,
        tagged: r.tagged,
        wall_ms_per_trial: r.wall_ms / Math.max(1, r.trials),
        steps_per_trial: r.steps / Math.max(1, r.trials),
      };
    }),
  };
}
