/**
 * The timing × frequency grid (docs/timing.md): one pairing protocol per (f, Δt), each an ensemble of
 * trials on one engine, reduced to the numbers of the STDP window and the outcome map. Ensembles run on
 * the parallel pool (bit-identical for any worker count) or, with `workers: 0`, in this thread.
 */
import type { ModelParams } from '../../model/parameters.js';
import { OUTCOME_CLASSES, type OutcomeClass } from '../../model/protocols.js';
import { predictPairing } from '../../model/timing/closedForm.js';
import {
  PAIRING_READOUT_S, PAIRING_SAMPLE_INTERVAL_S, pairingProtocol, type Burst, type PairingSpec,
} from '../../model/timing/pairing.js';
import type { EnsembleConfig, EnsembleResult } from '../ensemble.js';
import { runEnsemblesParallel } from '../parallel.js';
import type { MeanSd } from '../statistics.js';

/** Everything that defines a timing run besides the engine's own settings. */
export interface TimingGridConfig {
  /** Δt values, ms (t_post − t_pre). */
  readonly dts_ms: readonly number[];
  /** Pairing frequencies, Hz. */
  readonly freqs_Hz: readonly number[];
  readonly pairs: number;
  readonly preBurst?: Burst;
  readonly postBurst?: Burst;
  readonly engine: string;
  readonly engineOptions?: Readonly<Record<string, unknown>>;
  readonly trials: number;
  readonly seed: number;
  readonly params: ModelParams;
  /** Integration step, ms (reference and bss2; exact has none). */
  readonly dt_ms: number;
}

/** One point of the grid. Changes are relative: (h − h0)/h0 and w/h0 − 1. */
export interface TimingPoint {
  readonly freq_Hz: number;
  readonly dt_ms: number;
  /** Early-phase change (h − h0)/h0 one second after the protocol, mean ± SD over trials. */
  readonly early: MeanSd;
  /** w/h0 at 8 h, mean ± SD. */
  readonly w8h: MeanSd;
  /** Majority outcome class, and the fraction of trials in each class. */
  readonly class: OutcomeClass;
  readonly classFractions: Partial<Record<OutcomeClass, number>>;
  readonly taggedFraction: number;
  readonly proteinFraction: number;
  /** The closed form (deterministic spikes): mean early change, and the times calcium spends above θ_p and θ_d, s. */
  readonly predictedEarly: number;
  readonly predictedEarlyLinear: number;
  readonly above_p_s: number;
  readonly above_d_s: number;
}

export interface TimingResult {
  readonly config: TimingGridConfig;
  readonly points: TimingPoint[];
  /** Wall time of the ensembles, s. */
  readonly wall_s: number;
  /** Trials run. */
  readonly trials: number;
}

/** The pairing of one grid point. */
export function pairingOf(cfg: Pick<TimingGridConfig, 'pairs' | 'preBurst' | 'postBurst'>, freq_Hz: number, dt_ms: number): PairingSpec {
  return { pairs: cfg.pairs, freq_Hz, dt_ms, ...(cfg.preBurst ? { preBurst: cfg.preBurst } : {}), ...(cfg.postBurst ? { postBurst: cfg.postBurst } : {}) };
}

/** The grid's ensembles, frequency-major (all Δt of the first frequency, then the next). */
export function timingEnsembles(cfg: TimingGridConfig): EnsembleConfig[] {
  return cfg.freqs_Hz.flatMap((f) => cfg.dts_ms.map((dt): EnsembleConfig => ({
    protocol: pairingProtocol(pairingOf(cfg, f, dt)),
    engine: cfg.engine,
    trials: cfg.trials,
    seed: cfg.seed,
    params: cfg.params,
    dt_ms: cfg.dt_ms,
    fastForward: true,
    sampleInterval_s: PAIRING_SAMPLE_INTERVAL_S,
    ...(cfg.engineOptions ? { engineOptions: cfg.engineOptions } : {}),
  })));
}

