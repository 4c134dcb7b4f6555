/**
 * Simulate view: the model runs in a Web Worker in this page (no server round trip). Pick a protocol,
 * change parameters, and watch h, z, w and p build up trial by trial.
 */
import { PARAM_SPECS, checkParam, defaultParams, type ParamSpec } from '../../../src/model/parameters.js';
import type { Protocol } from '../../../src/model/protocols.js';
import { charts, fmt, lineChart, nowLinePlugin, resetZoom, updateChart, type LineSpec } from '../charts.js';
import { classBadge, h } from '../dom.js';
import { COLORS, trainMarks } from '../quantities.js';
import type { SimMessage, SimRequest } from '../simMessages.js';
import { replaceRoute, type Route } from '../state.js';

/** Parameters shown up front; the rest are under "all parameters". */
const KEY_PARAMS = ['theta_p', 'theta_d', 'c_pre', 'c_post', 'tau_h', 'theta_tag', 'theta_pro', 'tau_p', 'tau_z', 'sigma_pl'];
const PRESETS = ['STET', 'WTET', 'SLFS', 'WLFS'];

interface SimResult {
  label: string;
  t_h: number[];
  w: number[];
}

/** Everything the view shows, kept across view changes while the worker runs. */
export const simulationState = {
  status: 'idle' as 'idle' | 'running' | 'done' | 'error' | 'stopped',
  message: '',
  done: 0,
  total: 0,
  request: undefined as SimRequest | undefined,
  protocol: undefined as Protocol | undefined,
  /** Grid of the live traces, s. */
  grid: undefined as Float64Array | undefined,
  /** Latest live message (the running trial so far) and how many arrived in this run. */
  live: undefined as Extract<SimMessage, { type: 'live' }> | undefined,
  liveMessages: 0,
  /** The status lines of this run, in order (the last 500). */
  log: [] as string[],
  /** Latest trial message. */
  last: undefined as Extract<SimMessage, { type: 'trial' }> | undefined,
  final: undefined as Extract<SimMessage, { type: 'done' }> | undefined,
  previous: undefined as SimResult | undefined,
  /** Max h/h0 of the mean trace seen so far (for tests and the status line). */
  maxHRel: NaN,
  engines: ['reference'],
  form: {
    protocol: 'WTET',
    engine: 'reference',
    trials: 5,
    seed: 1,
    sample: 60,
    fastForward: true,
    params: {} as Record<string, number>,
    custom: { onset_s: 3600, duration_s: 1, rate_Hz: 100, count: 1, period_s: 600, total_h: 8, kind: 'poisson' as 'poisson' | 'regular' },
  },
};

let worker: Worker | undefined;
let nextId = 1;
let mounted: { root: HTMLElement; redraw: () => void } | undefined;

function startWorker(): Worker {
  const w = new Worker(new URL('../sim.worker.ts', import.meta.url), { type: 'module', name: 'calcitag-sim' });
  w.onmessage = (e: MessageEvent<SimMessage>) => onMessage(e.data);
  w.onerror = (e) => {
    simulationState.status = 'error';
    simulationState.message = `worker error: ${e.message}`;
    mounted?.redraw();
  };
  return w;
}

function onMessage(m: SimMessage): void {
  const s = simulationState;
  const before = s.message;
  if (m.type === 'ready') {
    s.engines = m.engines;
    mounted?.redraw();
    return;
  }
  if (m.id !== s.request?.id) return;
  if (m.type === 'started') {
    s.protocol = m.protocol;
    s.total = m.trials;
    s.grid = m.grid_t_s;
    s.message = `running ${m.protocol.name} on the ${m.engine} engine in a Web Worker…`;
  } else if (m.type === 'live') {
    s.live = m;
    s.liveMessages++;
    const t = s.grid && m.upto > 0 ? s.grid[m.upto - 1]! : 0;
    const T = s.protocol ? s.protocol.duration_s : NaN;
    s.message = `trial ${m.trial}/${m.total}: ${fmt(t / 3600, 3)} h of ${fmt(T / 3600, 3)} h simulated`;
  } else if (m.type === 'trial') {
    s.last = m;
    s.done = m.done;
    s.total = m.total;
    let mx = -Infinity;
    for (const v of m.ensemble.h_rel.mean) mx = Math.max(mx, v);
    s.maxHRel = mx;
    s.message = `trial ${m.done}/${m.total}: ${m.outcome}, w/h0 @8h ${m.w_rel_8h == null ? '–' : fmt(m.w_rel_8h)} (${(m.trial_ms / 1000).toFixed(2)} s)`;
  } else if (m.type === 'done') {
    s.final = m;
    s.status = 'done';
    s.message = `done: ${s.total} trial${s.total === 1 ? '' : 's'} in ${(m.wall_ms / 1000).toFixed(1)} s, class ${m.class}`;
  } else if (m.type === 'error') {
    s.status = 'error';
    s.message = m.message;
  }
  if (s.message !== before) s.log = [...s.log.slice(-499), s.message];
  mounted?.redraw();
}

