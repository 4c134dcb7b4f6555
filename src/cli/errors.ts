/** Exit codes and the one-line usage error of the CLI. */
import type { NonFiniteStateError } from '../experiments/ensemble.js';
import { checkOutputDir, OutputDirError, type OutputDirOptions } from '../io/files.js';
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
export function stopNonFinite(e: NonFiniteStateError, params: ModelParams, dir?: string): never {
  process.stderr.write(`calcitag: the run stopped, no result is reported: ${e.message} (parameters changed from the defaults: ${changedParams(params)})${dir ? `; see ${dir}/log.txt` : ''}\n`);
  process.exit(1);
}
