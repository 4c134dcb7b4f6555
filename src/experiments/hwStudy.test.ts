import { describe, expect, it } from 'vitest';
import { PRESET_PROTOCOLS } from '../model/protocols.js';
import { effectiveClass, hwStudyCsv, hwStudyFigureSpec, hwStudyJson, runHwStudy, summariseConfigurations } from './hwStudy.js';

describe('hardware study', () => {
  it('sweeps configurations against the reference engine and prints exactly the documented row keys', () => {
    const r = runHwStudy({
      protocols: [PRESET_PROTOCOLS.WTET], trials: 2, referenceTrials: 3, periods_ms: [10, 1000], formats: ['int16'], roundings: ['nearest', 'stochastic'],
    });
    expect(r.rows).toHaveLength(4);
    const json = hwStudyJson(r);
    expect(Object.keys(json)).toEqual(['rows']);
    for (const row of json.rows) {
      expect(Object.keys(row)).toEqual(['protocol', 'format', 'ppu_period_ms', 'rounding', 'w_rel_8h', 'dev_sd_8h', 'class', 'class_ok', 'feasible']);
      expect(Object.keys(row.w_rel_8h as object)).toEqual(['mean', 'sd']);
    }
    const at = (p: number, m: string) => r.rows.find((x) => x.ppu_period_ms === p && x.rounding === m)!;
    // plain rounding freezes the decay of early LTP: far off; stochastic rounding agrees
    expect(at(10, 'nearest').dev_sd_8h).toBeGreaterThan(10);
    expect(Math.abs(at(10, 'stochastic').dev_sd_8h)).toBeLessThan(4);
    expect(at(10, 'stochastic').class_ok).toBe(true);
    // a 1 s period cannot see a 0.2 s tetanus reliably
    expect(at(1000, 'stochastic').rmse_w_rel).toBeGreaterThanOrEqual(0);
    expect(r.rows.every((x) => x.feasible)).toBe(true);
    expect(hwStudyCsv(r).split('\n')[0]).toMatch(/dev_sd_2h.*dev_sd_8h.*rmse_w_rel/);
    expect(summariseConfigurations(r)).toHaveLength(4);
    expect(JSON.stringify(hwStudyFigureSpec(r))).toMatch(/"facet"/);
  });

  it('counts a late-phase class whose z never moved as early-phase', () => {
    expect(effectiveClass('late-LTP', 0.0)).toBe('early-LTP');
    expect(effectiveClass('late-LTD', -0.3)).toBe('late-LTD');
    expect(effectiveClass('early-LTD', 0)).toBe('early-LTD');
  });
});
