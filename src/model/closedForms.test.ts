import { describe, expect, it } from 'vitest';
import { advanceSlow, restCrossingTime, type SlowConstants } from './equations.js';

const K: SlowConstants = { tauP: 3600, alpha: 1, rhoLtp: 1 / 3600, rhoLtd: 1 / 3600, zMax: 1, zMin: -0.5 };

/** Fine explicit midpoint integration of τp dp/dt = −p + sα, dz/dt = ρ p (z_T − z). */
function integrate(p: number, z: number, s: number, tag: number, T: number, n: number): [number, number] {
  const h = T / n;
  const f = (pp: number, zz: number): [number, number] => [
    (-pp + s * K.alpha) / K.tauP,
    tag > 0 ? K.rhoLtp * pp * (K.zMax - zz) : tag < 0 ? K.rhoLtd * pp * (K.zMin - zz) : 0,
  ];
  for (let i = 0; i < n; i++) {
    const a = f(p, z), b = f(p + 0.5 * h * a[0], z + 0.5 * h * a[1]);
    const c = f(p + 0.5 * h * b[0], z + 0.5 * h * b[1]), d = f(p + h * c[0], z + h * c[1]);
    p += (h / 6) * (a[0] + 2 * b[0] + 2 * c[0] + d[0]);
    z += (h / 6) * (a[1] + 2 * b[1] + 2 * c[1] + d[1]);
  }
  return [p, z];
}

describe('protein and late phase in closed form', () => {
  it('agree with RK4 for every synthesis/tag combination', () => {
    const out = new Float64Array(2);
    for (const s of [0, 1]) for (const tag of [-1, 0, 1]) for (const [p, z, T] of [[0, 0, 1000], [0.4, 0.2, 5000], [0.7, -0.3, 20], [0.9, 0.9, 30000]] as const) {
      advanceSlow(K, p, z, s, tag, T, out);
      const [pr, zr] = integrate(p, z, s, tag, T, 20_000);
      expect(out[0]).toBeCloseTo(pr, 10);
      expect(out[1]).toBeCloseTo(zr, 10);
    }
  });

  it('z stays within its bounds', () => {
    const out = new Float64Array(2);
    advanceSlow(K, 1, 0.99, 1, 1, 1e6, out);
    expect(out[1]).toBeLessThanOrEqual(1);
    advanceSlow(K, 1, -0.49, 1, -1, 1e6, out);
    expect(out[1]).toBeGreaterThanOrEqual(-0.5);
  });

  it('rest crossing time solves the relaxation exactly', () => {
    const k = 0.1 / 688.4, m = 4.2;
    const t = restCrossingTime(7, m, 5.04, k);
    expect(m + (7 - m) * Math.exp(-k * t)).toBeCloseTo(5.04, 12);
    expect(restCrossingTime(1, m, 3.36, k)).toBeGreaterThan(0);
    expect(restCrossingTime(5, m, 6, k)).toBe(0); // already past
    expect(restCrossingTime(5, m, 3, k)).toBe(Infinity); // beyond the fixed point
  });
});
