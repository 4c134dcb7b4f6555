/** Compare view: two runs (e.g. reference vs bss2 engine, or two parameter sets) overlaid or side by side. */
import { api, column, type RunDetail, type RunListing } from '../api.js';
import { fmt, joinOnX, lineChart, resetZoom } from '../charts.js';
import { classBadge, h } from '../dom.js';
import { COLORS, firstOnset, stimulationMarks, weightTraces } from '../quantities.js';
import { replaceRoute, routeHash, runList, type Route } from '../state.js';
import { drawRunCharts, orderedProtocols, pm } from './runs.js';

function runSelect(runs: RunListing[], value: string | undefined, testid: string, onChange: (id: string) => void): HTMLSelectElement {
  const sel = h('select', { 'data-testid': testid, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) },
    runs.map((r) => h('option', { value: r.id }, `${r.name} (${r.engine ?? '?'}${Object.keys(r.params_changed).length ? ', ' + Object.entries(r.params_changed).map(([k, v]) => `${k}=${fmt(v)}`).join(' ') : ''})`)),
  );
  if (value) sel.value = value;
  return sel;
}

/** Config fields and parameters where the two runs differ. */
function configDiff(a: RunDetail, b: RunDetail): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  const sa = (a.summary ?? {}) as Record<string, unknown>, sb = (b.summary ?? {}) as Record<string, unknown>;
  for (const k of ['engine', 'seed', 'trials', 'dt_ms', 'fast_forward', 'version']) {
    if (JSON.stringify(sa[k]) !== JSON.stringify(sb[k])) out.push([k, String(sa[k] ?? '–'), String(sb[k] ?? '–')]);
  }
  const pa = a.config?.params ?? {}, pb = b.config?.params ?? {};
  for (const k of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
    if (pa[k] !== pb[k]) out.push([k, pa[k] === undefined ? '–' : fmt(pa[k]!, 6), pb[k] === undefined ? '–' : fmt(pb[k]!, 6)]);
  }
  const ea = JSON.stringify(a.config?.engine_options ?? {}), eb = JSON.stringify(b.config?.engine_options ?? {});
  if (ea !== eb) out.push(['engine_options', ea, eb]);
  return out;
}

function diffTable(a: RunDetail, b: RunDetail, protocol: string): HTMLElement {
  const ra = a.summary?.results?.find((r) => r.protocol === protocol);
  const rb = b.summary?.results?.find((r) => r.protocol === protocol);
  const cps = ['pre', '2h', '4h', '6h', '8h'];
  const rows = cps.map((c) => {
    const x = ra?.w_rel[c], y = rb?.w_rel[c];
    const d = x && y ? y.mean - x.mean : undefined;
    const inSd = d !== undefined && x && x.sd > 0 ? d / x.sd : undefined;
    return h('tr', {}, h('td', {}, `w/h0 @${c}`), h('td', { class: 'num' }, pm(x)), h('td', { class: 'num' }, pm(y)), h('td', { class: 'num' }, d === undefined ? '–' : (d >= 0 ? '+' : '') + fmt(d, 3)),
      h('td', { class: 'num' }, inSd === undefined ? '–' : (inSd >= 0 ? '+' : '') + fmt(inSd, 3)));
  });
  const z = ['8h'].map((c) => {
    const x = ra?.z[c], y = rb?.z[c];
    return h('tr', {}, h('td', {}, `z @${c}`), h('td', { class: 'num' }, pm(x)), h('td', { class: 'num' }, pm(y)), h('td', { class: 'num' }, x && y ? fmt(y.mean - x.mean, 3) : '–'),
      h('td', { class: 'num' }, x && y && x.sd > 0 ? fmt((y.mean - x.mean) / x.sd, 3) : '–'));
  });
  const diff = configDiff(a, b);
  return h('div', { class: 'compare-tables' },
    h('table', { class: 'summary', 'data-testid': 'compare-table' },
      h('thead', {}, h('tr', {}, h('th', {}, protocol), h('th', { class: 'a' }, `A: ${a.name}`), h('th', { class: 'b' }, `B: ${b.name}`), h('th', {}, 'B − A'), h('th', { title: 'difference of the means in standard deviations of A' }, '(B − A)/SD_A'))),
      h('tbody', {}, rows, z,
        h('tr', {}, h('td', {}, 'class'), h('td', {}, ra ? classBadge(ra.class, ra.class) : '–'), h('td', {}, rb ? classBadge(rb.class, rb.class) : '–'), h('td', {}, ra && rb ? (ra.class === rb.class ? 'same' : 'differs') : '')),
        h('tr', {}, h('td', {}, 'tagged'), h('td', {}, ra ? `${ra.tagged}/${ra.trials}` : '–'), h('td', {}, rb ? `${rb.tagged}/${rb.trials}` : '–'), h('td', {}, '')),
      ),
    ),
    h('table', { class: 'summary', 'data-testid': 'config-diff' },
      h('thead', {}, h('tr', {}, h('th', {}, 'differs'), h('th', { class: 'a' }, 'A'), h('th', { class: 'b' }, 'B'))),
      h('tbody', {}, diff.length ? diff.map(([k, x, y]) => h('tr', {}, h('td', {}, k), h('td', { class: 'num' }, x), h('td', { class: 'num' }, y))) : h('tr', {}, h('td', { colspan: 3 }, 'same configuration'))),
    ),
  );
}

