/** Probe recordings for the dashboard: listing npy/ files and reading reduced windows of them. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProbes, readNpyHeader, readProbeWindow } from '../src/web/probes.js';

/** A minimal .npy (version 1, little-endian float64, C order). */
function npy(data: Float64Array, shape: number[]): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}

let dir: string;
const N = 100_000;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calcitag-probes-'));
  const npyDir = join(dir, 'npy');
  mkdirSync(npyDir);
  const t = Float64Array.from({ length: N }, (_, i) => 10 + i * 1e-3);
  // trial rows 2 and 5; c = a spike of 7 at sample 50 000 (trial 2) on a ramp
  const c = new Float64Array(2 * N);
  for (let i = 0; i < N; i++) {
    c[i] = i / N;
    c[N + i] = -i / N;
  }
  c[50_000] = 7;
  writeFileSync(join(npyDir, 'my_probe_STET-2h_t_s.npy'), npy(t, [N]));
  writeFileSync(join(npyDir, 'my_probe_STET-2h_c.npy'), npy(c, [2, N]));
  writeFileSync(join(npyDir, 'my_probe_STET-2h_h.npy'), npy(c.map((v) => v + 4), [2, N]));
  writeFileSync(join(npyDir, 'my_probe_STET-2h_c.npy.tmp-1-2'), 'partial');
  writeFileSync(join(dir, 'experiment.json'), JSON.stringify({ probes: [{ name: 'my_probe', variables: ['c', 'h', 'spikes'], trials: [2, 5] }], protocols: [{ name: 'STET-2h' }] }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('probe recordings', () => {
  it('reads .npy headers', () => {
    expect(readNpyHeader(join(dir, 'npy', 'my_probe_STET-2h_c.npy'))).toMatchObject({ descr: '<f8', shape: [2, N] });
  });

  it('lists probe, protocol (names with _ and - split by experiment.json), variables and trials', () => {
    expect(listProbes(dir)).toEqual([
      { probe: 'my_probe', protocol: 'STET-2h', variables: ['c', 'h'], trials: [2, 5], samples: N, t_first_s: 10, t_last_s: 10 + (N - 1) * 1e-3 },
    ]);
    expect(listProbes(join(dir, 'nowhere'))).toEqual([]);
  });

  it('reduces a long window to min/max pairs that keep a one-sample spike', () => {
    const [p] = listProbes(dir);
    const w = readProbeWindow(dir, p!, ['c'], [2, 5], -Infinity, Infinity, 1000);
    expect(w.total).toBe(N);
    expect(w.bucket).toBe(200);
    expect(w.rows).toBe(1000);
    expect(w.columns).toEqual(['t_s', 'c[2]', 'c[5]']);
    expect(Math.max(...w.data[1]!)).toBe(7);
    expect(Math.min(...w.data[2]!)).toBeCloseTo(-(N - 1) / N, 12);
    // times ascend; each bucket spans its first to its last sample
    for (let i = 1; i < w.rows; i++) expect(w.data[0]![i]!).toBeGreaterThanOrEqual(w.data[0]![i - 1]!);
    expect(w.data[0]![0]).toBe(10);
    expect(w.data[0]![1]).toBeCloseTo(10 + 199e-3, 12);
  });

  it('reads a zoomed window sample by sample, one sample beyond each end', () => {
    const [p] = listProbes(dir);
    const w = readProbeWindow(dir, p!, ['h', 'c'], [2], 59.9995, 60.0025, 1000);
    expect(w.bucket).toBe(1);
    expect(w.columns).toEqual(['t_s', 'h[2]', 'c[2]']);
    expect(w.data[0]![0]).toBeLessThan(59.9995);
    expect(w.data[0]![w.rows - 1]).toBeGreaterThan(60.0025);
    const i = Array.from(w.data[0]!).findIndex((t) => Math.abs(t - 60) < 1e-9);
    expect(w.data[2]![i]).toBe(7);
    expect(w.data[1]![i]).toBe(11);
  });

  it('names what is not recorded', () => {
    const [p] = listProbes(dir);
    expect(() => readProbeWindow(dir, p!, ['V'], [2], 0, 1, 100)).toThrow(/no variable 'V'; allowed: c, h/);
    expect(() => readProbeWindow(dir, p!, ['c'], [3], 0, 1, 100)).toThrow(/did not record trial 3; allowed: 2, 5/);
  });
});
