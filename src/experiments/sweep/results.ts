/**
 * A finished job's summary (what results/<id>.json holds) and the sweep table built from all of them:
 * one row per job and protocol, the swept values, the class counts and the checkpoint statistics.
 * Only deterministic quantities enter the table (no wall times), so the same manifest gives the same
 * table on one core, on all cores, through Redis or as SLURM array tasks.
 */
import { OUTCOME_CLASSES, type OutcomeClass } from '../../model/protocols.js';
import { CHECKPOINTS, type EnsembleResult } from '../ensemble.js';
import type { MeanSd } from '../statistics.js';
import type { SweepJob, SweepManifest } from './plan.js';
import type { SweepValue } from './spec.js';

export const RESULT_FORMAT = 'calcitag-sweep-result';

export interface ProtocolSummary {
  readonly protocol: string;
  readonly trials: number;
  readonly class: OutcomeClass;
  readonly classes: Partial<Record<OutcomeClass, number>>;
  readonly tagged: number;
  readonly w_rel: Record<string, MeanSd>;
  readonly h_mV: Record<string, MeanSd>;
  readonly z: Record<string, MeanSd>;
  readonly p_max: MeanSd;
}

export interface JobResult {
  readonly format: typeof RESULT_FORMAT;
  readonly id: string;
  readonly index: number;
  readonly seed: number;
  readonly experiment_hash: string;
  readonly calcitag_version: string;
  readonly point: Record<string, SweepValue>;
  readonly protocols: ProtocolSummary[];
  /** A network job's readouts (network sweeps; `protocols` is then empty). */
  readonly network?: NetworkReadouts;
  /** A network job's weight and protein curves, thinned to at most {@link MAX_CURVE_ROWS} rows. */
  readonly curves?: NetworkCurves;
  /** A network job's population rates, in windows merged to at most {@link MAX_CURVE_ROWS} rows. */
  readonly rates?: NetworkRates;
  /** Wall time of the job's trials, ms (informational: not in the table). */
  readonly wall_ms: number;
  /** Where it ran (informational): host and process id. */
  readonly ran_on?: string;
  /** A network job continued from a checkpoint: its simulated time, s (informational; wall_ms is then this part's). */
  readonly resumed_at_s?: number;
}

/**
 * What a network job keeps: the recall readouts (src/experiments/network/readouts.ts: rates in Hz over
 * the recall window, Q, MI in bits) and the mean early-phase weight h and late-phase weight z·h0 (mV) of
 * the assembly's and the control's synapses at the end of the run (from the file's synapse probes).
 */
export interface NetworkReadouts {
  readonly Q: number;
  readonly Q_err: number;
  readonly MI: number;
  readonly v_as_Hz: number;
  readonly v_ans_Hz: number;
  readonly v_ctrl_Hz: number;
  readonly v_inh_Hz: number;
  readonly v_exc_Hz: number;
  readonly h_assembly_end_mV: number;
  readonly zh0_assembly_end_mV: number;
  readonly h_control_end_mV: number;
  readonly zh0_control_end_mV: number;
  readonly neurons: number;
  readonly synapses: number;
  readonly spikes: number;
}

/**
 * A network job's curves: mean ± SD of h and z·h0 (mV) of the assembly's and the control's synapses and
 * of their neurons' protein, at the times t_s (s) — the columns of `calcitag network`'s weights.csv. A
 * missing value (a probe the file does not have) is null in the JSON result.
 */
export interface NetworkCurves {
  readonly t_s: number[];
  readonly columns: Record<string, Array<number | null>>;
}

/**
 * Rows a job result keeps of its curves: ≈ 0.3 MB of JSON a job, which travels through Redis as well as
 * into results/ (8 h sampled every second keep every 29th sample; the 10 s paradigm keeps all 300).
 */
export const MAX_CURVE_ROWS = 1000;

/**
 * Every k-th row of the curves, k the smallest that keeps at most maxRows with the last row, which is
 * always kept; and on top of these every row whose time lies in one of the `keep` windows [from, to] (s):
 * the seconds around learning and recall, which a stride of 29 s would pass over.
 */
export function thinCurves(
  t_s: ArrayLike<number>, columns: Readonly<Record<string, ArrayLike<number>>>,
  keep: ReadonlyArray<readonly [number, number]> = [], maxRows = MAX_CURVE_ROWS,
): NetworkCurves {
  const n = t_s.length, k = n <= maxRows ? 1 : Math.ceil(n / (maxRows - 1));
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % k === 0 || i === n - 1 || keep.some(([from, to]) => t_s[i]! >= from && t_s[i]! <= to)) rows.push(i);
  }
  const out: Record<string, Array<number | null>> = {};
  for (const [name, col] of Object.entries(columns)) out[name] = rows.map((i) => (Number.isFinite(col[i]!) ? col[i]! : null));
  return { t_s: rows.map((i) => t_s[i]!), columns: out };
}

/**
 * A network job's population rates (Hz; the columns of `calcitag network`'s population_rates.csv:
 * rate_assembly_Hz, rate_as_Hz, …) over windows [t_start_s, t_end_s).
 */
