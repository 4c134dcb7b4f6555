/**
 * The ordered reduction of the parallel runner: the same statistics as {@link EnsembleAccumulator},
 * computed with the same floating-point operations in the same order — so the results are bit-identical
 * to runEnsemble's (the parallel test checks it) — but in one fused pass over the packed trial record,
 * without allocating per-trial arrays. The main thread reduces every trial of an ensemble, so this pass
 * bounds the throughput of the whole pool when trials take only ~100 µs.
 */
import { OUTCOME_CLASSES, type OutcomeClass } from '../model/protocols.js';
import type { CalciumTrace } from '../engines/types.js';
import { CHECKPOINTS, type EnsembleResult, type TrialRow } from './ensemble.js';
import { RunningStat, sampleAt } from './statistics.js';
import { recordLength, SCALAR_FIELDS } from './workerProtocol.js';

const NS = SCALAR_FIELDS.length;

/** Welford mean and sum of squared deviations of one trace, as RunningVectorStat. */
class Trace {
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

export class PackedEnsembleReducer {
  private n = 0;
  private len = -1;
  private t_s?: Float64Array;
  private hRel?: Trace;
  private zT?: Trace;
  private wRel?: Trace;
  private pT?: Trace;
  /** w/h0 of the current trial (for the checkpoints), reused. */
  private wScratch = new Float64Array(0);
  private readonly cps = new Map<string, { w: RunningStat; h: RunningStat; z: RunningStat }>();
  private readonly pMax = new RunningStat();
  private readonly counts: Partial<Record<OutcomeClass, number>> = {};
  private tagged = 0;
  private steps = 0;
  private calcium?: CalciumTrace;
  readonly rows: TrialRow[] = [];

  constructor(private readonly h0: number) {
    for (const [name] of CHECKPOINTS) this.cps.set(name, { w: new RunningStat(), h: new RunningStat(), z: new RunningStat() });
  }

  /** Adds record k of a packed chunk (grid length len, grid times t_s). */
  add(data: Float64Array, k: number, len: number, t_s: Float64Array, calcium?: CalciumTrace): TrialRow {
    if (this.len < 0) {
      this.len = len;
      this.t_s = t_s;
      this.hRel = new Trace(len);
      this.zT = new Trace(len);
      this.wRel = new Trace(len);
      this.pT = new Trace(len);
      this.wScratch = new Float64Array(len);
    }
    const o = k * recordLength(len);
    const h0 = this.h0;
    const count = ++this.n;
    const hm = this.hRel!.mean, hs = this.hRel!.s, zm = this.zT!.mean, zs = this.zT!.s;
    const wm = this.wRel!.mean, ws = this.wRel!.s, pm = this.pT!.mean, ps = this.pT!.s;
    const W = this.wScratch;
    for (let i = 0; i < len; i++) {
      const h = data[o + i]!, z = data[o + len + i]!, p = data[o + 2 * len + i]!;
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
    const s = o + 3 * len;
    const outcome = OUTCOME_CLASSES[data[s + 4]!] ?? 'none';
    const row: TrialRow = {
      trial: data[s]!, outcome, tagged: data[s + 2] === 1, proteinSynthesis: data[s + 3] === 1, maxDev_mV: data[s + 1]!,
      w_rel: {}, h_mV: {}, z: {}, pMax: data[s + 7]!, tPMax_s: data[s + 8]!, preSpikes: data[s + 5]!, postSpikes: data[s + 6]!,
      steps: data[s + 9]!, wall_ms: data[s + 10]!,
    };
    const H = data.subarray(o, o + len), Z = data.subarray(o + len, o + 2 * len);
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
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
    if (row.tagged) this.tagged++;
    this.steps += row.steps;
    if (calcium && (!this.calcium || row.trial === 0)) this.calcium = calcium;
    this.rows.push(row);
    return row;
  }

  /** The ensemble result, field for field as EnsembleAccumulator.result. */
  result(protocol: string, engine: string, wall_ms: number): EnsembleResult {
    const pick = (sel: 'w' | 'h' | 'z') => {
      const out: Record<string, { mean: number; sd: number }> = {};
      for (const [name, cp] of this.cps) if (cp[sel].n > 0) out[name] = cp[sel].summary();
      return out;
    };
    const trace = (s: Trace | undefined) => ({ mean: s?.mean ?? new Float64Array(), sd: s ? s.sd(this.n) : new Float64Array() });
    let best: OutcomeClass = 'none';
    let bestN = -1;
    for (const c of OUTCOME_CLASSES) if ((this.counts[c] ?? 0) > bestN) { best = c; bestN = this.counts[c] ?? 0; }
    this.rows.sort((a, b) => a.trial - b.trial);
    return {
      protocol, engine, trials: this.rows.length, t_s: this.t_s ?? new Float64Array(),
      traces: { h_rel: trace(this.hRel), z: trace(this.zT), w_rel: trace(this.wRel), p: trace(this.pT) },
      w_rel: pick('w'), h_mV: pick('h'), z: pick('z'), pMax: this.pMax.summary(),
      classes: { ...this.counts }, class: best, tagged: this.tagged, rows: this.rows,
      calcium: this.calcium, wall_ms, steps: this.steps,
    };
  }
}
