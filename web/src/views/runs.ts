/** Runs view: the run list and one run's summary, traces (zoomable), calcium and figures. */
import { api, type RunDetail, type RunListing, type ProtocolSummary } from '../api.js';
import { fmt, lineChart, resetZoom } from '../charts.js';
import { classBadge, h } from '../dom.js';
import { COLORS, firstOnset, stimulationMarks, weightTraces } from '../quantities.js';
import { replaceRoute, routeHash, runList, type Route } from '../state.js';
import { column } from '../api.js';
import { fileList, logDetails } from './details.js';
import { renderNetworkRun } from './network.js';
import { drawProbes } from './probes.js';

export function runCard(r: RunListing, active: boolean): HTMLElement {
  if (r.network) return networkCard(r, r.network, active);
  const changed = Object.entries(r.params_changed);
  return h(
    'a',
    { class: `run-card${active ? ' active' : ''}`, href: routeHash('runs', { id: r.id }), 'data-run': r.id, title: r.id },
    h('div', { class: 'run-name' }, r.name),
    h('div', { class: 'run-meta' }, `${r.engine ?? '?'} · ${r.trials ?? '?'} trials · seed ${r.seed ?? '?'}`),
    r.interrupted ? interruptedBadge(r.interrupted) : null,
    h('div', { class: 'run-badges' }, r.protocols.map((p) => classBadge(p, r.classes[p]))),
    changed.length ? h('div', { class: 'run-params' }, changed.map(([k, v]) => `${k}=${fmt(v)}`).join(', ')) : null,
  );
}

/** An interrupted run says so, and how far it got (on hover). */
function interruptedBadge(i: NonNullable<RunListing['interrupted']>): HTMLElement {
  const title = `stopped before the end: completed ${i.completed.join(', ') || 'no protocol'}${i.partial ? `; ${i.partial} partly run (not summarised)` : ''}; not started: ${i.not_started.join(', ') || 'none'}`;
  return h('div', { class: 'run-meta' }, h('span', { class: 'badge interrupted', title, 'data-interrupted': 'true' }, 'interrupted'));
}

function networkCard(r: RunListing, n: NonNullable<RunListing['network']>, active: boolean): HTMLElement {
  const v = (x: number | null, digits: number) => (x == null ? '?' : fmt(x, digits));
  return h(
    'a',
    { class: `run-card${active ? ' active' : ''}`, href: routeHash('runs', { id: r.id }), 'data-run': r.id, 'data-kind': 'network', title: r.id },
    h('div', { class: 'run-name' }, r.name),
    h('div', { class: 'run-meta' }, h('span', { class: 'badge kind-network' }, 'network'), ` ${r.engine ?? '?'} · seed ${r.seed ?? '?'}`),
    h('div', { class: 'run-meta' }, `${n.neurons ?? '?'} neurons · assembly ${n.assembly ?? '?'} · recall ${n.recall ?? '?'}`),
    h('div', { class: 'run-params' }, `Q ${v(n.Q, 3)} · MI ${v(n.MI, 3)}`),
  );
}

/** Protocols with traces, in the run's own order (summary.json), then any other traces_<P>.csv. */
export function orderedProtocols(run: RunDetail): string[] {
  const results = run.summary?.results ?? [];
  const has = run.protocols_with_traces;
  return [...results.map((r) => r.protocol).filter((p) => has.includes(p)), ...has.filter((p) => !results.some((r) => r.protocol === p))];
}

export function pm(v: { mean: number; sd: number } | undefined, digits = 4): string {
  if (!v || v.mean == null) return '–';
  return `${fmt(v.mean, digits)} ± ${fmt(v.sd, 2)}`;
}

