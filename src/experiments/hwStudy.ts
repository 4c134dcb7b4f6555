/**
 * The hardware study: how the BrainScaleS-2 execution of the STC rule depends on the plasticity
 * processor's solver period, rounding mode and number format, measured against the float64 reference
 * engine on the four single-synapse protocols. Optional extra sections: fixed-pattern mismatch across
 * chips, and the random generator behind stochastic rounding.
 *
 * Deviations are in units of the reference engine's trial SD: dev = (mean_bss2 − mean_ref) / sd_ref.
 * The class of a trial is the engine's (the reference code's criterion: largest early-phase deviation,
 * tag and protein synthesis ever on), except that a late-phase class whose late phase never showed
 * (|z| < {@link LATE_PHASE_MIN_Z} at 8 h) counts as early-phase: a frozen z is not consolidation.
 */
import { resolveParams, type ModelParams } from '../model/parameters.js';
import { OUTCOME_CLASSES, type OutcomeClass, type Protocol } from '../model/protocols.js';
import { resolveBss2Config, type Bss2Config } from '../engines/bss2/config.js';
import { FORMAT_NAMES, type FormatName } from '../engines/bss2/fixedPoint.js';
import { ROUNDING_MODES, type RoundingMode } from '../engines/bss2/rounding.js';
import { runEnsemble, type EnsembleResult } from './ensemble.js';
import type { MeanSd } from './statistics.js';

/** |z(8 h)| below which a late-phase class is counted as early-phase (the smallest reference |z| is 0.27). */
export const LATE_PHASE_MIN_Z = 0.05;
/** |dev| (reference SDs) up to which a configuration counts as agreeing with the reference. */
export const AGREEMENT_SD = 2;

export const DEFAULT_PERIODS_MS: readonly number[] = [0.2, 1, 10, 100, 1000];

export interface HwStudyOptions {
  readonly protocols: readonly Protocol[];
  /** bss2 trials per configuration (periods ≥ 1 ms). */
  readonly trials: number;
  /** bss2 trials per configuration for periods below 1 ms (infeasible on the chip, 5× the work). */
  readonly shortPeriodTrials?: number;
  /** Reference-engine trials per protocol (default 10, as the published reference). */
  readonly referenceTrials?: number;
  readonly seed?: number;
  readonly periods_ms?: readonly number[];
  readonly formats?: readonly FormatName[];
  readonly roundings?: readonly RoundingMode[];
  /** Other hardware settings, held fixed (default: the engine's defaults). */
  readonly base?: Partial<Bss2Config>;
  readonly params?: ModelParams;
  /** Also run the mismatch and random-generator sections. */
  readonly extras?: boolean;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/** One configuration × protocol. The first ten keys are the `--json` row. */
export interface HwStudyRow {
  protocol: string;
  format: FormatName;
  ppu_period_ms: number;
  rounding: RoundingMode;
  w_rel_8h: MeanSd;
  dev_sd_8h: number;
  class: OutcomeClass;
  class_ok: boolean;
  feasible: boolean;
  trials: number;
  w_rel_2h: MeanSd;
  dev_sd_2h: number;
  z_8h: number;
  /** RMSE of the mean w/h0 trace against the reference's, over the run (60 s grid). */
  rmse_w_rel: number;
  utilisation: number;
  wall_ms_per_trial: number;
}

export interface ReferenceSummary {
  protocol: string;
  trials: number;
  w_rel_2h: MeanSd;
  w_rel_8h: MeanSd;
  z_8h: number;
  class: OutcomeClass;
}

/** A variant of the default configuration in an extra section. */
export interface VariantRow {
  section: 'mismatch' | 'rng';
  label: string;
  protocol: string;
  w_rel_8h: MeanSd;
  dev_sd_8h: number;
  class: OutcomeClass;
  class_ok: boolean;
  trials: number;
}

export interface HwStudyResult {
  seed: number;
  trials: number;
  short_period_trials: number;
  reference: ReferenceSummary[];
  base: Partial<Bss2Config>;
  rows: HwStudyRow[];
  variants: VariantRow[];
  wall_s: number;
}

/** The class of a trial as the study counts it (see the module comment). */
export function effectiveClass(outcome: OutcomeClass, z8h: number): OutcomeClass {
  if (outcome === 'late-LTP' && Math.abs(z8h) < LATE_PHASE_MIN_Z) return 'early-LTP';
  if (outcome === 'late-LTD' && Math.abs(z8h) < LATE_PHASE_MIN_Z) return 'early-LTD';
  return outcome;
}

function majorityClass(res: EnsembleResult): OutcomeClass {
  const counts = new Map<OutcomeClass, number>();
  for (const r of res.rows) {
    const c = effectiveClass(r.outcome, r.z['8h'] ?? 0);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best: OutcomeClass = 'none', n = -1;
  for (const c of OUTCOME_CLASSES) if ((counts.get(c) ?? 0) > n) { best = c; n = counts.get(c) ?? 0; }
  return best;
}

function dev(m: MeanSd | undefined, ref: MeanSd | undefined): number {
  if (!m || !ref) return NaN;
  return ref.sd > 0 ? (m.mean - ref.mean) / ref.sd : m.mean === ref.mean ? 0 : Infinity * Math.sign(m.mean - ref.mean);
}

function rmse(a: Float64Array, b: Float64Array): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - b[i]!) ** 2;
  return n > 0 ? Math.sqrt(s / n) : NaN;
}

