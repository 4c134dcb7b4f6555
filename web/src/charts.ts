/**
 * uPlot charts: line series with optional mean ± SD bands, drag-to-zoom on x (double-click resets),
 * cursors synced within a group, and a registry so tests and the console can reach each chart.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface LineSpec {
  label: string;
  data: ArrayLike<number | null>;
  color: string;
  width?: number;
  dash?: number[];
  /** SD around `data`; drawn as a translucent band. */
  sd?: ArrayLike<number | null>;
  /** y scale key ('y' by default; 'y2' is drawn on the right axis). */
  scale?: 'y' | 'y2';
  /** Format of the legend value. */
  digits?: number;
  /** Draw as steps: each value holds until the next x (binned data such as rates per bin). */
  stepped?: boolean;
}

export interface ChartSpec {
  /** Registry key (data-chart attribute), e.g. 'run-weights'. */
  key: string;
  title?: string;
  x: ArrayLike<number>;
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  lines: LineSpec[];
  height?: number;
  /** Cursor/zoom sync group. */
  sync?: string;
  /** Shaded x intervals (stimulation). */
  marks?: Array<[number, number]>;
  /** Fixed y range. */
  yRange?: [number, number];
  /**
   * Full x extent when the data is a window of something larger (probe recordings): double-click and
   * Reset zoom return to it, and `onXRange` hears every x range so the caller can load that window.
   */
  fullX?: [number, number];
  onXRange?: (min: number, max: number) => void;
  /** More uPlot plugins (e.g. a moving marker). */
  plugins?: uPlot.Plugin[];
}

/** Every live chart by key: `window.__calcitag.charts.get('run-weights').scales.x`. */
export const charts = new Map<string, uPlot>();

const zoomGroups = new Map<string, Set<uPlot>>();
const fullRanges = new WeakMap<uPlot, [number, number]>();

