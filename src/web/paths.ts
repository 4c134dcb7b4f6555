/**
 * Path safety for the dashboard's server: every file path built from a request (run id, file name,
 * figure name, static asset) is resolved here, and refused unless it stays inside the folder it
 * names and has a type the server may send. One place to audit what a client can make it read.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { HW_STUDY, ROOT_ID, RUN_FILE_EXT, STUDY_MARKER } from './catalog.js';
import { ownFile, realInside } from './confine.js';
import { HttpError } from './respond.js';

/**
 * The folder of run (or hardware-study) `id` under `root` (an absolute, resolved path).
 * @throws HttpError 400 when the id leaves `root`, 403 when a link takes it out of `root`, 404 when the
 * folder holds neither summary.json nor hw_study.json.
 */
export function runDir(root: string, id: string): string {
  const dir = id === ROOT_ID ? root : resolve(root, ...id.split('/'));
  if (dir !== root && !dir.startsWith(root + sep)) throw new HttpError(400, `run id '${id}' leaves the runs folder`);
  if (existsSync(dir) && !realInside(root, dir)) throw new HttpError(403, `run '${id}' is a link leading outside the runs folder; not served`);
  if (!existsSync(join(dir, 'summary.json')) && !existsSync(join(dir, STUDY_MARKER))) throw new HttpError(404, `no run '${id}' under ${root}`);
  return dir;
}

/**
 * The file `name` of a run folder: a plain name (no path, not hidden) of a served type that really
 * lies in the folder (a symbolic link to anything outside it is refused).
 * @throws HttpError 400 for a bad name, 403 for a type not served or a link leaving the folder, 404 when there is no such file.
 */
export function runFile(dir: string, name: string): string {
  if (!/^[\w.+-]+$/.test(name) || name.startsWith('.')) throw new HttpError(400, `bad file name '${name}'`);
  if (!RUN_FILE_EXT.has(extname(name).toLowerCase())) throw new HttpError(403, `file type of '${name}' is not served`);
  const p = ownFile(dir, join(dir, name));
  if (!existsSync(p) || !statSync(p).isFile()) throw new HttpError(404, `no file '${name}' in this run`);
  return p;
}

/**
 * The hardware-study figure `file` of figure folder `source` (`docs<i>`, an index into `figureDirs`).
 * @throws HttpError 404 'no such figure' for an unknown source, a name that is not a hw-study figure, or a missing file.
 */
export function figureFile(figureDirs: readonly string[], source: string | undefined, file: string | undefined): string {
  const i = /^docs(\d+)$/.exec(source ?? '');
  const dir = i ? figureDirs[Number(i[1])] : undefined;
  // A plain file name only: the name pattern alone would let 'hw_study/../../x.png' climb out.
  if (!dir || !file || /[/\\]/.test(file) || !HW_STUDY.test(file)) throw new HttpError(404, 'no such figure');
  const p = join(dir, file);
  if (!p.startsWith(resolve(dir) + sep) || !existsSync(p) || !realInside(dir, p)) throw new HttpError(404, 'no such figure');
  return p;
}

/** The file at `rel` inside `webDir`, or undefined when it is not a file there (or would leave it). */
export function webFile(webDir: string, rel: string): string | undefined {
  const p = resolve(webDir, rel);
  return p.startsWith(resolve(webDir) + sep) && existsSync(p) && statSync(p).isFile() && realInside(webDir, p) ? p : undefined;
}
