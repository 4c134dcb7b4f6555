/**
 * Figures of a network run as Vega-Lite specs (rendered by plots.ts): the spike raster around
 * learning and around recall, with population rates beneath; and the assembly-versus-control curves of
 * the early-phase weight h, the late phase z·h0 and the protein p.
 */
import type { MemoryRunResult } from '../experiments/network/memoryRun.js';
import { meanSd } from '../experiments/network/published.js';
import type { VegaLiteSpec } from './plots.js';

const FONT = 'DejaVu Sans';
const GROUP_COLORS = { as: '#d62728', ans: '#ff7f0e', ctrl: '#1f77b4', inh: '#7f7f7f' };

function groupOf(neuron: number, half: number, assembly: number, nExc: number): keyof typeof GROUP_COLORS {
  if (neuron < half) return 'as';
  if (neuron < assembly) return 'ans';
  return neuron < nExc ? 'ctrl' : 'inh';
}

/** Spikes in [from, to) as rows for a raster panel. */
function rasterRows(run: MemoryRunResult, from: number, to: number): Array<Record<string, number | string>> {
  const { t_s, neuron } = run.result.spikes;
  const nExc = run.result.layout[0]!.size;
  const half = Math.floor(run.assembly / 2);
  const rows: Array<Record<string, number | string>> = [];
  for (let k = 0; k < t_s.length; k++) {
    const t = t_s[k]!;
    if (t >= from && t < to) rows.push({ t, n: neuron[k]!, g: groupOf(neuron[k]!, half, run.assembly, nExc) });
  }
  return rows;
}

export function rasterFigureSpec(run: MemoryRunResult): VegaLiteSpec {
  const color = { field: 'g', type: 'nominal', title: null, scale: { domain: Object.keys(GROUP_COLORS), range: Object.values(GROUP_COLORS) }, legend: { orient: 'bottom', direction: 'horizontal', labelLimit: 200, labelExpr: "{as: 'recalled assembly half', ans: 'other assembly half', ctrl: 'control', inh: 'inhibitory'}[datum.label]" } };
  const panel = (title: string, from: number, to: number) => ({
    width: 330,
    height: 300,
    title,
    data: { values: rasterRows(run, from, to) },
    mark: { type: 'tick', orient: 'vertical', thickness: 1, size: 1.5 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time (s)', scale: { domain: [from, to] } },
      y: { field: 'n', type: 'quantitative', title: 'neuron', scale: { domain: [0, run.result.neurons], reverse: true } },
      color,
    },
  });
  const rates = run.rates;
  const ref = run.readoutSpec.reference_time_s;
  // A recall hours later would squeeze the learning period to a sliver: then show the first minute only.
  const tMax = run.recallOnset_s - ref > 60 ? ref + 20 : run.description.duration_s;
  const rateRows: Array<Record<string, number | string>> = [];
  for (const g of ['as', 'ans', 'ctrl', 'inh'] as const) {
    const r = rates.rate_Hz[g]!;
    rates.binStart_s.forEach((t, i) => { if (t < tMax) rateRows.push({ t: t + 0.25, rate: r[i]!, g }); });
  }
  const recallFrom = run.recallOnset_s - 0.3;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: { font: FONT, view: { stroke: '#ccc' } },
    title: { text: `${run.description.name}: spikes and rates`, subtitle: `Q = ${run.readout.Q.toFixed(4)}, MI = ${run.readout.MI.toFixed(3)} bits; ${run.result.neurons} neurons, ${run.result.synapses} synapses` },
    vconcat: [
      { hconcat: [panel('learning', ref - 1.2, ref + 0.6), panel(`recall at ${run.recallOnset_s} s`, recallFrom, recallFrom + 0.8)] },
      {
        width: 720,
        height: 160,
        title: `population rates (0.5 s bins${tMax < run.description.duration_s ? `, first ${tMax} s` : ''}; a silent stretch is fast-forward)`,
        data: { values: rateRows },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'time (s)' },
          y: { field: 'rate', type: 'quantitative', title: 'rate (Hz)', scale: { type: 'symlog' } },
          color, // the same scale as the rasters: vega-lite draws its legend once
        },
      },
    ],
  };
}

