/** Exit codes and the one-line usage error of the CLI. */
import { checkOutputDir, OutputDirError, type OutputDirOptions } from '../io/files.js';

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
