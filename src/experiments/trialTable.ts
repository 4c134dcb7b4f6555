/**
 * The per-trial rows of an ensemble, stored compactly: one Float64Array with a fixed stride (≈ 210 bytes
 * a trial instead of ≈ 2 KB as objects), so a million trials per protocol stay within memory. Rows are
 * materialised as {@link TrialRow} objects only on demand; writers read columns.
 */
import { OUTCOME_CLASSES } from '../model/protocols.js';
import type { TrialRow } from './ensemble.js';

/** Checkpoint names in column order (the same as ensemble.ts's CHECKPOINTS; passed in to avoid a cycle). */
type CheckpointNames = readonly string[];

/** Numeric fields of a row, in column order after trial, outcome, tagged, protein synthesis. */
const SCALARS = ['maxDev_mV', 'pMax', 'tPMax_s', 'preSpikes', 'postSpikes', 'steps', 'wall_ms'] as const;
type Scalar = (typeof SCALARS)[number];
const FIXED = 4 + SCALARS.length;

/** A column that {@link TrialTable.column} returns. */
export type TrialColumn = 'trial' | 'outcome' | 'tagged' | 'proteinSynthesis' | Scalar | `${'w_rel' | 'h_mV' | 'z'}_${string}`;

export class TrialTable {
  private data = new Float64Array(0);
  private n = 0;
  private ordered = true;
  private readonly stride: number;

  constructor(readonly checkpoints: CheckpointNames) {
    this.stride = FIXED + 3 * checkpoints.length;
  }

  get length(): number {
    return this.n;
  }

  /** Appends a trial's row (checkpoints it did not reach are stored as NaN). */
  push(r: TrialRow): void {
    const S = this.stride;
    if ((this.n + 1) * S > this.data.length) {
      const grown = new Float64Array(Math.max(64, this.n * 2) * S);
      grown.set(this.data.subarray(0, this.n * S));
      this.data = grown;
    }
    if (this.n > 0 && r.trial < this.data[(this.n - 1) * S]!) this.ordered = false;
    const o = this.n++ * S;
    const d = this.data;
    d[o] = r.trial;
    d[o + 1] = OUTCOME_CLASSES.indexOf(r.outcome);
    d[o + 2] = r.tagged ? 1 : 0;
    d[o + 3] = r.proteinSynthesis ? 1 : 0;
    for (let k = 0; k < SCALARS.length; k++) d[o + 4 + k] = r[SCALARS[k]!];
    const C = this.checkpoints.length;
    for (let k = 0; k < C; k++) {
      const cp = this.checkpoints[k]!;
      d[o + FIXED + k] = r.w_rel[cp] ?? NaN;
      d[o + FIXED + C + k] = r.h_mV[cp] ?? NaN;
      d[o + FIXED + 2 * C + k] = r.z[cp] ?? NaN;
    }
  }

  /** Sorts the rows by trial index (a no-op when they were added in order, as every runner does). */
  sortByTrial(): void {
    if (this.ordered) return;
    const S = this.stride;
    const order = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => this.data[a * S]! - this.data[b * S]!);
    const sorted = new Float64Array(this.n * S);
    order.forEach((from, to) => sorted.set(this.data.subarray(from * S, from * S + S), to * S));
    this.data = sorted;
    this.ordered = true;
  }

  /** Row i as an object. */
  row(i: number): TrialRow {
    const S = this.stride;
    const d = this.data;
    const o = i * S;
    const C = this.checkpoints.length;
    const w_rel: Record<string, number> = {};
    const h_mV: Record<string, number> = {};
    const z: Record<string, number> = {};
    for (let k = 0; k < C; k++) {
      const cp = this.checkpoints[k]!;
      if (Number.isNaN(d[o + FIXED + k]!)) continue;
      w_rel[cp] = d[o + FIXED + k]!;
      h_mV[cp] = d[o + FIXED + C + k]!;
      z[cp] = d[o + FIXED + 2 * C + k]!;
    }
    return {
      trial: d[o]!, outcome: OUTCOME_CLASSES[d[o + 1]!]!, tagged: d[o + 2] === 1, proteinSynthesis: d[o + 3] === 1,
      maxDev_mV: d[o + 4]!, pMax: d[o + 5]!, tPMax_s: d[o + 6]!, preSpikes: d[o + 7]!, postSpikes: d[o + 8]!, steps: d[o + 9]!, wall_ms: d[o + 10]!,
      w_rel, h_mV, z,
    };
  }

  /** Every row as objects (≈ 2 KB each: for small ensembles and callers that want objects). */
  rows(): TrialRow[] {
    return Array.from({ length: this.n }, (_, i) => this.row(i));
  }

  /** One column as numbers (outcome as its index in OUTCOME_CLASSES; a checkpoint not reached as NaN). */
  column(name: TrialColumn): Float64Array {
    const S = this.stride;
    const C = this.checkpoints.length;
    let k: number;
    if (name === 'trial') k = 0;
    else if (name === 'outcome') k = 1;
    else if (name === 'tagged') k = 2;
    else if (name === 'proteinSynthesis') k = 3;
    else if ((SCALARS as readonly string[]).includes(name)) k = 4 + SCALARS.indexOf(name as Scalar);
    else {
      const [, kind, cp] = /^(w_rel|h_mV|z)_(.+)$/.exec(name) ?? [];
      const j = cp === undefined ? -1 : this.checkpoints.indexOf(cp);
      if (j < 0) throw new Error(`no trial column '${name}'`);
      k = FIXED + (kind === 'w_rel' ? 0 : kind === 'h_mV' ? C : 2 * C) + j;
    }
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.data[i * S + k]!;
    return out;
  }
}
