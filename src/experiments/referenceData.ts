/**
 * Peer-simulator reference results (`reference/cpp-2n1s/`, produced by the published stand-alone C++
 * simulator; see its README for provenance) and the comparison of an ensemble against them.
 */
import type { OutcomeClass } from '../model/protocols.js';
import type { EnsembleResult } from './ensemble.js';
import type { MeanSd } from './statistics.js';

/** The C++ simulator's type names mapped to calcitag's classes. */
const TYPE_TO_CLASS: Record<string, OutcomeClass> = {
  ELTP: 'early-LTP', 'ELTP-T': 'early-LTP', LLTP: 'late-LTP',
  ELTD: 'early-LTD', 'ELTD-T': 'early-LTD', LLTD: 'late-LTD',
};

export interface ReferenceTrial {
  protocol: string;
  trial: number;
  wall_s: number;
  maxDev_mV: number;
  type: string;
  outcome: OutcomeClass;
  tagged: boolean;
  w_rel: Record<string, number>;
  h_mV: Record<string, number>;
  z: Record<string, number>;
  pMax: number;
}

/** Parses a small CSV with a header row into records of strings. */
export function parseCsv(text: string): Array<Record<string, string>> {
  const lines = text.trim().split(/\r?\n/);
  const head = lines[0]!.split(',');
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    const rec: Record<string, string> = {};
    head.forEach((h, i) => (rec[h] = cells[i] ?? ''));
    return rec;
  });
}

/** Reads `summary_trials.csv` of the C++ reference. */
export function parseReferenceSummary(text: string): ReferenceTrial[] {
  return parseCsv(text).map((r) => {
    const cp = (prefix: string) => {
      const o: Record<string, number> = {};
      for (const k of ['pre', '2h', '4h', '6h', '8h']) o[k] = Number(r[`${prefix}_${k}`]);
      return o;
    };
    const type = r.plasticity_type!;
    return {
      protocol: r.protocol!, trial: Number(r.trial), wall_s: Number(r.wall_s), maxDev_mV: Number(r.max_dev_h_mV),
      type, outcome: TYPE_TO_CLASS[type] ?? 'none', tagged: type.endsWith('-T') || type.startsWith('L'),
      w_rel: cp('w_rel'), h_mV: cp('h_mV'), z: cp('z'), pMax: Number(r.p_max),
    };
  });
}

/** Mean and sample SD of a list. */
export function meanSd(xs: readonly number[]): MeanSd & { n: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

export interface Comparison {
  protocol: string;
  quantity: string;
  ours: MeanSd & { n: number };
  reference: MeanSd & { n: number };
  /** |Δmean| in units of the combined standard error √(sd²/n + sd_ref²/n_ref). */
  zScore: number;
  pass: boolean;
}

/**
 * Compares an ensemble to the reference trials of the same protocol: mean w/h0 at each checkpoint
 * within `k` combined standard errors, and the same majority class.
 */
export function compareToReference(
  res: EnsembleResult,
  ref: readonly ReferenceTrial[],
  checkpoints: readonly string[] = ['2h', '8h'],
  k = 3,
): { comparisons: Comparison[]; referenceClass: OutcomeClass; classOk: boolean } {
  const mine = ref.filter((r) => r.protocol === res.protocol);
  const comparisons: Comparison[] = [];
  for (const cp of checkpoints) {
    const ours = { ...res.w_rel[cp]!, n: res.trials };
    const reference = meanSd(mine.map((r) => r.w_rel[cp]!));
    const se = Math.sqrt(ours.sd ** 2 / ours.n + reference.sd ** 2 / reference.n);
    const zScore = se > 0 ? Math.abs(ours.mean - reference.mean) / se : ours.mean === reference.mean ? 0 : Infinity;
    comparisons.push({ protocol: res.protocol, quantity: `w_rel@${cp}`, ours, reference, zScore, pass: zScore <= k });
  }
  const counts = new Map<OutcomeClass, number>();
  for (const r of mine) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const referenceClass = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';
  return { comparisons, referenceClass, classOk: referenceClass === res.class };
}
