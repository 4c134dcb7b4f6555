/** Collapsible parts of a run view: a text file loaded when opened (log, run record) and the run's files. */
import { api, type RunDetail } from '../api.js';
import { h } from '../dom.js';

/** A <details> showing the text at `url`, fetched when first opened (through `show`, e.g. to pretty-print JSON). */
export function lazyText(title: string, url: string, show: (text: string) => string = (t) => t): HTMLElement {
  const pre = h('pre', { class: 'log' }, 'Loading…');
  const d = h('details', { class: 'figure-details' }, h('summary', {}, title), pre);
  d.addEventListener('toggle', () => {
    if (!d.open || pre.dataset.loaded) return;
    pre.dataset.loaded = '1';
    const shown = (t: string) => {
      try {
        return show(t);
      } catch {
        return t;
      }
    };
    fetch(url).then((r) => r.text()).then((t) => (pre.textContent = shown(t)), (e: Error) => (pre.textContent = e.message));
  });
  return d;
}

/** The run's log.txt, loaded when opened (engine settings such as the bss2 PPU budget are noted there). */
export function logDetails(run: RunDetail): HTMLElement {
  return lazyText('Log', api.fileUrl(run.id, 'log.txt'));
}

/** Links to every file of the run. */
export function fileList(run: RunDetail): HTMLElement {
  return h('ul', { class: 'files' }, run.files.map((f) => h('li', {}, h('a', { href: api.fileUrl(run.id, f), target: '_blank' }, f))));
}
