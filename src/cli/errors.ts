/** Exit codes and the one-line usage error of the CLI. */

/** Exit code for bad input. */
export const USAGE = 2;

export function usageError(message: string): never {
  process.stderr.write(`calcitag: ${message}\n`);
  process.exit(USAGE);
}
