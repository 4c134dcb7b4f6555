import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../model/parameters.js';
import { calciumJumps, regimeStretches, timeAboveThresholds } from '../../model/timing/closedForm.js';
import { pairingProtocol } from '../../model/timing/pairing.js';
import { chipWindow, chipWindowStudy, modelWindow } from './chipWindow.js';

const P = resolveParams();
const above = (dt: number) => timeAboveThresholds(regimeStretches(calciumJumps(pairingProtocol({ pairs: 1, freq_Hz: 1, dt_ms: dt }), P), P)).above_d_s;

describe('low-frequency window edges', () => {
  it("the model's edges are where one pairing's calcium starts and stops reaching θ_d (3.1 and 22.6 ms)", () => {
    const w = modelWindow(P);
    if (w.kind !== 'window') throw new Error(w.kind);
    expect(w.lo_ms).toBeCloseTo(3.1, 1);
    expect(w.hi_ms).toBeCloseTo(22.6, 1);
    for (const edge of [w.lo_ms, w.hi_ms]) {
      const inside = edge === w.lo_ms ? edge + 0.01 : edge - 0.01, outside = edge === w.lo_ms ? edge - 0.01 : edge + 0.01;
      expect(above(inside)).toBeGreaterThan(0);
      expect(above(outside)).toBe(0);
    }
  });

  it('a chip without mismatch has the model window up to the ADC threshold code; mismatch moves the edges', () => {
    const ideal = chipWindow(P, { mismatch: 0 }, 1);
    expect(ideal.kind).toBe('window');
    expect(Math.abs(ideal.thetaD - P.theta_d)).toBeLessThan(5.1 / 255); // within one LSB
    const s = chipWindowStudy(P, { calibration: false }, 200);
    expect(s.window + s.none + s.everyDt).toBe(200);
    expect(s.lo_ms.sd).toBeGreaterThan(0.5);
  });
});
