/** The plotted quantities and their colours (as in the server-side figures, src/io/plots.ts). */
import { column, type Columns, type RunConfigJson } from './api.js';

export const COLORS = { h: '#d62728', z: '#1f77b4', w: '#2b2b2b', p: '#2ca02c', c: '#9467bd', a: '#1f77b4', b: '#ff7f0e' };

/** Traces of one protocol, in % of h0 (h/h0, 1 + z, w/h0) and p, time in hours. */
export interface WeightTraces {
  t_h: number[];
  h: Array<number | null>;
  hSd: Array<number | null>;
  z1: Array<number | null>;
  zSd: Array<number | null>;
  w: Array<number | null>;
  wSd: Array<number | null>;
  p: Array<number | null>;
  pSd: Array<number | null>;
}

const pct = (a: Array<number | null>, offset = 0) => a.map((v) => (v == null ? null : (v + offset) * 100));

export function weightTraces(c: Columns): WeightTraces {
  return {
    t_h: column(c, 't_s').map((v) => (v ?? NaN) / 3600),
    h: pct(column(c, 'h_rel_mean')),
    hSd: pct(column(c, 'h_rel_sd')),
    z1: pct(column(c, 'z_mean'), 1),
    zSd: pct(column(c, 'z_sd')),
    w: pct(column(c, 'w_rel_mean')),
    wSd: pct(column(c, 'w_rel_sd')),
    p: column(c, 'p_mean'),
    pSd: column(c, 'p_sd'),
  };
}

/** Stimulation windows of a protocol from a run's config.json, in hours, merged when closer than a minute. */
export function stimulationMarks(config: RunConfigJson | null | undefined, protocol: string, unit_s = 3600): Array<[number, number]> {
  const p = config?.protocols?.find((q) => q.name === protocol);
  return trainMarks(p?.trains ?? [], unit_s);
}

export function trainMarks(trains: ReadonlyArray<{ onset_s: number; duration_s: number; count?: number; period_s?: number }>, unit_s = 3600, gap_s = 60): Array<[number, number]> {
  const w: Array<[number, number]> = [];
  for (const t of trains) {
    const n = t.count ?? 1;
    for (let i = 0; i < n; i++) {
      const a = t.onset_s + i * (t.period_s ?? 0);
      w.push([a, a + t.duration_s]);
    }
  }
  w.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of w) {
    const last = merged[merged.length - 1];
    if (last && a - last[1] < gap_s) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged.map(([a, b]) => [a / unit_s, b / unit_s]);
}

/** Onset of the first stimulus, s. */
export function firstOnset(config: RunConfigJson | null | undefined, protocol: string): number | undefined {
  const p = config?.protocols?.find((q) => q.name === protocol);
  const on = (p?.trains ?? []).map((t) => t.onset_s);
  return on.length ? Math.min(...on) : undefined;
}
