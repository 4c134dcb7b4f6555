/**
 * Runs the `calcitag` command line in this process, as src/cli/main.ts does (buildProgram, then the
 * same mapping of errors to exit codes), with process.exit, stdout, stderr, the working directory and
 * the SIGINT/SIGTERM listeners intercepted and restored after each call. Used by the CLI fuzz test
 * (test/cli.fuzz.test.ts); fast enough for thousands of command lines in one process.
 */
import { CommanderError, type Command } from 'commander';

let buildProgram: (() => Command) | undefined;

/**
 * buildProgram of src/cli/main.ts. Importing main.ts also runs its `main(process.argv)`: it is loaded
 * once with the arguments `--version`, stdout and process.exit muted until that call has ended.
 */
export async function loadProgram(): Promise<() => Command> {
  if (buildProgram) return buildProgram;
  const saved = { argv: process.argv, exit: process.exit, out: process.stdout.write, err: process.stderr.write, exitCode: process.exitCode };
  process.argv = [process.argv[0]!, 'calcitag', '--version'];
  process.exit = (() => undefined) as never;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    buildProgram = (await import('../../src/cli/main.js')).buildProgram;
    await new Promise((r) => setTimeout(r, 20)); // main's promise settles
  } finally {
    process.argv = saved.argv;
    process.exit = saved.exit;
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exitCode = saved.exitCode;
  }
  return buildProgram;
}

/** Thrown by the intercepted process.exit: unwinds the command as the real exit would end it. */
export class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

export interface CliResult {
  /** The exit code: the first process.exit call's, else process.exitCode, else 0 (1 for an escaped error). */
  code: number;
  stdout: string;
  stderr: string;
  /** An error that escaped the command (main.ts would print its message and exit 1). */
  escaped?: unknown;
  ms: number;
}

export interface CliOptions {
  /** Working directory during the call. */
  cwd: string;
  /** Emit SIGINT this many ms after the start (and again `sigint2Ms` after that), as Ctrl-C would. */
  sigintMs?: number;
  sigint2Ms?: number;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** One `calcitag <args…>` in this process. */
export async function runCli(args: readonly string[], opts: CliOptions): Promise<CliResult> {
  const build = await loadProgram();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const saved = { exit: process.exit, out: process.stdout.write, err: process.stderr.write, cwd: process.cwd(), exitCode: process.exitCode };
  const listeners = Object.fromEntries(SIGNALS.map((s) => [s, process.listeners(s)]));
  let first: number | undefined;
  const capture = (into: string[]) =>
    ((chunk: unknown, enc?: unknown, cb?: unknown) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = typeof enc === 'function' ? enc : cb;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof process.stdout.write;
  process.exit = ((code?: number | string | null) => {
    const c = code === undefined || code === null ? Number(process.exitCode ?? 0) : Number(code);
    first ??= c;
    throw new ExitCalled(c);
  }) as typeof process.exit;
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  process.exitCode = undefined;
  const timers: NodeJS.Timeout[] = [];
  if (opts.sigintMs !== undefined) {
    timers.push(setTimeout(() => {
      process.emit('SIGINT', 'SIGINT');
      if (opts.sigint2Ms !== undefined) timers.push(setTimeout(() => process.emit('SIGINT', 'SIGINT'), opts.sigint2Ms));
    }, opts.sigintMs));
  }
  const t0 = performance.now();
  let escaped: unknown;
  let code: number;
  try {
    process.chdir(opts.cwd);
    await build().parseAsync(['node', 'calcitag', ...args]);
    code = first ?? Number(process.exitCode ?? 0);
  } catch (e) {
    if (first !== undefined) code = first;
    else if (e instanceof CommanderError) {
      code = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    } else {
      // main.ts: `calcitag: <message>`, exit 1
      escaped = e;
      stderr.push(`calcitag: ${(e as Error)?.message}\n`);
      code = 1;
    }
  } finally {
    for (const t of timers) clearTimeout(t);
    process.exit = saved.exit;
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exitCode = saved.exitCode;
    process.chdir(saved.cwd);
    for (const s of SIGNALS) {
      for (const l of process.listeners(s)) if (!listeners[s]!.includes(l)) process.removeListener(s, l as () => void);
    }
  }
  return { code, stdout: stdout.join(''), stderr: stderr.join(''), ...(escaped !== undefined ? { escaped } : {}), ms: performance.now() - t0 };
}
