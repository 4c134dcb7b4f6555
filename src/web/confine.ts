/**
 * Symbolic links in a run folder: a file the dashboard reads for a run must really lie in that run's
 * folder (its real path, links resolved), and a run folder must really lie in the runs folder. A run
 * folder someone sent you may hold `evil.txt -> /etc/passwd` or `summary.json -> ~/.ssh/…`; without
 * this check the API would read and serve the link's target. Links that stay inside are followed.
 */
import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import { HttpError } from './respond.js';

/** The real path of `p`, or undefined when it does not exist (or a link in it dangles). */
export function realPath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** Whether `path` exists and its real path is `dir`'s real path or lies under it. */
export function realInside(dir: string, path: string): boolean {
  const d = realPath(dir);
  const p = realPath(path);
  return d !== undefined && p !== undefined && (p === d || p.startsWith(d.endsWith(sep) ? d : d + sep));
}

/**
 * `path` when it does not exist (the caller reports it missing) or really lies in `dir`.
 * @throws HttpError 403 when a link takes it outside `dir`.
 */
export function ownFile(dir: string, path: string, what = 'file'): string {
  if (realPath(path) !== undefined && !realInside(dir, path)) {
    throw new HttpError(403, `the ${what} '${path.slice(dir.length + 1) || path}' is a link leading outside its folder; not served`);
  }
  return path;
}