function customProtocol(): Protocol {
  const c = simulationState.form.custom;
  return {
    name: 'custom',
    description: `${c.count} × ${c.duration_s} s at ${c.rate_Hz} Hz${c.count > 1 ? `, every ${c.period_s} s` : ''} from ${c.onset_s} s`,
    trains: [{ onset_s: c.onset_s, duration_s: c.duration_s, rate_Hz: c.rate_Hz, count: c.count, period_s: c.count > 1 ? c.period_s : undefined, kind: c.kind }],
    duration_s: c.total_h * 3600,
  };
}

function validate(): string[] {
  const f = simulationState.form;
  const errs: string[] = [];
  for (const [k, v] of Object.entries(f.params)) {
    const e = checkParam(k, v);
    if (e) errs.push(e);
  }
  if (!Number.isInteger(f.trials) || f.trials < 1 || f.trials > 100) errs.push('trials must be an integer from 1 to 100');
  if (!Number.isInteger(f.seed) || f.seed < 0) errs.push('seed must be an integer ≥ 0');
  if (f.protocol === 'custom') {
    const c = f.custom;
    if (!(c.rate_Hz > 0)) errs.push('rate must be > 0 Hz');
    if (!(c.duration_s > 0)) errs.push('train duration must be > 0 s');
    if (!(c.onset_s >= 0)) errs.push('onset must be ≥ 0 s');
    if (!Number.isInteger(c.count) || c.count < 1) errs.push('count must be an integer ≥ 1');
    if (c.count > 1 && !(c.period_s >= c.duration_s)) errs.push('period must be ≥ the train duration');
    const end = c.onset_s + (c.count - 1) * (c.count > 1 ? c.period_s : 0) + c.duration_s;
    if (!(c.total_h * 3600 > end)) errs.push(`simulated time must extend past the last train (ends at ${fmt(end)} s)`);
  }
  return errs;
}

export function startSimulation(): void {
  const s = simulationState;
  const errs = validate();
  if (errs.length) {
    s.status = 'error';
    s.message = errs.join('; ');
    mounted?.redraw();
    return;
  }
  if (s.status === 'running') stopSimulation(false);
  if (s.last && s.status === 'done' && s.request) {
    s.previous = { label: `previous (${describe(s.request)})`, t_h: Array.from(s.last.t_s, (t) => t / 3600), w: Array.from(s.last.ensemble.w_rel.mean, (v) => v * 100) };
  }
  worker ??= startWorker();
  const f = s.form;
  const req: SimRequest = {
    type: 'run', id: nextId++, protocol: f.protocol === 'custom' ? customProtocol() : f.protocol, engine: f.engine, trials: f.trials, seed: f.seed,
    params: { ...f.params }, dt_ms: 0.2, fastForward: f.fastForward, sampleInterval_s: f.sample,
  };
  Object.assign(s, { status: 'running', request: req, done: 0, total: f.trials, last: undefined, final: undefined, live: undefined, liveMessages: 0, log: [], grid: undefined, maxHRel: NaN, message: 'starting the worker…' });
  worker.postMessage(req);
  mounted?.redraw();
}

