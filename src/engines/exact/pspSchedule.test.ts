import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../model/parameters.js';
import { PRESET_PROTOCOLS, type Protocol } from '../../model/protocols.js';
import type { TrialSpec } from '../types.js';
import { runExactTrial } from './exactEngine.js';
import { advanceMembrane, makeLifConstants, peakBound, reaches } from './lif.js';
import { MEMBRANE_MEMORY_TAUS, PspBuffer } from './pspSchedule.js';

/** The largest value of the free trajectory on [0, T], sampled every T/n (a lower bound of the true peak). */
function sampledPeak(L: ReturnType<typeof makeLifConstants>, u: number, I: number, T: number, n: number): number {
  const out = new Float64Array(2);
  let m = u;
  for (let k = 1; k <= n; k++) {
    advanceMembrane(L, u, I, (k * T) / n, out);
    if (out[0]! > m) m = out[0]!;
  }
  return m;
}

describe('membrane peak bounds (lif.ts)', () => {
  const half = makeLifConstants(0.01, 0.005, 10, 0, -55, -65);
  const other = makeLifConstants(0.01, 0.02, 10, 0.3, -55, -65);
  const states = [[0, 1], [6, 0.3], [-3, 0.8], [9.5, 0.01], [2, 0]] as const;

  it('peakBound is the exact peak when τ_syn = τ_mem/2 and an upper bound otherwise', () => {
    for (const [u, I] of states) {
      const fine = sampledPeak(half, u, I, 0.2, 200_000);
      expect(peakBound(half, u, I)).toBeGreaterThanOrEqual(fine - 1e-12);
      expect(peakBound(half, u, I)).toBeCloseTo(fine, 7); // the sampling grid misses the peak by O(Δt²)
      expect(peakBound(other, u, I)).toBeGreaterThanOrEqual(sampledPeak(other, u, I, 0.5, 50_000) - 1e-12);
    }
  });

  it('reaches says whether the trajectory gets to a level before the horizon', () => {
    for (const L of [half, other]) {
      for (const [u, I] of states) {
        for (const horizon of [0.001, 0.004, 0.03, Infinity]) {
          const T = horizon === Infinity ? 0.5 : horizon;
          const peak = sampledPeak(L, u, I, T, 20_000);
          for (const level of [peak - 1e-3, peak + 1e-3]) expect(reaches(L, u, I, horizon, level)).toBe(level < peak);
        }
      }
    }
  });
});

