import { describe, expect, it } from 'vitest';
import type { TrialRow } from './ensemble.js';
import { TrialTable } from './trialTable.js';

const row = (trial: number, reached: string[]): TrialRow => ({
  trial, outcome: trial % 2 ? 'late-LTP' : 'none', tagged: trial % 2 === 1, proteinSynthesis: trial === 3,
  maxDev_mV: trial / 10, pMax: trial * 2, tPMax_s: 100 + trial, preSpikes: 7, postSpikes: trial, steps: 1000 + trial, wall_ms: 0.5,
  w_rel: Object.fromEntries(reached.map((c, i) => [c, 1 + trial + i / 10])),
  h_mV: Object.fromEntries(reached.map((c, i) => [c, 4.2 + i])),
  z: Object.fromEntries(reached.map((c, i) => [c, i / 100])),
});

describe('TrialTable', () => {
  const cps = ['pre', '2h', '8h'];

  it('gives back the rows it was given, exactly (checkpoints not reached stay absent)', () => {
    const t = new TrialTable(cps);
    const rows = Array.from({ length: 200 }, (_, i) => row(i, i % 3 === 0 ? ['pre'] : cps)); // grows past its first capacity
    for (const r of rows) t.push(r);
    expect(t.length).toBe(200);
    expect(t.rows()).toEqual(rows);
    expect(Object.keys(t.row(3).w_rel)).toEqual(['pre']);
  });

  it('columns: numbers per trial, outcome as its class index, NaN for a checkpoint not reached', () => {
    const t = new TrialTable(cps);
    t.push(row(0, ['pre']));
    t.push(row(1, cps));
    expect(Array.from(t.column('trial'))).toEqual([0, 1]);
    expect(Array.from(t.column('outcome'))).toEqual([4, 0]); // none, late-LTP
    expect(Array.from(t.column('tagged'))).toEqual([0, 1]);
    expect(t.column('w_rel_8h')[0]).toBeNaN();
    expect(t.column('w_rel_8h')[1]).toBe(2.2);
    expect(Array.from(t.column('steps'))).toEqual([1000, 1001]);
    expect(() => t.column('w_rel_9h')).toThrow(/no trial column 'w_rel_9h'/);
  });

  it('sorts rows added out of trial order', () => {
    const t = new TrialTable(cps);
    for (const i of [2, 0, 3, 1]) t.push(row(i, cps));
    t.sortByTrial();
    expect(t.rows().map((r) => r.trial)).toEqual([0, 1, 2, 3]);
    expect(t.row(3)).toEqual(row(3, cps));
  });
});
