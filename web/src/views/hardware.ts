/** Hardware study view: the BrainScaleS-2 study figure(s), when a run folder or docs/figures has one. */
import { api } from '../api.js';
import { fmt } from '../charts.js';
import { h } from '../dom.js';
import { routeHash, runList } from '../state.js';

export async function renderHardware(app: HTMLElement, stale: () => boolean): Promise<void> {
  const [{ figures }, { runs }] = await Promise.all([api.figures(), runList()]);
  if (stale()) return;
  app.append(h('h2', {}, 'Hardware study'));
  const box = h('div', { class: 'hw-figures', 'data-testid': 'hw-figures' });
  if (figures.length === 0) {
    box.append(
      h('div', { class: 'notice', 'data-testid': 'hw-missing' },
        h('p', {}, 'No hardware-study figure yet.'),
        h('p', { class: 'muted' }, 'It appears here once ', h('code', {}, 'docs/figures/hw-study.svg'), ' (or .png), or a file named ', h('code', {}, 'hw-study*.svg|png'), ' in a run folder, exists. Reload this page after generating it.'),
      ),
    );
  }
  for (const f of figures) {
    box.append(h('figure', { class: 'hw-figure' }, h('img', { src: f.url.replace(/^\//, ''), alt: f.title, loading: 'lazy' }), h('figcaption', {}, f.title, ' · ', h('a', { href: f.url.replace(/^\//, ''), target: '_blank' }, 'open'))));
  }
  app.append(box);
  // Runs per engine: a quick way to put a hardware-emulation run next to a reference run.
  const byEngine = new Map<string, typeof runs>();
  for (const r of runs) {
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
    app.append(h('p', { class: 'muted' }, 'Runs with a hardware engine (e.g. ', h('code', {}, 'calcitag run all --engine bss2'), ', once registered) can be compared with a reference run here.'));
  }
}
