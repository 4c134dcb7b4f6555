/**
 * Progress of long runs: a bar with ETA on a terminal (cli-progress), plain periodic log lines when
 * the stream is not a terminal (cluster logs), nothing when quiet. Fed by the library's progress
 * callback ({@link ExperimentProgress}), so every front end reports the same way.
 */
import cliProgress from 'cli-progress';
import type { ExperimentProgress } from '../experiments/experimentRun.js';

export interface ProgressReporterOptions {
  /** Report nothing. */
  readonly quiet?: boolean;
  /** Where to write (default process.stderr). */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force the bar (true) or plain lines (false); default: whether the stream is a terminal. */
  readonly tty?: boolean;
  /** Plain mode: at most one line per this many ms, besides protocol boundaries (default 10 000). */
  readonly intervalMs?: number;
}

export interface ProgressReporter {
  /** The callback to hand to `runExperiment` (or to call from any run loop). */
  readonly onProgress: (p: ExperimentProgress) => void;
  /** Prints a line without breaking the bar. */
  log(line: string): void;
  /** Removes the bar (call before printing results). */
  stop(): void;
}

/** `1 h 02 min`, `3 min 05 s`, `12.3 s`. */
export function formatDuration(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '–';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** One plain progress line. */
export function progressLine(p: ExperimentProgress): string {
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
  if (p.phase === 'done') return `${p.done < p.total ? 'stopped' : 'done'}: ${p.done}/${p.total} trials in ${formatDuration(p.elapsed_s)}`;
  if (p.phase === 'start') return `starting: ${p.protocols} protocol(s) × ${p.trials} trials`;
  const what = p.phase === 'protocol' ? `${p.protocol}: all ${p.trials} trials done` : `${p.protocol}: trial ${p.trialsDone}/${p.trials}`;
  return `${what} (protocol ${p.protocolIndex + 1}/${p.protocols}; ${p.done}/${p.total} trials, ${pct}%), elapsed ${formatDuration(p.elapsed_s)}, ETA ${formatDuration(p.eta_s)}`;
}

export function createProgressReporter(opts: ProgressReporterOptions = {}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { onProgress: () => {}, log: () => {}, stop: () => {} };
  const tty = opts.tty ?? Boolean((stream as { isTTY?: boolean }).isTTY);
  if (!tty) {
    const every = opts.intervalMs ?? 10_000;
    let last = -Infinity;
    return {
      onProgress: (p) => {
        const now = performance.now();
        if (p.phase === 'trial' && now - last < every) return;
        last = now;
        stream.write(`calcitag: ${progressLine(p)}\n`);
      },
      log: (line) => stream.write(`${line}\n`),
      stop: () => {},
    };
  }
  // One bar at a time: at a protocol boundary the bar is cleared, a line is printed, and a new bar
  // starts with the next trial (our own ETA, so nothing is lost by restarting it).
  const options: cliProgress.Options = {
    stream,
    format: ' {bar} {percentage}% | {value}/{total} trials | {protocol} | elapsed {elapsed} | ETA {eta_text}',
    hideCursor: true,
    clearOnComplete: true,
    stopOnComplete: false,
    gracefulExit: false, // Ctrl-C is the caller's (runs finish the current trial)
    barsize: 24,
  };
  let bar: cliProgress.SingleBar | undefined;
  const clear = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onProgress: (p) => {
      const payload = { protocol: p.protocol ?? '', elapsed: formatDuration(p.elapsed_s), eta_text: formatDuration(p.eta_s) };
      if (p.phase === 'protocol' || p.phase === 'done') {
        clear();
        stream.write(`calcitag: ${progressLine(p)}\n`);
        return;
      }
      if (!bar) {
        bar = new cliProgress.SingleBar(options, cliProgress.Presets.shades_classic);
        bar.start(p.total, p.done, payload);
      } else {
        bar.update(p.done, payload);
      }
    },
    log: (line) => {
      clear();
      stream.write(`${line}\n`);
    },
    stop: clear,
  };
}

/**
 * Turns per-protocol trial callbacks (as `runProtocols` and `runProtocolsParallel` give them) into
 * {@link ExperimentProgress} events, so protocol-name runs report like experiment files.
 */
export function protocolProgress(protocols: readonly string[], trials: number, onProgress: (p: ExperimentProgress) => void) {
  const t0 = performance.now();
  const total = protocols.length * trials;
  let done = 0;
  const emit = (phase: ExperimentProgress['phase'], name: string | undefined, trialsDone: number) => {
    const elapsed_s = (performance.now() - t0) / 1000;
    const index = name === undefined ? (phase === 'done' ? protocols.length : 0) : Math.max(0, protocols.indexOf(name));
    onProgress({
      phase, ...(name !== undefined ? { protocol: name } : {}), protocolIndex: index, protocols: protocols.length,
      trialsDone, trials, done, total, elapsed_s, eta_s: done > 0 ? (elapsed_s / done) * (total - done) : undefined,
    });
  };
  return {
    start: () => emit('start', undefined, 0),
    trial: (name: string, trialsDone: number) => {
      done++;
      emit('trial', name, trialsDone);
    },
    protocol: (name: string) => emit('protocol', name, trials),
    done: () => emit('done', undefined, trials),
  };
}
