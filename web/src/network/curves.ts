/**
 * The time courses of a network run: population rates (population_rates.csv, 0.5 s bins) and the
 * E→E weights of the assembly against the control synapses (weights.csv: h, z·h0 and protein p, mean ±
 * SD). Both zoom on time with the raster (one sync group).
 */
import { api, column, type Columns, type NetworkOverview } from '../api.js';
import { lineChart, type LineSpec } from '../charts.js';
import { h } from '../dom.js';
import { GROUP_COLORS, stimulationPlugin } from './marks.js';

const RATES: Array<[string, string, Partial<LineSpec>]> = [
  ['as', 'rate_as_Hz', { width: 2 }],
  ['ans', 'rate_ans_Hz', {}],
  ['assembly', 'rate_assembly_Hz', { dash: [5, 4], width: 1.2 }],
  ['ctrl', 'rate_ctrl_Hz', {}],
  ['inh', 'rate_inh_Hz', {}],
];

/** Population rates per bin, as steps: x = bin starts and the last bin's end (its value repeated). */
export async function drawRates(box: HTMLElement, id: string, o: NetworkOverview, sync: string): Promise<void> {
  const c = await api.networkTable(id, 'rates');
  const a = column(c, 't_start_s'), b = column(c, 't_end_s');
  const x = [...a.map((v) => v ?? NaN), b[c.rows - 1] ?? NaN];
  const steps = (v: Array<number | null>) => [...v, v[v.length - 1] ?? null];
  const bin = c.rows ? (b[0] ?? 0) - (a[0] ?? 0) : 0;
  const el = h('div', { class: 'chart-box' });
  box.replaceChildren(el);
  lineChart(el, {
    key: 'net-rates',
    title: `Population rates (Hz${bin ? ` per ${+bin.toFixed(3)} s bin` : ''})`,
    x,
    xLabel: 'time (s)',
    yLabel: 'rate (Hz)',
    sync,
    height: 260,
    plugins: [stimulationPlugin(o.marks)],
    lines: RATES.map(([label, col, style]) => ({ label, data: steps(column(c, col)), color: GROUP_COLORS[label]!, digits: 3, stepped: true, ...style })),
  });
}

/** Mean ± SD of `quantity` (h, zh0, p) for the assembly and the control synapses. */
function pair(c: Columns, quantity: string, unit: string): LineSpec[] {
  return (['assembly', 'control'] as const).map((g) => ({
    label: `${g === 'assembly' ? 'assembly' : 'control'}`,
    data: column(c, `${quantity}_mean_${g}${unit}`),
    sd: column(c, `${quantity}_sd_${g}${unit}`),
    color: GROUP_COLORS[g]!,
    width: 2,
  }));
}

/** h, z·h0 and p of the assembly's and the control's E→E synapses over time. */
export async function drawWeights(box: HTMLElement, id: string, o: NetworkOverview, sync: string): Promise<void> {
  const c = await api.networkTable(id, 'weights');
  const x = column(c, 't_s').map((v) => v ?? NaN);
  const specs = [
    { key: 'net-h', title: 'Early-phase weight h of E→E synapses (mV), mean ± SD: within the assembly vs control', q: 'h', unit: '_mV', y: 'h (mV)', height: 240 },
    { key: 'net-zh0', title: 'Late-phase weight z·h0 (mV), mean ± SD', q: 'zh0', unit: '_mV', y: 'z·h0 (mV)', height: 200 },
    { key: 'net-p', title: 'Protein p of the postsynaptic neurons, mean ± SD', q: 'p', unit: '', y: 'p', height: 170 },
  ];
  const els = specs.map(() => h('div', { class: 'chart-box' }));
  box.replaceChildren(...els);
  specs.forEach((s, i) => {
    lineChart(els[i]!, { key: s.key, title: s.title, x, xLabel: 'time (s)', yLabel: s.y, sync, height: s.height, plugins: [stimulationPlugin(o.marks)], lines: pair(c, s.q, s.unit) });
  });
}
