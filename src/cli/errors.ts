/** Exit codes and the one-line usage error of the CLI. */
import type { NonFiniteStateError } from '../experiments/ensemble.js';
import { checkOutputDir, describeErrno, OutputDirError, type OutputDirOptions } from '../io/files.js';
import { defaultParams, type ModelParams, type ParamName } from '../model/parameters.js';

/** Exit code for bad input. */
export const USAGE = 2;

export function usageError(message: string): never {
  process.stderr.write(`calcitag: ${message}\n`);
  process.exit(USAGE);
}

/**
 * The output folder a command is about to write, checked before any work (see `checkOutputDir`): bad
 * locations end the command with a one-line error and exit code 2, nothing written.
 */
export function outputFolder(path: string, options: OutputDirOptions = {}): string {
  try {
    return checkOutputDir(path, options);
  } catch (e) {
    if (e instanceof OutputDirError) usageError(e.message);
    throw e;
  }
}

/** Parameters that differ from the single-synapse defaults, as `name=value` (or "all defaults"). */
export function changedParams(params: ModelParams): string {
  const d = defaultParams('single');
  const changed = (Object.keys(d) as ParamName[]).filter((k) => params[k] !== d[k]).map((k) => `${k}=${params[k]}`);
  return changed.length > 0 ? changed.join(', ') : 'all defaults';
}

/**
 * A trial's state became NaN or infinite: one line naming the protocol, trial, variable, time and the
 * parameter set, exit code 1. No result is reported.
 */
export function stopNonFinite(e: Pick<NonFiniteStateError, 'message'>, params: ModelParams, dir?: string): never {
  process.stderr.write(`calcitag: the run stopped, no result is reported: ${e.message} (parameters changed from the defaults: ${changedParams(params)})${dir ? `; see ${dir}/log.txt` : ''}\n`);
  process.exit(1);
}

/** Errno codes that mean the user named a path that cannot be used: bad input, exit code 2. */
const BAD_PATH = new Set(['EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EROFS', 'ENAMETOOLONG', 'ELOOP']);

/**
 * The last word on an error nothing else handled: one readable line (never a raw errno or library
 * message) and its exit code — 2 for a path the user gave that cannot be used, 1 otherwise.
 */
export function readableError(e: unknown): [string, number] {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.syscall === 'string') {
    const verb = ['open', 'read', 'stat', 'lstat', 'scandir', 'access'].includes(err.syscall) ? 'read or open' : 'write';
    const where = (err as { dest?: string }).dest ?? err.path;
    if (err.syscall === 'mkdir' && (err.code === 'EEXIST' || err.code === 'ENOTDIR')) {
      return [`cannot create the folder ${where ?? ''}: a file is in the way (a part of the path is a file, not a folder)`, USAGE];
    }
    return [`cannot ${verb}${where ? ` ${where}` : ''}: ${describeErrno(err)}`, BAD_PATH.has(err.code) ? USAGE : 1];
  }
  if (e instanceof RangeError && /typed array length|array buffer allocation|invalid array length|allocation failed/i.test(e.message)) {
    return ['the run is too large to hold in memory; use fewer trials, shorter protocols or sparser probes', USAGE];
  }
  const message = e instanceof Error ? e.message : String(e);
  return [message.split('\n')[0]!, 1];
}
