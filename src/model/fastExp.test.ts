import { describe, expect, it } from 'vitest';
import { expm1Neg, expNeg, expSmall } from './fastExp.js';

describe('table-driven exponentials', () => {
  it('expNeg matches Math.exp to about 1 ulp on [0, 60]', () => {
    let worst = 0;
    for (let i = 0; i <= 600_000; i++) {
      const x = i * 1e-4 + (i % 7) * 1.3e-9;
      const ref = Math.exp(-x);
      worst = Math.max(worst, Math.abs(expNeg(x) - ref) / ref);
    }
    expect(worst).toBeLessThan(5e-16);
  });

  it('expm1Neg keeps relative accuracy for tiny arguments', () => {
    let worst = 0;
    for (let e = -300; e <= 1; e += 0.01) {
      const x = 10 ** e;
      const ref = Math.expm1(-x);
      worst = Math.max(worst, Math.abs(expm1Neg(x) - ref) / Math.abs(ref));
    }
    expect(worst).toBeLessThan(1e-14);
  });

  it('handles edge arguments', () => {
    expect(expNeg(0)).toBe(1);
    expect(expNeg(1000)).toBe(0);
    expect(expNeg(Infinity)).toBe(0);
    expect(expm1Neg(0)).toBe(-0);
    expect(expm1Neg(Infinity)).toBe(-1);
  });
});

describe('expSmall', () => {
  it('matches Math.exp to within one ulp for tiny exponents', () => {
    for (const x of [-9.9e-5, -3e-8, -1e-12, 0, 2e-9, 9.9e-5]) {
      expect(Math.abs(expSmall(x) - Math.exp(x))).toBeLessThanOrEqual(2.3e-16);
    }
    expect(expSmall(-1)).toBe(Math.exp(-1));
  });
});
