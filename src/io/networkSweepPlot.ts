/**
 * The figure of a network sweep (Vega-Lite, rendered by plots.ts): the recall quality Q over the swept
 * fields — with one numeric field a line (± the propagated Q error), with two a heat map (cells for a grid,
 * dots otherwise) and Q written in each cell. Written as network_sweep.{vl.json,svg,png}.
 */
import { join } from 'node:path';
import type { SweepManifest } from '../experiments/sweep/plan.js';
import type { SweepTable } from '../experiments/sweep/results.js';
import { writeFileAtomic } from './files.js';
import { renderSvg, svgToPng, type VegaLiteSpec } from './plots.js';

const FONT = 'DejaVu Sans';
const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  background: 'white',
  config: { font: FONT, title: { font: FONT }, axis: { labelFont: FONT, titleFont: FONT }, legend: { labelFont: FONT, titleFont: FONT } },
};

/** The figure, or undefined when nothing numeric was swept. */
export function networkSweepFigureSpec(m: SweepManifest, t: SweepTable): VegaLiteSpec | undefined {
  const col = (name: string) => t.columns.findIndex((c) => c.name === name);
  const numeric = m.fields.filter((f) => t.columns[col(f.path)]?.kind === 'number');
  if (numeric.length === 0) return undefined;
  const [fx, fy] = numeric;
  const rest = m.fields.filter((f) => f !== fx && f !== fy);
  const q = col('Q'), qe = col('Q_err');
  const values = t.rows.map((r) => ({
    x: r[col(fx!.path)], ...(fy ? { y: r[col(fy.path)] } : {}), Q: r[q], lo: (r[q] as number) - (r[qe] as number), hi: (r[q] as number) + (r[qe] as number),
    rest: rest.map((f) => `${f.path}=${r[col(f.path)]}`).join(', ') || 'all',
  }));
  const title = `${m.name}: ${m.jobs.length} networks`;
  const color = rest.length > 0 ? { color: { field: 'rest', type: 'nominal', title: null } } : {};
  if (!fy) {
    return {
      ...BASE, title: { text: title, subtitle: 'recall quality Q = (ν_ans − ν_ctrl)/ν_as (± propagated error)' }, width: 420, height: 240, data: { values },
      layer: [
        { mark: { type: 'errorbar' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, ...color } },
        { mark: { type: 'line', point: true }, encoding: { x: { field: 'x', type: 'quantitative', title: fx!.path, scale: { zero: false } }, y: { field: 'Q', type: 'quantitative', title: 'Q' }, ...color } },
      ],
    };
  }
  const distinct = (k: 'x' | 'y') => new Set(values.map((v) => v[k])).size;
  const grid = distinct('x') <= 40 && distinct('y') <= 40 && distinct('x') * distinct('y') === values.length / Math.max(1, new Set(values.map((v) => v.rest)).size);
  const xEnc = grid ? { field: 'x', type: 'ordinal', title: fx!.path, sort: 'ascending', axis: { labelAngle: 0 } } : { field: 'x', type: 'quantitative', title: fx!.path, scale: { zero: false } };
  const yEnc = grid ? { field: 'y', type: 'ordinal', title: fy.path, sort: 'descending' } : { field: 'y', type: 'quantitative', title: fy.path, scale: { zero: false } };
  return {
    ...BASE, title: { text: `${title}: recall quality Q`, subtitle: 'Q = (ν_ans − ν_ctrl)/ν_as at recall' }, data: { values },
    ...(rest.length > 0 ? { facet: { column: { field: 'rest', type: 'nominal', title: null } } } : {}),
    ...(rest.length > 0 ? { spec: heat() } : heat()),
  };
  function heat() {
    return {
      width: grid ? { step: 40 } : 300, height: grid ? { step: Math.max(24, Math.ceil(120 / distinct('y'))) } : 240,
      layer: [
        {
          mark: grid ? { type: 'rect' } : { type: 'circle', size: 80 },
          encoding: { x: xEnc, y: yEnc, color: { field: 'Q', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'Q' }, tooltip: [{ field: 'x', title: fx!.path }, { field: 'y', title: fy!.path }, { field: 'Q', format: '.3f' }] },
        },
        ...(grid ? [{ mark: { type: 'text', fontSize: 8, color: 'white' }, encoding: { x: xEnc, y: yEnc, text: { field: 'Q', type: 'quantitative', format: '.2f' } } }] : []),
      ],
    };
  }
}

/** Writes network_sweep.vl.json, .svg and .png (nothing when nothing numeric was swept); returns the paths. */
export async function writeNetworkSweepFigure(dir: string, m: SweepManifest, t: SweepTable): Promise<string[]> {
  const spec = networkSweepFigureSpec(m, t);
  if (!spec) return [];
  const svg = await renderSvg(spec);
  const out = [join(dir, 'network_sweep.vl.json'), join(dir, 'network_sweep.svg'), join(dir, 'network_sweep.png')];
  writeFileAtomic(out[0]!, JSON.stringify(spec, null, 1));
  writeFileAtomic(out[1]!, svg);
  writeFileAtomic(out[2]!, svgToPng(svg));
  return out;
}
