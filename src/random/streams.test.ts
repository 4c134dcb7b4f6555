import { describe, expect, it } from 'vitest';
import { PackedWords, RandomStream, streamFor } from './streams.js';

describe('keyed random streams', () => {
  it('depend only on their key (seed, entity, purpose)', () => {
    const a = streamFor(7, [3], 'plasticityNoise');
    const b = streamFor(7, [3], 'plasticityNoise');
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    for (const other of [streamFor(8, [3], 'plasticityNoise'), streamFor(7, [4], 'plasticityNoise'), streamFor(7, [3], 'presynapticSpikes')]) {
      expect(Array.from({ length: 5 }, () => other.nextUint32())).not.toEqual(xs);
    }
  });

  it('saveState, PackedWords and restoreState: the same numbers out of the object and back into it', () => {
    const a = streamFor(9, [4], 'plasticityNoise'), b = streamFor(9, [4], 'plasticityNoise');
    a.gaussian(); // a Box–Muller spare is kept
    b.gaussian();
    const words = new Int32Array(8), spares = new Float64Array(2);
    b.saveState(words, spares, 1);
    expect(spares[1]).not.toBeNaN();
    const packed = new PackedWords(words);
    packed.at = 4;
    for (let i = 0; i < 100; i++) expect(packed.nextUint32()).toBe(a.nextUint32());
    expect(packed.uniform()).toBe(a.uniform());
    b.restoreState(words, spares, 1); // b continues where the packed words stopped, its spare kept
    expect(b.gaussian()).toBe(a.gaussian());
    for (let i = 0; i < 10; i++) expect(b.nextUint32()).toBe(a.nextUint32());
    b.saveState(words, spares, 1); // neither holds a spare now (NaN): both draw a fresh pair
    expect(spares[1]).toBeNaN();
    b.restoreState(words, spares, 1);
    expect(b.gaussian()).toBe(a.gaussian());
  });

  it('distinguishes seeds above 2^32', () => {
    expect(new RandomStream([2 ** 32 + 1, 0]).nextUint32()).not.toBe(new RandomStream([1, 0]).nextUint32());
  });

  it('draws uniforms in (0, 1) with mean 1/2 and variance 1/12', () => {
    const r = streamFor(1, [0], 'stimulus');
    let s = 0, s2 = 0, min = 1, max = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      s += u;
      s2 += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });

  it('draws standard Gaussians (mean 0, variance 1, kurtosis 3)', () => {
    const r = streamFor(2, [0], 'plasticityNoise');
    let s = 0, s2 = 0, s4 = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const g = r.gaussian();
      s += g;
      s2 += g * g;
      s4 += g ** 4;
    }
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(s2 / n).toBeCloseTo(1, 1);
    expect(s4 / n).toBeCloseTo(3, 0);
  });

  it('draws geometric gaps with mean (1 − q)/q: a spike per step with probability q', () => {
    const r = streamFor(3, [0], 'presynapticSpikes');
    const q = 0.02; // 100 Hz at 0.2 ms
    let s = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) s += r.geometric(q);
    const mean = (1 - q) / q;
    const sd = Math.sqrt(1 - q) / q;
    expect(Math.abs(s / n - mean)).toBeLessThan(5 * sd / Math.sqrt(n));
    expect(r.geometric(1)).toBe(0);
  });
});

describe('entity streams', () => {
  it('give every (kind, index, purpose) its own numbers, distinct from single-synapse streams', async () => {
    const { entityStream, streamFor } = await import('./streams.js');
    const first = (s: { nextUint32(): number }) => [s.nextUint32(), s.nextUint32()].join(',');
    const seen = new Set<string>();
    seen.add(first(streamFor(1, [0], 'plasticityNoise')));
    seen.add(first(streamFor(1, [0], 'backgroundNoise')));
    for (const kind of ['neuron', 'synapse', 'projection'] as const) {
      for (let i = 0; i < 50; i++) {
        for (const purpose of ['plasticityNoise', 'backgroundNoise'] as const) seen.add(first(entityStream(1, 0, kind, i, purpose)));
      }
    }
    expect(seen.size).toBe(2 + 3 * 50 * 2);
    expect(first(entityStream(1, 0, 'neuron', 3, 'stimulus'))).toBe(first(entityStream(1, 0, 'neuron', 3, 'stimulus')));
  });
});
