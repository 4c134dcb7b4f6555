import { describe, expect, it } from 'vitest';
import { streamFor } from '../../random/streams.js';
import { exponentialZiggurat, fillGaussians, gaussianZiggurat } from './ziggurat.js';

/** Standard normal CDF via erfc (W. J. Cody's rational approximation is overkill here: A&S 7.1.26). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Kolmogorov–Smirnov statistic of a sample against a CDF. */
function ks(xs: Float64Array, cdf: (x: number) => number): number {
  xs.sort();
  let d = 0;
  for (let i = 0; i < xs.length; i++) {
    const f = cdf(xs[i]!);
    d = Math.max(d, Math.abs(f - i / xs.length), Math.abs(f - (i + 1) / xs.length));
  }
  return d;
}

describe('ziggurat samplers', () => {
  const n = 400_000;

  it('Gaussian: moments, tails and KS distance', () => {
    const rng = streamFor(42, [0], 'plasticityNoise');
    const xs = new Float64Array(n);
    let m = 0, m2 = 0, m4 = 0, tail3 = 0, tail4 = 0;
    for (let i = 0; i < n; i++) {
      const x = gaussianZiggurat(rng);
      xs[i] = x;
      m += x; m2 += x * x; m4 += x ** 4;
      if (Math.abs(x) > 3) tail3++;
      if (Math.abs(x) > 3.6) tail4++; // beyond the base layer r ≈ 3.44: the exact tail method
    }
    m /= n; m2 /= n; m4 /= n;
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m4 - 3)).toBeLessThan(0.06);
    expect(tail3 / n).toBeCloseTo(0.0026998, 3);
    expect(tail4 / n).toBeGreaterThan(0.0002);
    expect(tail4 / n).toBeLessThan(0.0005); // 2·(1 − Φ(3.6)) = 3.18e-4
    expect(ks(xs, normalCdf)).toBeLessThan(1.63 / Math.sqrt(n)); // 1 % level
  });

  it('exponential: mean, variance and KS distance', () => {
    const rng = streamFor(42, [0], 'presynapticSpikes');
    const xs = new Float64Array(n);
    let m = 0, m2 = 0;
    for (let i = 0; i < n; i++) {
      const x = exponentialZiggurat(rng);
      xs[i] = x;
      m += x; m2 += x * x;
    }
    m /= n; m2 /= n;
    expect(Math.abs(m - 1)).toBeLessThan(0.01);
    expect(Math.abs(m2 - m * m - 1)).toBeLessThan(0.02);
    expect(ks(xs, (x) => 1 - Math.exp(-x))).toBeLessThan(1.63 / Math.sqrt(n));
  });

  it('fillGaussians draws the numbers gaussianZiggurat draws, the rejection paths included', () => {
    const a = streamFor(8, [2], 'plasticityNoise'), b = streamFor(8, [2], 'plasticityNoise');
    const block = new Float64Array(512);
    for (let r = 0; r < 200; r++) {
      const n = 1 + (r % 512); // blocks of every size, ≈ 51 000 samples: some hundreds leave the fast path
      fillGaussians(a, block, n);
      for (let i = 0; i < n; i++) expect(block[i]).toBe(gaussianZiggurat(b));
    }
    expect(a.nextUint32()).toBe(b.nextUint32()); // and the streams stand at the same place
  });

  it('is reproducible for a given stream key', () => {
    const a = streamFor(5, [3], 'plasticityNoise');
    const b = streamFor(5, [3], 'plasticityNoise');
    for (let i = 0; i < 1000; i++) expect(gaussianZiggurat(a)).toBe(gaussianZiggurat(b));
  });
});
