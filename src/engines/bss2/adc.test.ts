import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../random/streams.js';
import { Cadc } from './adc.js';

const ideal = { bits: 8, range: 5.1, gain: 1, offset_lsb: 0, noise_lsb: 0 };

describe('8-bit CADC', () => {
  it('quantises calcium to ⌊c / LSB⌋ with LSB = range / 255 and saturates at the top code', () => {
    const adc = new Cadc(ideal);
    expect(adc.lsb).toBeCloseTo(0.02, 12);
    expect(adc.read(0)).toBe(0);
    expect(adc.read(0.0199)).toBe(0);
    expect(adc.read(0.0201)).toBe(1);
    expect(adc.read(1.2758)).toBe(63);
    expect(adc.read(5.09)).toBe(254);
    expect(adc.saturations).toBe(0);
    expect(adc.read(9)).toBe(255);
    expect(adc.saturations).toBe(1);
  });

  it('puts the default thresholds on codes, so code ≥ θ-code is c ≥ θ', () => {
    const adc = new Cadc(ideal);
    expect(adc.thresholdCode(1.2)).toBe(60);
    expect(adc.thresholdCode(3.0)).toBe(150);
    expect(adc.read(3.0001)).toBeGreaterThanOrEqual(150);
    expect(adc.read(2.999)).toBeLessThan(150);
  });

  it('applies gain, offset and read noise of the channel', () => {
    const adc = new Cadc({ ...ideal, gain: 1.1, offset_lsb: 2 });
    expect(adc.read(1)).toBe(Math.floor(1.1 / 0.02 + 2));
    const noisy = new Cadc({ ...ideal, noise_lsb: 1 }, new RandomStream([1]));
    const codes = Array.from({ length: 2000 }, () => noisy.read(1.01)); // 50.5 LSB
    const mean = codes.reduce((a, b) => a + b, 0) / codes.length;
    expect(mean).toBeGreaterThan(49.6);
    expect(mean).toBeLessThan(50.4);
    expect(new Set(codes).size).toBeGreaterThan(3);
    expect(noisy.surelyBelow(0.5, 60)).toBe(true);
    expect(noisy.surelyBelow(1.1, 60)).toBe(false);
  });

  it('resolution follows the bit count', () => {
    expect(new Cadc({ ...ideal, bits: 10, range: 10.23 }).read(1.2)).toBe(120);
  });
});