function runBss2(protocol: Protocol, params: ModelParams, seed: number, trials: number, options: Partial<Bss2Config>): EnsembleResult {
  return runEnsemble({
    protocol, engine: 'bss2', trials, seed, params, dt_ms: 0.2, fastForward: false, sampleInterval_s: 60,
    engineOptions: options as Record<string, unknown>,
  });
}

/** Runs the study. Every configuration runs even where the chip could not (marked `feasible: false`). */
export function runHwStudy(o: HwStudyOptions): HwStudyResult {
  const t0 = performance.now();
  const params = o.params ?? resolveParams({});
  const seed = o.seed ?? 1;
  const periods = o.periods_ms ?? DEFAULT_PERIODS_MS;
  const formats = o.formats ?? FORMAT_NAMES;
  const roundings = o.roundings ?? ROUNDING_MODES;
  const shortTrials = o.shortPeriodTrials ?? 1;
  const refTrials = o.referenceTrials ?? 10;
  const base = o.base ?? {};
  const variantsPlan = o.extras ? extraVariants(base) : [];
  const total = o.protocols.length * (1 + periods.length * formats.length * roundings.length + variantsPlan.length);
  let done = 0;
  const tick = (label: string) => o.onProgress?.(++done, total, label);

  const reference = new Map<string, { summary: ReferenceSummary; res: EnsembleResult }>();
  for (const protocol of o.protocols) {
    const res = runEnsemble({ protocol, engine: 'reference', trials: refTrials, seed, params, dt_ms: 0.2, fastForward: true, sampleInterval_s: 60 });
    reference.set(protocol.name, {
      res,
      summary: { protocol: protocol.name, trials: refTrials, w_rel_2h: res.w_rel['2h']!, w_rel_8h: res.w_rel['8h']!, z_8h: res.z['8h']!.mean, class: majorityClass(res) },
    });
    tick(`${protocol.name} reference`);
  }

  const rows: HwStudyRow[] = [];
  for (const format of formats) {
    for (const rounding of roundings) {
      for (const ppu_period_ms of periods) {
        const options: Partial<Bss2Config> = { ...base, format, rounding, ppuPeriod_ms: ppu_period_ms, allowInfeasible: true };
        const cfg = resolveBss2Config(options as Record<string, unknown>, params);
        const trials = ppu_period_ms < 1 ? Math.min(shortTrials, o.trials) : o.trials;
        for (const protocol of o.protocols) {
          const ref = reference.get(protocol.name)!;
          const res = runBss2(protocol, params, seed, trials, options);
          const cls = majorityClass(res);
          rows.push({
            protocol: protocol.name, format, ppu_period_ms, rounding,
            w_rel_8h: res.w_rel['8h']!, dev_sd_8h: dev(res.w_rel['8h'], ref.summary.w_rel_8h),
            class: cls, class_ok: cls === ref.summary.class, feasible: cfg.cycles.feasible, trials,
            w_rel_2h: res.w_rel['2h']!, dev_sd_2h: dev(res.w_rel['2h'], ref.summary.w_rel_2h), z_8h: res.z['8h']!.mean,
            rmse_w_rel: rmse(res.traces.w_rel.mean, ref.res.traces.w_rel.mean),
            utilisation: cfg.cycles.utilisation, wall_ms_per_trial: res.wall_ms / trials,
          });
          tick(`${protocol.name} ${format} ${rounding} ${ppu_period_ms} ms`);
        }
      }
    }
  }

  const variants: VariantRow[] = [];
  for (const v of variantsPlan) {
    for (const protocol of o.protocols) {
      const ref = reference.get(protocol.name)!;
      const res = runBss2(protocol, params, seed, o.trials, v.options);
      const cls = majorityClass(res);
      variants.push({
        section: v.section, label: v.label, protocol: protocol.name, w_rel_8h: res.w_rel['8h']!,
        dev_sd_8h: dev(res.w_rel['8h'], ref.summary.w_rel_8h), class: cls, class_ok: cls === ref.summary.class, trials: o.trials,
      });
      tick(`${protocol.name} ${v.section} ${v.label}`);
    }
  }
  return {
    seed, trials: o.trials, short_period_trials: shortTrials, base,
    reference: [...reference.values()].map((r) => r.summary), rows, variants, wall_s: (performance.now() - t0) / 1000,
  };
}