export interface NetworkRates {
  readonly t_start_s: number[];
  readonly t_end_s: number[];
  readonly columns: Record<string, number[]>;
}

/**
 * The rates of equal bins (bin k: [binStart[k], binStart[k] + bin_s)) merged into windows of k bins
 * (aligned to multiples of k, k the smallest that leaves at most maxRows windows), each the mean rate over
 * its window; bins that meet one of the `keep` windows [from, to] (s) stay single, so the seconds around
 * learning and recall keep their resolution.
 */
export function mergeRates(
  binStart: ArrayLike<number>, bin_s: number, rates: Readonly<Record<string, ArrayLike<number>>>,
  keep: ReadonlyArray<readonly [number, number]> = [], maxRows = MAX_CURVE_ROWS,
): NetworkRates {
  const n = binStart.length, k = n <= maxRows ? 1 : Math.ceil(n / maxRows);
  const kept = (i: number) => keep.some(([from, to]) => binStart[i]! + bin_s > from && binStart[i]! <= to);
  const names = Object.keys(rates);
  const out: NetworkRates = { t_start_s: [], t_end_s: [], columns: Object.fromEntries(names.map((c) => [c, []])) };
  for (let i = 0; i < n;) {
    let end = i + 1;
    if (!kept(i)) while (end < n && end % k !== 0 && !kept(end)) end++;
    out.t_start_s.push(binStart[i]!);
    out.t_end_s.push(binStart[end - 1]! + bin_s);
    for (const c of names) {
      let sum = 0;
      for (let q = i; q < end; q++) sum += rates[c]![q]!;
      out.columns[c]!.push(sum / (end - i));
    }
    i = end;
  }
  return out;
}

export function summarizeJob(job: SweepJob, version: string, results: readonly EnsembleResult[], ranOn?: string): JobResult {
  return {
    format: RESULT_FORMAT, id: job.id, index: job.index, seed: job.seed, experiment_hash: job.experiment_hash,
    calcitag_version: version, point: job.point,
    protocols: results.map((r) => ({
      protocol: r.protocol, trials: r.trials, class: r.class, classes: r.classes, tagged: r.tagged,
      w_rel: r.w_rel, h_mV: r.h_mV, z: r.z, p_max: r.pMax,
    })),
    wall_ms: results.reduce((s, r) => s + r.wall_ms, 0),
    ...(ranOn ? { ran_on: ranOn } : {}),
  };
}

/** Whether a parsed result file is the complete result of `job` (same id, experiment and protocols). */
export function isCompleteResult(raw: unknown, job: SweepJob, m: SweepManifest): raw is JobResult {
  const r = raw as Partial<JobResult> | null;
  if (m.kind === 'network') {
    return !!r && r.format === RESULT_FORMAT && r.id === job.id && r.experiment_hash === job.experiment_hash && !!r.network && typeof r.network.Q === 'number' &&
      !!r.curves && Array.isArray(r.curves.t_s) && !!r.rates && Array.isArray(r.rates.t_start_s);
  }
  return !!r && r.format === RESULT_FORMAT && r.id === job.id && r.experiment_hash === job.experiment_hash &&
    Array.isArray(r.protocols) && r.protocols.length === m.protocols.length &&
    r.protocols.every((p, i) => p.protocol === m.protocols[i] && p.trials === m.trials_per_point);
}

export type Column = { readonly name: string; readonly kind: 'number' } | { readonly name: string; readonly kind: 'string' };
export interface SweepTable {
  readonly columns: Column[];
  /** Rows in manifest order, then protocol order; cells match `columns`. */
  readonly rows: Array<Array<number | string>>;
}

const CP_NAMES = CHECKPOINTS.map(([n]) => n);

/** The network readouts' columns, in table order. */
export const NETWORK_COLUMNS: ReadonlyArray<keyof NetworkReadouts> = [
  'Q', 'Q_err', 'MI', 'v_as_Hz', 'v_ans_Hz', 'v_ctrl_Hz', 'v_inh_Hz', 'v_exc_Hz',
  'h_assembly_end_mV', 'zh0_assembly_end_mV', 'h_control_end_mV', 'zh0_control_end_mV', 'neurons', 'synapses', 'spikes',
];

/** Columns job, index, seed and the swept fields, and each result's cells for them. */
function pointColumns(m: SweepManifest, results: readonly JobResult[]): { columns: Column[]; cells: (r: JobResult) => Array<number | string> } {
  const fieldKind = (path: string): Column['kind'] =>
    results.every((r) => typeof r.point[path] === 'number' || r.point[path] === undefined) ? 'number' : 'string';
  // a swept `seed` (network sweeps) is the job's seed: one column
  const fields = m.fields.filter((f) => f.path !== 'seed');
  return {
    columns: [{ name: 'job', kind: 'string' }, { name: 'index', kind: 'number' }, { name: 'seed', kind: 'number' }, ...fields.map((f) => ({ name: f.path, kind: fieldKind(f.path) }))],
    cells: (r) => [r.id, r.index, r.seed, ...fields.map((f) => {
      const v = r.point[f.path];
      return v === undefined ? (fieldKind(f.path) === 'number' ? NaN : '') : typeof v === 'boolean' ? String(v) : v;
    })],
  };
}

