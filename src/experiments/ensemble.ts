/**
 * Trial ensembles of one protocol: N independent trials with streams keyed by (seed, trial, purpose),
 * reduced on the fly to mean ± SD traces, checkpoint statistics and class counts.
 */
import type { ModelParams } from '../model/parameters.js';
import { OUTCOME_CLASSES, type OutcomeClass, type Protocol } from '../model/protocols.js';
import { getEngine } from '../engines/registry.js';
import type { CalciumTrace, ProbeSink, ProbeSpec, TrialResult } from '../engines/types.js';
import { RunningStat, sampleAt, type MeanSd } from './statistics.js';
import { TrialTable } from './trialTable.js';

/** How one protocol is run. */
export interface EnsembleConfig {
  readonly protocol: Protocol;
  readonly engine: string;
  readonly trials: number;
  readonly seed: number;
  readonly params: ModelParams;
  /** Integration step, ms. */
  readonly dt_ms: number;
  readonly fastForward: boolean;
  /** Grid of the averaged traces, s. */
  readonly sampleInterval_s: number;
  readonly engineOptions?: Readonly<Record<string, unknown>>;
  /** Index of the first trial (to split an ensemble across workers or runs). */
  readonly firstTrial?: number;
}

/** Named checkpoint times in simulated time, s ("8h" = 28 800 s). */
export const CHECKPOINTS: ReadonlyArray<readonly [string, number]> = [
  ['pre', 3599],
  ['2h', 7200],
  ['4h', 14400],
  ['6h', 21600],
  ['8h', 28800],
];

/** One row per trial, as written to the per-trial CSV. */
export interface TrialRow {
  trial: number;
  outcome: OutcomeClass;
  tagged: boolean;
  proteinSynthesis: boolean;
  maxDev_mV: number;
  w_rel: Record<string, number>;
  h_mV: Record<string, number>;
  z: Record<string, number>;
  pMax: number;
  tPMax_s: number;
  preSpikes: number;
  postSpikes: number;
  steps: number;
  wall_ms: number;
}

export interface EnsembleResult {
  readonly protocol: string;
  readonly engine: string;
  readonly trials: number;
  readonly t_s: Float64Array;
  /** Mean and SD over trials on the grid. */
  readonly traces: Record<'h_rel' | 'z' | 'w_rel' | 'p', { mean: Float64Array; sd: Float64Array }>;
  readonly w_rel: Record<string, MeanSd>;
  readonly h_mV: Record<string, MeanSd>;
  readonly z: Record<string, MeanSd>;
  readonly pMax: MeanSd;
  readonly classes: Partial<Record<OutcomeClass, number>>;
  /** The majority class (ties broken in the order late-LTP, early-LTP, late-LTD, early-LTD, none). */
  readonly class: OutcomeClass;
  readonly tagged: number;
  /** The per-trial rows, compactly (≈ 210 bytes a trial), in trial order: what writers read. */
  readonly table: TrialTable;
  /** The same rows as objects, made on each access (≈ 2 KB a trial: prefer `table` for large ensembles). */
  readonly rows: TrialRow[];
  /** Fine calcium trace of the first trial. */
  readonly calcium?: CalciumTrace;
  readonly wall_ms: number;
  readonly steps: number;
}

/** An ensemble's statistics without its per-trial rows (what crosses a thread or process boundary cheaply). */
export type EnsembleSummary = Omit<EnsembleResult, 'rows' | 'table'>;

/** The statistics of `r`, without its rows (a plain object: structured-clone and JSON safe). */
export function withoutRows(r: EnsembleResult): EnsembleSummary {
  const { protocol, engine, trials, t_s, traces, w_rel, h_mV, z, pMax, classes, class: cls, tagged, calcium, wall_ms, steps } = r;
  return { protocol, engine, trials, t_s, traces, w_rel, h_mV, z, pMax, classes, class: cls, tagged, ...(calcium ? { calcium } : {}), wall_ms, steps };
}

/** What {@link runEnsemble} also hands a trial callback (the parallel runner does not: its trials ran elsewhere). */
export interface TrialDetail {
  /** The engine's result of the trial (its own traces, calcium, probes, diagnostics). */
  readonly result: TrialResult;
  /** The ensemble over the trials finished so far (its trace arrays are live: copy what you keep). */
  snapshot(): EnsembleResult;
}

export type TrialCallback = (done: number, total: number, row: TrialRow, detail?: TrialDetail) => void;

/** What a run in this thread can do besides the ensemble: record probes in every trial. */
export interface EnsembleRunOptions {
  /** Probes recorded in every trial (by engines that record probes). */
  readonly probes?: readonly ProbeSpec[];
  /** Where trial `trial`'s probe samples go while it runs; without one they come back in the trial's result. */
  readonly probeSink?: (trial: number) => ProbeSink | undefined;
}

/** The per-trial scalars an ensemble needs besides the traces (a TrialResult or a packed record). */
export type TrialScalars = Omit<TrialRow, 'w_rel' | 'h_mV' | 'z'>;

