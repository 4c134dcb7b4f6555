/**
 * Property-based tests (fast-check) of the BrainScaleS-2 fixed-point arithmetic (src/engines/bss2/
 * fixedPoint.ts, rounding.ts): every integer operation is checked against exact BigInt arithmetic over
 * its whole documented input range, not only the hand-picked cases of the unit tests.
 * FC_RUNS=<n> raises the number of cases per property (default 300); FC_SEED=<n> replays a seed (test/propertyCheck.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyCheck } from './propertyCheck.js';
import { FORMATS, FORMAT_NAMES, fracMul, mulWide, quantiseCoefficient, satAdd, saturate, satSub, type NumberFormat } from '../src/engines/bss2/fixedPoint.js';
import { expectedRounding, Rounder, stochasticRound, type RandomBits } from '../src/engines/bss2/rounding.js';

const check = propertyCheck(300);

const format = fc.constantFrom(...FORMAT_NAMES).map((n) => FORMATS[n]);
const valueIn = (f: NumberFormat) => fc.integer({ min: f.min, max: f.max });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const mantissa = fc.integer({ min: 0, max: 2 ** 16 - 1 });
const big = BigInt;
/** ⌊n / 2^s⌋ for a BigInt n (toward −∞, as an arithmetic shift). */
const floorShift = (n: bigint, s: number) => (s >= 0 ? n >> big(s) : n << big(-s));

/** A deterministic RandomBits from a seed (xorshift32): enough for properties that hold for any draw. */
function seeded(seed: number): RandomBits {
  let x = seed | 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  return {
    bits: (b) => (b >= 32 ? next() : next() >>> (32 - b)),
    sum4Bytes: () => (next() & 255) + (next() & 255) + (next() & 255) + (next() & 255),
  };
}

describe('fixed point: saturating add, subtract, multiply (any format, any in-range operands)', () => {
  it('saturate clamps into [min, max] and leaves in-range values alone', () => {
    check(fc.property(format, fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (f, x) => {
      const y = saturate(x, f);
      expect(y).toBeGreaterThanOrEqual(f.min);
      expect(y).toBeLessThanOrEqual(f.max);
      if (x >= f.min && x <= f.max) expect(y + 0).toBe(x + 0);
      else expect(y).toBe(x < f.min ? f.min : f.max);
    }));
  });

  it('satAdd / satSub equal the clamped exact sum and difference; satAdd commutes', () => {
    check(fc.property(format.chain((f) => fc.tuple(fc.constant(f), valueIn(f), valueIn(f))), ([f, a, b]) => {
      const clamp = (n: bigint) => Number(n > big(f.max) ? big(f.max) : n < big(f.min) ? big(f.min) : n);
      expect(satAdd(a, b, f)).toBe(clamp(big(a) + big(b)));
      expect(satAdd(a, b, f)).toBe(satAdd(b, a, f));
      expect(satSub(a, b, f)).toBe(clamp(big(a) - big(b)));
    }));
  });

  it('fracMul (int8, int16) is the saturated arithmetic shift of the exact product', () => {
    const vector = fc.constantFrom(FORMATS.int8, FORMATS.int16);
    check(fc.property(vector.chain((f) => fc.tuple(fc.constant(f), valueIn(f), valueIn(f))), ([f, a, b]) => {
      const exact = floorShift(big(a) * big(b), f.bits - 1);
      const want = Number(exact > big(f.max) ? big(f.max) : exact < big(f.min) ? big(f.min) : exact);
      expect(fracMul(a, b, f)).toBe(want);
      expect(fracMul(a, b, f)).toBe(fracMul(b, a, f));
    }));
    expect(() => fracMul(1, 1, FORMATS.int32)).toThrow(RangeError);
  });

  it('mulWide splits the 48-bit product exactly: hi·2^16 + lo = a·k, 0 ≤ lo < 2^16', () => {
    check(fc.property(int32, mantissa, (a, k) => {
      const out = { hi: 0, lo: 0 };
      mulWide(a, k, out);
      expect(Number.isInteger(out.hi) && Number.isInteger(out.lo)).toBe(true);
      expect(out.lo).toBeGreaterThanOrEqual(0);
      expect(out.lo).toBeLessThan(65536);
      expect(big(out.hi) * 65536n + big(out.lo)).toBe(big(a) * big(k));
    }));
  });
});

