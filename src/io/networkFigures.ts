/**
 * Figures of a network run as Vega-Lite specs (rendered by plots.ts): the spike raster around
 * learning and around recall, with population rates beneath; and the assembly-versus-control curves of
 * the early-phase weight h, the late phase z·h0 and the protein p.
 */
import type { MemoryRunResult } from '../experiments/network/memoryRun.js';
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
          color: { ...color, legend: null },
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