/** Welford mean and sum of squared deviations of one trace on the grid. */
class TraceStat {
  readonly mean: Float64Array;
  readonly s: Float64Array;
  constructor(n: number) {
    this.mean = new Float64Array(n);
    this.s = new Float64Array(n);
  }
  sd(count: number): Float64Array {
    const out = new Float64Array(this.mean.length);
    if (count > 1) for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(this.s[i]! / (count - 1));
    return out;
  }
}

/**
 * Reduces finished trials of one protocol into an ensemble result, one trial at a time, in one fused
 * pass over the trial's grid and without per-trial arrays (the parallel runner's main thread reduces
 * every trial through it, so this pass bounds throughput when trials take ~100 µs). Trials must be
 * added in trial order for results that do not depend on the number of workers.
 */
/**
 * A trial's state became NaN or infinite (parameters far outside the model's range): the run stops —
 * no statistic is computed over it. The message names the trial, the variable, the time and the value.
 */
export class NonFiniteStateError extends Error {
  constructor(readonly trial: number, readonly variable: string, readonly t_s: number, readonly value: number, readonly protocol?: string) {
    super(`${protocol ? `${protocol}, ` : ''}trial ${trial}: ${variable} became ${value} at t = ${Number.isFinite(t_s) ? +t_s.toPrecision(6) : t_s} s`);
    this.name = 'NonFiniteStateError';
  }
}

/** Throws a {@link NonFiniteStateError} for the first non-finite value of a trial's traces and scalars. */
function checkFinite(
  protocol: string | undefined, trial: number, t_s: Float64Array,
  traces: ReadonlyArray<readonly [string, ArrayLike<number>]>, scalars: ReadonlyArray<readonly [string, number]>,
): void {
  for (const [name, x] of traces) {
    for (let i = 0; i < t_s.length; i++) if (!Number.isFinite(x[i]!)) throw new NonFiniteStateError(trial, name, t_s[i]!, x[i]!, protocol);
  }
  for (const [name, v] of scalars) if (!Number.isFinite(v)) throw new NonFiniteStateError(trial, name, t_s[t_s.length - 1] ?? 0, v, protocol);
}

export class EnsembleAccumulator {
  private n = 0;
  private t_s?: Float64Array;
  private hRel?: TraceStat;
  private zT?: TraceStat;
  private wRel?: TraceStat;
  private pT?: TraceStat;
  /** w/h0 of the current trial (for the checkpoints), reused. */
  private wScratch = new Float64Array(0);
  private readonly cps = new Map<string, { w: RunningStat; h: RunningStat; z: RunningStat }>();
  private readonly pMax = new RunningStat();
  private readonly counts: Partial<Record<OutcomeClass, number>> = {};
  private tagged = 0;
  private steps = 0;
  private calcium?: CalciumTrace;
  private readonly table = new TrialTable(CHECKPOINTS.map(([name]) => name));

  /** `protocol`: named in the error when a trial's state is not finite. */
  constructor(private readonly h0: number, readonly protocol?: string) {
    for (const [name] of CHECKPOINTS) this.cps.set(name, { w: new RunningStat(), h: new RunningStat(), z: new RunningStat() });
  }

  /** Adds a finished trial. */
  add(r: TrialResult, wall_ms: number): TrialRow {
    return this.addTrace(r.t_s, r.h_mV, r.z, r.p, {
      trial: r.trial, outcome: r.outcome, tagged: r.tagged, proteinSynthesis: r.proteinSynthesis,
      maxDev_mV: r.maxDev_mV, pMax: r.pMax, tPMax_s: r.tPMax_s, preSpikes: r.preSpikes, postSpikes: r.postSpikes,
      steps: r.steps, wall_ms,
    }, r.calcium);
  }

