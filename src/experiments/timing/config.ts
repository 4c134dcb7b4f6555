/**
 * The timing grid from what a user types (docs/timing.md): Δt ranges as `start:stop:step` or lists,
 * frequencies, bursts; checked field by field with one-line errors naming the field, the value and what
 * is allowed, before anything runs.
 */
import { whyEngineCannotRun } from '../../engines/capabilities.js';
import { EngineOptionError, resolveEngineOptions } from '../../engines/options.js';
import { engineNames, getEngine } from '../../engines/registry.js';
import { singleSynapseDescription } from '../../model/network/singleSynapse.js';
import { resolveParams, type ModelParams } from '../../model/parameters.js';
import { PAIRING_LAST_SPIKE_S, pairingProtocol, pairingSpan_s, type Burst } from '../../model/timing/pairing.js';
import { MAX_TRIALS } from '../limits.js';
import type { TimingGridConfig } from './grid.js';

/** A field of the timing request is invalid; the message names it, the value and what is allowed. */
export class TimingConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'TimingConfigError';
  }
}

/** Largest |Δt|, ms, and burst interval, ms. */
export const MAX_ABS_DT_MS = 1000;
/** Most grid points along Δt, frequencies, pairings and spikes per burst. */
export const MAX_DT_POINTS = 2001;
export const MAX_FREQUENCIES = 50;
export const MAX_PAIRS = 10_000;
export const MAX_BURST = 10;
/** Pairing frequencies, Hz: the step of the reference (0.2 ms) must resolve the period many times over. */
export const MIN_FREQ_HZ = 0.01;
export const MAX_FREQ_HZ = 200;
/** The protocol must end before the 1 h readout, starting after t = 0 with a margin: its length, s. */
export const MAX_PROTOCOL_S = PAIRING_LAST_SPIKE_S - 60;

/** `start:stop:step` (inclusive) or `a,b,c`, in ms. */
export function parseDtRange(raw: string, field = '--dt-ms'): number[] {
  const allowed = `allowed: start:stop:step with step > 0 and start ≤ stop (e.g. -100:100:2), or comma-separated values; each between ${-MAX_ABS_DT_MS} and ${MAX_ABS_DT_MS} ms, at most ${MAX_DT_POINTS} values`;
  const bad = (why = '') => new TimingConfigError(field, `'${raw}' is invalid${why}; ${allowed}`);
  const num = (s: string) => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v)) throw bad();
    return v;
  };
  let values: number[];
  if (raw.includes(':')) {
    const parts = raw.split(':');
    if (parts.length !== 3) throw bad();
    const [a, b, step] = parts.map(num) as [number, number, number];
    if (!(step > 0)) throw bad(' (step must be > 0)');
    if (a > b) throw bad(' (start is after stop)');
    const n = Math.floor((b - a) / step + 1e-9) + 1;
    if (n > MAX_DT_POINTS) throw bad(` (${n} values)`);
    values = Array.from({ length: n }, (_, k) => Math.round((a + k * step) * 1e9) / 1e9);
  } else {
    values = raw.split(',').map(num);
  }
  if (values.length > MAX_DT_POINTS) throw bad(` (${values.length} values)`);
  for (const v of values) if (Math.abs(v) > MAX_ABS_DT_MS) throw bad(` (${v} ms is out of range)`);
  if (new Set(values).size !== values.length) throw bad(' (a value repeats)');
  return [...values].sort((x, y) => x - y);
}

/** Comma-separated frequencies, Hz. */
export function parseFrequencies(raw: string, field = '--freq-hz'): number[] {
  const allowed = `allowed: comma-separated frequencies in Hz, each ≥ ${MIN_FREQ_HZ} and ≤ ${MAX_FREQ_HZ}, at most ${MAX_FREQUENCIES}, no repeats`;
  const values = raw.split(',').map((s) => Number(s.trim() === '' ? NaN : s));
  if (values.length > MAX_FREQUENCIES || new Set(values).size !== values.length || values.some((v) => !Number.isFinite(v) || v < MIN_FREQ_HZ || v > MAX_FREQ_HZ)) {
    throw new TimingConfigError(field, `'${raw}' is invalid; ${allowed}`);
  }
  return [...values].sort((x, y) => x - y);
}