describe('PSP arrivals the exact engine processes (pspSchedule.ts)', () => {
  const L = makeLifConstants(0.01, 0.005, 10, 0, -55, -65); // threshold 10 mV above rest
  const gap = MEMBRANE_MEMORY_TAUS * 0.01;
  const times = (xs: number[]) => Float64Array.from(xs);

  it('drops every arrival of a train that cannot fire the neuron even at the largest weight', () => {
    const b = new PspBuffer();
    const lfs = Array.from({ length: 100 }, (_, k) => 1 + k); // 1 Hz
    b.needed(times(lfs), lfs.length, 0.003, L, 1.5, 0, 0); // a PSP peaks at 1.5 nA · 10 MΩ · gMax = 3.75 mV
    expect(b.length).toBe(0);
  });

  it('keeps the arrivals within the membrane memory of a stretch that could fire it, and only those', () => {
    const b = new PspBuffer();
    const burst = [10, 10.002, 10.004, 10.006]; // four PSPs within 6 ms: 4 × 3.75 mV could reach threshold
    const before = [10 - gap * 0.9, 10 - gap * 1.1], after = [10.006 + gap * 0.9, 10.006 + gap * 1.1];
    const all = [1, ...before, ...burst, ...after, 60].sort((a, c) => a - c);
    b.needed(times(all), all.length, 0, L, 1.5, 0, 0);
    const kept = Array.from(b.times.subarray(0, b.length));
    expect(kept).toEqual([before[0]!, ...burst, after[0]!].sort((a, c) => a - c));
  });

  /** The rule itself, arrival by arrival: the bounding membrane after each arrival, then the memory around firing ones. */
  function keptByDefinition(T: Float64Array, L: ReturnType<typeof makeLifConstants>, iMax: number): number[] {
    const g = MEMBRANE_MEMORY_TAUS * Math.max(L.tauMem, L.tauSyn), level = L.uTh - 1e-9, M = new Float64Array(2);
    const firing: number[] = [];
    let tPrev = 0;
    M[0] = L.drive;
    for (let i = 0; i < T.length; i++) {
      if (T[i]! - tPrev > g) M.set([L.drive, 0]);
      else advanceMembrane(L, M[0]!, M[1]!, T[i]! - tPrev, M);
      M[1] += iMax;
      tPrev = T[i]!;
      if (reaches(L, M[0]!, M[1]!, i + 1 < T.length ? T[i + 1]! - T[i]! : Infinity, level)) firing.push(T[i]!);
    }
    return Array.from(T).filter((t) => firing.some((f) => Math.abs(t - f) < g));
  }

  it('keeps exactly the arrivals the rule keeps, also where whole bursts are passed over by the envelope bound', () => {
    let seed = 7;
    const uniform = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // τ_syn = τ_mem/2 (the model's), τ_syn = τ_mem, τ_syn > τ_mem: each PSP shape has its own envelope
    const membranes = [L, makeLifConstants(0.01, 0.01, 10, 0, -55, -65), makeLifConstants(0.01, 0.02, 10, 0, -55, -65)];
    for (const [m, M] of membranes.entries()) {
      for (const [rate, peaks] of [[20, 1.5], [40, 1.5], [20, 2.2], [100, 1.0], [5, 4]] as const) {
        const iMax = (peaks * L.gMax) / M.gMax; // the same PSP height in every membrane
        const xs: number[] = [];
        for (let burst = 0; burst < 60; burst++) {
          for (let t = burst * 1.15 - Math.log(uniform()) / rate; t < burst * 1.15 + 0.15; t -= Math.log(uniform()) / rate) xs.push(t + 1);
        }
        const b = new PspBuffer();
        b.needed(times(xs), xs.length, 0, M, iMax, 0, 0);
        const kept = keptByDefinition(times(xs), M, iMax);
        expect(Array.from(b.times.subarray(0, b.length)), `membrane ${m}, ${rate} Hz, iMax ${iMax}`).toEqual(kept);
      }
    }
  });

  it('with no threshold (forced postsynaptic spikes) keeps nothing; `all` keeps everything', () => {
    const b = new PspBuffer();
    const driven = makeLifConstants(0.01, 0.005, 10, 0, Infinity, -65);
    b.needed(times([1, 1.001, 1.002]), 3, 0.003, driven, 100, 0, 0);
    expect(b.length).toBe(0);
    b.all(times([1, 2]), 2, 0.003);
    expect(Array.from(b.times.subarray(0, 2))).toEqual([1.003, 2.003]);
  });
});

describe('exact engine with dropped PSPs', () => {
  const spec = (over: Partial<TrialSpec>): TrialSpec => ({
    params: resolveParams(), protocol: PRESET_PROTOCOLS.SLFS, seed: 4, trial: 1, dt_ms: 0.2, fastForward: true,
    sampleInterval_s: 60, recordCalcium: false, ...over,
  });

  it('fires at the same times as with every PSP processed (noise-free, a train that fires and one that cannot)', () => {
    const spikes: number[] = [];
    for (let k = 0; k < 20; k++) spikes.push(1 + k * 0.002); // fires the neuron
    for (let k = 0; k < 30; k++) spikes.push(3 + k * 0.5); // 2 Hz: cannot
    const protocol: Protocol = { name: 'mixed', description: '', trains: [], spikeTimes_s: spikes, duration_s: 30 };
    const params = resolveParams({ sigma_pl: 0 });
    const probes = [{ name: 'v', variables: ['V' as const, 'spikes' as const], interval_s: 1e-3, from_s: 0, to_s: 30 }];
    const dropped = runExactTrial(spec({ protocol, params, probes: [{ ...probes[0]!, variables: ['spikes'] }] }));
    const every = runExactTrial(spec({ protocol, params, probes })); // a probe of V processes every PSP
    expect(dropped.postSpikes).toBeGreaterThan(0);
    expect(dropped.postSpikes).toBe(every.postSpikes);
    const a = dropped.probes![0]!.postSpikes_s!, b = every.probes![0]!.postSpikes_s!;
    a.forEach((t: number, i: number) => expect(Math.abs(t - b[i]!)).toBeLessThan(1e-12));
    expect(Number(dropped.diagnostics!.events)).toBeLessThan(Number(every.diagnostics!.events) - 25);
    // without noise h is a closed form: dropping PSP samples changes it by rounding only
    dropped.h_mV.forEach((h, i) => expect(Math.abs(h - every.h_mV[i]!)).toBeLessThan(1e-9));
  });

  it('SLFS processes only the few arrivals that could fire the neuron', () => {
    const r = runExactTrial(spec({}));
    expect(r.postSpikes).toBe(0);
    // a PSP event per kept arrival: ≈ 2 700 presynaptic spikes, calcium and crossing events ≈ 4 500
    expect(Number(r.diagnostics!.events)).toBeLessThan(r.preSpikes * 2);
  });
});
