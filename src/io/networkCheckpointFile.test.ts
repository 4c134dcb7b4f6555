import { mkdtempSync, readFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, type NetworkCheckpoint } from '../engines/reference/networkCheckpoint.js';
import { checkpointName, checkpointTime, decodeCheckpoint, encodeCheckpoint, readCheckpoint, writeCheckpoint } from './networkCheckpointFile.js';

/** A checkpoint with arrays of every type, odd lengths (padding), views at an offset, −0 and NaN payloads. */
function sample(): NetworkCheckpoint {
  const f = new Float64Array(10).map((_, i) => i * 0.1 - 0.3);
  f[1] = -0;
  new DataView(f.buffer).setUint32(16, 0x7ff80001); // a NaN with a payload
  const backing = new Int32Array(9).map((_, i) => i * 7919 - 20);
  return {
    format: CHECKPOINT_FORMAT, format_version: CHECKPOINT_FORMAT_VERSION,
    run: { engine: 'fast', seed: 1, trial: 0, dt_ms: 0.2, fast_forward: true, neurons: 3, synapses: 5 } as NetworkCheckpoint['run'],
    t_s: 12.5, position: { segment: 2, step: 77 }, counters: { steps: 1, ffSteps: 2, maxDev: 0.5, lastStep: 3, ffIntervals: [1, 2] },
    scalars: { restCount: 4 }, probes: [{ next: 5, series: ['a'] }],
    arrays: { f, i: backing.subarray(2, 7), u: Uint8Array.of(1, 2, 3) },
  };
}

const bitsOf = (cp: NetworkCheckpoint) => Object.fromEntries(Object.entries(cp.arrays).map(([k, a]) => [k, [a.constructor.name, Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))]]));

describe('checkpoint files', () => {
  it('are named by their simulated time in milliseconds, and the name gives the time back', () => {
    for (const t of [0, 0.2, 4.5, 600, 28_820]) expect(checkpointTime(checkpointName(t))).toBe(t);
    expect(checkpointName(28_820)).toBe('t000028820000ms.ckpt');
    expect(checkpointTime('notes.txt')).toBeNaN();
  });

  it('are written piece by piece with the same bytes as encodeCheckpoint, and read back array by array bit for bit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calcitag-ckptfile-'));
    const cp = sample();
    const path = writeCheckpoint(dir, cp);
    expect(path.endsWith('t000000012500ms.ckpt')).toBe(true);
    expect(new Uint8Array(readFileSync(path))).toEqual(encodeCheckpoint(cp));
    const back = readCheckpoint(path);
    expect(bitsOf(back)).toEqual(bitsOf(cp));
    expect(bitsOf(decodeCheckpoint(readFileSync(path)))).toEqual(bitsOf(cp));
    const { arrays: _a, ...rest } = back;
    const { arrays: _b, ...want } = cp;
    expect(rest).toEqual(want);
    for (const a of Object.values(back.arrays)) expect(a.byteOffset % 8).toBe(0);
  });

  it('refuses a truncated file or another kind of file with a one-line reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calcitag-ckptfile-'));
    const path = writeCheckpoint(dir, sample());
    truncateSync(path, readFileSync(path).length - 6); // into the last array (3 bytes, then 5 of padding)
    expect(() => readCheckpoint(path)).toThrow(/truncated or damaged \(array u\)/);
    truncateSync(path, 20);
    expect(() => readCheckpoint(path)).toThrow(/the file is truncated/);
    truncateSync(path, 5);
    expect(() => readCheckpoint(path)).toThrow(/not a calcitag network checkpoint/);
  });
});
