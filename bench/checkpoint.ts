/**
 * What checkpoints of a network run cost: `npm run bench:checkpoint` (or `node dist/bench/checkpoint.js
 * [--engine fast|reference] [--every S] [--pairs P] [--seed S]`).
 *
 * The memory paradigm with 10 s recall (2000 neurons, 30 s simulated) on one thread, without checkpoints
 * and with one every S simulated seconds written to a temporary folder (capture, encode, atomic write,
 * pruning to the 3 latest: what `calcitag network --checkpoint-every S` does), alternating P times in this
 * process; the CPU ratio, the cost of one checkpoint ((with − without) / count), the file size, and a
 * check that the results are identical with and without (taking checkpoints must change no number).
 * Last, the latest checkpoint resumed once: the resumed run's result must equal the uninterrupted run's.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getEngine } from '../src/engines/registry.js';
import type { NetworkResult } from '../src/engines/networkTypes.js';
import type { NetworkCheckpoint } from '../src/engines/reference/networkCheckpoint.js';
import { latestCheckpoint, pruneCheckpoints, readCheckpoint, writeCheckpoint } from '../src/io/networkCheckpointFile.js';
import { memoryParadigm } from '../src/model/network/memoryParadigm.js';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'fast' }, every: { type: 'string', default: '1' }, pairs: { type: 'string', default: '2' }, seed: { type: 'string', default: '1' } } });
const engine = getEngine(values.engine);
if (!engine.savesNetworkState || !engine.runNetwork) throw new Error(`engine '${values.engine}' does not save its state`);
const EVERY = Number(values.every), PAIRS = Number(values.pairs);
const { description } = memoryParadigm({ recall: '10s' });
const spec = { description, seed: Number(values.seed), trial: 0, dt_ms: 0.2, fastForward: true };
const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** A result as one string with every typed array's bytes: equal strings, equal results bit for bit. */
const bits = (r: NetworkResult) => JSON.stringify(r, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v));

console.log(`calcitag checkpoint benchmark — ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`engine ${engine.name}, 2000-neuron memory paradigm (10 s recall, 30 s simulated), one thread, a checkpoint every ${EVERY} s`);
let plainBits = '';
const plainCpu: number[] = [], savedCpu: number[] = [];
let count = 0, bytes = 0, dir = '';
for (let pair = 0; pair < PAIRS; pair++) {
  let c0 = cpuS();
  const plain = engine.runNetwork(spec);
  plainCpu.push(cpuS() - c0);
  plainBits = bits(plain);
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), 'calcitag-bench-ckpt-'));
  count = 0;
  c0 = cpuS();
  const saved = engine.runNetwork(spec, {
    every_s: EVERY,
    save: (cp: NetworkCheckpoint) => {
      bytes = statSync(writeCheckpoint(dir, cp)).size;
      pruneCheckpoints(dir, 3);
      count++;
    },
  });
  savedCpu.push(cpuS() - c0);
  if (bits(saved) !== plainBits) throw new Error('taking checkpoints changed the result');
}
const best = (xs: number[]) => Math.min(...xs);
const per = ((best(savedCpu) - best(plainCpu)) / count) * 1e3;
console.log(`without checkpoints: CPU ${plainCpu.map((x) => x.toFixed(2)).join(', ')} s; with ${count}: ${savedCpu.map((x) => x.toFixed(2)).join(', ')} s`);
console.log(`ratio (best of each) ${(best(savedCpu) / best(plainCpu)).toFixed(3)}; ≈ ${per.toFixed(0)} ms of CPU per checkpoint; the last file ${(bytes / 1e6).toFixed(1)} MB`);
const last = latestCheckpoint(dir)!;
const c0 = cpuS();
const resumed = engine.runNetwork(spec, { resume: readCheckpoint(last) });
console.log(`resumed from ${last.slice(last.lastIndexOf('/') + 1)}: CPU ${(cpuS() - c0).toFixed(2)} s, result ${bits(resumed) === plainBits ? 'identical to the uninterrupted run' : 'DIFFERENT'}`);
rmSync(dir, { recursive: true, force: true });
console.log(`load at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (bits(resumed) !== plainBits) process.exit(1);