/** The extra sections: mismatch across chips, and what drives stochastic rounding. */
function extraVariants(base: Partial<Bss2Config>): Array<{ section: VariantRow['section']; label: string; options: Partial<Bss2Config> }> {
  const out: Array<{ section: VariantRow['section']; label: string; options: Partial<Bss2Config> }> = [];
  for (const [label, m, cal] of [['no mismatch', 0, true], ['10 % calibrated', 0.1, true], ['10 % uncalibrated', 0.1, false], ['20 % uncalibrated', 0.2, false]] as const) {
    for (const chip of [1, 2, 3]) out.push({ section: 'mismatch', label: `${label}, chip ${chip}`, options: { ...base, mismatch: m, calibration: cal, chipSeed: chip } });
  }
  for (const [label, rng, bits] of [['LFSR, 8 bits', 'lfsr', 8], ['LFSR, 16 bits', 'lfsr', 16], ['LFSR, 24 bits', 'lfsr', 24], ['LFSR, 32 bits', 'lfsr', 32], ['ideal, 32 bits', 'ideal', 32]] as const) {
    out.push({ section: 'rng', label, options: { ...base, rng, roundingBits: bits } });
  }
  return out;
}

/** The `--json` form: exactly the documented keys per row. */
export function hwStudyJson(r: HwStudyResult): { rows: Array<Record<string, unknown>> } {
  return {
    rows: r.rows.map((x) => ({
      protocol: x.protocol, format: x.format, ppu_period_ms: x.ppu_period_ms, rounding: x.rounding,
      w_rel_8h: { mean: x.w_rel_8h.mean, sd: x.w_rel_8h.sd }, dev_sd_8h: x.dev_sd_8h, class: x.class,
      class_ok: x.class_ok, feasible: x.feasible,
    })),
  };
}

/** All rows as CSV (deviations at 2 h and 8 h, trace RMSE, utilisation). */
export function hwStudyCsv(r: HwStudyResult): string {
  const head = ['protocol', 'format', 'ppu_period_ms', 'rounding', 'trials', 'w_rel_2h_mean', 'w_rel_2h_sd', 'dev_sd_2h', 'w_rel_8h_mean', 'w_rel_8h_sd', 'dev_sd_8h', 'z_8h', 'rmse_w_rel', 'class', 'class_ok', 'feasible', 'utilisation', 'wall_ms_per_trial'];
  const lines = r.rows.map((x) => [x.protocol, x.format, x.ppu_period_ms, x.rounding, x.trials, x.w_rel_2h.mean, x.w_rel_2h.sd, x.dev_sd_2h, x.w_rel_8h.mean, x.w_rel_8h.sd, x.dev_sd_8h, x.z_8h, x.rmse_w_rel, x.class, x.class_ok, x.feasible, x.utilisation, x.wall_ms_per_trial]
    .map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : String(v))).join(','));
  return [head.join(','), ...lines].join('\n') + '\n';
}