export function weightsFigureSpec(run: MemoryRunResult): VegaLiteSpec {
  const hours = run.description.duration_s > 3600;
  const scale = hours ? 1 / 3600 : 1;
  const rows: Array<Record<string, number | string>> = [];
  const c = run.curves.columns;
  for (const group of ['assembly', 'control'] as const) {
    for (const [q, mean, sd] of [['h', `h_mean_${group}_mV`, `h_sd_${group}_mV`], ['z·h0', `zh0_mean_${group}_mV`, `zh0_sd_${group}_mV`], ['p', `p_mean_${group}`, `p_sd_${group}`]] as const) {
      run.curves.t_s.forEach((t, i) => {
        const m = c[mean]![i]!, s = c[sd]![i]!;
        if (Number.isFinite(m)) rows.push({ t: t * scale, q, group, mean: m, lo: m - s, hi: m + s });
      });
    }
  }
  const panel = (q: string, title: string) => ({
    width: 720,
    height: 130,
    transform: [{ filter: `datum.q === '${q}'` }],
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'group', type: 'nominal' } } },
      {
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: {
          x: { field: 't', type: 'quantitative', title: hours ? 'time (h)' : 'time (s)' },
          y: { field: 'mean', type: 'quantitative', title, scale: { zero: false } },
          color: { field: 'group', type: 'nominal', title: 'E→E synapses', scale: { domain: ['assembly', 'control'], range: ['#d62728', '#1f77b4'] } },
        },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: { font: FONT, view: { stroke: '#ccc' } },
    title: { text: `${run.description.name}: early phase, late phase and protein`, subtitle: 'mean ± SD within the assembly and within the control population' },
    data: { values: rows },
    vconcat: [panel('h', 'early phase h (mV)'), panel('z·h0', 'late phase z·h0 (mV)'), panel('p', 'protein p')],
  };
}

/** A table read from CSV: column name → values. */
export type Columns = Readonly<Record<string, Float64Array>>;

/** Parses a numeric CSV with a header line (our run files and the reference's). */
export function parseCsvColumns(text: string): Columns {
  const lines = text.trim().split(/\r?\n/);
  const head = lines[0]!.split(',');
  const cols = head.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) lines[i]!.split(',').forEach((v, k) => { if (cols[k]) cols[k]![i - 1] = Number(v); });
  return Object.fromEntries(head.map((h, k) => [h, cols[k]!]));
}

/** A second set of runs over seeds for {@link seedComparisonSpec}, drawn dashed under its own label. */
export interface SeedSet {
  readonly label: string;
  readonly rates: readonly Columns[];
  readonly weights: readonly Columns[];
}

/** The rates panel's title (its band is cut at 0). */
const RATES = 'rates (Hz)';

/**
 * Our runs over seeds (mean ± SD across seeds of each curve) beside the published C++ simulator's run, or
 * beside another set of runs (e.g. the same seeds without fast-forward): population rates and the
 * assembly/control h and z·h0 curves.
 */
