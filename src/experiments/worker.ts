/**
 * Worker-thread entry of the parallel ensemble runner: receives ensemble configurations once, then runs
 * chunks of trials, reduces them (checkpoint samples per trial, trace statistics per block of
 * REDUCE_BLOCK trials; ensembleBlock.ts) and posts each chunk back as transferable Float64Arrays (see
 * workerProtocol.ts). Trials are computed exactly as in runEnsemble (same TrialSpec, calcium recorded for
 * the ensemble's first trial only), so a trial's result does not depend on which worker ran it.
 */
import { parentPort } from 'node:worker_threads';
import { getEngine } from '../engines/registry.js';
import type { CalciumTrace } from '../engines/types.js';
import type { EnsembleConfig } from './ensemble.js';
import { NonFiniteStateError, REDUCE_BLOCK, TrialTraceReducer, blockRecordLength } from './ensembleBlock.js';
import { CP_OFFSET, ROW_LENGTH, packScalars, type FromWorker, type NonFiniteReport, type ToWorker } from './workerProtocol.js';

let configs: EnsembleConfig[] = [];

function runTask(task: number, ensemble: number, first: number, count: number): Extract<FromWorker, { type: 'done' }> {
  const cfg = configs[ensemble]!;
  const engine = getEngine(cfg.engine);
  const ensembleFirst = cfg.firstTrial ?? 0;
  const rows = new Float64Array(count * ROW_LENGTH);
  let red: TrialTraceReducer | undefined;
  let blocks = new Float64Array(0);
  let nBlocks = 0;
  let calcium: CalciumTrace | undefined;
  let nonFinite: NonFiniteReport | undefined;
  let k = 0;
  for (; k < count; k++) {
    const trial = first + k;
    const t0 = performance.now();
    const r = engine.runTrial({
      params: cfg.params, protocol: cfg.protocol, seed: cfg.seed, trial, dt_ms: cfg.dt_ms, fastForward: cfg.fastForward,
      sampleInterval_s: cfg.sampleInterval_s, recordCalcium: trial === ensembleFirst, engineOptions: cfg.engineOptions,
    });
    const wall = performance.now() - t0;
    if (!red) {
      red = new TrialTraceReducer(Float64Array.from(r.t_s), cfg.params.h0, cfg.protocol.name);
      blocks = new Float64Array(Math.ceil(count / REDUCE_BLOCK) * blockRecordLength(red.t_s.length));
    }
    try {
      red.add(r.h_mV, r.z, r.p, r.trial, r.maxDev_mV, r.pMax, r.calcium);
    } catch (e) {
      if (!(e instanceof NonFiniteStateError)) throw e;
      nonFinite = { trial: e.trial, variable: e.variable, t_s: e.t_s, value: e.value, protocol: e.protocol };
      break;
    }
    packScalars(rows, k, r, wall);
    rows.set(red.cp, k * ROW_LENGTH + CP_OFFSET);
    if (red.blockFull) red.takeBlock(blocks, nBlocks++ * blockRecordLength(red.t_s.length));
    if (r.calcium) calcium = { t_s: r.calcium.t_s.slice(), c: r.calcium.c.slice(), h_mV: r.calcium.h_mV.slice() };
  }
  if (nonFinite) nBlocks = 0;
  else if (red && red.block.n > 0) red.takeBlock(blocks, nBlocks++ * blockRecordLength(red.t_s.length));
  const t_s = red?.t_s ?? new Float64Array(0);
  return { type: 'done', task, ensemble, first, count: k, n: t_s.length, t_s, rows, blocks, nBlocks, calcium, ...(nonFinite ? { nonFinite } : {}) };
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
    const transfer: ArrayBuffer[] = [out.rows.buffer as ArrayBuffer, out.blocks.buffer as ArrayBuffer, out.t_s.buffer as ArrayBuffer];
    if (out.calcium) transfer.push(out.calcium.t_s.buffer as ArrayBuffer, out.calcium.c.buffer as ArrayBuffer, out.calcium.h_mV.buffer as ArrayBuffer);
    parentPort!.postMessage(out, transfer);
  } else if (msg.type === 'stop') {
    parentPort!.close();
  }
});
