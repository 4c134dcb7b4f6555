/**
 * What a checkpoint costs in memory beside the state it saves: `node dist/bench/checkpointMemory.js
 * [--mb M]` (part of `npm run bench:checkpoint`).
 *
 * A synthetic checkpoint of M MB of state arrays (default 512: half of what a 20 000-neuron network saves)
 * is written and read back, each way in a child process of its own, and the process's peak resident memory
 * (VmHWM) above the state itself is reported: writing it piece by piece from the arrays (writeCheckpoint)
 * against the whole-buffer baseline (encodeCheckpoint, then one atomic write), and reading it array by
 * array (readCheckpoint) against reading the file whole and decoding it (decodeCheckpoint).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, type NetworkCheckpoint } from '../src/engines/reference/networkCheckpoint.js';
import { writeFileAtomic } from '../src/io/files.js';
import { checkpointName, decodeCheckpoint, encodeCheckpoint, readCheckpoint, writeCheckpoint } from '../src/io/networkCheckpointFile.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '512' }, mode: { type: 'string' }, dir: { type: 'string' } } });
const MB = Number(values.mb);
const hwmMB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const rssMB = () => process.memoryUsage().rss / 2 ** 20;

function synthetic(): NetworkCheckpoint {
  const n = (MB * 2 ** 20) / 8 / 4; // four Float64Arrays (c, h, z, Λ marks of the synapses)
  const arrays = Object.fromEntries(['c', 'h', 'z', 'lam'].map((k, i) => [k, new Float64Array(n).fill(i + 0.5)]));
  return {
    format: CHECKPOINT_FORMAT, format_version: CHECKPOINT_FORMAT_VERSION,
    run: { engine: 'fast', seed: 1, trial: 0, dt_ms: 0.2, fast_forward: true, neurons: 0, synapses: n } as NetworkCheckpoint['run'],
    t_s: 1, position: { segment: 0, step: 0 }, counters: { steps: 0, ffSteps: 0, maxDev: 0, lastStep: 0, ffIntervals: [] },
    scalars: {}, probes: [], arrays,
  };
}

if (values.mode) {
  // child: one way of writing or reading; prints the peak above the resident memory before it
  const dir = values.dir!;
  if (values.mode.startsWith('write')) {
    const cp = synthetic();
    const before = rssMB();
    if (values.mode === 'write-pieces') writeCheckpoint(dir, cp);
    else writeFileAtomic(join(dir, checkpointName(cp.t_s)), encodeCheckpoint(cp));
    process.stdout.write(String(hwmMB() - before));
  } else {
    const before = rssMB();
    const path = join(dir, checkpointName(1));
    const cp = values.mode === 'read-arrays' ? readCheckpoint(path) : decodeCheckpoint(readFileSync(path), path);
    process.stdout.write(String(hwmMB() - before - Object.values(cp.arrays).reduce((s, a) => s + a.byteLength, 0) / 2 ** 20));
  }
} else {
  const dir = mkdtempSync(join(tmpdir(), 'calcitag-ckptmem-'));
  const child = (mode: string) => {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--mode', mode, '--dir', dir, '--mb', String(MB)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout);
  };
  const [whole, pieces] = [child('write-whole'), child('write-pieces')];
  const [readWhole, readArrays] = [child('read-whole'), child('read-arrays')];
  console.log(`checkpoint memory: ${MB} MB of state; peak resident memory above the state (VmHWM), each in a process of its own`);
  const of = (x: number) => `${(x / MB).toFixed(2)}× the state`;
  console.log(`  save:   whole buffer ${whole.toFixed(1)} MB (${of(whole)}), piece by piece ${pieces.toFixed(1)} MB (${of(pieces)})`);
  console.log(`  resume: file read whole ${readWhole.toFixed(1)} MB (${of(readWhole)}), array by array ${readArrays.toFixed(1)} MB (${of(readArrays)})`);
  rmSync(dir, { recursive: true, force: true });
}
