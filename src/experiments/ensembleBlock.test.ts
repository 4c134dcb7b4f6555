import { describe, expect, it } from 'vitest';
import { EnsembleAccumulator, type TrialScalars } from './ensemble.js';
import { CHECKPOINTS, REDUCE_BLOCK, TrialTraceReducer, blockRecordLength } from './ensembleBlock.js';
import { sampleAt } from './statistics.js';

const h0 = 4.2;
const len = 7;
const t_s = Float64Array.from({ length: len }, (_, i) => 5000 * i); // 0 … 30 000 s: every checkpoint reached
/** Trial k's traces: deterministic, spread around a large mean (the case where a naive sum of squares fails). */
function trace(k: number): [Float64Array, Float64Array, Float64Array] {
  const u = (j: number, i: number) => Math.sin(1.7 * k + 0.9 * i + 2.3 * j) * (1 + (k % 5));
  return [
    Float64Array.from({ length: len }, (_, i) => h0 + 1e-3 * u(0, i)),
    Float64Array.from({ length: len }, (_, i) => 0.5 + 0.1 * u(1, i)),
    Float64Array.from({ length: len }, (_, i) => 1e6 + u(2, i)),
  ];
}
const scalars = (k: number): TrialScalars => ({
  trial: k, outcome: 'none', tagged: false, proteinSynthesis: false, maxDev_mV: 0.1, pMax: 0.2, tPMax_s: 1,
  preSpikes: 3, postSpikes: 1, steps: 10, wall_ms: 0,
});

describe('ensemble reduction in blocks', () => {
  it('gives the two-pass mean and SD of every trace (to N·ε of the values\' magnitude: the problem\'s own condition)', () => {
    const N = 3 * REDUCE_BLOCK + 5;
    const acc = new EnsembleAccumulator(h0);
    for (let k = 0; k < N; k++) acc.addTrace(t_s, ...trace(k), scalars(k));
    const r = acc.result('X', 'exact', 0);
    const values = (i: number) => Array.from({ length: N }, (_, k) => {
      const [H, Z, P] = trace(k);
      return { h_rel: H[i]! / h0, z: Z[i]!, w_rel: (H[i]! + h0 * Z[i]!) / h0, p: P[i]! };
    });
    for (let i = 0; i < len; i++) {
      const v = values(i);
      for (const name of ['h_rel', 'z', 'w_rel', 'p'] as const) {
        const xs = v.map((x) => x[name]);
        const mean = xs.reduce((a, b) => a + b, 0) / N;
        const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1));
        const tol = N * Number.EPSILON * (Math.abs(mean) + sd);
        expect(Math.abs(r.traces[name].mean[i]! - mean)).toBeLessThanOrEqual(tol);
        expect(Math.abs(r.traces[name].sd[i]! - sd)).toBeLessThanOrEqual(tol);
      }
    }
  });

  it('gives the same bits whether trials are reduced here or elsewhere in blocks, and snapshots change nothing', () => {
    const N = 2 * REDUCE_BLOCK + 3;
    const here = new EnsembleAccumulator(h0);
    const peeked = new EnsembleAccumulator(h0);
    const there = new EnsembleAccumulator(h0);
    const red = new TrialTraceReducer(t_s, h0);
    const L = blockRecordLength(len);
    for (let k = 0; k < N; k++) {
      here.addTrace(t_s, ...trace(k), scalars(k));
      peeked.addTrace(t_s, ...trace(k), scalars(k));
      if (k % 5 === 0) peeked.result('X', 'exact', 0);
      const [H, Z, P] = trace(k);
      red.add(H, Z, P, k, 0.1, 0.2);
      there.addReduced(scalars(k), red.cp, 0);
      if (red.blockFull || k === N - 1) {
        const out = new Float64Array(L);
        red.takeBlock(out, 0);
        there.addBlock(t_s, out, 0);
      }
    }
    const bits = (acc: EnsembleAccumulator) => {
      const r = acc.result('X', 'exact', 0);
      return { traces: Object.values(r.traces).map((t) => [Array.from(t.mean), Array.from(t.sd)]), w: r.w_rel, h: r.h_mV, z: r.z, rows: r.rows };
    };
    expect(bits(there)).toEqual(bits(here));
    expect(bits(peeked)).toEqual(bits(here));
  });

  it('samples the checkpoints exactly as sampleAt, clamped or not reached', () => {
    const grids = [
      t_s, // reaches past 8 h
      Float64Array.from({ length: 481 }, (_, i) => 60 * i), // ends on 8 h
      Float64Array.from([4000, 7200, 9000.5, 20000]), // starts after 'pre', ends before 6 h
    ];
    for (const g of grids) {
      const red = new TrialTraceReducer(g, h0);
      const H = g.map((t) => h0 + Math.sin(t / 977)), Z = g.map((t) => Math.cos(t / 1231)), P = g.map(() => 0);
      red.add(H, Z, P, 0, 0, 0);
      const C = CHECKPOINTS.length;
      CHECKPOINTS.forEach(([, t], k) => {
        const reached = t <= g[g.length - 1]! + 1e-9;
        expect(Object.is(red.cp[k], reached ? sampleAt(g, red.W, t) : NaN)).toBe(true);
        expect(Object.is(red.cp[C + k], reached ? sampleAt(g, H, t) : NaN)).toBe(true);
        expect(Object.is(red.cp[2 * C + k], reached ? sampleAt(g, Z, t) : NaN)).toBe(true);
      });
    }
  });
});
