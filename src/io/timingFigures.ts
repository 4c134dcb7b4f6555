/**
 * Figures of a timing run (docs/timing.md) as Vega-Lite specs: the classic STDP window (change over Δt,
 * one curve per pairing frequency, early phase at 1 h and total weight at 8 h), the Δt × frequency map
 * of the outcome class, and the windows of several engines side by side. Rendered by io/plots.ts.
 */
import { OUTCOME_CLASSES } from '../model/protocols.js';
import type { TimingResult } from '../experiments/timing/grid.js';
import type { VegaLiteSpec } from './plots.js';

const FONT = 'DejaVu Sans';
const CONFIG = { font: FONT, title: { font: FONT }, axis: { labelFont: FONT, titleFont: FONT }, legend: { labelFont: FONT, titleFont: FONT }, header: { labelFont: FONT, titleFont: FONT } };
const CLASS_COLORS = ['#b2182b', '#ef8a62', '#67a9cf', '#2166ac', '#bababa']; // OUTCOME_CLASSES order
const EARLY = 'early phase (h − h0)/h0 at 1 h, right after';
const LATE = 'weight w/h0 − 1 at 8 h';

function subtitle(r: TimingResult): string {
  const c = r.config;
  const burst = (b: typeof c.preBurst, who: string) => (b && b.count > 1 ? `, ${who} bursts of ${b.count} every ${b.isi_ms} ms` : '');
  return `${c.pairs} pairings, engine ${c.engine}, ${c.trials} trials per point (band: ± SE), seed ${c.seed}${burst(c.preBurst, 'pre')}${burst(c.postBurst, 'post')}`;
}

/** Long-format rows of the window: one per (engine, frequency, Δt, phase), changes in %. */
function windowRows(results: readonly TimingResult[]) {
  return results.flatMap((r) => r.points.flatMap((p) => {
    const se = (sd: number) => (100 * sd) / Math.sqrt(r.config.trials);
    const early = 100 * p.early.mean, late = 100 * (p.w8h.mean - 1);
    return [
      { engine: r.config.engine, freq: `${p.freq_Hz} Hz`, f: p.freq_Hz, dt: p.dt_ms, phase: EARLY, y: early, lo: early - se(p.early.sd), hi: early + se(p.early.sd), predicted: 100 * p.predictedEarly },
      { engine: r.config.engine, freq: `${p.freq_Hz} Hz`, f: p.freq_Hz, dt: p.dt_ms, phase: LATE, y: late, lo: late - se(p.w8h.sd), hi: late + se(p.w8h.sd) },
    ];
  }));
}

const X = { field: 'dt', type: 'quantitative', title: 'Δt = t_post − t_pre (ms)' };
const Y = { field: 'y', type: 'quantitative', title: 'change (%)' };

/** The classic window: change over Δt, one curve per frequency; early phase and total weight side by side. */
export function timingWindowSpec(r: TimingResult): VegaLiteSpec {
  const color = { field: 'freq', type: 'nominal', sort: { field: 'f' }, title: 'pairing frequency' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    config: CONFIG,
    title: { text: 'Spike-timing window of the calcium rule', subtitle: subtitle(r) },
    data: { values: windowRows([r]) },
    facet: { column: { field: 'phase', type: 'nominal', sort: [EARLY, LATE], title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 380,
      height: 260,
      layer: [
        { mark: { type: 'rule', color: '#888', strokeDash: [3, 3] }, encoding: { y: { datum: 0 } } },
        { mark: { type: 'errorband', opacity: 0.25 }, encoding: { x: X, y: { field: 'lo', type: 'quantitative', title: 'change (%)' }, y2: { field: 'hi' }, color } },
        { mark: { type: 'line', strokeWidth: 1.6 }, encoding: { x: X, y: Y, color, tooltip: [{ field: 'freq' }, { field: 'dt' }, { field: 'y', format: '.3f' }] } },
      ],
    },
  };
}

/** The Δt × frequency map of the majority outcome class. */
export function timingMapSpec(r: TimingResult): VegaLiteSpec {
  const step = r.config.dts_ms.length > 1 ? Math.abs(r.config.dts_ms[1]! - r.config.dts_ms[0]!) : 1;
  const values = r.points.map((p) => ({
    freq: `${p.freq_Hz} Hz`, f: p.freq_Hz, dt0: p.dt_ms - step / 2, dt1: p.dt_ms + step / 2, dt: p.dt_ms, class: p.class,
    tagged: p.taggedFraction, protein: p.proteinFraction,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    config: CONFIG,
    title: { text: 'Outcome class over spike timing and pairing frequency', subtitle: `${subtitle(r)}; the class of most trials` },
    data: { values },
    width: 560,
    height: Math.max(120, 36 * r.config.freqs_Hz.length),
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'dt0', type: 'quantitative', scale: { nice: false }, title: 'Δt = t_post − t_pre (ms)' },
      x2: { field: 'dt1' },
      y: { field: 'freq', type: 'ordinal', sort: { field: 'f', order: 'descending' }, title: 'pairing frequency' },
      color: { field: 'class', type: 'nominal', scale: { domain: [...OUTCOME_CLASSES], range: CLASS_COLORS }, title: 'outcome class' },
      tooltip: [{ field: 'freq' }, { field: 'dt' }, { field: 'class' }, { field: 'tagged', format: '.2f' }, { field: 'protein', format: '.2f' }],
    },
  };
}

/** The windows of several engines on the same grid, one panel per frequency (early phase and 8 h rows). */
export function timingEnginesSpec(results: readonly TimingResult[]): VegaLiteSpec {
  const color = { field: 'engine', type: 'nominal', title: 'engine' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    config: CONFIG,
    title: {
      text: `Spike-timing window on ${results.map((r) => r.config.engine).join(' and ')}`,
      subtitle: `${results[0]!.config.pairs} pairings, ${results.map((r) => `${r.config.engine} ${r.config.trials} trials`).join(', ')} per point (band: ± SE), seed ${results[0]!.config.seed}`,
    },
    data: { values: windowRows(results) },
    facet: {
      row: { field: 'phase', type: 'nominal', sort: [EARLY, LATE], title: null },
      column: { field: 'freq', type: 'nominal', sort: { field: 'f' }, title: 'pairing frequency' },
    },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 230,
      height: 180,
      layer: [
        { mark: { type: 'rule', color: '#888', strokeDash: [3, 3] }, encoding: { y: { datum: 0 } } },
        { mark: { type: 'errorband', opacity: 0.25 }, encoding: { x: X, y: { field: 'lo', type: 'quantitative', title: 'change (%)' }, y2: { field: 'hi' }, color } },
        { mark: { type: 'line', strokeWidth: 1.4 }, encoding: { x: X, y: Y, color } },
      ],
    },
  };
}
