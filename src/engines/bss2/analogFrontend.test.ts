import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../model/parameters.js';
import { AnalogFrontend, analogCircuit, effectiveMismatch } from './analogFrontend.js';
import { resolveBss2Config } from './config.js';

const P = defaultParams();
const cfg = (o: Record<string, unknown>) => resolveBss2Config(o, P);

describe('analog front end', () => {
  it('runs in hardware time: time constants divided by the acceleration', () => {
    const c = analogCircuit(P, cfg({ mismatch: 0, temporalNoise: 0 }), 1, 0);
    expect(c.tauC_hw).toBeCloseTo(48.8e-6, 15);
    expect(c.tauMem_hw).toBeCloseTo(10e-6, 15);
    const slow = analogCircuit(P, cfg({ mismatch: 0, temporalNoise: 0, acceleration: 10 }), 1, 0);
    expect(slow.tauC_hw).toBeCloseTo(4.88e-3, 12);
    const fe = new AnalogFrontend(c, 0.2e-3, 1000, 16 / 63);
    expect(fe.dt_hw).toBeCloseTo(0.2e-6, 15);
    // one presynaptic calcium jump decays with τ_c: after 244 steps (48.8 µs) it is 1/e
    fe.step(false, true);
    for (let i = 0; i < 244; i++) fe.step(false, false);
    expect(fe.c).toBeCloseTo(Math.exp(-1), 6);
  });

  it('draws fixed-pattern mismatch once per chip seed; calibration shrinks it; trials add temporal noise', () => {
    const a = analogCircuit(P, cfg({ mismatch: 0.1, calibration: false, temporalNoise: 0, chipSeed: 3 }), 1, 0);
    const b = analogCircuit(P, cfg({ mismatch: 0.1, calibration: false, temporalNoise: 0, chipSeed: 3 }), 99, 7);
    expect(b).toEqual(a); // same chip, any trial: the same circuit
    const other = analogCircuit(P, cfg({ mismatch: 0.1, calibration: false, temporalNoise: 0, chipSeed: 4 }), 1, 0);
    expect(other.cPre).not.toBe(a.cPre);
    const cal = analogCircuit(P, cfg({ mismatch: 0.1, calibration: true, temporalNoise: 0, chipSeed: 3 }), 1, 0);
    expect(Math.abs(cal.cPre - P.c_pre)).toBeCloseTo(Math.abs(a.cPre - P.c_pre) / 10, 9);
    expect(effectiveMismatch(cfg({ mismatch: 0.2, calibration: true }))).toBeCloseTo(0.02, 12);
    const t0 = analogCircuit(P, cfg({ mismatch: 0, temporalNoise: 0.01 }), 1, 0);
    const t1 = analogCircuit(P, cfg({ mismatch: 0, temporalNoise: 0.01 }), 1, 1);
    expect(t0.tauC_hw).not.toBe(t1.tauC_hw);
    expect(Math.abs(t0.tauC_hw / 48.8e-6 - 1)).toBeLessThan(0.05);
  });

  it('spreads parameters with the requested relative SD across chips', () => {
    const xs = Array.from({ length: 400 }, (_, chip) => analogCircuit(P, cfg({ mismatch: 0.1, calibration: false, temporalNoise: 0, chipSeed: chip }), 1, 0).tauC_hw / 48.8e-6);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
    expect(m).toBeGreaterThan(0.98);
    expect(m).toBeLessThan(1.02);
    expect(sd).toBeGreaterThan(0.085);
    expect(sd).toBeLessThan(0.115);
  });
});
