/**
 * Trial ensembles of one protocol: N independent trials with streams keyed by (seed, trial, purpose),
 * reduced on the fly to mean ± SD traces, checkpoint statistics and class counts.
 */
import type { ModelParams } from '../model/parameters.js';
import { OUTCOME_CLASSES, type OutcomeClass, type Protocol } from '../model/protocols.js';
import { getEngine } from '../engines/registry.js';
import type { CalciumTrace, ProbeSink, ProbeSpec, TrialResult } from '../engines/types.js';
import { RunningStat, type MeanSd } from './statistics.js';
import { TrialTable } from './trialTable.js';
import { CHECKPOINTS, TraceMoments, TrialTraceReducer } from './ensembleBlock.js';

export { CHECKPOINTS, NonFiniteStateError, REDUCE_BLOCK } from './ensembleBlock.js';

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

/**
 * Reduces finished trials of one protocol into an ensemble result: the trace statistics in blocks of
 * REDUCE_BLOCK trials merged in order (ensembleBlock.ts), the checkpoint statistics, classes and rows
 * trial by trial. Trials must be added in trial order for results that do not depend on the number of
 * workers. A trial reduced in this thread goes through {@link add} / {@link addTrace}; the parallel runner
 * hands over what its workers reduced through {@link addReduced} and {@link addBlock}.
 */
export class EnsembleAccumulator {
  private t_s?: Float64Array;
  /** Trace moments of every merged block. */
  private moments?: TraceMoments;
  /** Reduces trials added in this thread (its open block is merged when full and in result()). */
  private local?: TrialTraceReducer;
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
    this.grid(t_s);
    const red = (this.local ??= new TrialTraceReducer(t_s, this.h0, this.protocol));
    red.add(H, Z, P, sc.trial, sc.maxDev_mV, sc.pMax, calcium);
    if (red.blockFull) red.mergeBlockInto(this.moments!);
    return this.addReduced(sc, red.cp, 0, calcium);
  }

  /**
   * Adds a trial reduced elsewhere (a TrialTraceReducer checked it): its scalars and its checkpoint samples
   * (TrialTraceReducer.cp's layout) at `o` of `cp`. Its traces arrive with its block, see {@link addBlock}.
   */
  addReduced(sc: TrialScalars, cp: ArrayLike<number>, o: number, calcium?: CalciumTrace): TrialRow {
    // spelled out: an object spread costs more than the whole reduction
    const row: TrialRow = {
      trial: sc.trial, outcome: sc.outcome, tagged: sc.tagged, proteinSynthesis: sc.proteinSynthesis, maxDev_mV: sc.maxDev_mV,
      w_rel: {}, h_mV: {}, z: {}, pMax: sc.pMax, tPMax_s: sc.tPMax_s, preSpikes: sc.preSpikes, postSpikes: sc.postSpikes,
      steps: sc.steps, wall_ms: sc.wall_ms,
    };
    const C = CHECKPOINTS.length;
    for (let k = 0; k < C; k++) {
      const w = cp[o + k]!;
      if (Number.isNaN(w)) continue; // not reached by this grid
      const name = CHECKPOINTS[k]![0], h = cp[o + C + k]!, z = cp[o + 2 * C + k]!;
      row.w_rel[name] = w;
      row.h_mV[name] = h;
      row.z[name] = z;
      const s = this.cps.get(name)!;
      s.w.push(w);
      s.h.push(h);
      s.z.push(z);
    }
    this.pMax.push(row.pMax);
    this.counts[row.outcome] = (this.counts[row.outcome] ?? 0) + 1;
    if (row.tagged) this.tagged++;
    this.steps += row.steps;
    if (calcium && (!this.calcium || row.trial === 0)) this.calcium = calcium;
    this.table.push(row);
    return row;
  }

  /** Merges the next block's trace summary (TrialTraceReducer.takeBlock's layout) at `o` of `data`. */
  addBlock(t_s: Float64Array, data: Float64Array, o: number): void {
    this.grid(t_s);
    const len = t_s.length;
    this.moments!.merge(data[o]!, data, o + 1, data, o + 1 + 4 * len);
  }

  private grid(t_s: Float64Array): void {
    if (this.t_s) return;
    this.t_s = t_s;
    this.moments = new TraceMoments(t_s.length);
  }

  result(protocol: string, engine: string, wall_ms: number): EnsembleResult {
    const pick = (sel: 'w' | 'h' | 'z'): Record<string, MeanSd> => {
      const out: Record<string, MeanSd> = {};
      for (const [name, cp] of this.cps) if (cp[sel].n > 0) out[name] = cp[sel].summary();
      return out;
    };
    // the open block of trials added here joins a copy: later trials keep filling it
    let m = this.moments;
    if (m && this.local && this.local.block.n > 0) {
      m = m.copy();
      const b = this.local.block;
      m.merge(b.n, b.mean, 0, b.m2, 0);
    }
    const len = m?.len ?? 0;
    const trace = (j: number) => ({ mean: m ? m.mean.slice(j * len, (j + 1) * len) : new Float64Array(), sd: m ? m.sd(j) : new Float64Array() });
    let best: OutcomeClass = 'none';
    let bestN = -1;
    for (const c of OUTCOME_CLASSES) if ((this.counts[c] ?? 0) > bestN) { best = c; bestN = this.counts[c] ?? 0; }
    const table = this.table;
    table.sortByTrial();
    return {
      protocol, engine, trials: table.length, t_s: this.t_s ?? new Float64Array(),
      traces: { h_rel: trace(0), z: trace(1), w_rel: trace(2), p: trace(3) },
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