/** The grid point an ensemble result stands for. */
export function timingPoint(cfg: TimingGridConfig, ens: EnsembleConfig, r: EnsembleResult, freq_Hz: number, dt_ms: number): TimingPoint {
  const iRead = r.t_s.findIndex((t) => Math.abs(t - PAIRING_READOUT_S) < 1e-6);
  const i8h = r.t_s.length - 1;
  const n = r.trials;
  const classFractions: Partial<Record<OutcomeClass, number>> = {};
  for (const c of OUTCOME_CLASSES) if (r.classes[c]) classFractions[c] = r.classes[c]! / n;
  const pred = predictPairing(ens.protocol, cfg.params, PAIRING_READOUT_S);
  return {
    freq_Hz, dt_ms,
    early: { mean: r.traces.h_rel.mean[iRead]! - 1, sd: r.traces.h_rel.sd[iRead]! },
    w8h: { mean: r.traces.w_rel.mean[i8h]!, sd: r.traces.w_rel.sd[i8h]! },
    class: r.class,
    classFractions,
    taggedFraction: r.tagged / n,
    proteinFraction: r.table.column('proteinSynthesis').reduce((a, x) => a + x, 0) / n,
    predictedEarly: pred.earlyChange,
    predictedEarlyLinear: pred.earlyChangeLinear,
    above_p_s: pred.above_p_s,
    above_d_s: pred.above_d_s,
  };
}

/**
 * Runs the grid. `onPoint` fires as each point completes (in grid order); `workers` as in
 * runEnsemblesParallel (0: this thread).
 */
export async function runTimingGrid(
  cfg: TimingGridConfig,
  opts: { workers?: number; onPoint?: (done: number, total: number, p: TimingPoint) => void } = {},
): Promise<TimingResult> {
  const ensembles = timingEnsembles(cfg);
  const where = (e: number) => ({ f: cfg.freqs_Hz[Math.floor(e / cfg.dts_ms.length)]!, dt: cfg.dts_ms[e % cfg.dts_ms.length]! });
  const points: TimingPoint[] = new Array(ensembles.length);
  let done = 0;
  const t0 = performance.now();
  // Each point keeps what it needs of its ensemble; chunks of 50 trials keep the message count low.
  await runEnsemblesParallel(ensembles, {
    workers: opts.workers,
    chunkSize: Math.max(1, Math.min(50, cfg.trials)),
    onEnsemble: (e, r) => {
      const { f, dt } = where(e);
      points[e] = timingPoint(cfg, ensembles[e]!, r, f, dt);
      opts.onPoint?.(++done, ensembles.length, points[e]!);
    },
  });
  return { config: cfg, points, wall_s: (performance.now() - t0) / 1000, trials: ensembles.length * cfg.trials };
}

/**
 * Zero crossings of one frequency's window: the Δt at which the mean change changes sign, by linear
 * interpolation between neighbouring grid points with a change (points with exactly none — calcium
 * never reached θ_d — are skipped, so a stretch of "no change" is not a crossing).
 */
export function zeroCrossings(points: readonly TimingPoint[], freq_Hz: number, key: 'early' | 'w8h' = 'early'): number[] {
  const y = (p: TimingPoint) => (key === 'early' ? p.early.mean : p.w8h.mean - 1);
  const ps = points.filter((p) => p.freq_Hz === freq_Hz && y(p) !== 0).sort((a, b) => a.dt_ms - b.dt_ms);
  const out: number[] = [];
  for (let i = 1; i < ps.length; i++) {
    const a = y(ps[i - 1]!), b = y(ps[i]!);
    if (Math.sign(a) === Math.sign(b)) continue;
    const x0 = ps[i - 1]!.dt_ms, x1 = ps[i]!.dt_ms;
    out.push(x0 + ((0 - a) * (x1 - x0)) / (b - a));
  }
  return out;
}

/**
 * Edges of one frequency's window: where the mean early change goes from exactly none (calcium never
 * reached θ_d in any trial) to some, as the midpoint between the two grid points. At low frequencies the
 * window is a single stretch of depression whose edges are set by c_pre, c_post, τ_c and θ_d alone.
 */
export function windowEdges(points: readonly TimingPoint[], freq_Hz: number): number[] {
  const ps = points.filter((p) => p.freq_Hz === freq_Hz).sort((a, b) => a.dt_ms - b.dt_ms);
  const out: number[] = [];
  for (let i = 1; i < ps.length; i++) {
    if ((ps[i - 1]!.early.mean === 0) !== (ps[i]!.early.mean === 0)) out.push((ps[i - 1]!.dt_ms + ps[i]!.dt_ms) / 2);
  }
  return out;
}
