import { describe, expect, it } from 'vitest';
import { PRESET_PROTOCOLS, stimulationSpan, stimulusIntervals } from './protocols.js';
import { presynapticSpikeSteps } from '../engines/presynapticSpikes.js';
import { streamFor } from '../random/streams.js';

const DT = 2e-4;

describe('protocols as data (MODEL.md §7)', () => {
  it('STET: 3 × 1 s at 100 Hz from 3600, 4200, 4800 s', () => {
    const iv = stimulusIntervals(PRESET_PROTOCOLS.STET, DT);
    expect(iv.map((i) => [i.start * DT, (i.end - i.start) * DT, i.rate_Hz])).toEqual([
      [3600, 1, 100], [4200, 1, 100], [4800, 1, 100],
    ].map(([a, b, c]) => [expect.closeTo(a!, 9), expect.closeTo(b!, 9), c]));
  });

  it('SLFS: 900 bursts of 0.15 s at 20 Hz, burst i at 3600 + 1.15 i s', () => {
    const iv = stimulusIntervals(PRESET_PROTOCOLS.SLFS, DT);
    expect(iv).toHaveLength(900);
    expect(iv[899]!.start).toBe(Math.round((3600 + 1.15 * 899) / DT));
    expect(iv[899]!.end - iv[899]!.start).toBe(750);
    expect(stimulationSpan(PRESET_PROTOCOLS.SLFS)!.last_s).toBeCloseTo(3600 + 1.15 * 899 + 0.15, 9);
  });

  it('WTET and WLFS: one train each; every protocol lasts 8 h', () => {
    expect(stimulusIntervals(PRESET_PROTOCOLS.WTET, DT)[0]!.end - stimulusIntervals(PRESET_PROTOCOLS.WTET, DT)[0]!.start).toBe(1000);
    expect(stimulusIntervals(PRESET_PROTOCOLS.WLFS, DT)[0]!.end * DT).toBeCloseTo(4500, 9);
    for (const p of Object.values(PRESET_PROTOCOLS)) expect(p.duration_s).toBe(28_800);
  });

  it('draws Poisson spikes at the protocol rate (f·dt per step) inside the trains only', () => {
    let total = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const s = presynapticSpikeSteps(PRESET_PROTOCOLS.STET, DT, streamFor(9, [t], 'presynapticSpikes'));
      total += s.length;
      for (const k of s) expect([3600, 4200, 4800].some((a) => k >= Math.round(a / DT) && k < Math.round((a + 1) / DT))).toBe(true);
      for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
    }
    // 3 × 5000 steps with probability 0.02: mean 300, SD √(15000·0.02·0.98) ≈ 17.1 per trial
    expect(Math.abs(total / trials - 300)).toBeLessThan(5 * 17.1 / Math.sqrt(trials));
  });

  it('places regular trains every 1/f and explicit spikes on the step grid', () => {
    const s = presynapticSpikeSteps(
      { name: 'x', description: '', trains: [{ onset_s: 1, duration_s: 0.1, rate_Hz: 50, kind: 'regular' }], spikeTimes_s: [2.00001, 2.00001], duration_s: 3 },
      DT, streamFor(1, [0], 'presynapticSpikes'),
    );
    expect(Array.from(s)).toEqual([5000, 5100, 5200, 5300, 5400, 10000]);
  });
});
