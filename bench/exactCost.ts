/**
 * What one exact-engine trial costs, beside its time: `npm run bench:exact-cost`
 * (`node dist/bench/exactCost.js [--trials N]`). Machine-independent figures, so that a change to the
 * engine can be judged on this shared VM, whose speed varies by a factor of about 1.7:
 *
 * 1. per protocol, events and exact OU samples per 8-hour trial, with and without the dropped PSP
 *    arrivals (engine option everyPsp), and the median CPU of both in this run (the ratio is the figure);
 * 2. heap bytes allocated per SLFS trial (V8's sampling heap profiler, objects collected by GC included);
 * 3. the ensemble reduction per trial: a worker's share (finiteness check, trace statistics in blocks,
 *    checkpoint samples) and the main thread's share of a parallel ensemble (the row, block merges);
 * 4. with `--slfs-blocks K` (and nothing else): only the median CPU of K consecutive blocks of N SLFS trials
 *    in a fresh process, from its first trial on — the JIT's warm-up and the host's changes of speed over a
 *    run (pin it with `taskset -c CPU` to compare the machine's vCPUs).
 */
import { Session } from 'node:inspector/promises';
import { getEngine } from '../src/engines/registry.js';
import type { TrialSpec } from '../src/engines/types.js';
import { resolveParams } from '../src/model/parameters.js';
import { PRESET_NAMES, PRESET_PROTOCOLS, type PresetName } from '../src/model/protocols.js';
import { REDUCE_BLOCK, TrialTraceReducer, blockRecordLength } from '../src/experiments/ensembleBlock.js';
import { CP_OFFSET, ROW_LENGTH } from '../src/experiments/workerProtocol.js';
import { PackedEnsembleReducer } from '../src/experiments/workerReduce.js';

const argv = process.argv.slice(2);
const trials = Number(argv.includes('--trials') ? argv[argv.indexOf('--trials') + 1] : 300);
const exact = getEngine('exact');
const params = resolveParams();
const spec = (protocol: PresetName, trial: number, everyPsp: boolean): TrialSpec => ({
  params, protocol: PRESET_PROTOCOLS[protocol], seed: 12345, trial, dt_ms: 0.2, fastForward: true, sampleInterval_s: 60,
  recordCalcium: false, engineOptions: { everyPsp },
});
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function perTrial(protocol: PresetName, everyPsp: boolean): { events: number; ouSteps: number; cpu_ms: number } {
  for (let k = 0; k < 30; k++) exact.runTrial(spec(protocol, 1_000_000 + k, everyPsp));
  let events = 0, ouSteps = 0;
  const cpu: number[] = [];
  for (let k = 0; k < trials; k++) {
    const c0 = cpuMs();
    const r = exact.runTrial(spec(protocol, k, everyPsp));
    cpu.push(cpuMs() - c0);
    events += Number(r.diagnostics!.events);
    ouSteps += Number(r.diagnostics!.ouSteps);
  }
  return { events: events / trials, ouSteps: ouSteps / trials, cpu_ms: median(cpu) };
}

async function heapPerTrial(protocol: PresetName, n: number): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
  for (let k = 0; k < n; k++) exact.runTrial(spec(protocol, 10_000 + k, false));
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  type Node = { selfSize: number; children: Node[] };
  const total = (x: Node): number => x.selfSize + x.children.reduce((a, c) => a + total(c), 0);
  return total(profile.head as Node) / n;
}

/**
 * µs per trial to reduce chunks of 256 synthetic trials (the grid of an 8-hour trial at 60 s): in the
 * worker (trace blocks, checkpoints) and on the main thread (rows, block merges).
 */
function reductionPerTrial(): { worker: number; main: number } {
  const len = 482, count = 256, chunks = 160;
  const t_s = Float64Array.from({ length: len }, (_, i) => Math.min(60 * i, 28_800));
  const traces = Array.from({ length: count }, (_, k) =>
    Array.from({ length: 3 }, (_, j) => Float64Array.from({ length: len }, (_, i) => 4.2 + ((k * 31 + (j * len + i) * 17) % 97) / 97)));
  const red = new TrialTraceReducer(t_s, params.h0, 'synthetic');
  const rows = new Float64Array(count * ROW_LENGTH);
  const blocks = new Float64Array((count / REDUCE_BLOCK) * blockRecordLength(len));
  let worker = 0, main = 0;
  const acc = new PackedEnsembleReducer(params.h0, 'synthetic');
  for (let chunk = 0; chunk < chunks; chunk++) {
    let c0 = cpuMs();
    let nBlocks = 0;
    for (let k = 0; k < count; k++) {
      const [H, Z, P] = traces[k]!;
      red.add(H!, Z!, P!, chunk * count + k, 0.1, 0.5);
      rows[k * ROW_LENGTH] = chunk * count + k;
      rows.set(red.cp, k * ROW_LENGTH + CP_OFFSET);
      if (red.blockFull) red.takeBlock(blocks, nBlocks++ * blockRecordLength(len));
    }
    worker += cpuMs() - c0;
    c0 = cpuMs();
    for (let k = 0; k < count; k++) acc.addPacked(rows, k);
    acc.addBlocks(t_s, blocks, nBlocks);
    main += cpuMs() - c0;
  }
  return { worker: (worker * 1000) / (chunks * count), main: (main * 1000) / (chunks * count) };
}

/** The median CPU of each of `blocks` consecutive blocks of `trials` SLFS trials, from the process's first trial. */
function slfsBlocks(blocks: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const cpu: number[] = [];
    for (let k = 0; k < trials; k++) {
      const c0 = cpuMs();
      exact.runTrial(spec('SLFS', b * trials + k, false));
      cpu.push(cpuMs() - c0);
    }
    out.push(median(cpu));
  }
  return out;
}

async function main(): Promise<void> {
  if (argv.includes('--slfs-blocks')) {
    const blocks = Number(argv[argv.indexOf('--slfs-blocks') + 1]);
    console.log(`SLFS, median CPU of ${blocks} consecutive blocks of ${trials} trials (ms): ${slfsBlocks(blocks).map((x) => x.toFixed(3)).join(' ')}`);
    return;
  }
  console.log(`exact engine cost per 8-hour trial (${trials} trials per protocol, seed 12345)`);
  console.log('protocol  events (all PSPs → dropped)   OU samples        median CPU (all → dropped)   ratio');
  for (const p of PRESET_NAMES) {
    const every = perTrial(p, true), dropped = perTrial(p, false);
    console.log(`${p.padEnd(8)}  ${every.events.toFixed(0).padStart(6)} → ${dropped.events.toFixed(0).padStart(6)}          ${every.ouSteps.toFixed(0).padStart(5)} → ${dropped.ouSteps.toFixed(0).padStart(5)}    ${every.cpu_ms.toFixed(3)} → ${dropped.cpu_ms.toFixed(3)} ms            ${(every.cpu_ms / dropped.cpu_ms).toFixed(2)} ×`);
  }
  console.log(`heap allocated per SLFS trial: ${(await heapPerTrial('SLFS', 300) / 1024).toFixed(0)} KB (sampling heap profiler)`);
  const red = reductionPerTrial();
  console.log(`ensemble reduction per trial: ${red.worker.toFixed(1)} µs in the worker, ${red.main.toFixed(1)} µs on the main thread`);
}

void main();
