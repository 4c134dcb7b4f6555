/** Hash routes (#/view?key=value) and a cached run list shared by the views. */
import { api, type RunListing } from './api.js';

export interface Route {
  view: 'runs' | 'compare' | 'simulate' | 'hardware';
  q: URLSearchParams;
}

const VIEWS = new Set(['runs', 'compare', 'simulate', 'hardware']);

export function parseRoute(hash = location.hash): Route {
  const m = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash);
  const view = m && VIEWS.has(m[1]!) ? (m[1] as Route['view']) : 'runs';
  return { view, q: new URLSearchParams(m?.[2] ?? '') };
}

export function routeHash(view: Route['view'], q: Record<string, string | undefined> = {}): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') s.set(k, v);
  const qs = s.toString();
  return `#/${view}${qs ? `?${qs}` : ''}`;
}

/** Replaces the hash without a new history entry or a re-render. */
export function replaceRoute(view: Route['view'], q: Record<string, string | undefined>): void {
  history.replaceState(null, '', routeHash(view, q));
}

let runsPromise: Promise<{ root: string; runs: RunListing[] }> | undefined;
export function runList(refresh = false): Promise<{ root: string; runs: RunListing[] }> {
  if (refresh || !runsPromise) {
    if (refresh) api.clear();
    runsPromise = api.runs();
    runsPromise.catch(() => (runsPromise = undefined));
  }
  return runsPromise;
}
