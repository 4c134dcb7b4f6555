import { describe, expect, it } from 'vitest';
import {
  earlyPhaseDecay, earlyPhaseDrift, earlyPhaseNoiseGain, earlyPhaseNoiseScale, earlyPhaseRelaxedFraction, latePhaseTarget,
  latePhaseTimeConstant, latePhaseWeight, relaxedFraction, totalWeight,
} from '../../model/equations.js';
import { defaultParams } from '../../model/parameters.js';
import { resolveBss2Config } from './config.js';
import { FORMATS, quantiseCoefficient } from './fixedPoint.js';
import { LfsrSequence, SUM4_SD } from './lfsr.js';
import { PlasticityProcessor, ppuConstants } from './ppu.js';

const P = defaultParams();

function processor(opts: Record<string, unknown>) {
  const cfg = resolveBss2Config(opts, P);
  const k = ppuConstants(P, cfg);
  const ppu = new PlasticityProcessor(k, cfg.rounding, new LfsrSequence(42), cfg.roundingBits);
  // early LTP with protein: h 2 mV above h0, p = 0.5, z = 0.2
  ppu.H = k.H0 + Math.round(2 / k.lsbH);
  ppu.P = Math.round(0.5 / k.lsbP);
  ppu.Z = Math.round(0.2 / k.lsbZ);
  return { ppu, k };
}

describe('plasticity processor', () => {
  it('the quiet-stretch loop is the regime-0 update, step for step', () => {
    for (const format of ['int16', 'int32'] as const) {
      const a = processor({ format }).ppu, b = processor({ format }).ppu;
      a.idle(5000, 0, () => Infinity, () => {});
      for (let i = 1; i <= 5000; i++) b.update(0, i);
      expect([a.H, a.Z, a.P, a.rounder.draws]).toEqual([b.H, b.Z, b.P, b.rounder.draws]);
    }
  });

  it('integer state follows the float equations in expectation (int32, stochastic)', () => {
    const { ppu, k } = processor({ format: 'int32', ppuPeriod_ms: 100 });
    const n = 36_000; // one hour
    ppu.idle(n, 0, () => Infinity, () => {});
    const dev0 = 2, t = n * 0.1;
    const hExpected = P.h0 + dev0 * Math.exp((-0.1 * t) / P.tau_h);
    expect(ppu.H * k.lsbH).toBeCloseTo(hExpected, 3);
    expect(ppu.z()).toBeGreaterThan(0.2); // tagged with protein: z grew toward 1
  });

  it('round-to-nearest freezes sub-LSB updates at once (a fixed point ends the loop)', () => {
    const { ppu } = processor({ format: 'int16', rounding: 'nearest', ppuPeriod_ms: 1 });
    const H = ppu.H, Z = ppu.Z;
    const done = ppu.idle(1_000_000, 0, () => Infinity, () => {});
    expect(done).toBeLessThan(100);
    expect([ppu.H, ppu.Z]).toEqual([H, Z]);
  });

  it('loads the model per-period coefficients, quantised', () => {
    for (const [format, ppuPeriod_ms] of [['int16', 10], ['int32', 1], ['int8', 10]] as const) {
      const cfg = resolveBss2Config({ format, ppuPeriod_ms, allowInfeasible: true }, P);
      const k = ppuConstants(P, cfg);
      const f = FORMATS[format], dt = ppuPeriod_ms * 1e-3;
      for (const r of [0, 1, 2] as const) {
        expect(k.T[r]).toBe(Math.round(earlyPhaseDrift(P, r).target / k.lsbH));
        expect(k.Kh[r]).toEqual(quantiseCoefficient(earlyPhaseRelaxedFraction(P, r, dt), f));
        expect(k.Kn[r]).toEqual(quantiseCoefficient((earlyPhaseNoiseScale(P, r, dt) * earlyPhaseRelaxedFraction(P, r, dt)) / k.lsbH / SUM4_SD, f));
        // the same relaxation and per-step noise SD as the reference's step, to rounding
        expect(earlyPhaseRelaxedFraction(P, r, dt)).toBeCloseTo(1 - earlyPhaseDecay(P, r, dt), 15);
        expect(earlyPhaseNoiseScale(P, r, dt) * earlyPhaseRelaxedFraction(P, r, dt)).toBeCloseTo(earlyPhaseNoiseGain(P, r, dt), 12);
      }
      expect(k.Kp).toEqual(quantiseCoefficient(relaxedFraction(dt, P.tau_p), f));
      expect(k.KzLtp).toEqual(quantiseCoefficient((dt / latePhaseTimeConstant(P, 1)) * cfg.scales.p, f));
      expect(k.KzLtd).toEqual(quantiseCoefficient((dt / latePhaseTimeConstant(P, -1)) * cfg.scales.p, f));
      expect(k.Kwz).toEqual(quantiseCoefficient(latePhaseWeight(k.lsbZ, P) / k.lsbW, f));
      expect([k.ZMAX, k.ZMIN]).toEqual([Math.round(latePhaseTarget(P, 1) / k.lsbZ), Math.round(latePhaseTarget(P, -1) / k.lsbZ)]);
    }
  });

  it('writes a 6-bit weight w = h + h0 z', () => {
    const { ppu, k } = processor({});
    const w = totalWeight(ppu.h_mV(), ppu.z(), P);
    expect(Math.abs(ppu.weightCode() * k.lsbW - w)).toBeLessThanOrEqual(k.lsbW);
  });
});
