/**
 * A network run (summary.json `"kind": "network"`): readouts, spike raster, population rates, the
 * assembly's against the control synapses' weights, the run's figures, run record and log. A missing
 * or corrupt data file puts a message in its section; the rest is still shown.
 */
import { api, type NetworkOverview, type RunDetail } from '../api.js';
import { resetZoom } from '../charts.js';
import { h } from '../dom.js';
import { drawRates, drawWeights } from '../network/curves.js';
import { describeMarks } from '../network/marks.js';
import { drawRaster } from '../network/raster.js';
import { readoutsTables } from '../network/readouts.js';
import { fileList, lazyText, logDetails } from './details.js';

const SYNC = 'net';
/** Most spikes drawn at once (`&max=` in the address changes it). */
const MAX_SPIKES = 200_000;

/** Runs `draw` into `box`, or says why not: the file is missing, or the server's error. */
async function section(box: HTMLElement, present: boolean, file: string, what: string, draw: () => Promise<unknown>): Promise<void> {
  if (!present) {
    box.replaceChildren(h('p', { class: 'notice', 'data-missing': file }, `This run has no ${file}, so there is no ${what}.`));
    return;
  }
  box.replaceChildren(h('p', { class: 'muted' }, `Loading ${file}…`));
  try {
    await draw();
  } catch (e) {
    box.replaceChildren(h('div', { class: 'error', role: 'alert', 'data-error': file }, `No ${what}: ${(e as Error).message}`));
  }
}

function header(run: RunDetail, o: NetworkOverview): HTMLElement[] {
  const s = o.summary;
  return [
    h('div', { class: 'run-head' }, h('h2', { 'data-testid': 'run-title' }, run.name, ' ', h('span', { class: 'badge kind-network' }, 'network'))),
    h('p', { class: 'meta' },
      `recurrent memory network · ${s.name ?? ''} · engine ${s.engine ?? '?'} · seed ${s.seed ?? '?'} · calcitag ${s.calcitag_version ?? '?'}`),
  ];
}

function figures(run: RunDetail, o: NetworkOverview): HTMLElement {
  const record = o.files.run_record ? lazyText('Run record (run.json)', api.fileUrl(run.id, 'run.json'), (t) => JSON.stringify(JSON.parse(t), null, 2)) : null;
  return h('div', { class: 'figures', 'data-testid': 'net-figures' },
    o.figures.length ? h('h3', {}, 'Figures') : null,
    h('div', { class: 'figure-grid' }, o.figures.map((f) => h('img', { src: api.fileUrl(run.id, f), alt: f, class: 'run-figure', loading: 'lazy' }))),
    record,
    o.files.log ? logDetails(run) : null,
    h('details', { class: 'figure-details' }, h('summary', {}, 'Files'), fileList(run)),
  );
}

export async function renderNetworkRun(content: HTMLElement, run: RunDetail, q: URLSearchParams, stale: () => boolean): Promise<void> {
  const o = await api.network(run.id);
  if (stale()) return;
  const max = Number(q.get('max')) > 0 ? Math.floor(Number(q.get('max'))) : MAX_SPIKES;
  const rasterBox = h('div', { 'data-testid': 'net-raster' });
  const ratesBox = h('div', { 'data-testid': 'net-rates' });
  const weightsBox = h('div', { 'data-testid': 'net-weights' });
  let resetY = () => {};
  content.append(
    ...header(run, o),
    readoutsTables(o.summary),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', 'data-testid': 'reset-zoom', onclick: () => (resetZoom(SYNC), resetY()) }, 'Reset zoom'),
      h('span', { class: 'muted' }, 'Drag across a chart to zoom in on time (on the raster, a box also zooms on neurons); double-click to zoom out. All charts share the time axis.'),
    ),
    h('p', { class: 'muted small', 'data-testid': 'net-marks' }, h('i', { class: 'swatch mark-learning' }), h('i', { class: 'swatch mark-recall' }), ' ', describeMarks(o.marks)),
    rasterBox,
    h('h3', {}, 'Population rates'), ratesBox,
    h('h3', {}, 'Weights: assembly vs control synapses'), weightsBox,
    figures(run, o),
  );
  await Promise.all([
    section(rasterBox, o.files.spikes, 'spikes.csv', 'spike raster', async () => ({ resetY } = await drawRaster(rasterBox, run.id, o, { sync: SYNC, max }))),
    section(ratesBox, o.files.rates, 'population_rates.csv', 'population rate chart', () => drawRates(ratesBox, run.id, o, SYNC)),
    section(weightsBox, o.files.weights, 'weights.csv', 'weight chart', () => drawWeights(weightsBox, run.id, o, SYNC)),
  ]);
}
