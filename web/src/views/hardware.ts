/**
 * Hardware study view: the folders `calcitag hw-study` writes (hw_study.json, hw_study_rows.csv,
 * accuracy_vs_period.svg) with their figure, reference results and rows; any hw-study figure in
 * docs/figures or in a run folder; and the runs per engine.
 */
import { api, type HwFigure } from '../api.js';
import { fmt } from '../charts.js';
import { classBadge, h } from '../dom.js';
import { routeHash, runList } from '../state.js';

interface StudyReference {
  protocol: string;
  trials: number;
  w_rel_8h?: { mean: number; sd: number };
  class?: string;
}

export interface Study {
  id: string;
  modified: string;
  seed: number | null;
  trials: number | null;
  reference: StudyReference[];
  rows: number | null;
  figures: string[];
  files: string[];
}

const ROW_COLUMNS = ['protocol', 'format', 'rounding', 'ppu_period_ms', 'trials', 'w_rel_8h_mean', 'w_rel_8h_sd', 'dev_sd_8h', 'class', 'class_ok', 'feasible', 'utilisation'];

async function studyRows(id: string): Promise<HTMLElement> {
  const res = await fetch(`api/runs/${encodeURIComponent(id)}/csv/hw_study_rows.csv?format=json`);
  if (!res.ok) return h('p', { class: 'muted' }, 'No hw_study_rows.csv.');
  const c = (await res.json()) as { columns: string[]; data: Array<Array<number | string | null>>; rows: number };
  const cols = ROW_COLUMNS.filter((k) => c.columns.includes(k));
  const idx = cols.map((k) => c.columns.indexOf(k));
  const cell = (v: number | string | null, k: string) => {
    if (v === null) return '–';
    if (k === 'class') return classBadge(String(v), String(v));
    if (typeof v === 'number') return k === 'dev_sd_8h' ? `${v >= 0 ? '+' : ''}${fmt(v, 3)}` : fmt(v, 4);
    return v === 'true' ? '✓' : v === 'false' ? '✗' : v;
  };
  const rows = Array.from({ length: c.rows }, (_, r) =>
    h('tr', { class: c.data[c.columns.indexOf('class_ok')]?.[r] === 'false' ? 'bad' : '' },
      idx.map((i, j) => h('td', { class: typeof c.data[i]![r] === 'number' ? 'num' : '' }, cell(c.data[i]![r] ?? null, cols[j]!)))),
  );
  return h('details', { class: 'study-rows' },
    h('summary', {}, `all ${c.rows} configurations × protocols (dev: deviation of w/h0 @8h from the reference mean, in reference SDs)`),
    h('table', { class: 'summary', 'data-testid': 'study-rows' }, h('thead', {}, h('tr', {}, cols.map((k) => h('th', {}, k)))), h('tbody', {}, rows)),
  );
}

async function studySection(s: Study): Promise<HTMLElement> {
  const url = (f: string) => api.fileUrl(s.id, f);
  const sec = h('section', { class: 'study', 'data-testid': 'study', 'data-study': s.id },
    h('h3', {}, s.id),
    h('p', { class: 'meta' }, `calcitag hw-study · seed ${s.seed ?? '?'} · ${s.trials ?? '?'} bss2 trials per configuration · ${s.rows ?? '?'} rows · ${new Date(s.modified).toLocaleString()}`),
    s.figures.map((f) => h('figure', { class: 'hw-figure' }, h('img', { src: url(f), alt: `${s.id}/${f}`, loading: 'lazy' }), h('figcaption', {}, `${s.id}/${f} · `, h('a', { href: url(f), target: '_blank' }, 'open')))),
    s.reference.length
      ? h('table', { class: 'summary', 'data-testid': 'study-reference' },
          h('thead', {}, h('tr', {}, h('th', {}, 'reference engine'), h('th', {}, 'trials'), h('th', {}, 'w/h0 @8h'), h('th', {}, 'class'))),
          h('tbody', {}, s.reference.map((r) => h('tr', {}, h('td', {}, r.protocol), h('td', {}, r.trials), h('td', { class: 'num' }, r.w_rel_8h ? `${fmt(r.w_rel_8h.mean)} ± ${fmt(r.w_rel_8h.sd, 2)}` : '–'), h('td', {}, r.class ? classBadge(r.class, r.class) : '–')))))
      : null,
  );
  sec.append(await studyRows(s.id));
  sec.append(h('p', { class: 'small' }, 'files: ', s.files.map((f, i) => [i ? ', ' : '', h('a', { href: url(f), target: '_blank' }, f)]).flat()));
  return sec;
}

