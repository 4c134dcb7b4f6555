/**
 * Trial ensembles on all cores (Node worker_threads).
 *
 * The trials of one or more ensembles are cut into chunks of whole reduction blocks (REDUCE_BLOCK trials
 * counted from the ensemble's first trial); workers run chunks in any order and on any thread and reduce
 * them themselves: checkpoint samples per trial, trace statistics per block (ensembleBlock.ts). The main
 * thread takes the finished chunks strictly in trial order, adds each trial's row and merges the block
 * summaries in block order, the same merges as the {@link EnsembleAccumulator} of the single-threaded
 * {@link runEnsemble}. Since every random stream is keyed by (seed, trial, purpose), a trial's result is the
 * same wherever it runs, so the ensemble result is bit-identical for any worker count and any chunking
 * (wall-clock fields aside).
 *
 * Memory stays bounded: only a fixed number of chunks may be ahead of the reduction (out-of-order
 * chunks wait in a small buffer), statistics are streamed, and only the small per-trial rows are kept.
 *
 * Node-only APIs are loaded lazily, so importing this module is harmless in a browser; use
 * runEnsemble there.
 */
import { ensembleConfigs, type RunConfig } from './protocolRun.js';
import { NonFiniteStateError, REDUCE_BLOCK, runEnsemble, type EnsembleConfig, type EnsembleResult, type TrialCallback } from './ensemble.js';
import type { FromWorker, ToWorker } from './workerProtocol.js';
import { PackedEnsembleReducer } from './workerReduce.js';
import { builtScript } from './builtScript.js';

/** How a parallel run is spread over threads. */
export interface ParallelOptions {
  /** Worker threads (default: os.availableParallelism()); 0 runs in this thread with runEnsemble. */
  readonly workers?: number;
  /**
   * Trials per task, rounded up to whole reduction blocks of REDUCE_BLOCK trials (default: about 8 tasks
   * per worker and ensemble, at most 256 trials).
   */
  readonly chunkSize?: number;
  /** Called for every trial, in trial order, as it is reduced. */
  readonly onTrial?: (ensemble: number) => TrialCallback | undefined;
  /** Called once an ensemble is complete (ensembles complete in order). */
  readonly onEnsemble?: (ensemble: number, result: EnsembleResult) => void;
  /** Worker script (default: the compiled worker.js next to this module, or dist/ when run from sources). */
  readonly workerUrl?: URL;
}

/** Number of hardware threads available to this process (1 where unknown, e.g. in a browser). */
export async function defaultWorkerCount(): Promise<number> {
  try {
    const os = await import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  } catch {
    return 1;
  }
}

/** The worker script: worker.js beside this module; from TypeScript sources (tests), the build in dist/. */
export function defaultWorkerUrl(): URL {
  return builtScript(import.meta.url, 'experiments/worker.js');
}

interface Task {
  readonly task: number;
  readonly ensemble: number;
  readonly first: number;
  readonly count: number;
}

/**
 * Cuts every ensemble into chunks of whole reduction blocks (only an ensemble's last chunk may end inside
 * one); tasks are numbered in (ensemble, trial) order.
 */
function makeTasks(configs: readonly EnsembleConfig[], workers: number, chunkSize?: number): Task[] {
  const tasks: Task[] = [];
  configs.forEach((cfg, e) => {
    const wanted = chunkSize ?? Math.max(1, Math.min(256, Math.ceil(cfg.trials / (8 * workers))));
    const size = Math.ceil(wanted / REDUCE_BLOCK) * REDUCE_BLOCK;
    const first = cfg.firstTrial ?? 0;
    for (let k = 0; k < cfg.trials; k += size) {
      tasks.push({ task: tasks.length, ensemble: e, first: first + k, count: Math.min(size, cfg.trials - k) });
    }
  });
  return tasks;
}

/**
 * Runs several ensembles on worker threads and returns their results in order. Results equal those of
 * runEnsemble on the same configurations, bit for bit (wall times aside).
 */
