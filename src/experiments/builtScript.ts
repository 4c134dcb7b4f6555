/**
 * Where a worker script of this package is, for `new Worker(url)`: beside the calling module in the build
 * (dist/src/…), and the build's copy when the caller runs from the TypeScript sources (the tests do: a
 * worker thread cannot load .ts files). Plain URL arithmetic, no Node-only API.
 */

/**
 * The URL of the script `path` (relative to src/, e.g. 'cli/experimentWorker.js') as seen from the module
 * whose import.meta.url is `here` (a module under src/ or dist/src/).
 */
export function builtScript(here: string, path: string): URL {
  const at = here.lastIndexOf('/src/');
  if (at < 0) throw new Error(`builtScript: ${here} is not a module under src/`);
  const root = here.slice(0, at);
  return new URL(here.endsWith('.ts') ? `${root}/dist/src/${path}` : `${root}/src/${path}`);
}
