/**
 * Drawing the spike raster on a uPlot canvas: the neuron groups as shaded, labelled bands behind the
 * spikes, and every loaded spike as a small tick coloured by its group. uPlot supplies axes, scales,
 * zoom and the cursor; the spikes are not uPlot series (10⁵ points as canvas rectangles draw in a few ms).
 */
import type uPlot from 'uplot';
import type { NeuronGroup, SpikeWindow } from '../api.js';
import { GROUP_COLORS } from './marks.js';

/** Loaded spikes split by group: times and neuron indices of group g in t[g], n[g]. */
export interface RasterSpikes {
  t: Float64Array[];
  n: Float64Array[];
}

/** Splits a window of spikes by group (a spike outside every group goes to the last). */
export function splitByGroup(w: SpikeWindow, groups: readonly NeuronGroup[]): RasterSpikes {
  const g = new Uint8Array(w.rows);
  const counts = new Array<number>(groups.length).fill(0);
  for (let i = 0; i < w.rows; i++) {
    const n = w.neuron[i]!;
    let k = groups.findIndex((x) => n >= x.from && n < x.to);
    if (k < 0) k = groups.length - 1;
    g[i] = k;
    counts[k]!++;
  }
  const t = counts.map((c) => new Float64Array(c));
  const n = counts.map((c) => new Float64Array(c));
  const at = new Array<number>(groups.length).fill(0);
  for (let i = 0; i < w.rows; i++) {
    const k = g[i]!;
    t[k]![at[k]!] = w.t[i]!;
    n[k]![at[k]!++] = w.neuron[i]!;
  }
  return { t, n };
}

/** The groups as light bands, labelled at the right edge of the plot. */
export function bandsPlugin(groups: readonly NeuronGroup[]): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        const dpr = devicePixelRatio;
        ctx.save();
        ctx.font = `bold ${10 * dpr}px 'DejaVu Sans', sans-serif`;
        ctx.textAlign = 'right';
        ctx.textBaseline = 'middle';
        groups.forEach((g, i) => {
          const y0 = Math.min(top + height, Math.max(top, u.valToPos(g.from, 'y', true)));
          const y1 = Math.min(top + height, Math.max(top, u.valToPos(g.to, 'y', true)));
          if (y0 - y1 < 1) return;
          ctx.fillStyle = `${GROUP_COLORS[g.name] ?? '#999999'}${i % 2 ? '0c' : '16'}`;
          ctx.fillRect(left, y1, width, y0 - y1);
          if (y0 - y1 >= 9 * dpr) {
            ctx.fillStyle = GROUP_COLORS[g.name] ?? '#666';
            ctx.fillText(g.name, left + width - 4 * dpr, (y0 + y1) / 2);
          }
        });
        ctx.restore();
      },
    },
  };
}

/** Draws `ref.spikes` (replaced when a new window loads), one tick per spike, clipped to the plot. */
export function spikesPlugin(ref: { spikes: RasterSpikes | null }, groups: readonly NeuronGroup[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const s = ref.spikes;
        const { min: x0, max: x1 } = u.scales.x;
        const { min: y0, max: y1 } = u.scales.y;
        if (!s || x0 == null || x1 == null || y0 == null || y1 == null || x1 <= x0 || y1 <= y0) return;
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        const dpr = devicePixelRatio;
        const kx = width / (x1 - x0), ky = height / (y1 - y0);
        const w = Math.max(1.5 * dpr, Math.min(4 * dpr, kx * 0.002)); // ≥ 1.5 px, 2 ms wide when zoomed in
        const hgt = Math.max(1 * dpr, Math.min(6 * dpr, ky * 0.8));
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, top, width, height);
        ctx.clip();
        groups.forEach((g, k) => {
          const t = s.t[k]!, n = s.n[k]!;
          ctx.fillStyle = GROUP_COLORS[g.name] ?? '#444';
          for (let i = 0; i < t.length; i++) {
            const ti = t[i]!, ni = n[i]!;
            if (ti < x0 || ti > x1 || ni < y0 - 1 || ni > y1) continue;
            ctx.fillRect(left + (ti - x0) * kx - w / 2, top + height - (ni + 1 - y0) * ky, w, hgt);
          }
        });
        ctx.restore();
      },
    },
  };
}
