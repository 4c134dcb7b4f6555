import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, npyHeader, NpyStreamWriter, writeNpy } from './npy.js';

describe('.npy files', () => {
  it('have a 64-byte aligned v1.0 header and round-trip', () => {
    const data = Float64Array.from([1.5, -2, Math.PI, 1e-300, 6]);
    const buf = encodeNpy(data, [5]);
    expect(Array.from(buf.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLen = buf[8]! | (buf[9]! << 8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(new TextDecoder().decode(buf.subarray(10, 10 + headerLen))).toMatch(/^\{'descr': '<f8', 'fortran_order': False, 'shape': \(5,\), \} *\n$/);
    const back = decodeNpy(buf);
    expect(back.shape).toEqual([5]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    expect(decodeNpy(encodeNpy(Int32Array.from([1, 2, 3, 4, 5, 6]), [2, 3])).shape).toEqual([2, 3]);
    expect(() => encodeNpy(data, [2, 2])).toThrow(/shape/);
    expect(npyHeader('<f8', [3, 4], 128).length).toBe(128);
  });

  it('stream rows and appear only when complete, shrinking to the rows written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calcitag-npy-'));
    const w = new NpyStreamWriter(join(dir, 'a.npy'), 3, 4);
    w.append(Float64Array.from([0, 1, 2]));
    w.append(Float64Array.from([3, 4, 5, 6, 7, 8]));
    expect(readdirSync(dir).filter((f) => f === 'a.npy')).toEqual([]);
    w.finish(); // 9 values: two complete rows
    const back = decodeNpy(readFileSync(join(dir, 'a.npy')));
    expect(back.shape).toEqual([2, 4]);
    expect(Array.from(back.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const t = new NpyStreamWriter(join(dir, 't.npy'), 1, 3, true);
    t.append(Float64Array.from([1, 2, 3]));
    t.finish();
    expect(decodeNpy(readFileSync(join(dir, 't.npy'))).shape).toEqual([3]);
    const gone = new NpyStreamWriter(join(dir, 'b.npy'), 1, 1);
    gone.abort();
    writeNpy(join(dir, 'c.npy'), Float64Array.from([7]));
    expect(readdirSync(dir).sort()).toEqual(['a.npy', 'c.npy', 't.npy']);
  });
});
