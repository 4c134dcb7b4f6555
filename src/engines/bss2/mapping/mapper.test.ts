import { describe, expect, it } from 'vitest';
import type { NetworkDescription, PopulationSpec, ProjectionSpec, StimulusSpec } from '../../../model/network/description.js';
import { resolveParams } from '../../../model/parameters.js';
import { DEFAULT_CHIP } from './chipResources.js';
import { mapNetwork } from './mapper.js';

/** A description with explicit edges; populations named in `driven` get a spike-train stimulus (FPGA sources). */
function net(populations: PopulationSpec[], projections: Array<Omit<ProjectionSpec, 'connectivity'> & { edges: Array<[number, number]> }>, driven: string[] = []): NetworkDescription {
  const stimuli: StimulusSpec[] = driven.map((p) => ({ kind: 'spike-trains', name: `in_${p}`, target: { population: p }, trains: [{ onset_s: 0, duration_s: 0.1, rate_Hz: 10, count: 1, period_s: 0, kind: 'poisson' }] }));
  return {
    name: 'test', params: resolveParams({}, 'network'), populations,
    projections: projections.map(({ edges, ...p }) => ({
      ...p, connectivity: { rule: 'explicit', edges: { source: Int32Array.from(edges, (e) => e[0]), target: Int32Array.from(edges, (e) => e[1]) } },
    })),
    stimuli, probes: [], duration_s: 1,
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('bss2 mapper: hand-checkable cases on one chip (256 rows × 64 labels per hemisphere)', () => {
  // 512 target neurons fill both hemispheres (neuron k on hemisphere k mod 2), so no circuit is spare.
  const post = { name: 'post', size: 512 };

  it('rows: 256 excitatory sources into one neuron plus one inhibitory source elsewhere on its hemisphere need 257 rows', () => {
    const build = (inhTarget: number) => net(
      [{ name: 'exc', size: 256 }, { name: 'inh', size: 1, inhibitory: true }, post],
      [
        { name: 'E', source: 'exc', target: 'post', plastic: false, weight_mV: 1, edges: range(256).map((k) => [k, 0]) },
        { name: 'I', source: 'inh', target: 'post', plastic: false, weight_mV: 1, edges: [[0, inhTarget]] },
      ],
      ['exc', 'inh'],
    );
    // neuron 1 sits on the other hemisphere: 256 rows here, 1 there — just fits
    const fits = mapNetwork(build(1), { seed: 1, chips: 1 }).report;
    expect(fits.violations).toEqual([]);
    expect(fits.feasible).toBe(true);
    expect(fits.hemispheres.map((h) => h.rows)).toEqual([256, 1]);
    // neuron 2 shares neuron 0's hemisphere: the inhibitory source needs a row of its own sign
    const over = mapNetwork(build(2), { seed: 1, chips: 1 }).report;
    expect(over.feasible).toBe(false);
    expect(over.violations).toEqual([{ constraint: 'synapse rows', needed: 257, available: 256, where: 'chip 0 hemisphere 0' }]);
  });

  it('labels: 16 384 sources fill 256 rows × 64 labels exactly; one more source does not fit', () => {
    const build = (sources: number) => net(
      [{ name: 'src', size: sources }, post],
      [{ name: 'S', source: 'src', target: 'post', plastic: false, weight_mV: 1, edges: range(sources).map((k) => [k, 2 * (k % 256)]) }],
      ['src'],
    );
    const fits = mapNetwork(build(256 * 64), { seed: 1, chips: 1 }).report;
    expect(fits.violations).toEqual([]);
    expect(fits.hemispheres[0]).toMatchObject({ rows: 256, labels: 16_384, drivers: 128 });
    const over = mapNetwork(build(256 * 64 + 1), { seed: 1, chips: 1 }).report;
    expect(over.violations[0]).toEqual({ constraint: 'address labels', needed: 16_385, available: 16_384, where: 'chip 0 hemisphere 0' });
  });

  it('memory: one plastic row (int16: 256 columns × (2 + 2) bytes) and one protein pool (2 + 4 bytes) = 1030 bytes; one byte less is refused', () => {
    const d = net([{ name: 'pre', size: 1 }, post], [{ name: 'P', source: 'pre', target: 'post', plastic: true, edges: [[0, 0]] }], ['pre']);
    const withMemory = (free: number) => mapNetwork(d, {
      seed: 1, chips: 1, solver: { format: 'int16' },
      resources: { ppuMemoryBytes: DEFAULT_CHIP.ppuReservedBytes + free, externalSramBytes: 0 },
    }).report;
    const fits = withMemory(1030);
    expect(fits.ppuMemory).toEqual({ h: 512, z: 512, tag: 0, protein: 6, total: 1030 });
    expect(fits.violations).toEqual([]);
    expect(withMemory(1029).violations).toEqual([{ constraint: 'processor memory', needed: 1030, available: 1029, where: 'chip 0 hemisphere 0' }]);
  });

  it('circuits: 512 neurons fit one chip, 513 need a second one', () => {
    const build = (n: number) => net([{ name: 'a', size: n }], []);
    expect(mapNetwork(build(512), { seed: 1, chips: 1 }).report.feasible).toBe(true);
    const over = mapNetwork(build(513), { seed: 1, chips: 1, maxChips: 4 }).report;
    expect(over.violations).toEqual([{ constraint: 'neuron circuits', needed: 513, available: 512 }]);
    expect(over.chipsNeeded).toBe(2);
  });

  it('cycles: one int16 stochastic row costs the fixed part, one protein update, a row read and four vector groups', () => {
    const d = net([{ name: 'pre', size: 1 }, post], [{ name: 'P', source: 'pre', target: 'post', plastic: true, edges: [[0, 0]] }], ['pre']);
    const r = mapNetwork(d, { seed: 1, chips: 1 }).report;
    // 20 fixed + 1 × (12 + 6 rounding) + 300 row read + 4 groups × (43 ops + 6 roundings × 6) × 2 cycles
    expect(r.cyclesPerUpdate).toBe(20 + 18 + 300 + 4 * 158);
    expect(r.minPeriod_ms).toBeCloseTo(r.cyclesPerUpdate / 250, 12);
    expect(r.period_ms).toBeCloseTo(4, 12); // 3.88 ms rounded up to whole 0.2 ms steps
    const tooShort = mapNetwork(d, { seed: 1, chips: 1, ppuPeriod_ms: 3.8 }).report;
    expect(tooShort.violations.map((v) => v.constraint)).toEqual(['solver period']);
    expect(r.hardware_s).toBe(0.001);
  });
});