/** `N:ISI_MS`, e.g. `2:10` for a pair of spikes 10 ms apart. */
export function parseBurst(raw: string, field: string): Burst {
  const m = /^\s*(\d+)\s*:\s*([0-9.eE+-]+)\s*$/.exec(raw);
  const count = m ? Number(m[1]) : NaN, isi_ms = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(count) || count < 1 || count > MAX_BURST || !Number.isFinite(isi_ms) || isi_ms <= 0 || isi_ms > MAX_ABS_DT_MS) {
    throw new TimingConfigError(field, `'${raw}' is invalid; allowed: N:ISI_MS with N an integer from 1 to ${MAX_BURST} and ISI_MS > 0 and ≤ ${MAX_ABS_DT_MS} (e.g. 2:10)`);
  }
  return { count, isi_ms };
}

/** What a user asks for, parsed but not yet checked against each other. */
export interface TimingRequest {
  readonly dts_ms: readonly number[];
  readonly freqs_Hz: readonly number[];
  readonly pairs: number;
  readonly preBurst?: Burst;
  readonly postBurst?: Burst;
  readonly engines: readonly string[];
  /** Raw options for each engine (e.g. from its flags). */
  readonly engineOptions?: (engine: string) => Readonly<Record<string, unknown>>;
  readonly trials: number;
  readonly seed: number;
  readonly params?: Readonly<Record<string, number>>;
  readonly dt_ms?: number;
}

/** Resolves and checks a request: one grid configuration per engine, or a TimingConfigError. */
export function resolveTiming(req: TimingRequest): TimingGridConfig[] {
  if (!Number.isInteger(req.pairs) || req.pairs < 1 || req.pairs > MAX_PAIRS) throw new TimingConfigError('--pairs', `${req.pairs} is invalid; allowed: an integer from 1 to ${MAX_PAIRS}`);
  if (!Number.isInteger(req.trials) || req.trials < 1 || req.trials > MAX_TRIALS) throw new TimingConfigError('--trials', `${req.trials} is invalid; allowed: an integer from 1 to ${MAX_TRIALS}`);
  if (!Number.isSafeInteger(req.seed) || req.seed < 0) throw new TimingConfigError('--seed', `${req.seed} is invalid; allowed: an integer ≥ 0`);
  if (req.engines.length === 0 || new Set(req.engines).size !== req.engines.length) throw new TimingConfigError('--engine', `'${req.engines.join(',')}' is invalid; allowed: distinct engines from ${engineNames().join(', ')}`);
  for (const e of req.engines) if (!engineNames().includes(e)) throw new TimingConfigError('--engine', `'${e}' is unknown; allowed: ${engineNames().join(', ')}`);
  let params: ModelParams;
  try {
    params = resolveParams(req.params ?? {});
  } catch (e) {
    throw new TimingConfigError('--param', (e as Error).message);
  }
  // the longest protocol of the grid must fit before the readout
  const longest = Math.max(...req.freqs_Hz.flatMap((f) => [req.dts_ms[0]!, req.dts_ms[req.dts_ms.length - 1]!].map((dt) => pairingSpan_s({
    pairs: req.pairs, freq_Hz: f, dt_ms: dt, ...(req.preBurst ? { preBurst: req.preBurst } : {}), ...(req.postBurst ? { postBurst: req.postBurst } : {}),
  }))));
  if (longest > MAX_PROTOCOL_S) {
    throw new TimingConfigError('--pairs', `${req.pairs} pairings at ${Math.min(...req.freqs_Hz)} Hz last ${longest.toFixed(0)} s; allowed: protocols of at most ${MAX_PROTOCOL_S} s (fewer pairings or higher frequencies)`);
  }
  const dt_ms = req.dt_ms ?? 0.2;
  return req.engines.map((engine) => {
    const E = getEngine(engine);
    const why = whyEngineCannotRun(E, singleSynapseDescription(pairingProtocol({ pairs: 1, freq_Hz: req.freqs_Hz[0]!, dt_ms: 0 }), params));
    if (why) throw new TimingConfigError('--engine', why);
    let engineOptions: Record<string, unknown>;
    try {
      engineOptions = resolveEngineOptions(E, req.engineOptions?.(engine), { params, dt_ms });
    } catch (e) {
      if (e instanceof EngineOptionError) throw new TimingConfigError(`engine option ${e.field}`, e.message);
      throw e;
    }
    return {
      dts_ms: req.dts_ms, freqs_Hz: req.freqs_Hz, pairs: req.pairs,
      ...(req.preBurst ? { preBurst: req.preBurst } : {}), ...(req.postBurst ? { postBurst: req.postBurst } : {}),
      engine, engineOptions, trials: req.trials, seed: req.seed, params, dt_ms,
    };
  });
}
