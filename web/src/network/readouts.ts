/**
 * The readouts of a network run (summary.json): recall quality Q and MI, the rates at recall, the
 * network's size and what the run cost; beside them, for the published paradigm (assembly 150, 10 s or
 * 8 h recall), the published mean ± SD over 50 networks (MODEL.md §8), since one network is one sample.
 */
import type { NetworkSummary } from '../api.js';
import { fmt } from '../charts.js';
import { h } from '../dom.js';

type MeanSd = [number, number];
/** Published means ± SD over 50 networks, assembly 150 (stand-alone C++ simulator; MODEL.md §8). */
const PUBLISHED: Record<string, Record<string, MeanSd>> = {
  '10s': { as: [92.58, 0.16], ans: [8.72, 1.58], ctrl: [5.88, 0.55], inh: [21.46, 0.78], Q: [0.0307, 0.014], MI: [0.86, 0.066] },
  '8h': { as: [92.81, 0.25], ans: [10.19, 1.69], ctrl: [7.04, 0.46], inh: [23.23, 0.72], Q: [0.034, 0.0155], MI: [0.941, 0.062] },
};

const num = (v: unknown, digits = 4) => (typeof v === 'number' && Number.isFinite(v) ? fmt(v, digits) : '–');
const int = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en') : '–');

interface Row {
  key: string;
  label: string;
  value: string;
  title?: string;
}

function card(title: string, rows: Row[], published?: Record<string, MeanSd>): HTMLElement {
  const ref = (k: string) => (published?.[k] ? `${fmt(published[k]![0], 3)} ± ${fmt(published[k]![1], 2)}` : '');
  return h('table', { class: 'summary readouts' },
    h('thead', {}, h('tr', {}, h('th', { colspan: 2 }, title), published ? h('th', { class: 'muted', title: 'published mean ± SD over 50 networks (MODEL.md §8)' }, 'published') : null)),
    h('tbody', {}, rows.map((r) => h('tr', { title: r.title },
      h('td', {}, r.label),
      h('td', { class: 'num', 'data-readout': r.key }, r.value),
      published ? h('td', { class: 'num muted' }, ref(r.key)) : null,
    ))),
  );
}

/** The readout tables of a network run. */
export function readoutsTables(s: NetworkSummary): HTMLElement {
  const r = s.readouts ?? {};
  const rates = r.rates_Hz ?? {};
  const published = s.assembly === 150 && s.recall ? PUBLISHED[s.recall] : undefined;
  const pops = s.populations.map((p) => `${p.name} ${int(p.size)}`).join(' + ');
  return h('div', { class: 'readout-cards', 'data-testid': 'net-readouts' },
    card('Recall', [
      { key: 'Q', label: 'Q (recall quality)', value: `${num(r.Q, 3)}${r.Q_err != null ? ` ± ${num(r.Q_err, 2)}` : ''}`, title: 'Q = (ν_ans − ν_ctrl) / ν_as, ± its error' },
      { key: 'MI', label: 'MI', value: num(r.MI, 3), title: 'mutual information between the excitatory rates at learning and at recall' },
      { key: 'selfMI', label: 'self-MI learning / recall', value: `${num(r.selfMIL, 3)} / ${num(r.selfMIR, 3)}` },
    ], published),
    card('Rates at recall (Hz)', ['as', 'ans', 'ctrl', 'inh', 'exc'].map((k) => ({ key: `rate_${k}`, label: `ν_${k}`, value: num(rates[k], 4) })),
      published && Object.fromEntries(Object.entries(published).map(([k, v]) => [`rate_${k}`, v]))),
    card('Network', [
      { key: 'neurons', label: 'neurons', value: `${int(s.neurons)} (${pops})` },
      { key: 'assembly', label: 'assembly', value: int(s.assembly) },
      { key: 'synapses', label: 'synapses (plastic E→E)', value: `${int(s.synapses)} (${int(s.plastic_synapses)})` },
      { key: 'recall', label: 'recall after learning', value: `${s.recall ?? '–'}${s.recall_onset_s != null ? ` (at ${num(s.recall_onset_s)} s)` : ''}` },
      { key: 't_max', label: 'simulated', value: s.t_max_s != null ? `${num(s.t_max_s)} s` : '–' },
    ]),
    card('Cost', [
      { key: 'cpu', label: 'CPU time', value: s.cpu_s != null ? `${num(s.cpu_s, 4)} s` : '–' },
      { key: 'wall', label: 'wall time', value: s.wall_s != null ? `${num(s.wall_s, 4)} s` : '–' },
      { key: 'rss', label: 'peak memory (RSS)', value: s.peak_rss_mb != null ? `${num(s.peak_rss_mb, 4)} MB` : '–' },
    ]),
  );
}
