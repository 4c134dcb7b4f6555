import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../model/parameters.js';
import { PRESET_PROTOCOLS, PRESET_NAMES, type Protocol } from '../../model/protocols.js';
import { runReferenceTrial } from '../reference/referenceEngine.js';
import type { TrialResult, TrialSpec } from '../types.js';
import { runBss2Trial } from './bss2Engine.js';
import { Bss2ConfigError } from './config.js';

const P = defaultParams();

function spec(protocol: Protocol, trial: number, engineOptions: Record<string, unknown> = {}): TrialSpec {
  return { params: P, protocol, seed: 1, trial, dt_ms: 0.2, fastForward: true, sampleInterval_s: 60, recordCalcium: false, engineOptions };
}
const wRel8h = (r: TrialResult) => {
  const n = r.t_s.length;
  expect(r.t_s[n - 1]).toBe(28800);
  return (r.h_mV[n - 1]! + P.h0 * r.z[n - 1]!) / P.h0;
};
const meanSd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { m, sd: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) };
};

describe('bss2 engine', () => {
  it('states hardware time: 8 h of biology take 28.8 s on the chip, and the processor runs all along', () => {
    const r = runBss2Trial(spec(PRESET_PROTOCOLS.WTET, 0));
    expect(r.diagnostics).toMatchObject({ biologicalTime_s: 28800, hardwareTime_s: 28.8, ppuPeriod_ms: 10, ppuPeriodHardware_us: 10, ppuUpdates: 2_880_000, feasible: true });
    expect(r.diagnostics!.utilisation).toBeLessThan(0.1);
  });

  it('scales time with the acceleration without changing the biology', () => {
    const opts = { mismatch: 0, temporalNoise: 0 };
    const a = runBss2Trial(spec(PRESET_PROTOCOLS.WTET, 1, opts));
    const b = runBss2Trial(spec(PRESET_PROTOCOLS.WTET, 1, { ...opts, acceleration: 500 }));
    expect(b.diagnostics!.hardwareTime_s).toBeCloseTo(57.6, 9);
    expect(b.diagnostics!.cyclesAvailable).toBeCloseTo(2 * (a.diagnostics!.cyclesAvailable as number), 6);
    expect(wRel8h(b)).toBeCloseTo(wRel8h(a), 9);
    expect(b.postSpikes).toBe(a.postSpikes);
  });

  it('refuses a configuration the processor cannot keep up with, unless told, and then says so', () => {
    expect(() => runBss2Trial(spec(PRESET_PROTOCOLS.WTET, 0, { ppuPeriod_ms: 0.4 }))).toThrow(Bss2ConfigError);
    const r = runBss2Trial(spec(PRESET_PROTOCOLS.WTET, 0, { ppuPeriod_ms: 0.4, allowInfeasible: true, format: 'int16', rounding: 'nearest' }));
    expect(r.diagnostics!.feasible).toBe(false);
    expect(r.diagnostics!.warnings).toMatch(/INFEASIBLE/);
  });

  it('round-to-nearest on 16-bit lanes freezes the decay of early LTP; stochastic rounding does not', () => {
    const nearest = runBss2Trial(spec(PRESET_PROTOCOLS.WTET, 0, { rounding: 'nearest' }));
    const stochastic = runBss2Trial(spec(PRESET_PROTOCOLS.WTET, 0));
    expect(wRel8h(nearest)).toBeGreaterThan(1.1);
    expect(Math.abs(wRel8h(stochastic) - 1)).toBeLessThan(0.02);
    expect(nearest.diagnostics!.ppuUpdatesComputed).toBeLessThan(stochastic.diagnostics!.ppuUpdatesComputed as number);
    // STET: synthesis is switched on, but p's increments (0.045 LSB) are rounded away: no protein, no late phase
    const stet = runBss2Trial(spec(PRESET_PROTOCOLS.STET, 0, { rounding: 'nearest' }));
    expect(stet.pMax).toBe(0);
    expect(stet.z[stet.z.length - 1]).toBe(0);
    expect(stet.outcome).toBe('early-LTP');
  });

  it('records the calcium trace through the first stimulus', () => {
    const r = runBss2Trial({ ...spec(PRESET_PROTOCOLS.WTET, 0), recordCalcium: true });
    expect(r.calcium!.t_s.length).toBeGreaterThan(1000);
    expect(Math.max(...r.calcium!.c)).toBeGreaterThan(P.theta_p);
  });

  // Statistical agreement with the float64 reference engine (default configuration, 5 trials each).
  // Tolerance: 4 combined standard errors √(sd_b²/n + sd_r²/n) of the trial means at 8 h — for a correct
  // engine a false alarm has probability < 1e-4 per protocol; a systematic error of one reference SD
  // (the smallest effect the study calls a failure) exceeds it for every protocol.
  it('matches the reference engine on all four protocols: class and w/h0 at 8 h', () => {
    const n = 5;
    for (const name of PRESET_NAMES) {
      const protocol = PRESET_PROTOCOLS[name];
      const ref = Array.from({ length: n }, (_, t) => runReferenceTrial(spec(protocol, t)));
      const hw = Array.from({ length: n }, (_, t) => runBss2Trial(spec(protocol, t)));
      const r = meanSd(ref.map(wRel8h)), b = meanSd(hw.map(wRel8h));
      const se = Math.sqrt((r.sd ** 2 + b.sd ** 2) / n);
      expect(Math.abs(b.m - r.m), `${name}: bss2 ${b.m.toFixed(4)} ± ${b.sd.toFixed(4)} vs reference ${r.m.toFixed(4)} ± ${r.sd.toFixed(4)}`).toBeLessThan(4 * se);
      for (const t of hw) expect(t.outcome, name).toBe(protocol.expected);
    }
  });
});