export function seedComparisonSpec(
  title: string, rates: readonly Columns[], weights: readonly Columns[],
  cpp?: { rates: Columns; weights: Columns }, other?: SeedSet, label = `calcitag (${rates.length} seeds)`,
): VegaLiteSpec {
  const rows: Array<Record<string, number | string>> = [];
  const addOurs = (panel: string, tables: readonly Columns[], t: string, series: Record<string, string>, source = label) => {
    const n = tables[0]?.[t]?.length ?? 0;
    for (const [name, col] of Object.entries(series)) {
      for (let i = 0; i < n; i++) {
        const xs = tables.map((c) => c[col]?.[i] ?? NaN).filter(Number.isFinite);
        if (xs.length === 0) continue;
        const { mean: m, sd } = meanSd(xs);
        // a rate is never negative: its band is cut at 0 (the panel's symlog scale would draw it below)
        rows.push({ panel, t: tables[0]![t]![i]!, series: name, source, mean: m, lo: panel === RATES ? Math.max(0, m - sd) : m - sd, hi: m + sd });
      }
    }
  };
  const addCpp = (panel: string, table: Columns, t: string, series: Record<string, string>) => {
    for (const [name, col] of Object.entries(series)) {
      table[t]!.forEach((x, i) => rows.push({ panel, t: x, series: name, source: 'C++ reference (1 run)', mean: table[col]![i]! }));
    }
  };
  const rateSeries = { assembly: 'rate_assembly_Hz', 'other exc': 'rate_ctrl_Hz', inhibitory: 'rate_inh_Hz' };
  // plotted at each bin's middle: 0.25 s after its start (population_rates.csv), or a given t (merged windows)
  const binned = (rs: readonly Columns[]) => rs.map((r) => (r.t ? r : { ...r, t: r.t_start_s!.map((x) => x + 0.25) }));
  const addSet = (rs: readonly Columns[], ws: readonly Columns[], source: string) => {
    addOurs(RATES, binned(rs), 't', rateSeries, source);
    addOurs('h (mV)', ws, 't_s', { assembly: 'h_mean_assembly_mV', control: 'h_mean_control_mV' }, source);
    addOurs('z·h0 (mV)', ws, 't_s', { assembly: 'zh0_mean_assembly_mV', control: 'zh0_mean_control_mV' }, source);
  };
  addSet(rates, weights, label);
  if (other) addSet(other.rates, other.weights, other.label);
  if (cpp) {
    addCpp(RATES, { ...cpp.rates, t: cpp.rates.t_start_s!.map((x) => x + 0.25) }, 't', { assembly: 'rate_CA_Hz', 'other exc': 'rate_exc_nonCA_Hz', inhibitory: 'rate_inh_Hz' });
    addCpp('h (mV)', cpp.weights, 't_s', { assembly: 'h_mean_CA_mV', control: 'h_mean_ctrl_mV' });
    addCpp('z·h0 (mV)', cpp.weights, 't_s', { assembly: 'zh0_mean_CA_mV', control: 'zh0_mean_ctrl_mV' });
  }
  const sources = [label, other ? other.label : 'C++ reference (1 run)'];
  const panel = (name: string, log: boolean) => ({
    width: 640, height: 150, title: name,
    transform: [{ filter: `datum.panel === '${name}'` }],
    layer: [
      { transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'area', opacity: 0.2 }, encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'series', type: 'nominal' } } },
      {
        mark: { type: 'line', strokeWidth: 1.4 },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'time (s)' },
          y: { field: 'mean', type: 'quantitative', title: name, scale: log ? { type: 'symlog' } : { zero: false } },
          color: { field: 'series', type: 'nominal', title: null },
          strokeDash: { field: 'source', type: 'nominal', title: null, legend: { labelLimit: 260 }, scale: { domain: sources, range: [[1, 0], [4, 3]] } },
        },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: { font: FONT, view: { stroke: '#ccc' } },
    title: { text: title, subtitle: other ? `solid: ${label}; dashed: ${other.label}; mean ± SD over seeds` : 'solid: calcitag, mean ± SD over seeds; dashed: the published C++ simulator, one run' },
    data: { values: rows },
    // a panel without data (no rate curves: a sweep's results keep none) would have no scale
    vconcat: ([[RATES, true], ['h (mV)', false], ['z·h0 (mV)', false]] as const).filter(([name]) => rows.some((r) => r.panel === name)).map(([name, log]) => panel(name, log)),
    resolve: { scale: { color: 'independent' } },
  };
}