export async function renderHardware(app: HTMLElement, stale: () => boolean): Promise<void> {
  const [{ figures }, { studies }, { runs }] = await Promise.all([
    api.figures(),
    fetch('api/studies').then((r) => r.json() as Promise<{ studies: Study[] }>),
    runList(),
  ]);
  if (stale()) return;
  app.append(h('h2', {}, 'Hardware study'));
  const box = h('div', { class: 'hw-figures', 'data-testid': 'hw-figures' });
  const loose: HwFigure[] = figures.filter((f) => !f.source.startsWith('study:'));
  if (studies.length === 0 && loose.length === 0) {
    box.append(
      h('div', { class: 'notice', 'data-testid': 'hw-missing' },
        h('p', {}, 'No hardware study here yet.'),
        h('p', { class: 'muted' }, 'Run ', h('code', {}, 'calcitag hw-study --out <runs folder>/hw-study'), ' (the BrainScaleS-2 solver period, rounding and number-format sweep), or put a ', h('code', {}, 'hw-study*.svg|png'), ' or ', h('code', {}, 'accuracy_vs_period.svg|png'), ' into ', h('code', {}, 'docs/figures/'), ' or a run folder, then reload.'),
      ),
    );
  }
  for (const s of studies) box.append(await studySection(s));
  for (const f of loose) {
    box.append(h('figure', { class: 'hw-figure' }, h('img', { src: f.url.replace(/^\//, ''), alt: f.title, loading: 'lazy' }), h('figcaption', {}, f.title, ' · ', h('a', { href: f.url.replace(/^\//, ''), target: '_blank' }, 'open'))));
  }
  if (stale()) return;
  app.append(box);
  // Runs per engine: a quick way to put a hardware-emulation run next to a reference run.
  const byEngine = new Map<string, typeof runs>();
  for (const r of runs) {
    if (r.kind === 'network') continue;
    const k = r.engine ?? '?';
    byEngine.set(k, [...(byEngine.get(k) ?? []), r]);
  }
  const ref = byEngine.get('reference')?.[0];
  const hw = runs.filter((r) => r.engine && r.engine !== 'reference');
  app.append(h('h3', {}, 'Runs by engine'));
  if (byEngine.size === 0) app.append(h('p', { class: 'muted' }, 'No runs.'));
  app.append(
    h('ul', { class: 'engines' }, [...byEngine].map(([engine, rs]) => h('li', {}, h('b', {}, engine), `: ${rs.length} run${rs.length === 1 ? '' : 's'} — `, rs.slice(0, 6).map((r, i) => [i ? ', ' : '', h('a', { href: routeHash('runs', { id: r.id }) }, r.name)]).flat()))),
  );
  if (ref && hw.length) {
    app.append(h('p', {}, 'Compare: ', hw.slice(0, 6).map((r, i) => [i ? ' · ' : '', h('a', { href: routeHash('compare', { a: ref.id, b: r.id }) }, `${ref.name} vs ${r.name} (${r.engine}${Object.keys(r.params_changed).length ? ', ' + Object.entries(r.params_changed).map(([k, v]) => `${k}=${fmt(v)}`).join(' ') : ''})`)]).flat()));
  } else if (!hw.length) {
    app.append(h('p', { class: 'muted' }, 'Runs with the hardware engine (', h('code', {}, 'calcitag run all --engine bss2'), ') can be compared with a reference run here.'));
  }
}