describe('fixed point: coefficient quantisation', () => {
  it('k/2^s is the nearest representable value: k < 2^coeffBits, −16 ≤ s ≤ maxShift, error ≤ ½·2^−s', () => {
    const coeff = fc.double({ min: 0, max: 2 ** 14, noNaN: true, noDefaultInfinity: true });
    check(fc.property(format, coeff, (f, c) => {
      let q;
      try {
        q = quantiseCoefficient(c, f);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError); // too large for the format
        expect(c * 2 ** -16).toBeGreaterThan(2 ** f.coeffBits - 1 - 1);
        return;
      }
      expect(Number.isInteger(q.k) && Number.isInteger(q.s)).toBe(true);
      expect(q.k).toBeGreaterThanOrEqual(0);
      expect(q.k).toBeLessThan(2 ** f.coeffBits);
      expect(q.s).toBeLessThanOrEqual(f.maxShift);
      expect(q.s).toBeGreaterThanOrEqual(-16);
      expect(q.value).toBe(q.k / 2 ** q.s);
      expect(Math.abs(q.value - c)).toBeLessThanOrEqual(2 ** -(q.s + 1) * (1 + 1e-12));
      expect(q.underflow).toBe(c > 0 && q.k === 0);
      // the mantissa keeps as many bits as it can: one more shift would overflow it, or s is at its cap
      if (q.s < f.maxShift && c > 0) expect(Math.round(c * 2 ** (q.s + 1))).toBeGreaterThan(2 ** f.coeffBits - 1);
    }));
  });

  it('refuses negative, NaN and infinite coefficients with a RangeError', () => {
    check(fc.property(format, fc.oneof(fc.double({ max: -Number.MIN_VALUE, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity)), (f, c) => {
      expect(() => quantiseCoefficient(c, f)).toThrow(RangeError);
    }));
  });
});

describe('rounding: Rounder.mulShift against exact arithmetic', () => {
  // a: a value of any format (so up to 32 bit); k: a 16-bit mantissa; s: −16 … 47
  const operands = fc.tuple(fc.oneof(int32, fc.integer({ min: -32768, max: 32767 })), mantissa, fc.integer({ min: -16, max: 47 }));

  it('truncate is ⌊a·k/2^s⌋ and nearest is ⌊(a·k + 2^(s−1))/2^s⌋, on both multiply paths', () => {
    check(fc.property(operands, ([a, k, s]) => {
      const p = big(a) * big(k);
      const T = new Rounder('truncate', seeded(1), 16);
      const N = new Rounder('nearest', seeded(1), 16);
      // + 0: a left shift of a zero product with a < 0 gives −0, the same integer
      expect(T.mulShift(a, k, s) + 0).toBe(Number(floorShift(p, s)));
      expect(N.mulShift(a, k, s) + 0).toBe(Number(s > 0 ? floorShift(p + (1n << big(s - 1)), s) : floorShift(p, s)));
      const exact = s <= 0 || p % (1n << big(s)) === 0n;
      expect(T.exact).toBe(exact);
      expect(T.draws + N.draws).toBe(0);
      expect(expectedRounding(a, k, s, 'truncate', 16)).toBeCloseTo(Number(floorShift(p, s)), 6);
    }));
  });

  it('stochastic rounds to ⌊x⌋ or ⌊x⌋ + 1 (x = a·k/2^s), exactly when x is an integer, drawing only for a fraction', () => {
    check(fc.property(operands, fc.integer({ min: 1, max: 32 }), fc.integer(), ([a, k, s], bits, seed) => {
      const R = new Rounder('stochastic', seeded(seed), bits);
      const q = Number(floorShift(big(a) * big(k), s));
      const r = R.mulShift(a, k, s) + 0;
      expect([q, q + 1]).toContain(r);
      if (R.exact) {
        expect(r).toBe(q);
        expect(R.draws).toBe(0);
      }
      expect(R.draws).toBeLessThanOrEqual(1);
    }));
  });

  it('stochastic rounding is unbiased up to the random numbers\' resolution (mean of 4000 draws)', () => {
    check(fc.property(fc.integer({ min: -32768, max: 32767 }), mantissa, fc.integer({ min: 1, max: 24 }), fc.integer(), (a, k, s, seed) => {
      const R = new Rounder('stochastic', seeded(seed), 16);
      const n = 4000;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += R.mulShift(a, k, s);
      const want = expectedRounding(a, k, s, 'stochastic', 16);
      // the result is q or q + 1: a Bernoulli mean, SD ≤ ½/√n; 6 SD
      expect(Math.abs(sum / n - want)).toBeLessThanOrEqual(6 * 0.5 / Math.sqrt(n) + 1e-9);
    }), { numRuns: Math.min(Number(process.env.FC_RUNS ?? 300), 60) });
  });

  it('stochasticRound(x, u) is ⌊x⌋ or ⌊x⌋ + 1, ⌊x⌋ + 1 exactly when u < frac(x)', () => {
    check(fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (x, u) => {
      const r = stochasticRound(x, u);
      const f = Math.floor(x);
      expect(r + 0).toBe((u < x - f ? f + 1 : f) + 0);
    }));
  });
});
