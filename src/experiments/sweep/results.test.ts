import { describe, expect, it } from 'vitest';
import { MAX_CURVE_ROWS, mergeRates, networkCurvesTable, thinCurves, type JobResult } from './results.js';
import type { SweepManifest } from './plan.js';

describe('a network job\'s curves in its result', () => {
  it('keeps every k-th row, k the smallest that fits, and always the last', () => {
    const t = Float64Array.from({ length: 28_821 }, (_, i) => i);
    const c = thinCurves(t, { h: t.map((x) => 2 * x) });
    expect(c.t_s.length).toBeLessThanOrEqual(MAX_CURVE_ROWS);
    expect(c.t_s.slice(0, 3)).toEqual([0, 29, 58]);
    expect(c.t_s[c.t_s.length - 1]).toBe(28_820);
    expect(c.columns.h!.every((h, i) => h === 2 * c.t_s[i]!)).toBe(true);
  });

  it('keeps short curves whole, and a missing value as null (JSON has no NaN)', () => {
    const c = thinCurves([0, 0.1, 0.2], { h: [1, NaN, 3] });
    expect(c).toEqual({ t_s: [0, 0.1, 0.2], columns: { h: [1, null, 3] } });
  });

  it('ends on the last row when it is not on the stride, without exceeding the limit', () => {
    const t = Array.from({ length: 10 }, (_, i) => i);
    expect(thinCurves(t, {}, [], 4).t_s).toEqual([0, 4, 8, 9]);
    expect(thinCurves(t.slice(0, 9), {}, [], 4).t_s).toEqual([0, 3, 6, 8]);
    expect(thinCurves(t.slice(0, 9), {}, [], 3).t_s).toEqual([0, 5, 8]);
    for (let n = 1; n < 60; n++) for (const max of [2, 3, 7, 10]) {
      const rows = thinCurves(Array.from({ length: n }, (_, i) => i), {}, [], max).t_s;
      expect(rows.length, `${n} rows, at most ${max}`).toBeLessThanOrEqual(Math.max(max, 1));
      expect(rows[rows.length - 1]).toBe(n - 1);
    }
  });

  it('keeps every row inside the windows around learning and recall on top of the stride', () => {
    const t = Float64Array.from({ length: 28_821 }, (_, i) => i);
    const c = thinCurves(t, {}, [[9, 13], [28_808, 28_812]]);
    for (const x of [9, 10, 11, 12, 13, 28_808, 28_809, 28_810, 28_811, 28_812]) expect(c.t_s).toContain(x);
    expect(c.t_s).not.toContain(14);
    expect(c.t_s.length).toBeLessThanOrEqual(MAX_CURVE_ROWS + 10);
  });

  it('the long table: one row per job and time, point columns first, a job\'s missing column NaN', () => {
    const m = { kind: 'network', fields: [{ path: 'fast_forward' }, { path: 'seed' }] } as unknown as SweepManifest;
    const job = (id: string, ff: boolean, columns: Record<string, Array<number | null>>): JobResult => ({
      format: 'calcitag-sweep-result', id, index: ff ? 0 : 1, seed: 3, experiment_hash: 'x', calcitag_version: 'v', point: { fast_forward: ff, seed: 3 },
      protocols: [], wall_ms: 0, curves: { t_s: [0, 1], columns },
    });
    const t = networkCurvesTable(m, [job('a', true, { h: [1, 2] }), job('b', false, { h: [3, null], z: [5, 6] })]);
    expect(t.columns.map((c) => c.name)).toEqual(['job', 'index', 'seed', 'fast_forward', 't_s', 'h', 'z']);
    expect(t.rows).toEqual([
      ['a', 0, 3, 'true', 0, 1, NaN], ['a', 0, 3, 'true', 1, 2, NaN],
      ['b', 1, 3, 'false', 0, 3, 5], ['b', 1, 3, 'false', 1, NaN, 6],
    ]);
  });
});

describe('a network job\'s rates in its result', () => {
  const bins = (n: number) => Float64Array.from({ length: n }, (_, i) => 0.5 * i);

  it('merges equal bins into aligned windows of their mean rate, at most the limit', () => {
    const r = mergeRates(bins(10), 0.5, { a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, [], 4);
    expect(r.t_start_s).toEqual([0, 1.5, 3, 4.5]);
    expect(r.t_end_s).toEqual([1.5, 3, 4.5, 5]);
    expect(r.columns.a).toEqual([2, 5, 8, 10]);
  });

  it('keeps the bins that meet a kept window single, and the mean rate over any window is the spike count over its length', () => {
    const rate = Array.from({ length: 57_640 }, (_, i) => (i % 7) + 0.5 * Math.sin(i));
    const r = mergeRates(bins(57_640), 0.5, { a: rate }, [[9, 13], [28_808, 28_812]]);
    expect(r.t_start_s.length).toBeLessThanOrEqual(MAX_CURVE_ROWS + 20);
    for (const t of [9, 9.5, 12.5, 13, 28_808, 28_811.5]) {
      const i = r.t_start_s.indexOf(t);
      expect(i, `a bin at ${t} s`).toBeGreaterThanOrEqual(0);
      expect(r.t_end_s[i]).toBe(t + 0.5);
    }
    // windows tile [0, 28 820) without gaps, and preserve the total
    expect(r.t_start_s[0]).toBe(0);
    for (let i = 1; i < r.t_start_s.length; i++) expect(r.t_start_s[i]).toBe(r.t_end_s[i - 1]);
    expect(r.t_end_s[r.t_end_s.length - 1]).toBe(28_820);
    const total = r.columns.a!.reduce((s, x, i) => s + x * (r.t_end_s[i]! - r.t_start_s[i]!), 0);
    expect(total).toBeCloseTo(rate.reduce((s, x) => s + 0.5 * x, 0), 6);
  });
});