/** A network sweep's table: one row per job, the swept fields and the network's readouts. */
function networkSweepTable(m: SweepManifest, results: readonly JobResult[]): SweepTable {
  const { columns, cells } = pointColumns(m, results);
  return {
    columns: [...columns, ...NETWORK_COLUMNS.map((name) => ({ name, kind: 'number' as const }))],
    rows: results.map((r) => [...cells(r), ...NETWORK_COLUMNS.map((k) => r.network?.[k] ?? NaN)]),
  };
}

/** A job's series for a long table: its time columns (each one number a row) and its value columns. */
type Series = { readonly times: Record<string, readonly number[]>; readonly columns: Readonly<Record<string, ArrayLike<number | null>>> };

/** One row per job and row of its series: the job's point columns, the time columns, then the value columns (a job's missing values NaN). */
function longTable(m: SweepManifest, results: readonly JobResult[], series: (r: JobResult) => Series | undefined): SweepTable {
  const { columns, cells } = pointColumns(m, results);
  const all = results.flatMap((r) => {
    const x = series(r);
    return x ? [{ point: cells(r), x }] : [];
  });
  const timeNames = Object.keys(all[0]?.x.times ?? {});
  const names = [...new Set(all.flatMap(({ x }) => Object.keys(x.columns)))];
  const rows: Array<Array<number | string>> = [];
  for (const { point, x } of all) {
    const n = x.times[timeNames[0]!]?.length ?? 0;
    for (let i = 0; i < n; i++) rows.push([...point, ...timeNames.map((t) => x.times[t]![i]!), ...names.map((c) => x.columns[c]?.[i] ?? NaN)]);
  }
  const num = (name: string): Column => ({ name, kind: 'number' });
  return { columns: [...columns, ...timeNames.map(num), ...names.map(num)], rows };
}

/**
 * A network sweep's curves in long form: one row per job and curve time, the job's point columns, t_s and
 * the curve columns — for pandas, e.g. `df.groupby(["fast_forward", "t_s"])`.
 */
export const networkCurvesTable = (m: SweepManifest, results: readonly JobResult[]): SweepTable =>
  longTable(m, results, (r) => r.curves && { times: { t_s: r.curves.t_s }, columns: r.curves.columns });

/** A network sweep's population rates in long form: one row per job and window, point columns, t_start_s, t_end_s, the rates. */
export const networkRatesTable = (m: SweepManifest, results: readonly JobResult[]): SweepTable =>
  longTable(m, results, (r) => r.rates && { times: { t_start_s: r.rates.t_start_s, t_end_s: r.rates.t_end_s }, columns: r.rates.columns });

/** The sweep table of complete results (one per job, in manifest order). */
export function sweepTable(m: SweepManifest, results: readonly JobResult[]): SweepTable {
  if (m.kind === 'network') return networkSweepTable(m, results);
  const fieldKind = (path: string): Column['kind'] =>
    results.every((r) => typeof r.point[path] === 'number' || r.point[path] === undefined) ? 'number' : 'string';
  const cps = CP_NAMES.filter((n) => results.some((r) => r.protocols.some((p) => p.w_rel[n] !== undefined)));
  const columns: Column[] = [
    { name: 'job', kind: 'string' }, { name: 'index', kind: 'number' }, { name: 'seed', kind: 'number' },
    ...m.fields.map((f) => ({ name: f.path, kind: fieldKind(f.path) })),
    { name: 'protocol', kind: 'string' }, { name: 'trials', kind: 'number' }, { name: 'class', kind: 'string' },
    ...OUTCOME_CLASSES.map((c) => ({ name: `n_${c}`, kind: 'number' as const })),
    { name: 'tagged', kind: 'number' },
    ...cps.flatMap((cp) => ['w_rel', 'h_mV', 'z'].flatMap((q) => [`${q}_${cp}_mean`, `${q}_${cp}_sd`]).map((name) => ({ name, kind: 'number' as const }))),
    { name: 'p_max_mean', kind: 'number' }, { name: 'p_max_sd', kind: 'number' },
  ];
  const rows: Array<Array<number | string>> = [];
  for (const r of results) {
    for (const p of r.protocols) {
      const stat = (q: 'w_rel' | 'h_mV' | 'z', cp: string): number[] => {
        const s = p[q][cp];
        return s ? [s.mean, s.sd] : [NaN, NaN];
      };
      rows.push([
        r.id, r.index, r.seed,
        ...m.fields.map((f) => {
          const v = r.point[f.path];
          return v === undefined ? (fieldKind(f.path) === 'number' ? NaN : '') : typeof v === 'boolean' ? String(v) : v;
        }),
        p.protocol, p.trials, p.class,
        ...OUTCOME_CLASSES.map((c) => p.classes[c] ?? 0),
        p.tagged,
        ...cps.flatMap((cp) => [...stat('w_rel', cp), ...stat('h_mV', cp), ...stat('z', cp)]),
        p.p_max.mean, p.p_max.sd,
      ]);
    }
  }
  return { columns, rows };
}