/** Per (format, period, rounding): the worst |dev| over protocols and how many classes agree. */
export function summariseConfigurations(r: HwStudyResult): Array<{ format: FormatName; ppu_period_ms: number; rounding: RoundingMode; max_abs_dev_sd_8h: number; classes_ok: number; protocols: number; feasible: boolean }> {
  const groups = new Map<string, HwStudyRow[]>();
  for (const x of r.rows) {
    const k = `${x.format}|${x.ppu_period_ms}|${x.rounding}`;
    groups.set(k, [...(groups.get(k) ?? []), x]);
  }
  return [...groups.values()].map((g) => ({
    format: g[0]!.format, ppu_period_ms: g[0]!.ppu_period_ms, rounding: g[0]!.rounding,
    max_abs_dev_sd_8h: Math.max(...g.map((x) => Math.abs(x.dev_sd_8h))), classes_ok: g.filter((x) => x.class_ok).length,
    protocols: g.length, feasible: g[0]!.feasible,
  }));
}

/** The figure: worst |deviation| at 8 h against the period, one line per rounding mode, one panel per format. */
export function hwStudyFigureSpec(r: HwStudyResult): Record<string, unknown> {
  const FONT = 'DejaVu Sans';
  const values = summariseConfigurations(r).map((s) => ({
    ...s,
    y: Math.min(1e4, Math.max(0.1, s.max_abs_dev_sd_8h)),
    reproduces: s.classes_ok === s.protocols ? `all ${s.protocols} classes` : 'class wrong',
    chip: s.feasible ? 'feasible' : 'infeasible on chip',
  }));
  const roundingScale = { domain: ['truncate', 'nearest', 'stochastic'], range: ['#d62728', '#ff7f0e', '#1f77b4'] };
  const x = { field: 'ppu_period_ms', type: 'quantitative', scale: { type: 'log' }, title: 'solver period (ms biological = µs on chip)' };
  const y = { field: 'y', type: 'quantitative', scale: { type: 'log', domain: [0.1, 10000] }, title: 'worst |Δ w/h0 @ 8 h| (reference SDs)' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    config: { font: FONT, title: { font: FONT }, axis: { labelFont: FONT, titleFont: FONT }, legend: { labelFont: FONT, titleFont: FONT, symbolStrokeWidth: 2 }, header: { labelFont: FONT, titleFont: FONT } },
    title: {
      text: 'BrainScaleS-2 emulation: accuracy against the PPU solver period',
      subtitle: [
        `worst |mean − reference| of w/h0 at 8 h over ${r.reference.length} protocols, in reference SDs (dashed: ${AGREEMENT_SD}); ${r.trials} trials per point (${r.short_period_trials} below 1 ms), ${r.reference[0]?.trials ?? 0} reference trials`,
        'filled: every protocol in its reference class; open: a class wrong; cross: more than the processors can compute in one period',
      ],
    },
    data: { values },
    facet: { column: { field: 'format', type: 'nominal', sort: ['int8', 'int16', 'int32'], title: 'number format on the PPU' } },
    spec: {
      width: 230,
      height: 260,
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { y: { datum: AGREEMENT_SD } } },
        { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color: { field: 'rounding', type: 'nominal', scale: roundingScale, title: 'rounding' } } },
        ...([true, false] as const).map((ok) => ({
          transform: [{ filter: ok ? "datum.reproduces !== 'class wrong'" : "datum.reproduces === 'class wrong'" }],
          mark: { type: 'point', size: 80, strokeWidth: 2, filled: ok, opacity: 1 },
          encoding: {
            x, y,
            color: { field: 'rounding', type: 'nominal', scale: roundingScale, title: 'rounding' },
            shape: { field: 'chip', type: 'nominal', scale: { domain: ['feasible', 'infeasible on chip'], range: ['circle', 'cross'] }, title: 'cycle budget' },
            tooltip: [{ field: 'format' }, { field: 'rounding' }, { field: 'ppu_period_ms' }, { field: 'max_abs_dev_sd_8h', format: '.2f' }, { field: 'classes_ok' }],
          },
        })),
      ],
    },
  };
}