function hexToRgba(hex: string, a: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1]!, 16)},${parseInt(m[2]!, 16)},${parseInt(m[3]!, 16)},${a})`;
}

function marksPlugin(marks: Array<[number, number]>): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const { ctx } = u;
        const { top, height } = u.bbox;
        ctx.save();
        ctx.fillStyle = 'rgba(242, 193, 78, 0.45)';
        for (const [a, b] of marks) {
          const x0 = u.valToPos(a, 'x', true);
          const x1 = Math.max(u.valToPos(b, 'x', true), x0 + 2 * devicePixelRatio);
          const l = Math.max(x0, u.bbox.left), r = Math.min(x1, u.bbox.left + u.bbox.width);
          if (r > l) ctx.fillRect(l, top, r - l, height);
        }
        ctx.restore();
      },
    },
  };
}

/** A vertical line at `ref.x` (NaN: none), e.g. the simulated time of a running trial. */
export function nowLinePlugin(ref: { x: number }, color = '#e6550d'): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        if (!Number.isFinite(ref.x)) return;
        const x = u.valToPos(ref.x, 'x', true);
        const { left, top, width, height } = u.bbox;
        if (x < left || x > left + width) return;
        const { ctx } = u;
        ctx.save();
        ctx.strokeStyle = color;
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        ctx.restore();
      },
    },
  };
}

const numberFormat = new Intl.NumberFormat(navigator.language);
/** Tick labels as uPlot writes them, but ticks closer than 0.001 in exponent form (uPlot's would all read 0). */
function axisValues(_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] {
  if (incr >= 1e-3) return splits.map((v) => (v == null ? '' : numberFormat.format(v)));
  return splits.map((v) => (v == null ? '' : Math.abs(v) < incr / 2 ? '0' : v.toExponential(1)));
}

/** uPlot's padded range, but a flat series (e.g. p = 0 throughout) gets a unit span instead of ±100. */
function autoRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min == null || max == null) return [0, 1];
  if (max - min < 1e-12 * Math.max(1, Math.abs(max))) return min === 0 ? [0, 1] : [min - 0.5 * Math.abs(min), max + 0.5 * Math.abs(max)];
  return uPlot.rangeNum(min, max, 0.1, true);
}

/** The aligned data of a chart: x, then each line followed by its +sd and −sd series when it has an SD. */
function alignedData(x: ArrayLike<number>, lines: readonly LineSpec[]): Array<ArrayLike<number | null>> {
  const data: Array<ArrayLike<number | null>> = [x];
  for (const l of lines) {
    data.push(l.data);
    if (l.sd) {
      const lo = new Array<number | null>(l.data.length);
      const hi = new Array<number | null>(l.data.length);
      for (let i = 0; i < l.data.length; i++) {
        const m = l.data[i], s = l.sd[i];
        lo[i] = m == null || s == null ? null : m - s;
        hi[i] = m == null || s == null ? null : m + s;
      }
      data.push(hi, lo);
    }
  }
  return data;
}

/**
 * New data for an existing chart with the same lines (labels may change); keeps a zoomed x range.
 * Returns false when the chart does not exist or its series differ (then create it anew).
 */
export function updateChart(key: string, x: ArrayLike<number>, lines: readonly LineSpec[]): boolean {
  const u = charts.get(key);
  if (!u) return false;
  const data = alignedData(x, lines);
  if (data.length !== u.series.length) return false;
  const { min, max } = u.scales.x;
  const n = x.length;
  const zoomed = n > 0 && min != null && max != null && (min > x[0]! + 1e-9 || max < x[n - 1]! - 1e-9);
  u.setData(data as uPlot.AlignedData, !zoomed);
  if (zoomed) u.setScale('x', { min: min!, max: max! });
  // relabel (e.g. "trial 3") without rebuilding the legend
  const labels = u.root.querySelectorAll<HTMLElement>('.u-legend .u-series .u-label');
  let i = 1;
  for (const l of lines) {
    const el = labels[i];
    if (el && el.textContent !== l.label) el.textContent = l.label;
    if (u.series[i]) u.series[i]!.label = l.label;
    i += l.sd ? 3 : 1;
  }
  return true;
}

/** Creates (or replaces) a chart inside `el`. */
export function lineChart(el: HTMLElement, spec: ChartSpec): uPlot {
  destroyChart(spec.key);
  el.dataset.chart = spec.key;
  el.classList.add('chart');
  const data = alignedData(spec.x, spec.lines);
  const series: uPlot.Series[] = [{ label: spec.xLabel, value: (_u, v) => (v == null ? '–' : fmt(v, 4)) }];
  const bands: uPlot.Band[] = [];
  const hidden: number[] = [];
  for (const l of spec.lines) {
    const scale = l.scale ?? 'y';
    const idx = series.length;
    series.push({
      label: l.label,
      stroke: l.color,
      width: l.width ?? 1.6,
      dash: l.dash,
      scale,
      spanGaps: true,
      points: { show: false },
      paths: l.stepped ? uPlot.paths.stepped!({ align: 1 }) : undefined,
      value: (_u, v) => (v == null ? '–' : fmt(v, l.digits ?? 4)),
    });
    if (l.sd) {
      const common = { stroke: 'transparent', width: 0, scale, spanGaps: true, points: { show: false } };
      series.push({ ...common, label: `${l.label} +sd` }, { ...common, label: `${l.label} −sd` });
      hidden.push(idx + 1, idx + 2);
      bands.push({ series: [idx + 1, idx + 2], fill: hexToRgba(l.color, 0.16) });
    }
  }
  const axes: uPlot.Axis[] = [
    { label: spec.xLabel, stroke: '#444', grid: { stroke: '#eee' }, ticks: { stroke: '#ccc' } },
    { label: spec.yLabel, stroke: '#444', grid: { stroke: '#eee' }, ticks: { stroke: '#ccc' }, size: 60, values: axisValues },
  ];
  const scales: uPlot.Scales = { x: { time: false }, y: { range: spec.yRange ?? autoRange } };
  if (spec.y2Label) {
    axes.push({ label: spec.y2Label, scale: 'y2', side: 1, stroke: '#444', grid: { show: false }, size: 60, values: axisValues });
    scales.y2 = { range: autoRange };
  }
  const width = Math.max(320, el.clientWidth || 640);
  const opts: uPlot.Options = {
    title: spec.title,
    width,
    height: spec.height ?? 280,
    series,
    bands,
    axes,
    scales,
    cursor: {
      drag: { x: true, y: false, setScale: true },
      sync: spec.sync ? { key: spec.sync } : undefined,
      bind: spec.fullX
        ? {
            dblclick: (self) => () => {
              self.setScale('x', { min: spec.fullX![0], max: spec.fullX![1] });
              return null;
            },
          }
        : undefined,
    },
    legend: { live: true },
    plugins: [...(spec.marks && spec.marks.length ? [marksPlugin(spec.marks)] : []), ...(spec.plugins ?? [])],
    hooks: {
      setScale: [
        (u, key) => {
          if (key === 'x' && spec.onXRange && u.scales.x.min != null && u.scales.x.max != null) spec.onXRange(u.scales.x.min, u.scales.x.max);
          if (key === 'x' && spec.sync) propagateX(u, spec.sync);
        },
      ],
    },
  };
  el.innerHTML = '';
  const u = new uPlot(opts, data as uPlot.AlignedData, el);
  const rows = u.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
  for (const i of hidden) if (rows[i]) rows[i]!.style.display = 'none';
  registerChart(spec.key, u, el, { sync: spec.sync, fullX: spec.fullX, height: spec.height ?? 280 });
  return u;
}

/**
 * Puts a chart in the registry (under `key`), in its zoom group and under resize handling; lineChart
 * does this for its charts, other uPlot charts (the spike raster) call it themselves.
 */
export function registerChart(key: string, u: uPlot, el: HTMLElement, o: { sync?: string; fullX?: [number, number]; height: number }): void {
  charts.set(key, u);
  if (o.fullX) fullRanges.set(u, o.fullX);
  else fullRanges.delete(u);
  if (o.sync) {
    let g = zoomGroups.get(o.sync);
    if (!g) zoomGroups.set(o.sync, (g = new Set()));
    g.add(u);
  }
  const ro = new ResizeObserver(() => {
    const w = Math.max(320, el.clientWidth);
    if (Math.abs(w - u.width) > 4) u.setSize({ width: w, height: o.height });
  });
  ro.observe(el);
  (u as unknown as { _ro: ResizeObserver })._ro = ro;
}

/** Gives the x range of `u` to the other charts of zoom group `sync` (call it from a setScale hook). */
export function propagateX(u: uPlot, sync: string): void {
  const group = zoomGroups.get(sync);
  const { min, max } = u.scales.x;
  if (!group || min == null || max == null) return;
  for (const o of group) {
    if (o !== u && (o.scales.x.min !== min || o.scales.x.max !== max)) o.setScale('x', { min, max });
  }
}

export function destroyChart(key: string): void {
  const u = charts.get(key);
  if (!u) return;
  (u as unknown as { _ro?: ResizeObserver })._ro?.disconnect();
  for (const g of zoomGroups.values()) g.delete(u);
  u.destroy();
  charts.delete(key);
}

export function destroyAll(): void {
  for (const k of [...charts.keys()]) destroyChart(k);
}

/** Resets the x range of every chart in a sync group (or of all charts) to the full data. */
export function resetZoom(group?: string): void {
  for (const u of charts.values()) {
    if (group && !(zoomGroups.get(group)?.has(u))) continue;
    const full = fullRanges.get(u);
    const x = u.data[0];
    if (full) u.setScale('x', { min: full[0], max: full[1] });
    else if (x.length) u.setScale('x', { min: x[0]!, max: x[x.length - 1]! });
  }
}

export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

/** Joins series sampled on different x grids onto one (union of x, gaps as null). */
export function joinOnX(tables: Array<{ x: ArrayLike<number>; ys: Array<ArrayLike<number | null>> }>): { x: number[]; ys: Array<Array<number | null>> } {
  const aligned = uPlot.join(tables.map((t) => [t.x, ...t.ys] as unknown as uPlot.AlignedData));
  const [x, ...ys] = aligned as unknown as [number[], ...Array<Array<number | null>>];
  return { x, ys };
}
