/**
 * The figure of a sweep (Vega-Lite, rendered by plots.ts): with two or more numeric swept fields, the
 * class map — the majority outcome class of each point over the first two fields (cells for a grid,
 * dots for random points), one panel per protocol and per combination of any further fields; with one
 * field, w/h0 at the last checkpoint (mean ± SD) over it.
 */
import { CHECKPOINTS } from '../experiments/ensemble.js';
import type { SweepManifest } from '../experiments/sweep/plan.js';
import type { SweepTable } from '../experiments/sweep/results.js';
import { renderSvg, svgToPng, type VegaLiteSpec } from './plots.js';
import { writeFileAtomic } from './files.js';
import { join } from 'node:path';

const FONT = 'DejaVu Sans';
/** The outcome palette of the run figures (plots.ts, classCountsSpec). */
const CLASS_COLORS: Record<string, string> = {
  'late-LTP': '#b2182b', 'early-LTP': '#ef8a62', 'none': '#bababa', 'early-LTD': '#67a9cf', 'late-LTD': '#2166ac',
};
const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  background: 'white',
  config: { font: FONT, title: { font: FONT }, axis: { labelFont: FONT, titleFont: FONT }, legend: { labelFont: FONT }, header: { labelFont: FONT, titleFont: FONT } },
};

/** The last checkpoint that the table has (8h for the presets). */
function lastCheckpoint(t: SweepTable): string | undefined {
  const names = CHECKPOINTS.map(([n]) => n).filter((n) => t.columns.some((c) => c.name === `w_rel_${n}_mean`));
  return names[names.length - 1];
}

/** The sweep's figure, or undefined when nothing numeric was swept. */
export function sweepFigureSpec(m: SweepManifest, t: SweepTable): VegaLiteSpec | undefined {
  const col = (name: string) => t.columns.findIndex((c) => c.name === name);
  const numeric = m.fields.filter((f) => t.columns[col(f.path)]?.kind === 'number');
  const cp = lastCheckpoint(t);
  const w = cp ? col(`w_rel_${cp}_mean`) : -1;
  const wsd = cp ? col(`w_rel_${cp}_sd`) : -1;
  const proto = col('protocol'), cls = col('class');
  if (numeric.length === 0) return undefined;
  const [fx, fy] = numeric;
  const rest = m.fields.filter((f) => f !== fx && f !== fy);
  const values = t.rows.map((r) => ({
    x: r[col(fx!.path)], ...(fy ? { y: r[col(fy.path)] } : {}), protocol: r[proto], class: r[cls],
    w: w >= 0 ? r[w] : null, lo: w >= 0 ? (r[w] as number) - (r[wsd] as number) : null, hi: w >= 0 ? (r[w] as number) + (r[wsd] as number) : null,
    rest: rest.map((f) => `${f.path}=${r[col(f.path)]}`).join(', ') || 'all',
  }));
  const title = `${m.name}: ${m.jobs.length} points × ${m.trials_per_point} trials`;
  if (!fy) {
    return {
      ...BASE, title: { text: title, subtitle: `w/h0 at ${cp ?? 'the end'} (mean ± SD over trials)` }, width: 420, height: 240, data: { values },
      layer: [
        { mark: { type: 'errorbar' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'protocol' } } },
        { mark: { type: 'line', point: true }, encoding: { x: { field: 'x', type: 'quantitative', title: fx!.path }, y: { field: 'w', type: 'quantitative', title: `w/h0 at ${cp}`, scale: { zero: false } }, color: { field: 'protocol', type: 'nominal' } } },
      ],
    };
  }
  // cells when the points form a full product of a few values per field (a grid, or a list over a grid); dots otherwise
  const distinct = (k: 'x' | 'y') => new Set(values.map((v) => v[k])).size;
  const perProtocol = values.length / Math.max(1, new Set(values.map((v) => v.protocol)).size) / Math.max(1, new Set(values.map((v) => v.rest)).size);
  const grid = distinct('x') <= 40 && distinct('y') <= 40 && distinct('x') * distinct('y') === perProtocol;
  const domain = Object.keys(CLASS_COLORS);
  const xEnc = grid ? { field: 'x', type: 'ordinal', title: fx!.path, sort: 'ascending', axis: { labelAngle: 0 } } : { field: 'x', type: 'quantitative', title: fx!.path, scale: { zero: false } };
  const yEnc = grid ? { field: 'y', type: 'ordinal', title: fy.path, sort: 'descending' } : { field: 'y', type: 'quantitative', title: fy.path, scale: { zero: false } };
  return {
    ...BASE,
    title: { text: `${title}: outcome class`, subtitle: `majority class over the trials of each point${grid && cp ? `; number: w/h0 at ${cp}` : ''}` },
    data: { values },
    facet: { row: { field: 'protocol', type: 'nominal', title: null, header: { labelOrient: 'right', labelAngle: 0, labelFontWeight: 'bold' } }, ...(rest.length > 0 ? { column: { field: 'rest', type: 'nominal', title: null } } : {}) },
    spec: {
      // a panel at least ~100 px high, so that the y title fits beside a field of few values
      width: grid ? { step: 26 } : 300, height: grid ? { step: Math.max(22, Math.ceil(100 / distinct('y'))) } : 240,
      layer: [
        {
          mark: grid ? { type: 'rect' } : { type: 'circle', size: 60, opacity: 0.9 },
          encoding: {
            x: xEnc, y: yEnc,
            color: { field: 'class', type: 'nominal', scale: { domain, range: domain.map((d) => CLASS_COLORS[d]) }, legend: { title: 'class', orient: 'right' } },
            tooltip: [{ field: 'x', title: fx!.path }, { field: 'y', title: fy.path }, { field: 'class' }, { field: 'w', title: `w/h0 ${cp}`, format: '.3f' }],
          },
        },
        ...(grid && cp ? [{ mark: { type: 'text', fontSize: 7, color: 'black' }, encoding: { x: xEnc, y: yEnc, text: { field: 'w', type: 'quantitative', format: '.2f' } } }] : []),
      ],
    },
  };
}

/** Writes classmap.vl.json, .svg and .png (or nothing when nothing numeric was swept); returns the paths. */
export async function writeSweepFigure(dir: string, m: SweepManifest, t: SweepTable): Promise<string[]> {
  const spec = sweepFigureSpec(m, t);
  if (!spec) return [];
  const svg = await renderSvg(spec);
  const out = [join(dir, 'classmap.vl.json'), join(dir, 'classmap.svg'), join(dir, 'classmap.png')];
  writeFileAtomic(out[0]!, JSON.stringify(spec, null, 1));
  writeFileAtomic(out[1]!, svg);
  writeFileAtomic(out[2]!, svgToPng(svg));
  return out;
}
