import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  entropyBits, jointEntropyBits, mutualInformationBits, parseSpikeRaster, populationRates, recallReadout,
  spikeCountsInWindows, type RecallReadoutSpec, type SpikeRaster,
} from './readouts.js';

const refDir = join(import.meta.dirname, '..', '..', '..', 'reference', 'cpp-network-10s');
const read = (f: string) => readFileSync(join(refDir, f), 'utf8');

/** Raster from [t_s, neuron] pairs. */
const raster = (spikes: Array<[number, number]>): SpikeRaster => ({
  t_s: Float64Array.from(spikes, (s) => s[0]), neuron: Int32Array.from(spikes, (s) => s[1]),
});
/** k spikes of neuron n spread inside [t0, t0 + 0.4). */
const burst = (n: number, k: number, t0: number): Array<[number, number]> =>
  Array.from({ length: k }, (_, i) => [t0 + (i * 0.4) / k, n]);

const relClose = (got: number, want: number, rel = 1e-9) =>
  expect(Math.abs(got - want), `got ${got}, want ${want}`).toBeLessThanOrEqual(rel * Math.abs(want));

describe('recallReadout on the published C++ run (reference/cpp-network-10s)', () => {
  const ref = JSON.parse(read('readout.json')) as Record<string, number>;
  const spikes = parseSpikeRaster(read('spike_raster.txt'));
  const spec: RecallReadoutSpec = {
    nExc: 1600, nInh: 400, assembly: ref.assembly_size!, recallFraction: ref.recall_fraction!,
    window_s: ref.window_s!, refTime_s: ref.ref_time_s!, readoutTime_s: 20.0 + 0.1,
  };

  it('parses every spike of the raster ("t\\t\\tn" lines)', () => {
    expect(spikes.t_s.length).toBe(78966);
    expect(spikes.t_s[0]).toBe(0.0182);
    expect(spikes.neuron[0]).toBe(795);
  });

  it('reproduces every field of readout.json to 1e-9 relative', () => {
    const r = recallReadout(spikes, spec);
    for (const k of ['v_exc', 'v_as', 'v_ans', 'v_ctrl', 'v_inh', 'Q', 'Q_err', 'MI', 'selfMIL', 'selfMIR'] as const) {
      relClose(r[k], ref[k]!);
    }
    expect(r.rateRef_Hz.length).toBe(1600);
  });

  it('reproduces population_rates.csv (0.5 s bins) to its printed precision', () => {
    const lines = read('population_rates.csv').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const pr = populationRates(spikes, [
      { name: 'CA', from: 0, toExclusive: 150 },
      { name: 'exc', from: 150, toExclusive: 1600 },
      { name: 'inh', from: 1600, toExclusive: 2000 },
    ], 0.5, 30);
    expect(pr.binStart_s.length).toBe(lines.length);
    lines.forEach(([t0, , ca, exc, inh], k) => {
      expect(pr.binStart_s[k]).toBeCloseTo(t0!, 12);
      for (const [name, want] of [['CA', ca], ['exc', exc], ['inh', inh]] as const) {
        expect(Math.abs(pr.rate_Hz[name]![k]! - want!)).toBeLessThanOrEqual(0.0005 + 1e-12);
      }
    });
  });
});

