/** The dashboard page: a hash router over four views. */
import './style.css';
import { api } from './api.js';
import { charts, destroyAll, resetZoom } from './charts.js';
import { parseRoute, type Route } from './state.js';
import { renderRuns } from './views/runs.js';
import { renderCompare } from './views/compare.js';
import { renderSimulate, simulationState } from './views/simulate.js';
import { renderHardware } from './views/hardware.js';

const app = document.getElementById('app')!;

/** Handles for end-to-end tests and the browser console. */
declare global {
  interface Window {
    __calcitag: { charts: typeof charts; route: () => Route; resetZoom: typeof resetZoom; sim: typeof simulationState; ready: boolean };
  }
}
window.__calcitag = { charts, route: () => parseRoute(), resetZoom, sim: simulationState, ready: false };

let renderSeq = 0;
async function render(): Promise<void> {
  const seq = ++renderSeq;
  const route = parseRoute();
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#nav a')) a.classList.toggle('active', a.dataset.view === route.view);
  document.body.dataset.view = route.view;
  window.__calcitag.ready = false;
  destroyAll();
  app.replaceChildren();
  const stale = () => seq !== renderSeq;
  try {
    if (route.view === 'runs') await renderRuns(app, route, stale);
    else if (route.view === 'compare') await renderCompare(app, route, stale);
    else if (route.view === 'simulate') await renderSimulate(app, route, stale);
    else await renderHardware(app, stale);
  } catch (e) {
    if (!stale()) app.append(Object.assign(document.createElement('div'), { className: 'error', textContent: (e as Error).message }));
  }
  if (!stale()) window.__calcitag.ready = true;
}

window.addEventListener('hashchange', () => void render());
void api.health().then((h) => {
  document.getElementById('version')!.textContent = `v${h.version}`;
}).catch(() => undefined);
void render();
