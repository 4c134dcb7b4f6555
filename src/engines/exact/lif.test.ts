import { describe, expect, it } from 'vitest';
import { advanceMembrane, firstSpikeTime, makeLifConstants, SPIKE_TIME_TOL_S } from './lif.js';

/** Fine RK4 integration of τm du/dt = −u + D + R I, τs dI/dt = −I. */
function rk4(L: ReturnType<typeof makeLifConstants>, u: number, I: number, T: number, n: number): [number, number] {
  const h = T / n;
  const f = (uu: number, ii: number): [number, number] => [(-uu + L.drive + L.rMem * ii) / L.tauMem, -ii / L.tauSyn];
  for (let k = 0; k < n; k++) {
    const a = f(u, I), b = f(u + 0.5 * h * a[0], I + 0.5 * h * a[1]);
    const c = f(u + 0.5 * h * b[0], I + 0.5 * h * b[1]), d = f(u + h * c[0], I + h * c[1]);
    u += (h / 6) * (a[0] + 2 * b[0] + 2 * c[0] + d[0]);
    I += (h / 6) * (a[1] + 2 * b[1] + 2 * c[1] + d[1]);
  }
  return [u, I];
}

describe('LIF membrane in closed form', () => {
  const cases = [
    makeLifConstants(0.01, 0.005, 10, 0, -55, -65),
    makeLifConstants(0.01, 0.01, 10, 0, -55, -65), // τ_syn = τ_mem
    makeLifConstants(0.01, 0.02, 10, 0.3, -55, -65), // τ_syn > τ_mem, constant drive
  ];

  it('advanceMembrane agrees with RK4', () => {
    const out = new Float64Array(2);
    for (const L of cases) {
      for (const [u, I, T] of [[-5, 2, 0.004], [3, 1.5, 0.02], [0, -1, 0.05]] as const) {
        advanceMembrane(L, u, I, T, out);
        const [ur, ir] = rk4(L, u, I, T, 20_000);
        expect(out[0]).toBeCloseTo(ur, 9);
        expect(out[1]).toBeCloseTo(ir, 9);
      }
    }
  });

  it('the unit-PSP bound gMax is the true maximum', () => {
    const out = new Float64Array(2);
    for (const L of cases) {
      let best = 0;
      for (let t = 0; t < 0.2; t += 1e-5) {
        advanceMembrane({ ...L, drive: 0 }, 0, 1 / L.rMem, t, out);
        best = Math.max(best, out[0]!);
      }
      expect(best).toBeLessThanOrEqual(L.gMax + 1e-12);
      expect(best).toBeGreaterThan(L.gMax - 1e-6);
    }
  });

  it('finds the first threshold crossing, or none, like a fine scan', () => {
    const out = new Float64Array(2);
    for (const L of cases) {
      for (const [u, I, H] of [[0, 4.1, 0.05], [0, 3.9, 0.05], [0, 3.2, 0.05], [-5, 6, 0.002], [8, 0.5, 0.03], [0, 2.0, 0.05], [-3, -1, 0.05]] as const) {
        const ts = firstSpikeTime(L, u, I, H);
        // scan
        let scan = Infinity;
        for (let k = 1; k <= 200_000; k++) {
          const t = (k / 200_000) * H;
          advanceMembrane(L, u, I, t, out);
          if (out[0]! >= L.uTh) { scan = t; break; }
        }
        if (scan === Infinity) expect(ts).toBe(Infinity);
        else {
          expect(Math.abs(ts - scan)).toBeLessThanOrEqual(H / 200_000 + SPIKE_TIME_TOL_S);
          advanceMembrane(L, u, I, ts, out);
          expect(out[0]).toBeGreaterThanOrEqual(L.uTh);
          advanceMembrane(L, u, I, ts - 2 * SPIKE_TIME_TOL_S, out);
          expect(out[0]).toBeLessThan(L.uTh);
        }
      }
    }
  });
});