async function overlay(box: HTMLElement, a: RunDetail, b: RunDetail, protocol: string): Promise<void> {
  const [ta, tb] = await Promise.all([api.traces(a.id, protocol), api.traces(b.id, protocol)]);
  const wa = weightTraces(ta), wb = weightTraces(tb);
  const j = joinOnX([
    { x: wa.t_h, ys: [wa.w, wa.wSd, wa.h, wa.z1] },
    { x: wb.t_h, ys: [wb.w, wb.wSd, wb.h, wb.z1] },
  ]);
  const [aw, awSd, ah, az, bw, bwSd, bh, bz] = j.ys as Array<Array<number | null>>;
  const marks = stimulationMarks(a.config, protocol);
  const w = h('div', { class: 'chart-box' }), hz = h('div', { class: 'chart-box' });
  box.replaceChildren(w, hz);
  lineChart(w, {
    key: 'cmp-weights', title: `${protocol}: total weight w/h0 (%), mean ± SD`, x: j.x, xLabel: 'time (h)', yLabel: '% of h0', sync: 'cmp', marks,
    lines: [
      { label: `A ${a.name}`, data: aw!, sd: awSd!, color: COLORS.a, width: 2 },
      { label: `B ${b.name}`, data: bw!, sd: bwSd!, color: COLORS.b, width: 2 },
    ],
  });
  lineChart(hz, {
    key: 'cmp-hz', title: 'early phase h/h0 (solid) and late phase 1 + z (dashed), %', x: j.x, xLabel: 'time (h)', yLabel: '% of h0', sync: 'cmp', marks, height: 240,
    lines: [
      { label: 'A h/h0', data: ah!, color: COLORS.a },
      { label: 'B h/h0', data: bh!, color: COLORS.b },
      { label: 'A 1+z', data: az!, color: COLORS.a, dash: [6, 4] },
      { label: 'B 1+z', data: bz!, color: COLORS.b, dash: [6, 4] },
    ],
  });
  if (a.calcium.includes(protocol) && b.calcium.includes(protocol)) {
    const [ca, cb] = await Promise.all([api.calcium(a.id, protocol), api.calcium(b.id, protocol)]);
    const rel = (run: RunDetail, c: typeof ca) => {
      const t = column(c, 't_s');
      const on = firstOnset(run.config, protocol) ?? (t[0] ?? 0) + 0.1;
      return t.map((v) => Math.round(((v ?? NaN) - on) * 1e6) / 1e3);
    };
    const jc = joinOnX([{ x: rel(a, ca), ys: [column(ca, 'c')] }, { x: rel(b, cb), ys: [column(cb, 'c')] }]);
    const el = h('div', { class: 'chart-box' });
    box.append(el);
    lineChart(el, {
      key: 'cmp-calcium', title: 'calcium around the first stimulus (trial 0)', x: jc.x, xLabel: 'time from first stimulus (ms)', yLabel: 'c', sync: 'cmp-ca', height: 200,
      lines: [
        { label: `A ${a.name}`, data: jc.ys[0]!, color: COLORS.a },
        { label: `B ${b.name}`, data: jc.ys[1]!, color: COLORS.b },
      ],
    });
  }
}

