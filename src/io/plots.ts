/**
 * Figures as Vega-Lite specs, rendered server-side to SVG (vega, no browser) and PNG (resvg).
 * The specs are saved beside the images so they can be restyled.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import type { Protocol } from '../model/protocols.js';
import { stimulationWindows } from '../model/protocols.js';
import type { ModelParams } from '../model/parameters.js';
import type { EnsembleResult } from '../experiments/ensemble.js';

export type VegaLiteSpec = Record<string, unknown>;

const FONT = 'DejaVu Sans';
const COLORS = { early: '#d62728', late: '#1f77b4', total: '#2b2b2b' };

/** Stimulation windows merged when closer than `gap_s`, for marking them on an hours axis. */
function mergedWindows(protocol: Protocol, gap_s: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of stimulationWindows(protocol).sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a - last[1] < gap_s) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The paper-style figure: h/h0, 1 + z and w/h0 in % over hours (mean ± SD), and one trial's calcium. */
export function protocolFigureSpec(res: EnsembleResult, protocol: Protocol, params: ModelParams): VegaLiteSpec {
  const rows: Array<Record<string, number | string>> = [];
  const series: Array<[string, { mean: Float64Array; sd: Float64Array }, number]> = [
    ['early phase h/h0', res.traces.h_rel, 0],
    ['late phase 1 + z', res.traces.z, 1],
    ['total weight w/h0', res.traces.w_rel, 0],
  ];
  for (const [name, tr, offset] of series) {
    for (let i = 0; i < res.t_s.length; i++) {
      const m = (tr.mean[i]! + offset) * 100;
      const s = tr.sd[i]! * 100;
      rows.push({ t_h: res.t_s[i]! / 3600, quantity: name, mean: m, lo: m - s, hi: m + s });
    }
  }
  const stim = mergedWindows(protocol, 60).map(([a, b]) => ({ a: a / 3600, b: Math.max(b / 3600, a / 3600 + 0.004) }));
  const domain = ['early phase h/h0', 'late phase 1 + z', 'total weight w/h0'];
  const color = { field: 'quantity', type: 'nominal', scale: { domain, range: [COLORS.early, COLORS.late, COLORS.total] }, legend: { orient: 'top-right', title: null } };
  const weights = {
    width: 560,
    height: 260,
    title: { text: `${protocol.name}: ${protocol.description}`, subtitle: `${res.trials} trials, engine ${res.engine}; mean ± SD; class ${res.class}` },
    layer: [
      { data: { values: stim }, mark: { type: 'rect', color: '#f2c14e', opacity: 0.5 }, encoding: { x: { field: 'a', type: 'quantitative' }, x2: { field: 'b' } } },
      { data: { values: rows }, mark: { type: 'area', opacity: 0.2 }, encoding: { x: { field: 't_h', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: {
          x: { field: 't_h', type: 'quantitative', title: 'time (h)', scale: { domain: [0, protocol.duration_s / 3600] } },
          y: { field: 'mean', type: 'quantitative', title: 'synaptic weight (% of h0)', scale: { zero: false } },
          color,
        },
      },
    ],
  };
  const panels: VegaLiteSpec[] = [weights];
  if (res.calcium && res.calcium.t_s.length > 0) {
    const ca = res.calcium;
    const t0 = ca.t_s[0]!;
    const cRows: Array<Record<string, number>> = [];
    for (let i = 0; i < ca.t_s.length; i++) cRows.push({ t: ca.t_s[i]! - t0, c: ca.c[i]! });
    const thresholds = [{ y: params.theta_p, name: 'θ_p' }, { y: params.theta_d, name: 'θ_d' }];
    panels.push({
      width: 560,
      height: 120,
      title: { text: `Calcium around the first stimulus (trial ${res.table.length > 0 ? res.table.row(0).trial : 0})`, fontSize: 12 },
      layer: [
        { data: { values: cRows }, mark: { type: 'line', color: '#6a3d9a', strokeWidth: 1 }, encoding: { x: { field: 't', type: 'quantitative', title: `time from ${t0.toFixed(1)} s (s)` }, y: { field: 'c', type: 'quantitative', title: 'calcium c' } } },
        { data: { values: thresholds }, mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        { data: { values: thresholds }, mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#555' }, encoding: { y: { field: 'y', type: 'quantitative' }, x: { datum: 0 }, text: { field: 'name' } } },
      ],
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    config: { font: FONT, title: { font: FONT }, axis: { labelFont: FONT, titleFont: FONT }, legend: { labelFont: FONT } },
    vconcat: panels,
  };
}

/** Renders a Vega-Lite spec to SVG text. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Rasterises SVG text to PNG at `scale` × its size. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const r = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT }, fitTo: { mode: 'zoom', value: scale } });
  return r.render().asPng();
}

const CLASS_COLORS: Record<string, string> = {
  'late-LTP': '#b2182b', 'early-LTP': '#ef8a62', 'none': '#bababa', 'early-LTD': '#67a9cf', 'late-LTD': '#2166ac',
};

/**
 * Class counts of a run: one stacked bar per protocol (trials per outcome class), the expected class
 * named under each bar — the figure that says at a glance whether each protocol did what it should.
 */
export function classCountsSpec(results: readonly EnsembleResult[], protocols: readonly Protocol[]): VegaLiteSpec {
  const rows: Array<Record<string, string | number>> = [];
  for (const r of results) {
    const expected = protocols.find((p) => p.name === r.protocol)?.expected;
    const label = expected ? `${r.protocol} (expected ${expected})` : r.protocol;
    for (const [cls, n] of Object.entries(r.classes)) rows.push({ protocol: label, class: cls, trials: n ?? 0 });
  }
  const domain = Object.keys(CLASS_COLORS);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    config: { font: FONT, title: { font: FONT }, axis: { labelFont: FONT, titleFont: FONT }, legend: { labelFont: FONT } },
    title: { text: 'Outcome classes per protocol', subtitle: `engine ${results[0]?.engine ?? ''}; trials per class` },
    width: 420,
    height: { step: 34 },
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'protocol', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } },
      x: { field: 'trials', type: 'quantitative', title: 'trials', stack: 'zero', axis: { tickMinStep: 1, format: 'd' } },
      color: { field: 'class', type: 'nominal', scale: { domain, range: domain.map((d) => CLASS_COLORS[d]) }, legend: { title: null, orient: 'bottom' } },
      order: { field: 'class', sort: 'ascending' },
      tooltip: [{ field: 'protocol' }, { field: 'class' }, { field: 'trials' }],
    },
  };
}
