import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../random/streams.js';
import { IdealRandom, Lfsr16, lfsrByteTable, LfsrSequence, LFSR_PERIOD, SUM4_SD } from './lfsr.js';

describe('per-column 16-bit LFSR', () => {
  it('starts from state 1 with known outputs', () => {
    const g = new Lfsr16(1);
    expect(Array.from({ length: 8 }, () => g.next8())).toEqual([1, 104, 65, 20, 123, 107, 145, 151]);
    const h = new Lfsr16(0xace1);
    expect(Array.from({ length: 4 }, () => h.next8())).toEqual([225, 196, 98, 59]);
  });

  it('is maximal: every non-zero state once in 65 535 clocks', () => {
    const g = new Lfsr16(1);
    const seen = new Uint8Array(65536);
    let repeats = 0;
    for (let i = 0; i < LFSR_PERIOD; i++) {
      if (seen[g.state]) repeats++;
      seen[g.state] = 1;
      g.clock();
    }
    expect(repeats).toBe(0);
    expect(g.state).toBe(1);
    expect(seen[0]).toBe(0);
  });

  it('the byte sequence has period 65 535 and near-uniform bytes', () => {
    const t = lfsrByteTable();
    const g = new Lfsr16(1);
    for (let i = 0; i < LFSR_PERIOD; i++) g.next8();
    expect(g.state).toBe(1); // 8·65535 clocks: back to the start
    const counts = new Array<number>(256).fill(0);
    for (const b of t) counts[b]!++;
    expect(Math.min(...counts)).toBe(255); // zero byte once short
    expect(Math.max(...counts)).toBe(256);
  });

  it('the table form gives the generator\'s outputs from the state 8·offset clocks after 1', () => {
    const offset = 777;
    const g = new Lfsr16(1);
    for (let i = 0; i < 8 * offset; i++) g.clock();
    const seq = new LfsrSequence(offset);
    for (let i = 0; i < 100; i++) expect(seq.next8()).toBe(g.next8());
    const a = new LfsrSequence(3), b = new LfsrSequence(3);
    expect(a.bits(16)).toBe((b.next8() << 8) | b.next8());
    expect(a.bits(4)).toBe(b.next8() >>> 4);
  });

  it('four bytes sum to an approximately Gaussian number with the documented SD', () => {
    for (const rng of [new LfsrSequence(11), new IdealRandom(new RandomStream([5]))]) {
      let s = 0, s2 = 0;
      const n = 60_000;
      for (let i = 0; i < n; i++) {
        const g = rng.sum4Bytes() - 510;
        s += g;
        s2 += g * g;
      }
      expect(Math.abs(s / n)).toBeLessThan(3);
      expect(Math.sqrt(s2 / n) / SUM4_SD).toBeGreaterThan(0.98);
      expect(Math.sqrt(s2 / n) / SUM4_SD).toBeLessThan(1.02);
    }
  });

  it('rejects the all-zero state', () => {
    expect(() => new Lfsr16(0)).toThrow(/1\.\.65535/);
  });
});