async function sideBySide(box: HTMLElement, a: RunDetail, b: RunDetail, protocol: string): Promise<void> {
  // One y range for both, so the two columns can be read against each other.
  const [ta, tb] = await Promise.all([api.traces(a.id, protocol), api.traces(b.id, protocol)]);
  let lo = Infinity, hi = -Infinity;
  for (const w of [weightTraces(ta), weightTraces(tb)]) {
    for (const [m, s] of [[w.h, w.hSd], [w.z1, w.zSd], [w.w, w.wSd]] as const) {
      m.forEach((v, i) => {
        if (v == null) return;
        const d = s[i] ?? 0;
        lo = Math.min(lo, v - d);
        hi = Math.max(hi, v + d);
      });
    }
  }
  const pad = (hi - lo) * 0.05 || 1;
  const yRange: [number, number] = [lo - pad, hi + pad];
  const colA = h('div', { class: 'col', 'data-testid': 'compare-a' }, h('h3', { class: 'a' }, `A: ${a.name}`));
  const colB = h('div', { class: 'col', 'data-testid': 'compare-b' }, h('h3', { class: 'b' }, `B: ${b.name}`));
  const boxA = h('div'), boxB = h('div');
  colA.append(boxA);
  colB.append(boxB);
  box.replaceChildren(h('div', { class: 'side-by-side' }, colA, colB));
  await Promise.all([drawRunCharts(boxA, a, protocol, 'cmp-a', 'cmp', yRange), drawRunCharts(boxB, b, protocol, 'cmp-b', 'cmp', yRange)]);
}

export async function renderCompare(app: HTMLElement, route: Route, stale: () => boolean): Promise<void> {
  // network runs have no protocols to overlay: they are left out here
  const runs = (await runList()).runs.filter((r) => r.kind !== 'network');
  if (stale()) return;
  app.append(h('h2', {}, 'Compare two runs'));
  if (runs.length < 2) {
    app.append(h('p', {}, 'Comparing needs at least two run folders, e.g. the same protocol with two engines or two parameter sets:'),
      h('pre', {}, 'calcitag run all --out runs/ref\ncalcitag run all --param theta_p=2.5 --out runs/theta_p-2.5'));
    return;
  }
  let aId = route.q.get('a') ?? runs[1]!.id;
  let bId = route.q.get('b') ?? runs[0]!.id;
  if (!runs.some((r) => r.id === aId)) aId = runs[1]!.id;
  if (!runs.some((r) => r.id === bId)) bId = runs[0]!.id;
  const mode = route.q.get('mode') === 'side' ? 'side' : 'overlay';
  const [a, b] = await Promise.all([api.run(aId), api.run(bId)]);
  if (stale()) return;
  const common = orderedProtocols(a).filter((p) => b.protocols_with_traces.includes(p));
  let protocol = route.q.get('p') ?? common[0];
  if (!protocol || !common.includes(protocol)) protocol = common[0];
  const go = (q: Record<string, string | undefined>) => {
    location.hash = routeHash('compare', { a: aId, b: bId, p: protocol, mode, ...q });
  };
  const protoSel = h('select', { 'data-testid': 'compare-protocol', onchange: (e: Event) => go({ p: (e.target as HTMLSelectElement).value }) }, common.map((p) => h('option', { value: p }, p)));
  if (protocol) protoSel.value = protocol;
  app.append(
    h('div', { class: 'compare-controls' },
      h('label', { class: 'a' }, 'A ', runSelect(runs, aId, 'compare-select-a', (id) => go({ a: id }))),
      h('label', { class: 'b' }, 'B ', runSelect(runs, bId, 'compare-select-b', (id) => go({ b: id }))),
      h('button', { type: 'button', title: 'swap A and B', onclick: () => go({ a: bId, b: aId }) }, '⇄'),
      h('label', {}, 'protocol ', protoSel),
      h('div', { class: 'seg' },
        h('button', { type: 'button', class: mode === 'overlay' ? 'active' : '', 'data-testid': 'mode-overlay', onclick: () => go({ mode: 'overlay' }) }, 'Overlay'),
        h('button', { type: 'button', class: mode === 'side' ? 'active' : '', 'data-testid': 'mode-side', onclick: () => go({ mode: 'side' }) }, 'Side by side'),
      ),
      h('button', { type: 'button', onclick: () => resetZoom() }, 'Reset zoom'),
    ),
  );
  if (!protocol) {
    app.append(h('p', { class: 'error' }, 'These two runs have no protocol in common.'));
    return;
  }
  replaceRoute('compare', { a: aId, b: bId, p: protocol, mode });
  const box = h('div', { class: 'charts', 'data-testid': 'compare-charts', 'data-mode': mode });
  app.append(diffTable(a, b, protocol), box);
  if (mode === 'side') await sideBySide(box, a, b, protocol);
  else await overlay(box, a, b, protocol);
}