function summaryTable(results: ProtocolSummary[], onPick: (p: string) => void): HTMLElement {
  const cps = ['2h', '4h', '8h'];
  return h(
    'table',
    { class: 'summary', 'data-testid': 'summary-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'protocol'), h('th', {}, 'trials'), ...cps.map((c) => h('th', {}, `w/h0 @${c}`)), h('th', {}, 'z @8h'), h('th', {}, 'class'), h('th', {}, 'expected'), h('th', {}, 'tagged'))),
    h(
      'tbody',
      {},
      results.map((r) =>
        h(
          'tr',
          { onclick: () => onPick(r.protocol), class: 'clickable' },
          h('td', {}, h('b', {}, r.protocol)),
          h('td', {}, r.trials),
          ...cps.map((c) => h('td', { class: 'num' }, pm(r.w_rel[c]))),
          h('td', { class: 'num' }, pm(r.z['8h'])),
          h('td', {}, classBadge(r.class, r.class)),
          h('td', {}, r.expected ? `${r.expected} ${r.expected === r.class ? '✓' : '✗'}` : '–'),
          h('td', {}, `${r.tagged}/${r.trials}`),
        ),
      ),
    ),
  );
}

/** Draws a protocol's weight, protein and calcium charts of one run into `box`. */
export async function drawRunCharts(box: HTMLElement, run: RunDetail, protocol: string, keyPrefix: string, sync: string, yRange?: [number, number]): Promise<void> {
  box.replaceChildren(h('p', { class: 'muted' }, 'Loading traces…'));
  const tr = await api.traces(run.id, protocol);
  const w = weightTraces(tr);
  const marks = stimulationMarks(run.config, protocol);
  const weightsEl = h('div', { class: 'chart-box' });
  const proteinEl = h('div', { class: 'chart-box' });
  box.replaceChildren(weightsEl, proteinEl);
  lineChart(weightsEl, {
    key: `${keyPrefix}-weights`,
    title: `${protocol}: synaptic weight (% of h0), mean ± SD`,
    x: w.t_h,
    xLabel: 'time (h)',
    yLabel: '% of h0',
    sync,
    marks,
    yRange,
    lines: [
      // w first, so h (equal to w while z = 0) is drawn on top of it
      { label: 'w/h0', data: w.w, sd: w.wSd, color: COLORS.w, width: 2 },
      { label: 'h/h0', data: w.h, sd: w.hSd, color: COLORS.h },
      { label: '1 + z', data: w.z1, sd: w.zSd, color: COLORS.z },
    ],
  });
  lineChart(proteinEl, {
    key: `${keyPrefix}-protein`,
    title: 'protein p',
    x: w.t_h,
    xLabel: 'time (h)',
    yLabel: 'p',
    sync,
    marks,
    height: 180,
    lines: [{ label: 'p', data: w.p, sd: w.pSd, color: COLORS.p }],
  });
  if (run.calcium.includes(protocol)) {
    const caEl = h('div', { class: 'chart-box' });
    box.append(caEl);
    const ca = await api.calcium(run.id, protocol);
    const t = column(ca, 't_s');
    const onset = firstOnset(run.config, protocol) ?? (t[0] ?? 0) + 0.1;
    const x = t.map((v) => ((v ?? NaN) - onset) * 1000);
    const P = run.config?.params ?? run.summary?.params ?? {};
    const c = column(ca, 'c');
    lineChart(caEl, {
      key: `${keyPrefix}-calcium`,
      title: 'calcium c and early phase h around the first stimulus (trial 0)',
      x,
      xLabel: 'time from first stimulus (ms)',
      yLabel: 'c',
      y2Label: 'h (mV)',
      sync: `${sync}-ca`,
      height: 220,
      lines: [
        { label: 'c', data: c, color: COLORS.c },
        { label: 'θ_p', data: c.map(() => P.theta_p ?? null), color: '#999', dash: [6, 4], width: 1 },
        { label: 'θ_d', data: c.map(() => P.theta_d ?? null), color: '#bbb', dash: [2, 3], width: 1 },
        { label: 'h (mV)', data: column(ca, 'h_mV'), color: COLORS.h, scale: 'y2' },
      ],
    });
  }
}

export async function renderRuns(app: HTMLElement, route: Route, stale: () => boolean): Promise<void> {
  const { root, runs } = await runList();
  if (stale()) return;
  const id = route.q.get('id') ?? runs[0]?.id;
  const cards = runs.map((r) => runCard(r, r.id === id));
  const filter = h('input', {
    type: 'search', placeholder: 'filter: name, engine, protocol, parameter', class: 'run-filter', 'data-testid': 'run-filter',
    oninput: (e: Event) => {
      const words = (e.target as HTMLInputElement).value.toLowerCase().split(/\s+/).filter(Boolean);
      runs.forEach((r, i) => {
        const text = [r.name, r.kind, r.engine, ...r.protocols, ...Object.values(r.classes), ...Object.entries(r.params_changed).map(([k, v]) => `${k}=${v}`)].join(' ').toLowerCase();
        cards[i]!.hidden = !words.every((w) => text.includes(w));
      });
    },
  });
  const list = h('aside', { class: 'runlist', 'data-testid': 'run-list' },
    h('div', { class: 'runlist-head' }, h('b', {}, `${runs.length} run${runs.length === 1 ? '' : 's'}`), h('a', {
      href: routeHash('runs', { id }), title: 'reload the list', 'data-testid': 'refresh-runs',
      onclick: (e: Event) => {
        e.preventDefault();
        void runList(true).finally(() => window.dispatchEvent(new HashChangeEvent('hashchange')));
      },
    }, '↻')),
    h('div', { class: 'muted small', title: root }, root),
    runs.length > 5 ? filter : null,
    cards,
  );
  const content = h('section', { class: 'content', 'data-testid': 'run-view' });
  app.append(h('div', { class: 'layout' }, list, content));
  if (!id) {
    content.append(
      h('h2', {}, 'No runs yet'),
      h('p', {}, 'Run folders (any folder holding summary.json) under ', h('code', {}, root), ' appear here. Make one with'),
      h('pre', {}, `calcitag run all --trials 10 --out ${root}/first`),
      h('p', {}, 'or try the model right here in the browser: ', h('a', { href: '#/simulate' }, 'Simulate'), '.'),
    );
    return;
  }
  const run = await api.run(id);
  if (stale()) return;
  if (run.kind === 'network') return renderNetworkRun(content, run, route.q, stale);
  const results = run.summary?.results ?? [];
  const protocols = orderedProtocols(run);
  let protocol = route.q.get('p') ?? protocols[0];
  if (protocol && !protocols.includes(protocol)) protocol = protocols[0];
  const cfg = run.summary ?? {};
  const changed = Object.entries(run.params_changed);
  const other = runs.find((r) => r.id !== id && r.kind !== 'network');
  content.append(
    h('div', { class: 'run-head' },
      h('h2', { 'data-testid': 'run-title' }, run.name),
      other ? h('a', { class: 'button', href: routeHash('compare', { a: id, b: other.id, p: protocol }) }, 'Compare with…') : null,
    ),
    h('p', { class: 'meta' },
      `engine ${cfg.engine ?? run.engine ?? '?'} · seed ${cfg.seed ?? '?'} · ${cfg.trials ?? '?'} trials · ${(cfg.engine ?? run.engine) === 'reference' ? `dt ${cfg.dt_ms ?? '?'} ms · fast-forward ${cfg.fast_forward === false ? 'off' : 'on'}` : 'no fixed time step'} · calcitag ${cfg.version ?? '?'}`,
      changed.length ? h('span', { class: 'params-changed' }, ' · changed: ', changed.map(([k, v]) => `${k}=${fmt(v)}`).join(', ')) : null,
    ),
    summaryTable(results, (p) => select(p)),
  );
  if (!protocol) {
    content.append(h('p', { class: 'muted' }, 'This run has no traces_<protocol>.csv files.'));
    return;
  }
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'data-testid': 'protocol-tabs' });
  const toolbar = h('div', { class: 'toolbar' },
    h('button', { type: 'button', onclick: () => resetZoom(), 'data-testid': 'reset-zoom' }, 'Reset zoom'),
    h('span', { class: 'muted' }, 'Drag across a chart to zoom in on time; double-click to zoom out. Cursors are linked.'),
  );
  const box = h('div', { class: 'charts', 'data-testid': 'run-charts' });
  const figs = h('div', { class: 'figures' });
  const probesBox = h('div', { class: 'probes', 'data-testid': 'probes' });
  content.append(tabs, toolbar, box, probesBox, figs);
  const select = (p: string) => {
    protocol = p;
    replaceRoute('runs', { id, p });
    for (const b of tabs.querySelectorAll<HTMLButtonElement>('button')) b.classList.toggle('active', b.dataset.protocol === p);
    void drawRunCharts(box, run, p, 'run', 'run').catch((e) => box.replaceChildren(h('div', { class: 'error' }, (e as Error).message)));
    drawFigures(figs, run, p);
  };
  for (const p of protocols) {
    tabs.append(h('button', { type: 'button', role: 'tab', 'data-protocol': p, onclick: () => select(p) }, p, ' ', classBadge(run.classes[p] ?? '', run.classes[p])));
  }
  for (const b of tabs.querySelectorAll<HTMLButtonElement>('button')) b.classList.toggle('active', b.dataset.protocol === protocol);
  await drawRunCharts(box, run, protocol, 'run', 'run');
  drawFigures(figs, run, protocol);
  drawProbes(probesBox, run, protocol);
}

function drawFigures(box: HTMLElement, run: RunDetail, protocol: string): void {
  const svg = run.figures.find((f) => f === `figure_${protocol}.svg`) ?? run.figures.find((f) => f === `figure_${protocol}.png`);
  const classes = run.figures.find((f) => f === 'figure_classes.svg');
  box.replaceChildren(
    ...(classes ? [h('img', { src: api.fileUrl(run.id, classes), alt: 'trials per outcome class and protocol', class: 'run-figure classes-figure', loading: 'lazy', 'data-testid': 'classes-figure' })] : []),
    h('details', { class: 'figure-details' },
      h('summary', {}, 'Server-rendered figure and files'),
      svg ? h('img', { src: api.fileUrl(run.id, svg), alt: `figure for ${protocol}`, class: 'run-figure', loading: 'lazy' }) : h('p', { class: 'muted' }, 'No figure for this protocol.'),
      fileList(run),
    ),
    ...(run.files.includes('log.txt') ? [logDetails(run)] : []),
  );
}