export function stopSimulation(redraw = true): void {
  worker?.terminate();
  worker = undefined;
  if (simulationState.status === 'running') {
    simulationState.status = 'stopped';
    simulationState.message = `stopped after ${simulationState.done} of ${simulationState.total} trials`;
  }
  if (redraw) mounted?.redraw();
}

/** The finished trials' mean ± SD traces in the layout of a run folder's traces_<P>.csv. */
function downloadCsv(): void {
  const m = simulationState.last;
  if (!m || !simulationState.request) return;
  const e = m.ensemble;
  const cols: Array<[string, ArrayLike<number>]> = [
    ['t_s', m.t_s], ['h_rel_mean', e.h_rel.mean], ['h_rel_sd', e.h_rel.sd], ['z_mean', e.z.mean], ['z_sd', e.z.sd],
    ['w_rel_mean', e.w_rel.mean], ['w_rel_sd', e.w_rel.sd], ['p_mean', e.p.mean], ['p_sd', e.p.sd],
  ];
  const lines = [cols.map((c) => c[0]).join(',')];
  for (let i = 0; i < m.t_s.length; i++) lines.push(cols.map((c) => String(c[1][i])).join(','));
  const name = `traces_${describe(simulationState.request).replace(/[^\w.=-]+/g, '_')}.csv`;
  const a = h('a', { href: URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function describe(r: SimRequest): string {
  const name = typeof r.protocol === 'string' ? r.protocol : r.protocol.name;
  const ps = Object.entries(r.params).map(([k, v]) => `${k}=${fmt(v)}`);
  return [name, ...ps].join(', ');
}

function paramInput(spec: ParamSpec): HTMLElement {
  const f = simulationState.form;
  const def = defaultParams('single')[spec.name];
  const input = h('input', {
    type: 'number', step: 'any', name: spec.name, 'data-param': spec.name,
    value: f.params[spec.name] ?? def, title: `${spec.doc}; default ${fmt(def, 6)} ${spec.unit === '1' ? '' : spec.unit}`,
    oninput: (e: Event) => {
      const el = e.target as HTMLInputElement;
      const v = Number(el.value);
      if (el.value.trim() === '' || Math.abs(v - def) <= 1e-12 * Math.max(1, Math.abs(def))) delete f.params[spec.name];
      else f.params[spec.name] = v;
      const err = el.value.trim() === '' ? undefined : checkParam(spec.name, v);
      el.classList.toggle('invalid', Boolean(err));
      el.classList.toggle('changed', spec.name in f.params);
      el.setCustomValidity(err ?? '');
    },
  });
  input.classList.toggle('changed', spec.name in f.params);
  return h('label', { class: 'param' }, h('span', { class: 'pname' }, spec.symbol, h('small', {}, ` ${spec.name}`)), input, h('span', { class: 'unit' }, spec.unit === '1' ? '' : spec.unit));
}

export async function renderSimulate(app: HTMLElement, _route: Route, _stale: () => boolean): Promise<void> {
  const s = simulationState;
  const f = s.form;
  worker ??= startWorker();
  const protoSel = h('select', { name: 'protocol', 'data-testid': 'sim-protocol', onchange: (e: Event) => { f.protocol = (e.target as HTMLSelectElement).value; customBox.hidden = f.protocol !== 'custom'; } },
    PRESETS.map((p) => h('option', { value: p }, p)), h('option', { value: 'custom' }, 'custom train…'));
  protoSel.value = f.protocol;
  const engineSel = h('select', { name: 'engine', 'data-testid': 'sim-engine', onchange: (e: Event) => (f.engine = (e.target as HTMLSelectElement).value) });
  const fillEngines = () => {
    engineSel.replaceChildren(...s.engines.map((n) => h('option', { value: n }, n)));
    engineSel.value = s.engines.includes(f.engine) ? f.engine : s.engines[0]!;
    f.engine = engineSel.value;
  };
  fillEngines();
  const num = (label: string, value: number, set: (v: number) => void, attrs: Record<string, string | number> = {}) =>
    h('label', { class: 'param' }, h('span', { class: 'pname' }, label), h('input', { type: 'number', step: 'any', value, ...attrs, oninput: (e: Event) => set(Number((e.target as HTMLInputElement).value)) }));
  const c = f.custom;
  const customBox = h('fieldset', { class: 'custom', hidden: f.protocol !== 'custom' },
    h('legend', {}, 'custom stimulus train'),
    num('onset (s)', c.onset_s, (v) => (c.onset_s = v), { min: 0 }),
    num('train duration (s)', c.duration_s, (v) => (c.duration_s = v), { min: 0 }),
    num('rate (Hz)', c.rate_Hz, (v) => (c.rate_Hz = v), { min: 0 }),
    num('trains', c.count, (v) => (c.count = v), { min: 1, step: 1 }),
    num('period (s)', c.period_s, (v) => (c.period_s = v), { min: 0 }),
    num('simulated time (h)', c.total_h, (v) => (c.total_h = v), { min: 0 }),
    h('label', { class: 'param' }, h('span', { class: 'pname' }, 'spikes'),
      (() => {
        const sel = h('select', { onchange: (e: Event) => (c.kind = (e.target as HTMLSelectElement).value as 'poisson' | 'regular') }, h('option', { value: 'poisson' }, 'Poisson'), h('option', { value: 'regular' }, 'regular'));
        sel.value = c.kind;
        return sel;
      })()),
  );
  const sampleSel = h('select', { name: 'sample', onchange: (e: Event) => (f.sample = Number((e.target as HTMLSelectElement).value)) },
    [10, 30, 60, 300].map((v) => h('option', { value: v }, `${v} s`)));
  sampleSel.value = String(f.sample);
  const keySpecs = PARAM_SPECS.filter((p) => KEY_PARAMS.includes(p.name));
  const restSpecs = PARAM_SPECS.filter((p) => !KEY_PARAMS.includes(p.name));
  const form = h('form', { class: 'sim-form', 'data-testid': 'sim-form', onsubmit: (e: Event) => { e.preventDefault(); startSimulation(); } },
    h('div', { class: 'row' },
      h('label', { class: 'param' }, h('span', { class: 'pname' }, 'protocol'), protoSel),
      h('label', { class: 'param' }, h('span', { class: 'pname' }, 'engine'), engineSel),
      num('trials', f.trials, (v) => (f.trials = v), { min: 1, max: 100, step: 1, 'data-testid': 'sim-trials', name: 'trials' }),
      num('seed', f.seed, (v) => (f.seed = v), { min: 0, step: 1, name: 'seed' }),
      h('label', { class: 'param' }, h('span', { class: 'pname' }, 'sampling'), sampleSel),
      h('label', { class: 'param check' }, h('input', { type: 'checkbox', checked: f.fastForward, onchange: (e: Event) => (f.fastForward = (e.target as HTMLInputElement).checked) }), 'fast-forward after stimulation'),
    ),
    customBox,
    h('div', { class: 'params' }, keySpecs.map(paramInput)),
    h('details', { class: 'more-params' }, h('summary', {}, 'all parameters'), h('div', { class: 'params' }, restSpecs.map(paramInput))),
    h('div', { class: 'row buttons' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'sim-run' }, 'Run in browser'),
      h('button', { type: 'button', 'data-testid': 'sim-stop', onclick: () => stopSimulation() }, 'Stop'),
      h('button', {
        type: 'button', onclick: () => {
          f.params = {};
          const d = defaultParams('single');
          for (const el of root.querySelectorAll<HTMLInputElement>('input[data-param]')) {
            el.value = String(d[el.dataset.param as keyof typeof d]);
            el.classList.remove('changed', 'invalid');
            el.setCustomValidity('');
          }
        },
      }, 'Defaults'),
      h('button', { type: 'button', onclick: () => resetZoom('sim') }, 'Reset zoom'),
      h('button', { type: 'button', 'data-testid': 'sim-download', title: 'mean ± SD traces as traces_<P>.csv of a run folder', onclick: () => downloadCsv() }, 'Download CSV'),
    ),
  );
  const progress = h('progress', { max: 1, value: 0, 'data-testid': 'sim-progress' });
  const status = h('div', { class: 'sim-status', 'data-testid': 'sim-status', role: 'status', 'aria-live': 'polite' });
  const result = h('div', { class: 'sim-result', 'data-testid': 'sim-result' });
  const weightsEl = h('div', { class: 'chart-box' }), proteinEl = h('div', { class: 'chart-box' }), caEl = h('div', { class: 'chart-box' });
  const root = h('section', { class: 'simulate', 'data-testid': 'simulate-view' },
    h('h2', {}, 'Simulate in the browser'),
    h('p', { class: 'muted' }, 'The model and its engines, compiled for the browser, run in a Web Worker on this page: nothing is sent to the server. Change a parameter, run, and watch each trial’s h, z and w evolve as it integrates (dashed) and the ensemble build up one trial at a time; the previous run stays as a purple dashed line.'),
    form, h('div', { class: 'progress-row' }, progress, status), result, weightsEl, proteinEl, caEl,
  );
  app.append(root);
  replaceRoute('simulate', {});

  let drawnFor: number | undefined;
  let calciumFor: number | undefined;
  /** Simulated time of the running trial, h (the orange dashed line). */
  const now = { x: NaN };
  const redraw = () => {
    if (!root.isConnected) return;
    fillEngines();
    progress.max = Math.max(1, s.total);
    progress.value = s.done;
    status.textContent = s.message;
    status.dataset.state = s.status;
    root.dataset.state = s.status;
    const m = s.last;
    if (s.live && s.live.trial > s.done && s.grid?.length) progress.value = s.done + s.live.upto / s.grid.length;
    if ((!m && !s.live) || !s.protocol) {
      result.replaceChildren();
      return;
    }
    const grid = s.grid && s.grid.length ? s.grid : m?.t_s;
    if (!grid) return;
    const t_h = Array.from(grid, (t) => t / 3600);
    const n = t_h.length;
    /** A series on the chart's grid in %, null where there is no value (yet). */
    const fit = (a: ArrayLike<number> | undefined, off = 0, scale = 100) => {
      const out = new Array<number | null>(n).fill(null);
      if (a) for (let i = 0; i < Math.min(n, a.length); i++) out[i] = (a[i]! + off) * scale;
      return out;
    };
    const marks = trainMarks(s.protocol.trains);
    const ghost = s.previous && s.previous.t_h.length === n ? s.previous : undefined;
    const running = s.live && s.live.trial > (m?.done ?? 0) ? s.live : undefined;
    const cur = running ?? (m ? { trial: m.done, h_rel: m.trial.h_rel, z: m.trial.z, w_rel: m.trial.w_rel, p: m.trial.p } : undefined);
    const curLabel = cur ? `trial ${cur.trial}${running ? ' (running)' : ''}` : 'trial';
    const ens = m?.ensemble;
    // the trial lines are drawn last (dashed), so a running trial shows on top of the mean it joins
    const lines: LineSpec[] = [
      { label: 'mean w/h0', data: fit(ens?.w_rel.mean), sd: fit(ens?.w_rel.sd), color: COLORS.w, width: 2 },
      { label: 'mean h/h0', data: fit(ens?.h_rel.mean), sd: fit(ens?.h_rel.sd), color: COLORS.h, width: 1.8 },
      { label: 'mean 1 + z', data: fit(ens?.z.mean, 1), sd: fit(ens?.z.sd), color: COLORS.z, width: 1.8 },
      { label: `${curLabel} w/h0`, data: fit(cur?.w_rel), color: '#555555', width: 1.3, dash: [5, 3] },
      { label: `${curLabel} h/h0`, data: fit(cur?.h_rel), color: '#e8595b', width: 1.3, dash: [5, 3] },
      { label: `${curLabel} 1 + z`, data: fit(cur?.z, 1), color: '#4f9bd0', width: 1.3, dash: [5, 3] },
      ...(ghost ? [{ label: ghost.label, data: ghost.w, color: '#b07aa1', dash: [6, 4], width: 1.5 }] : []),
    ];
    const pLines: LineSpec[] = [
      { label: 'mean p', data: fit(ens?.p.mean, 0, 1), sd: fit(ens?.p.sd, 0, 1), color: COLORS.p, width: 1.8 },
      { label: `${curLabel} p`, data: fit(cur?.p, 0, 1), color: '#5bbf5b', width: 1.3, dash: [5, 3] },
    ];
    now.x = running && running.upto > 0 ? t_h[running.upto - 1] ?? NaN : NaN;
    const done = m?.done ?? 0;
    const title = done ? `${s.protocol.name}: mean ± SD of ${done} trial${done === 1 ? '' : 's'}, and the ${running ? 'running' : 'last'} trial (% of h0)` : `${s.protocol.name}: trial 1 as it runs (% of h0)`;
    const fresh = drawnFor !== s.request?.id;
    if (fresh || !updateChart('sim-weights', t_h, lines)) {
      lineChart(weightsEl, { key: 'sim-weights', title, x: t_h, xLabel: 'time (h)', yLabel: '% of h0', sync: 'sim', marks, lines, plugins: [nowLinePlugin(now)] });
    } else {
      const el = charts.get('sim-weights')?.root.querySelector('.u-title');
      if (el) el.textContent = title;
    }
    if (fresh || !updateChart('sim-protein', t_h, pLines)) {
      lineChart(proteinEl, { key: 'sim-protein', title: 'protein p', x: t_h, xLabel: 'time (h)', yLabel: 'p', sync: 'sim', marks, height: 170, lines: pLines, plugins: [nowLinePlugin(now)] });
    }
    if (!m) {
      drawnFor = s.request?.id;
      result.replaceChildren();
      return;
    }
    if (m.calcium && (!charts.get('sim-calcium') || calciumFor !== s.request?.id)) {
      calciumFor = s.request?.id;
      const on = Math.min(...s.protocol.trains.map((t) => t.onset_s));
      const x = Array.from(m.calcium.t_s, (t) => (t - on) * 1000);
      const P = { ...defaultParams('single'), ...(s.request?.params ?? {}) };
      lineChart(caEl, {
        key: 'sim-calcium', title: 'calcium and h around the first stimulus (trial 1)', x, xLabel: 'time from first stimulus (ms)', yLabel: 'c', y2Label: 'h (mV)', sync: 'sim-ca', height: 200,
        lines: [
          { label: 'c', data: Array.from(m.calcium.c), color: COLORS.c },
          { label: 'θ_p', data: x.map(() => P.theta_p), color: '#999', dash: [6, 4], width: 1 },
          { label: 'θ_d', data: x.map(() => P.theta_d), color: '#bbb', dash: [2, 3], width: 1 },
          { label: 'h (mV)', data: Array.from(m.calcium.h_mV), color: COLORS.h, scale: 'y2' },
        ],
      });
    }
    drawnFor = s.request?.id;
    const fin = s.final;
    const ensM = m.ensemble;
    const at = (hours: number) => {
      let i = t_h.findIndex((t) => t >= hours - 1e-9);
      if (i < 0) i = t_h.length - 1;
      return { w: ensM.w_rel.mean[i]!, sd: ensM.w_rel.sd[i]!, z: ensM.z.mean[i]! };
    };
    const end = t_h[t_h.length - 1]!;
    const cps = [2, 4, 8].filter((x) => x <= end + 1e-9);
    result.replaceChildren(
      h('table', { class: 'summary' },
        h('thead', {}, h('tr', {}, h('th', {}, 'trials'), h('th', {}, 'max h/h0'), ...cps.map((x) => h('th', {}, `w/h0 @${x}h`)), h('th', {}, `z @${fmt(end, 3)}h`), h('th', {}, 'class'))),
        h('tbody', {}, h('tr', {},
          h('td', {}, `${m.done}/${m.total}`),
          h('td', { class: 'num', 'data-testid': 'sim-max-h' }, fmt(s.maxHRel)),
          ...cps.map((x) => h('td', { class: 'num' }, `${fmt(at(x).w)} ± ${fmt(at(x).sd, 2)}`)),
          h('td', { class: 'num' }, fmt(at(end).z)),
          h('td', {}, fin ? classBadge(fin.class, fin.class) : classBadge(`${m.outcome} (trial ${m.done})`, m.outcome)),
        )),
      ),
    );
  };
  mounted = { root, redraw };
  redraw();
}