  /** Adds a trial given as its grid traces (views are fine: nothing is kept) and its scalars. */
  addTrace(t_s: Float64Array, H: ArrayLike<number>, Z: ArrayLike<number>, P: ArrayLike<number>, sc: TrialScalars, calcium?: CalciumTrace): TrialRow {
    const len = t_s.length;
    // x − x is 0 for every finite x and NaN otherwise: one cheap pass, the named check only on a failure
    let bad = sc.maxDev_mV - sc.maxDev_mV + (sc.pMax - sc.pMax);
    for (let i = 0; i < len; i++) bad += H[i]! - H[i]! + (Z[i]! - Z[i]!) + (P[i]! - P[i]!);
    if (bad !== 0) checkFinite(this.protocol, sc.trial, t_s, [['h', H], ['z', Z], ['p', P]], [['max |h − h0|', sc.maxDev_mV], ['p_max', sc.pMax]]);
    if (calcium) checkFinite(this.protocol, sc.trial, calcium.t_s, [['c', calcium.c], ['h', calcium.h_mV]], []);
    if (!this.t_s) {
      this.t_s = t_s;
      this.hRel = new TraceStat(len);
      this.zT = new TraceStat(len);
      this.wRel = new TraceStat(len);
      this.pT = new TraceStat(len);
      this.wScratch = new Float64Array(len);
    }
    const h0 = this.h0;
    const count = ++this.n;
    const hm = this.hRel!.mean, hs = this.hRel!.s, zm = this.zT!.mean, zs = this.zT!.s;
    const wm = this.wRel!.mean, ws = this.wRel!.s, pm = this.pT!.mean, ps = this.pT!.s;
    const W = this.wScratch;
    for (let i = 0; i < len; i++) {
      const h = H[i]!, z = Z[i]!, p = P[i]!;
      const hr = h / h0;
      const wr = (h + h0 * z) / h0;
      W[i] = wr;
      let d = hr - hm[i]!;
      hm[i]! += d / count;
      hs[i]! += d * (hr - hm[i]!);
      d = z - zm[i]!;
      zm[i]! += d / count;
      zs[i]! += d * (z - zm[i]!);
      d = wr - wm[i]!;
      wm[i]! += d / count;
      ws[i]! += d * (wr - wm[i]!);
      d = p - pm[i]!;
      pm[i]! += d / count;
      ps[i]! += d * (p - pm[i]!);
    }
    // spelled out: an object spread costs more than the whole Welford pass above
    const row: TrialRow = {
      trial: sc.trial, outcome: sc.outcome, tagged: sc.tagged, proteinSynthesis: sc.proteinSynthesis, maxDev_mV: sc.maxDev_mV,
      w_rel: {}, h_mV: {}, z: {}, pMax: sc.pMax, tPMax_s: sc.tPMax_s, preSpikes: sc.preSpikes, postSpikes: sc.postSpikes,
      steps: sc.steps, wall_ms: sc.wall_ms,
    };
    for (const [name, t] of CHECKPOINTS) {
      if (t > t_s[len - 1]! + 1e-9) continue;
      const w = sampleAt(t_s, W, t), h = sampleAt(t_s, H, t), z = sampleAt(t_s, Z, t);
      row.w_rel[name] = w;
      row.h_mV[name] = h;
      row.z[name] = z;
      const cp = this.cps.get(name)!;
      cp.w.push(w);
      cp.h.push(h);
      cp.z.push(z);
    }
    this.pMax.push(row.pMax);
    this.counts[row.outcome] = (this.counts[row.outcome] ?? 0) + 1;
    if (row.tagged) this.tagged++;
    this.steps += row.steps;
    if (calcium && (!this.calcium || row.trial === 0)) this.calcium = calcium;
    this.table.push(row);
    return row;
  }

  result(protocol: string, engine: string, wall_ms: number): EnsembleResult {
    const pick = (sel: 'w' | 'h' | 'z'): Record<string, MeanSd> => {
      const out: Record<string, MeanSd> = {};
      for (const [name, cp] of this.cps) if (cp[sel].n > 0) out[name] = cp[sel].summary();
      return out;
    };
    const trace = (s: TraceStat | undefined) => ({ mean: s?.mean ?? new Float64Array(), sd: s ? s.sd(this.n) : new Float64Array() });
    let best: OutcomeClass = 'none';
    let bestN = -1;
    for (const c of OUTCOME_CLASSES) if ((this.counts[c] ?? 0) > bestN) { best = c; bestN = this.counts[c] ?? 0; }
    const table = this.table;
    table.sortByTrial();
    return {
      protocol, engine, trials: table.length, t_s: this.t_s ?? new Float64Array(),
      traces: { h_rel: trace(this.hRel), z: trace(this.zT), w_rel: trace(this.wRel), p: trace(this.pT) },
      w_rel: pick('w'), h_mV: pick('h'), z: pick('z'), pMax: this.pMax.summary(),
      classes: { ...this.counts }, class: best, tagged: this.tagged, table,
      get rows() {
        return table.rows();
      },
      calcium: this.calcium, wall_ms, steps: this.steps,
    };
  }
}

/**
 * Runs the trials of one protocol in this thread. `onTrial` gets each trial's row, its full result and
 * a snapshot of the ensemble so far (e.g. to draw it live); `options` adds probes to every trial.
 */
export function runEnsemble(cfg: EnsembleConfig, onTrial?: TrialCallback, options: EnsembleRunOptions = {}): EnsembleResult {
  const engine = getEngine(cfg.engine);
  const acc = new EnsembleAccumulator(cfg.params.h0, cfg.protocol.name);
  const first = cfg.firstTrial ?? 0;
  const t0 = performance.now();
  for (let k = 0; k < cfg.trials; k++) {
    const trial = first + k;
    const ts = performance.now();
    const probeSink = options.probes ? options.probeSink?.(trial) : undefined;
    const r = engine.runTrial({
      params: cfg.params, protocol: cfg.protocol, seed: cfg.seed, trial, dt_ms: cfg.dt_ms,
      fastForward: cfg.fastForward, sampleInterval_s: cfg.sampleInterval_s, recordCalcium: trial === first,
      engineOptions: cfg.engineOptions,
      ...(options.probes ? { probes: options.probes, ...(probeSink ? { probeSink } : {}) } : {}),
    });
    const row = acc.add(r, performance.now() - ts);
    onTrial?.(k + 1, cfg.trials, row, { result: r, snapshot: () => acc.result(cfg.protocol.name, cfg.engine, performance.now() - t0) });
  }
  return acc.result(cfg.protocol.name, cfg.engine, performance.now() - t0);
}
