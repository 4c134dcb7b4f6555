import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../random/streams.js';
import { IdealRandom, LfsrSequence } from './lfsr.js';
import { expectedRounding, Rounder, stochasticRound } from './rounding.js';

const ideal = (seed: number) => new IdealRandom(new RandomStream([seed, 99]));

/** The exact floor(a·k / 2^s) and fraction, by BigInt. */
function exact(a: number, k: number, s: number): { q: number; f: number } {
  const p = BigInt(a) * BigInt(k);
  const d = 2n ** BigInt(s);
  let q = p / d;
  if (p < 0n && q * d !== p) q -= 1n; // floor
  return { q: Number(q), f: Number(p - q * d) / Number(d) };
}

describe('rounding of value-reducing steps', () => {
  it('truncate is the arithmetic shift (floor) and nearest adds half an LSB, on both product paths', () => {
    const T = new Rounder('truncate', ideal(1), 32);
    const N = new Rounder('nearest', ideal(1), 32);
    const cases: Array<[number, number, number]> = [
      [1000, 3, 4], [-1000, 3, 4], [-7, 1, 1], [12345, 40000, 31], [-32768, 65535, 20],
      [1_000_000_000, 39928, 38], [-1_000_000_000, 39928, 38], [-2_000_000_000, 65535, 47], [123456789, 50000, 12], [-5, 7, 40],
    ];
    for (const [a, k, s] of cases) {
      const e = exact(a, k, s);
      expect(T.mulShift(a, k, s)).toBe(e.q);
      expect(N.mulShift(a, k, s)).toBe(e.f >= 0.5 ? e.q + 1 : e.q);
    }
    expect(T.mulShift(3, 5, -2)).toBe(60); // a left shift loses nothing
  });

  it('stochastic rounding is unbiased in expectation; truncation is biased by the discarded fraction', () => {
    // increment 0.3 LSB per step, as a slow variable at a short solver period
    const a = 3, k = 13107, s = 17; // 3·13107/2^17 = 0.29999…
    const exactInc = (a * k) / 2 ** s;
    for (const [name, rng] of [['ideal', ideal(7)], ['lfsr', new LfsrSequence(1234)]] as const) {
      const R = new Rounder('stochastic', rng, 16);
      let sum = 0;
      const n = 200_000;
      for (let i = 0; i < n; i++) sum += R.mulShift(a, k, s);
      const sd = Math.sqrt((exactInc * (1 - exactInc)) / n);
      expect(Math.abs(sum / n - exactInc), name).toBeLessThan(4 * sd + 2 ** -16);
      expect(R.draws).toBe(n);
    }
    const T = new Rounder('truncate', ideal(1), 16);
    const N = new Rounder('nearest', ideal(1), 16);
    let t = 0, m = 0;
    for (let i = 0; i < 1000; i++) {
      t += T.mulShift(a, k, s);
      m += N.mulShift(a, k, s);
    }
    expect(t).toBe(0); // 0.3 LSB per step: frozen
    expect(m).toBe(0); // below ½ LSB: frozen too
    // negative increments: truncation runs away from zero (−1 every step)
    expect(T.mulShift(-a, k, s)).toBe(-1);
  });

  it('stochastic rounding resolves the fraction only to 2^−bits: smaller fractions are always dropped', () => {
    const R8 = new Rounder('stochastic', new LfsrSequence(5), 8);
    const R16 = new Rounder('stochastic', new LfsrSequence(5), 16);
    // fraction 1/512 of an LSB: below 8-bit resolution, within 16-bit resolution
    let s8 = 0, s16 = 0;
    for (let i = 0; i < 100_000; i++) {
      s8 += R8.mulShift(1, 1, 9);
      s16 += R16.mulShift(1, 1, 9);
    }
    expect(s8).toBe(0);
    expect(R8.draws).toBe(0);
    expect(s16 / 100_000).toBeGreaterThan(0.0015);
    expect(s16 / 100_000).toBeLessThan(0.0025);
    expect(expectedRounding(1, 1, 9, 'stochastic', 8)).toBe(0);
    expect(expectedRounding(1, 1, 9, 'stochastic', 16)).toBeCloseTo(1 / 512, 12);
    expect(expectedRounding(-3, 1, 2, 'truncate', 16)).toBe(-1);
  });

  it('stochasticRound of a real number has the number as its mean', () => {
    const rng = new RandomStream([3]);
    let s = 0;
    for (let i = 0; i < 100_000; i++) s += stochasticRound(2.25, rng.uniform());
    expect(s / 100_000).toBeCloseTo(2.25, 2);
    expect(stochasticRound(-1.5, 0.9)).toBe(-2);
    expect(stochasticRound(-1.5, 0.1)).toBe(-1);
  });

  it('marks a step exact only when nothing was discarded', () => {
    const R = new Rounder('stochastic', ideal(2), 16);
    R.resetExact();
    R.mulShift(8, 1, 3);
    expect(R.exact).toBe(true);
    R.mulShift(9, 1, 3);
    expect(R.exact).toBe(false);
  });
});
