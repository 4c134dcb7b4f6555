import { describe, expect, it } from 'vitest';
import { streamFor } from '../../random/streams.js';
import { ouBridge, ouTransition, type OuRegime } from './ornsteinUhlenbeck.js';
import { gaussianZiggurat } from './ziggurat.js';

// The potentiation regime of the default parameters: k = C/τ_h, s² = σ²·2/τ_h.
const tauH = 688.4, C = 0.1 + 1645.6 + 313.1, sigma = 2.90436;
const reg: OuRegime = { k: C / tauH, m: 8.4, varInf: (sigma * sigma * 2) / tauH / (2 * (C / tauH)) };

describe('Ornstein–Uhlenbeck sampling', () => {
  it('transition: decay and SD equal the closed forms', () => {
    const out = new Float64Array(2);
    for (const dt of [1e-7, 1e-4, 5e-3, 0.3, 10]) {
      ouTransition(reg, dt, out);
      expect(out[0]).toBeCloseTo(Math.exp(-reg.k * dt), 15);
      const sd = Math.sqrt(reg.varInf * (1 - Math.exp(-2 * reg.k * dt)));
      expect(Math.abs(out[1]! - sd) / sd).toBeLessThan(1e-9);
    }
  });

  it('splitting an interval leaves the distribution unchanged (Markov property)', () => {
    const rng = streamFor(1, [0], 'plasticityNoise');
    const out = new Float64Array(2);
    const n = 100_000, y0 = 3;
    let s1 = 0, s2 = 0, t1 = 0, t2 = 0;
    for (let i = 0; i < n; i++) {
      ouTransition(reg, 0.2, out);
      const a = y0 * out[0]! + out[1]! * gaussianZiggurat(rng);
      s1 += a; s2 += a * a;
      let b = y0;
      for (let j = 0; j < 8; j++) {
        ouTransition(reg, 0.025, out);
        b = b * out[0]! + out[1]! * gaussianZiggurat(rng);
      }
      t1 += b; t2 += b * b;
    }
    const va = s2 / n - (s1 / n) ** 2, vb = t2 / n - (t1 / n) ** 2;
    expect(Math.abs(s1 / n - t1 / n)).toBeLessThan(5 * Math.sqrt((2 * va) / n));
    expect(Math.abs(va / vb - 1)).toBeLessThan(0.03);
  });

  it('bridge: drawing the end first, then the middle, gives the right joint law', () => {
    const rng = streamFor(2, [0], 'plasticityNoise');
    const out = new Float64Array(2);
    const n = 200_000, ya = 2, tau1 = 0.15, tau2 = 0.25;
    ouTransition(reg, tau1 + tau2, out);
    const eT = out[0]!, sdT = out[1]!;
    let m = 0, m2 = 0, cov = 0, mb = 0;
    for (let i = 0; i < n; i++) {
      const yb = ya * eT + sdT * gaussianZiggurat(rng);
      const yt = ouBridge(reg, ya, yb, tau1, tau2, gaussianZiggurat(rng));
      m += yt; m2 += yt * yt; cov += yt * yb; mb += yb;
    }
    m /= n; m2 /= n; cov /= n; mb /= n;
    const e1 = Math.exp(-reg.k * tau1), e2 = Math.exp(-reg.k * tau2);
    const v1 = reg.varInf * (1 - e1 * e1);
    // the marginal at τ1 is the forward transition; Cov(y_t, y_b) = e^{−k τ2} v1
    expect(m).toBeCloseTo(ya * e1, 3);
    expect((m2 - m * m) / v1).toBeCloseTo(1, 1);
    expect(Math.abs((cov - m * mb) / (e2 * v1) - 1)).toBeLessThan(0.03);
  });

  it('bridge endpoints are returned exactly', () => {
    expect(ouBridge(reg, 1, 2, 0, 0.1, 0.5)).toBe(1);
    expect(ouBridge(reg, 1, 2, 0.1, 0, 0.5)).toBe(2);
  });
});
