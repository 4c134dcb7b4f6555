/**
 * Ctrl-C or SIGTERM during a network run that saves checkpoints (`calcitag network … --checkpoint-every S`,
 * or `calcitag run NETWORK_FILE …`). The network runs synchronously — on this thread, or on worker threads
 * this one waits for — so no signal handler of the running process can run before the run ends, and
 * without one a signal ends the process at once, losing what came after its last periodic checkpoint.
 *
 * Such a run is therefore done by a child process (the same command line) while this process stays idle
 * and supervises it. The first SIGINT/SIGTERM writes a stop file, which the child's engine checks once a
 * simulated second (the engines' shouldStop): it saves a checkpoint where it stands, says how to continue,
 * and the command exits 130 (SIGINT) or 143 (SIGTERM) — what a scheduler's time limit needs (SLURM sends
 * SIGTERM, then SIGKILL 30 s later by default). A second signal kills the child at once. The child itself
 * ignores these signals: a terminal's Ctrl-C and a scheduler's SIGTERM reach the whole process group, and
 * the supervisor relays them; should the supervisor be killed outright (SIGKILL), the child stops the same
 * way at its next simulated second.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { stopFile } from '../io/stopFiles.js';

/** Names the stop file in the supervised child's environment. */
const STOP_FILE_ENV = 'CALCITAG_NETWORK_STOP_FILE';

/** Exit code of a command stopped by `signal` (the shell's 128 + signal number). */
const exitCodeOf = (signal: string): number => 128 + (constants.signals[signal as NodeJS.Signals] ?? constants.signals.SIGTERM);

/**
 * Whether this process should run the network itself rather than supervise a child: it is the supervised
 * child, or it is not the calcitag command (the CLI called from code: its command line is not one to run again).
 */
export function runsNetworkHere(): boolean {
  if (process.env[STOP_FILE_ENV]) return true;
  try {
    return realpathSync(process.argv[1] ?? '') !== realpathSync(fileURLToPath(new URL('./main.js', import.meta.url)));
  } catch {
    return true;
  }
}

/** In the supervised child: when to stop, and the signal that asked for it; undefined in any other process. */
export function supervisedStop(): { shouldStop: () => boolean; signal: () => string; exitCode: () => number } | undefined {
  const file = process.env[STOP_FILE_ENV];
  if (!file) return undefined;
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  const signal = () => {
    try {
      return readFileSync(file, 'utf8').trim() || 'SIGTERM';
    } catch {
      return 'SIGTERM';
    }
  };
  // a supervisor that is gone (killed outright) can relay nothing: then stop too, rather than run on unstoppable
  const supervisor = process.ppid;
  const orphaned = () => process.ppid !== supervisor;
  return { shouldStop: () => existsSync(file) || orphaned(), signal, exitCode: () => exitCodeOf(signal()) };
}

/** Runs this process's command line again as a supervised child; resolves with the exit code to end with. */
export function superviseCommand(): Promise<number> {
  const file = stopFile('network', process.pid);
  rmSync(file, { force: true });
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit', env: { ...process.env, [STOP_FILE_ENV]: file },
  });
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`\ncalcitag: ${sig} again: stopped at once (the state since the last checkpoint is lost)\n`);
      child.kill('SIGKILL');
      return;
    }
    signalled = true;
    writeFileSync(file, sig);
    process.stderr.write(`\ncalcitag: ${sig}: the network stops at its next simulated second, saving its state; a second signal stops it at once\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return new Promise((resolve) => {
    const done = (code: number) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      rmSync(file, { force: true });
      resolve(code);
    };
    child.once('error', (e) => {
      process.stderr.write(`calcitag: cannot start the network run: ${e.message}\n`);
      done(1);
    });
    child.once('exit', (code, sig) => done(code ?? exitCodeOf(sig ?? 'SIGKILL')));
  });
}
