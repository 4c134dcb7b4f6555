/**
 * What every chart of a network run shares: the colours of the neuron groups (raster bands, rate and
 * weight curves) and the learning and recall stimulation drawn as labelled time spans.
 */
import type uPlot from 'uplot';
import type { NetworkOverview } from '../api.js';

/** Group colours: as = recalled half of the assembly, ans = its other half, ctrl = control exc, inh. */
export const GROUP_COLORS: Record<string, string> = {
  as: '#d62728',
  ans: '#ff7f0e',
  assembly: '#8c564b',
  ctrl: '#1f77b4',
  control: '#1f77b4',
  inh: '#7f7f7f',
  other: '#2ca02c',
};

const MARK_STYLE = {
  learning: { fill: 'rgba(242, 193, 78, 0.40)', text: '#8a6d00' },
  recall: { fill: 'rgba(148, 103, 189, 0.30)', text: '#5b3a86' },
};

/** Shades the learning and recall spans behind the data and labels each kind once, at the top. */
export function stimulationPlugin(marks: NetworkOverview['marks']): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        const dpr = devicePixelRatio;
        ctx.save();
        ctx.font = `${11 * dpr}px 'DejaVu Sans', sans-serif`;
        ctx.textBaseline = 'top';
        for (const kind of ['learning', 'recall'] as const) {
          let labelled = false;
          for (const [a, b] of marks[kind]) {
            const x0 = u.valToPos(a, 'x', true);
            const x1 = Math.max(u.valToPos(b, 'x', true), x0 + 2 * dpr);
            const l = Math.max(x0, left), r = Math.min(x1, left + width);
            if (r <= l) continue;
            ctx.fillStyle = MARK_STYLE[kind].fill;
            ctx.fillRect(l, top, r - l, height);
            if (!labelled) {
              ctx.fillStyle = MARK_STYLE[kind].text;
              ctx.fillText(kind, Math.min(r + 3 * dpr, left + width - 50 * dpr), top + 3 * dpr);
              labelled = true;
            }
          }
        }
        ctx.restore();
      },
    },
  };
}

/** "learning 10–10.1, 10.5–10.6 s · recall 20–20.1 s" for captions. */
export function describeMarks(marks: NetworkOverview['marks']): string {
  const spans = (m: Array<[number, number]>) => m.map(([a, b]) => `${+a.toFixed(3)}–${+b.toFixed(3)}`).join(', ');
  const parts = [];
  if (marks.learning.length) parts.push(`learning ${spans(marks.learning)} s${marks.learning_from === 'paradigm' ? ' (the paradigm’s times: not in summary.json)' : ''}`);
  if (marks.recall.length) parts.push(`recall ${spans(marks.recall)} s`);
  return parts.join(' · ');
}
