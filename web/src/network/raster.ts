/**
 * The spike raster of a network run: time × neuron, the groups coloured and shaded, learning and recall
 * marked. Drag to zoom (a box: time and neurons; a flat drag: time only, with the other charts),
 * double-click to zoom out. At most `max` spikes are drawn: the server thins a window with more to
 * every k-th spike, and zooming in loads the visible window again, whole once it holds few enough.
 */
import uPlot from 'uplot';
import { api, type NetworkOverview, type SpikeWindow } from '../api.js';
import { charts, propagateX, registerChart } from '../charts.js';
import { h } from '../dom.js';
import { GROUP_COLORS, stimulationPlugin } from './marks.js';
import { bandsPlugin, spikesPlugin, splitByGroup, type RasterSpikes } from './rasterDraw.js';

export const RASTER_KEY = 'net-raster';

/** 2nd, 3rd, 4th, 11th, 21st, … */
const ordinal = (k: number) => `${k.toLocaleString('en')}${k % 100 >= 11 && k % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][k % 10] ?? 'th'}`;
const HEIGHT = 400;

/**
 * The raster's uPlot options: no drawn series (the plugins draw), a fixed neuron axis, drag to zoom
 * (flat: time only; a box: time and neurons), double-click back to `full` and every neuron.
 */
function rasterOptions(o: NetworkOverview, full: [number, number], el: HTMLElement, x: { plugins: uPlot.Plugin[]; onX: (u: uPlot) => void; onCursor: (text: string) => void }): uPlot.Options {
  const neurons = o.summary.neurons;
  return {
    title: 'Spike raster',
    width: Math.max(320, el.clientWidth || 640),
    height: HEIGHT,
    series: [{ label: 'time (s)' }, { label: 'neuron', stroke: 'transparent', points: { show: false }, paths: () => null }],
    axes: [
      { label: 'time (s)', stroke: '#444', grid: { stroke: '#eee' }, ticks: { stroke: '#ccc' } },
      { label: 'neuron', stroke: '#444', grid: { show: false }, ticks: { stroke: '#ccc' }, size: 60 },
    ],
    scales: { x: { time: false }, y: { auto: false, range: () => [0, neurons] } },
    legend: { show: false },
    cursor: {
      drag: { x: true, y: true, uni: 30, setScale: true },
      points: { show: false },
      bind: {
        dblclick: (self) => () => {
          self.batch(() => {
            self.setScale('x', { min: full[0], max: full[1] });
            self.setScale('y', { min: 0, max: neurons });
          });
          return null;
        },
      },
    },
    plugins: x.plugins,
    hooks: {
      setScale: [(self, key) => key === 'x' && x.onX(self)],
      setCursor: [(self) => {
        const { left, top } = self.cursor;
        if (left == null || top == null || left < 0) return x.onCursor('');
        const t = self.posToVal(left, 'x'), n = Math.floor(self.posToVal(top, 'y'));
        const g = o.groups.find((gr) => n >= gr.from && n < gr.to);
        x.onCursor(`t = ${t.toFixed(3)} s · neuron ${n}${g ? ` (${g.name})` : ''}`);
      }],
    },
  };
}

/** Builds the raster in `box`; resolves once the first window is drawn. Returns a y-zoom reset. */
export async function drawRaster(box: HTMLElement, id: string, o: NetworkOverview, opt: { sync: string; max: number }): Promise<{ resetY: () => void }> {
  const neurons = o.summary.neurons;
  const info = h('div', { class: 'muted small', 'data-testid': 'raster-info' }, 'Loading spikes…');
  const cursor = h('span', { class: 'raster-cursor small' });
  const el = h('div', { class: 'chart-box raster' });
  box.replaceChildren(
    h('div', { class: 'raster-legend' },
      o.groups.map((g) => h('span', { class: 'swatch-item', title: `neurons ${g.from}–${g.to - 1}` }, h('i', { class: 'swatch', style: `background:${GROUP_COLORS[g.name] ?? '#444'}` }), `${g.label} ${g.from}–${g.to - 1}`)),
      cursor),
    el, info);
  const ref: { spikes: RasterSpikes | null } = { spikes: null };
  let loaded = { from: -Infinity, to: Infinity, stride: 1 };
  let seq = 0;

  const load = async (from?: number, to?: number): Promise<SpikeWindow | null> => {
    const my = ++seq;
    const w = await api.spikes(id, { from, to, max: opt.max });
    if (my !== seq) return null;
    ref.spikes = splitByGroup(w, o.groups);
    loaded = { from: from ?? -Infinity, to: to ?? Infinity, stride: w.stride };
    describe(w, from, to);
    return w;
  };
  const describe = (w: SpikeWindow, from?: number, to?: number) => {
    const n = (v: number) => v.toLocaleString('en');
    const where = from === undefined || to === undefined ? 'in the run' : `from ${+from.toFixed(3)} to ${+to.toFixed(3)} s`;
    info.textContent = w.stride > 1
      ? `${n(w.total)} spikes ${where} — more than ${n(opt.max)}, so every ${ordinal(w.stride)} is drawn (${n(w.rows)}); zoom in to see every spike`
      : `${n(w.total)} spikes ${where}, every one drawn`;
    Object.assign(info.dataset, { total: String(w.total), stride: String(w.stride), drawn: String(w.rows) });
  };

  const first = await load();
  const w0 = first!;
  let tMax = o.summary.t_max_s ?? 0;
  for (let i = 0; i < w0.rows; i++) tMax = Math.max(tMax, w0.t[i]!);
  const full: [number, number] = [0, tMax || 1];

  let timer: ReturnType<typeof setTimeout> | undefined;
  const onX = (u: uPlot) => {
    const { min, max } = u.scales.x;
    if (min == null || max == null) return;
    const whole = min <= full[0] && max >= full[1];
    if (loaded.stride === 1 && min >= loaded.from && max <= loaded.to) return;
    if (whole && loaded.from === -Infinity && loaded.to === Infinity) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      void load(whole ? undefined : min, whole ? undefined : max).then(
        (w) => w && charts.get(RASTER_KEY) === u && u.redraw(false),
        (e: Error) => (info.textContent = e.message),
      );
    }, 150);
  };

  const u = new uPlot(rasterOptions(o, full, el, {
    plugins: [stimulationPlugin(o.marks), bandsPlugin(o.groups), spikesPlugin(ref, o.groups)],
    onX: (self) => {
      propagateX(self, opt.sync);
      onX(self);
    },
    onCursor: (text) => (cursor.textContent = text),
  }), [full, [0, neurons]], el);
  el.dataset.chart = RASTER_KEY;
  el.classList.add('chart');
  registerChart(RASTER_KEY, u, el, { sync: opt.sync, fullX: full, height: HEIGHT });
  return { resetY: () => u.setScale('y', { min: 0, max: neurons }) };
}