export async function runEnsemblesParallel(configs: readonly EnsembleConfig[], opts: ParallelOptions = {}): Promise<EnsembleResult[]> {
  const requested = opts.workers ?? (await defaultWorkerCount());
  if (!Number.isInteger(requested) || requested < 0) throw new Error(`workers ${requested} is invalid; allowed: an integer ≥ 0`);
  if (opts.chunkSize !== undefined && (!Number.isInteger(opts.chunkSize) || opts.chunkSize < 1)) {
    throw new Error(`chunkSize ${opts.chunkSize} is invalid; allowed: an integer ≥ 1`);
  }
  if (requested === 0) {
    return configs.map((cfg, e) => {
      const r = runEnsemble(cfg, opts.onTrial?.(e));
      opts.onEnsemble?.(e, r);
      return r;
    });
  }
  const tasks = makeTasks(configs, requested, opts.chunkSize);
  const nWorkers = Math.min(requested, tasks.length);
  const results: EnsembleResult[] = new Array(configs.length);
  if (tasks.length === 0) return results;

  const { Worker } = await import('node:worker_threads');
  const url = opts.workerUrl ?? defaultWorkerUrl();
  const accs = configs.map((cfg) => new PackedEnsembleReducer(cfg.params.h0, cfg.protocol.name));
  const done = configs.map(() => 0);
  const started = configs.map(() => NaN);
  const callbacks = configs.map((_, e) => opts.onTrial?.(e));
  /** Finished chunks not yet reduced, by task number (bounded by maxAhead). */
  const pending = new Map<number, Extract<FromWorker, { type: 'done' }>>();
  const maxAhead = 4 * nWorkers;
  let nextTask = 0;
  let nextReduce = 0;

  return new Promise<EnsembleResult[]>((resolve, reject) => {
    const workers: InstanceType<typeof Worker>[] = [];
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(err);
    };
    const dispatch = (w: InstanceType<typeof Worker>): boolean => {
      if (nextTask >= tasks.length || nextTask >= nextReduce + maxAhead) return false;
      const t = tasks[nextTask++]!;
      if (Number.isNaN(started[t.ensemble]!)) started[t.ensemble] = performance.now();
      w.postMessage({ type: 'task', task: t.task, ensemble: t.ensemble, first: t.first, count: t.count } satisfies ToWorker);
      return true;
    };
    const idle: InstanceType<typeof Worker>[] = [];
    const reduce = () => {
      for (let chunk = pending.get(nextReduce); chunk; chunk = pending.get(nextReduce)) {
        pending.delete(nextReduce);
        const e = chunk.ensemble;
        const cfg = configs[e]!;
        const acc = accs[e]!;
        for (let k = 0; k < chunk.count; k++) {
          const row = acc.addPacked(chunk.rows, k, result0Calcium(chunk, k));
          done[e]!++;
          callbacks[e]?.(done[e]!, cfg.trials, row);
        }
        const bad = chunk.nonFinite;
        if (bad) throw new NonFiniteStateError(bad.trial, bad.variable, bad.t_s, bad.value, bad.protocol);
        acc.addBlocks(chunk.t_s, chunk.blocks, chunk.nBlocks);
        if (done[e] === cfg.trials) {
          results[e] = accs[e]!.result(cfg.protocol.name, cfg.engine, performance.now() - started[e]!);
          opts.onEnsemble?.(e, results[e]!);
        }
        nextReduce++;
      }
      // the reduction window moved: wake idle workers
      while (idle.length > 0 && dispatch(idle[idle.length - 1]!)) idle.pop();
      if (nextReduce === tasks.length) {
        for (const w of workers) w.postMessage({ type: 'stop' } satisfies ToWorker);
        resolve(results);
      }
    };
    for (let i = 0; i < nWorkers; i++) {
      const w = new Worker(url);
      workers.push(w);
      w.on('message', (msg: FromWorker) => {
        if (failed) return;
        if (msg.type === 'error') {
          fail(new Error(`worker failed on task ${msg.task}: ${msg.message}${msg.stack ? `\n${msg.stack}` : ''}`));
          return;
        }
        pending.set(msg.task, msg);
        if (!dispatch(w)) idle.push(w);
        try {
          reduce();
        } catch (e) {
          fail(e as Error);
        }
      });
      w.on('error', (err) => fail(err));
      w.on('exit', (code) => {
        if (code !== 0 && nextReduce < tasks.length) fail(new Error(`worker exited with code ${code}`));
      });
      w.postMessage({ type: 'init', configs: configs as EnsembleConfig[] } satisfies ToWorker);
      if (!dispatch(w)) idle.push(w);
    }
  });
}

/** The calcium trace travels with the chunk that holds the ensemble's first trial. */
function result0Calcium(chunk: Extract<FromWorker, { type: 'done' }>, k: number) {
  return k === 0 ? chunk.calcium : undefined;
}

/** One ensemble on worker threads; see {@link runEnsemblesParallel}. */
export async function runEnsembleParallel(cfg: EnsembleConfig, opts: Omit<ParallelOptions, 'onTrial' | 'onEnsemble'> & { onTrial?: TrialCallback } = {}): Promise<EnsembleResult> {
  const [r] = await runEnsemblesParallel([cfg], { ...opts, onTrial: () => opts.onTrial });
  return r!;
}

/**
 * Runs every protocol of a resolved configuration on worker threads (the CLI's path). All protocols
 * share one pool, so workers never idle between protocols; `onProtocol` fires in protocol order.
 * Results equal those of the synchronous runProtocols bit for bit (wall times aside).
 */
export async function runProtocolsParallel(
  cfg: RunConfig,
  hooks: { workers?: number; chunkSize?: number; onTrial?: (protocol: string) => TrialCallback; onProtocol?: (protocol: string, result: EnsembleResult) => void } = {},
): Promise<EnsembleResult[]> {
  const names = cfg.protocols.map((p) => p.name);
  return runEnsemblesParallel(ensembleConfigs(cfg), {
    workers: hooks.workers, chunkSize: hooks.chunkSize,
    onTrial: hooks.onTrial ? (e) => hooks.onTrial!(names[e]!) : undefined,
    onEnsemble: hooks.onProtocol ? (e, r) => hooks.onProtocol!(names[e]!, r) : undefined,
  });
}