describe('recallReadout on hand-built rasters', () => {
  // 10 exc (assembly 0–3: as = 0,1, ans = 2,3; ctrl = 4–9), 2 inh; a 0.5 s window makes one spike 2 Hz.
  const spec: RecallReadoutSpec = {
    nExc: 10, nInh: 2, assembly: 4, recallFraction: 0.5, window_s: 0.5, refTime_s: 11.0, readoutTime_s: 20.1,
  };
  const pattern = (t0: number) => [
    ...burst(0, 10, t0), ...burst(1, 10, t0), ...burst(2, 2, t0), ...burst(4, 1, t0), ...burst(10, 3, t0),
  ];
  // Recall-window rates: as 20, 20; ans 4, 0; ctrl 2, 0, 0, 0, 0, 0; inh 6, 0.
  const H = -(0.2 * Math.log2(0.2) + 2 * 0.1 * Math.log2(0.1) + 0.6 * Math.log2(0.6)); // {20×2, 4, 2, 0×6}

  it('gives rates, Q and Q_err computable by hand', () => {
    const r = recallReadout(raster(pattern(19.9)), spec);
    relClose(r.v_as, 20); expect(r.v_as_sd).toBe(0);
    relClose(r.v_ans, 2); relClose(r.v_ans_sd, 2);
    relClose(r.v_ctrl, 1 / 3); relClose(r.v_ctrl_sd, Math.sqrt(4 / 6 - 1 / 9));
    relClose(r.v_exc, 4.6); relClose(r.v_inh, 3);
    relClose(r.Q, (2 - 1 / 3) / 20);
    relClose(r.Q_err, Math.sqrt((2 / 20) ** 2 + 5 / 9 / 400));
    // Silent reference window: a constant distribution carries no information.
    expect(r.selfMIL).toBe(0); expect(r.MI).toBe(0); relClose(r.selfMIR, H);
  });

  it('identical learning and recall distributions give MI = self-information', () => {
    const r = recallReadout(raster([...pattern(10.8), ...pattern(19.9)]), spec);
    relClose(r.selfMIL, H); relClose(r.selfMIR, H); relClose(r.MI, H);
  });

  it('independent distributions (joint = product of marginals) give MI = 0', () => {
    const s8 = { ...spec, nExc: 8 };
    // Reference: neurons 0–3 fire; recall: even neurons fire. Every (ref, recall) pair occurs twice.
    const sp: Array<[number, number]> = [0, 1, 2, 3].map((n) => [11.0, n]);
    for (const n of [0, 2, 4, 6]) sp.push([20.0, n]);
    const r = recallReadout(raster(sp), s8);
    expect(r.selfMIL).toBe(1); expect(r.selfMIR).toBe(1); expect(r.MI).toBe(0);
  });

  it('windows are half-open [t − w/2, t + w/2), a spike in both windows counts for the reference only', () => {
    const edges = raster([[10.75, 5], [11.25, 6], [20.1 - 0.25, 7], [20.1 + 0.25, 8]]);
    const [a, b] = spikeCountsInWindows(edges, 12, [[10.75, 11.25], [20.1 - 0.25, 20.1 + 0.25]]);
    expect([a![5], a![6], b![7], b![8]]).toEqual([1, 0, 1, 0]);
    const overlap = recallReadout(raster([[20.0, 5]]), { ...spec, refTime_s: 20.0 });
    expect(overlap.rateRef_Hz[5]).toBe(2);
    expect(overlap.rateRecall_Hz[5]).toBe(0);
  });

  it('rejects bad specs and rasters, naming the field and value', () => {
    const r0 = raster([]);
    expect(() => recallReadout(r0, { ...spec, assembly: 11 })).toThrow(/assembly = 11/);
    expect(() => recallReadout(r0, { ...spec, assembly: 10 })).toThrow(/assembly = 10/);
    expect(() => recallReadout(r0, { ...spec, window_s: 0 })).toThrow(/window_s = 0/);
    expect(() => recallReadout(r0, { ...spec, window_s: -1 })).toThrow(/window_s = -1/);
    expect(() => recallReadout(r0, { ...spec, recallFraction: 0.1 })).toThrow(/recallFraction = 0.1/);
    expect(() => recallReadout(r0, { ...spec, nInh: -1 })).toThrow(/nInh = -1/);
    expect(() => recallReadout(r0, { ...spec, nExc: 4.5 })).toThrow(/nExc = 4.5/);
    expect(() => recallReadout(r0, { ...spec, readoutTime_s: NaN })).toThrow(/readoutTime_s = NaN/);
    expect(() => recallReadout(raster([[20.1, 12]]), spec)).toThrow(/raster.neuron\[0\] = 12/);
    expect(() => parseSpikeRaster('0.1\t\t3\n0.2\t\tx\n')).toThrow(/line 2/);
  });
});

describe('entropy helpers', () => {
  it('count distinct values (no binning) in bits', () => {
    expect(entropyBits([3, 3, 3])).toBe(0);
    expect(entropyBits([0, 1, 2, 3])).toBe(2);
    expect(jointEntropyBits([1, 1, 2, 2], [5, 7, 5, 7])).toBe(2);
    expect(mutualInformationBits([1, 1, 2, 2], [5, 7, 5, 7])).toBe(0);
    expect(mutualInformationBits([1, 1, 2, 2], [9, 9, 4, 4])).toBe(1);
    expect(() => jointEntropyBits([1], [1, 2])).toThrow(/b.length = 2/);
  });
});

describe('populationRates', () => {
  it('bins by floor(t / bin_s), ignores spikes outside [0, nBins·bin_s), averages over group size', () => {
    const r = raster([[0, 0], [0.5, 1], [0.49, 2], [0.999, 2], [1.0, 0], [-0.1, 1], [0.2, 5]]);
    const pr = populationRates(r, [{ name: 'a', from: 0, toExclusive: 2 }, { name: 'b', from: 2, toExclusive: 3 }], 0.5, 1);
    expect(Array.from(pr.binStart_s)).toEqual([0, 0.5]);
    expect(Array.from(pr.rate_Hz.a!)).toEqual([1, 1]);
    expect(Array.from(pr.rate_Hz.b!)).toEqual([2, 2]);
    expect(populationRates(r, [], 0.1, 30).binStart_s.length).toBe(300);
  });

  it('rejects bad arguments', () => {
    const r = raster([]);
    const g = [{ name: 'a', from: 0, toExclusive: 2 }];
    expect(() => populationRates(r, g, 0, 1)).toThrow(/bin_s = 0/);
    expect(() => populationRates(r, g, 0.5, -1)).toThrow(/t_end_s = -1/);
    expect(() => populationRates(r, [{ name: 'a', from: 3, toExclusive: 3 }], 0.5, 1)).toThrow(/toExclusive = 3/);
    expect(() => populationRates(r, [...g, ...g], 0.5, 1)).toThrow(/name = a: is a duplicate/);
  });
});
