/**
 * Worker-thread entry of the parallel ensemble runner: receives ensemble configurations once, then runs
 * chunks of trials and posts each chunk back as one transferable Float64Array (see workerProtocol.ts).
 * Trials are computed exactly as in runEnsemble (same TrialSpec, calcium recorded for the ensemble's
 * first trial only), so a trial's result does not depend on which worker ran it.
 */
import { parentPort } from 'node:worker_threads';
import { getEngine } from '../engines/registry.js';
import type { CalciumTrace } from '../engines/types.js';
import type { EnsembleConfig } from './ensemble.js';
import { packTrial, recordLength, type FromWorker, type ToWorker } from './workerProtocol.js';

let configs: EnsembleConfig[] = [];

function runTask(task: number, ensemble: number, first: number, count: number): FromWorker {
  const cfg = configs[ensemble]!;
  const engine = getEngine(cfg.engine);
  const ensembleFirst = cfg.firstTrial ?? 0;
  let data: Float64Array | undefined;
  let t_s: Float64Array | undefined;
  let n = 0;
  let calcium: CalciumTrace | undefined;
  for (let k = 0; k < count; k++) {
    const trial = first + k;
    const t0 = performance.now();
    const r = engine.runTrial({
      params: cfg.params, protocol: cfg.protocol, seed: cfg.seed, trial, dt_ms: cfg.dt_ms, fastForward: cfg.fastForward,
      sampleInterval_s: cfg.sampleInterval_s, recordCalcium: trial === ensembleFirst, engineOptions: cfg.engineOptions,
    });
    const wall = performance.now() - t0;
    if (!data) {
      n = r.t_s.length;
      t_s = Float64Array.from(r.t_s);
      data = new Float64Array(count * recordLength(n));
    }
    packTrial(data, k, n, r, wall);
    if (r.calcium) calcium = { t_s: r.calcium.t_s.slice(), c: r.calcium.c.slice(), h_mV: r.calcium.h_mV.slice() };
  }
  return { type: 'done', task, ensemble, first, count, n, t_s: t_s!, data: data!, calcium };
}

parentPort!.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') {
    configs = msg.configs;
  } else if (msg.type === 'task') {
    let out: FromWorker;
    try {
      out = runTask(msg.task, msg.ensemble, msg.first, msg.count);
    } catch (e) {
      const err = e as Error;
      parentPort!.postMessage({ type: 'error', task: msg.task, message: err.message, stack: err.stack } satisfies FromWorker);
      return;
    }
    const transfer: ArrayBuffer[] = [out.type === 'done' ? (out.data.buffer as ArrayBuffer) : new ArrayBuffer(0)];
    if (out.type === 'done') {
      transfer.push(out.t_s.buffer as ArrayBuffer);
      if (out.calcium) transfer.push(out.calcium.t_s.buffer as ArrayBuffer, out.calcium.c.buffer as ArrayBuffer, out.calcium.h_mV.buffer as ArrayBuffer);
    }
    parentPort!.postMessage(out, transfer);
  } else if (msg.type === 'stop') {
    parentPort!.close();
  }
});
