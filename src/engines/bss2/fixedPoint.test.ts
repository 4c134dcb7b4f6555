import { describe, expect, it } from 'vitest';
import { defaultScales, FORMATS, fracMul, lsb, mulWide, quantiseCoefficient, satAdd, saturate, satSub } from './fixedPoint.js';

describe('integer formats', () => {
  it('saturate instead of wrapping around', () => {
    const f8 = FORMATS.int8, f16 = FORMATS.int16, f32 = FORMATS.int32;
    expect(satAdd(100, 100, f8)).toBe(127);
    expect(satAdd(-100, -100, f8)).toBe(-128);
    expect(satSub(-30000, 10000, f16)).toBe(-32768);
    expect(satAdd(2147483000, 1000, f32)).toBe(2147483647);
    expect(saturate(5, f8)).toBe(5);
  });

  it('fractional multiply of the vector lanes saturates (−1)·(−1) and rounds toward −∞', () => {
    const f8 = FORMATS.int8, f16 = FORMATS.int16;
    expect(fracMul(-128, -128, f8)).toBe(127); // +1.0 does not exist in Q7
    expect(fracMul(64, 64, f8)).toBe(32); // 0.5 · 0.5 = 0.25
    expect(fracMul(-1, 1, f8)).toBe(-1); // −2^-14 → −2^-7 (arithmetic shift)
    expect(fracMul(16384, -16384, f16)).toBe(-8192);
    expect(() => fracMul(1, 1, FORMATS.int32)).toThrow();
  });

  it('the 48-bit product from 16-bit halves is exact', () => {
    const out = { hi: 0, lo: 0 };
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0);
    for (let i = 0; i < 2000; i++) {
      const a = rnd() | 0;
      const k = rnd() & 0xffff;
      mulWide(a, k, out);
      const exact = BigInt(a) * BigInt(k);
      expect(BigInt(out.hi) * 65536n + BigInt(out.lo)).toBe(exact);
      expect(out.lo).toBeGreaterThanOrEqual(0);
      expect(out.lo).toBeLessThan(65536);
    }
  });

  it('quantises coefficients with as many mantissa bits as the product register allows', () => {
    const c = 1.4526e-7; // h's relaxation at rest per 1 ms
    const q16 = quantiseCoefficient(c, FORMATS.int16);
    expect(q16.s).toBe(31);
    expect(Math.abs(q16.value / c - 1)).toBeLessThan(2e-3);
    const q32 = quantiseCoefficient(c, FORMATS.int32);
    expect(q32.k).toBeLessThan(65536);
    expect(Math.abs(q32.value / c - 1)).toBeLessThan(3e-5);
    const q8 = quantiseCoefficient(c, FORMATS.int8); // 2^-15 is the smallest int8 coefficient
    expect(q8.underflow).toBe(true);
    expect(q8.value).toBe(0);
    const big = quantiseCoefficient(3000.5, FORMATS.int32);
    expect(big.value).toBeCloseTo(3000.5, 3);
    expect(quantiseCoefficient(0, FORMATS.int8)).toMatchObject({ k: 0, underflow: false });
  });

  it('keeps the extra bit when c·2^(s+1) rounds down to the largest mantissa (found by the property test)', () => {
    // 127/c is just below 16, so log2 alone gives s = 3 (k 64); s = 4 gives k = round(127.0000000000000…) = 127
    const q = quantiseCoefficient(7.937500000000002, FORMATS.int8);
    expect(q).toMatchObject({ k: 127, s: 4 });
  });

  it('documents each variable\'s scale: FS_h 16 mV, FS_z 2, FS_p 2 for the default parameters', () => {
    const s = defaultScales(10, 4.2, 1, -0.5, 1);
    expect(s).toEqual({ h_mV: 16, z: 2, p: 2 });
    expect(lsb(s.h_mV, FORMATS.int8)).toBe(0.125);
    expect(lsb(s.h_mV, FORMATS.int16)).toBeCloseTo(4.8828e-4, 7);
    expect(lsb(s.z, FORMATS.int32)).toBeCloseTo(2 ** -30, 15);
  });
});
