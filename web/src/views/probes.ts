/**
 * Probe recordings of a run (npy/<probe>_<protocol>_<variable>.npy): one chart per variable, a line
 * per trial. The server reduces a window to at most MAX_POINTS rows (min/max per bucket); zooming in
 * loads the visible window again, at full resolution once it holds fewer samples than that.
 */
import { api, type ProbeListing, type ProbeWindow, type RunDetail } from '../api.js';
import { charts, destroyChart, fmt, lineChart, type LineSpec } from '../charts.js';
import { h } from '../dom.js';

const MAX_POINTS = 100_000;
const TRIAL_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const UNITS: Record<string, string> = { V: 'mV', h: 'mV', w: 'mV', c: '', z: '', p: '', tag: '' };

function label(p: ProbeListing): string {
  const dt = p.samples > 1 ? (p.t_last_s - p.t_first_s) / (p.samples - 1) : 0;
  return `${p.probe} · ${p.protocol} · ${p.variables.join(', ')} · ${p.samples.toLocaleString('en')} samples${dt ? ` every ${fmt(dt * 1000, 3)} ms` : ''}`;
}

export function drawProbes(box: HTMLElement, run: RunDetail, protocol: string | undefined): void {
  const probes = run.probes ?? [];
  for (const k of [...charts.keys()]) if (k.startsWith('probe-')) destroyChart(k);
  box.replaceChildren();
  if (!probes.length) return;
  let current = probes.find((p) => p.protocol === protocol) ?? probes[0]!;
  const sel = h('select', { 'data-testid': 'probe-select', onchange: (e: Event) => { current = probes[Number((e.target as HTMLSelectElement).value)]!; setup(); } },
    probes.map((p, i) => h('option', { value: i }, label(p))));
  sel.value = String(probes.indexOf(current));
  const trialsBox = h('span', { class: 'probe-trials' });
  const info = h('div', { class: 'muted small', 'data-testid': 'probe-info' });
  const chartsBox = h('div', { class: 'probe-charts' });
  box.append(
    h('h3', {}, 'Probes'),
    h('div', { class: 'toolbar' }, sel, trialsBox),
    info,
    chartsBox,
  );

  let trials: number[] = [];
  let seq = 0;
  let requested: [number, number] = [NaN, NaN];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const seriesOf = (w: ProbeWindow, v: string) => trials.map((t) => w.data[w.columns.indexOf(`${v}[${t}]`)]!);

  const describe = (w: ProbeWindow) => {
    const reduced = w.bucket > 1;
    info.textContent = reduced
      ? `${w.total.toLocaleString('en')} samples in view, shown as min/max of every ${w.bucket.toLocaleString('en')} (${w.rows.toLocaleString('en')} points) — zoom in for every sample`
      : `${w.total.toLocaleString('en')} samples in view, every one shown`;
    info.dataset.bucket = String(w.bucket);
    info.dataset.total = String(w.total);
  };

  const load = async (from?: number, to?: number): Promise<ProbeWindow> => {
    const my = ++seq;
    const w = await api.probe(run.id, current, { vars: current.variables, trials, from, to, max: MAX_POINTS });
    if (my !== seq) throw new Error('superseded');
    return w;
  };

  const onXRange = (min: number, max: number) => {
    if (Math.abs(min - requested[0]) < 1e-12 && Math.abs(max - requested[1]) < 1e-12) return;
    requested = [min, max];
    clearTimeout(timer);
    timer = setTimeout(() => {
      load(min, max)
        .then((w) => {
          const t = w.data[0]!;
          for (const v of current.variables) {
            const u = charts.get(`probe-${v}`);
            if (!u) continue;
            u.setData([t, ...seriesOf(w, v)] as never, false);
            u.setScale('x', { min, max }); // same range: re-fits y to the new samples
          }
          describe(w);
          box.dataset.loaded = `${min},${max}`;
        })
        .catch((e: Error) => {
          if (e.message !== 'superseded') info.textContent = e.message;
        });
    }, 120);
  };

  const draw = async () => {
    for (const k of [...charts.keys()]) if (k.startsWith('probe-')) destroyChart(k);
    chartsBox.replaceChildren(h('p', { class: 'muted' }, 'Loading probe…'));
    const w = await load();
    const full: [number, number] = [current.t_first_s, current.t_last_s];
    requested = full;
    chartsBox.replaceChildren();
    for (const v of current.variables) {
      const el = h('div', { class: 'chart-box' });
      chartsBox.append(el);
      const unit = UNITS[v] ?? '';
      const lines: LineSpec[] = seriesOf(w, v).map((data, i) => ({ label: `trial ${trials[i]}`, data, color: TRIAL_COLORS[i % TRIAL_COLORS.length]!, width: 1.2 }));
      lineChart(el, {
        key: `probe-${v}`, title: `${v}${unit ? ` (${unit})` : ''} — probe ${current.probe}, ${current.protocol}`, x: w.data[0]!, xLabel: 'time (s)', yLabel: unit ? `${v} (${unit})` : v,
        sync: 'probe', height: 190, lines, fullX: full, onXRange,
      });
    }
    describe(w);
    box.dataset.loaded = `${full[0]},${full[1]}`;
  };

  const setup = () => {
    trials = current.trials.slice(0, 3);
    trialsBox.replaceChildren(
      'trials ',
      ...current.trials.slice(0, 16).map((t) =>
        h('label', { class: 'check' },
          h('input', { type: 'checkbox', value: t, checked: trials.includes(t), onchange: (e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            trials = on ? [...trials, t].sort((a, b) => a - b) : trials.filter((x) => x !== t);
            if (!trials.length) trials = [t];
            void draw().catch((err: Error) => (info.textContent = err.message));
          } }),
          String(t)),
      ),
    );
    void draw().catch((err: Error) => err.message !== 'superseded' && (info.textContent = err.message));
  };
  setup();
}
