/**
 * The exponentials the model's closed forms are evaluated with, where Math.exp is too slow or loses
 * accuracy: pure functions, no Node-only API.
 *
 * expNeg / expm1Neg are table-driven, accurate to about 1 ulp and several times faster than Math.exp in
 * V8 (the exact engine evaluates them per event). e^{−x} = 2^{−k/64} · e^{−r} with
 * k = round(64 x / ln 2) and |r| ≤ ln 2/128, the reduction done with fdlibm's two-part ln 2
 * (Cody–Waite, so k·ln2_hi is exact), 2^{−k/64} from a table and e^{−r} from its degree-6 Taylor
 * polynomial (truncation < r⁷/7! ≈ 3·10⁻²⁰). Arguments beyond the table fall back to Math.exp.
 */

const N = 64;
/** e^{−XMAX} ≈ 1.9·10⁻²² is where the table ends. */
const XMAX = 50;
const LN2_HI = 6.93147180369123816490e-1; // 32 significant bits
const LN2_LO = 1.90821492927058770002e-10;
const INV_L = N / Math.LN2;
const L_HI = LN2_HI / N;
const L_LO = LN2_LO / N;
const TABLE = new Float64Array(Math.ceil(XMAX * INV_L) + 2);
for (let k = 0; k < TABLE.length; k++) TABLE[k] = Math.pow(2, -k / N);

/** e^{−x} for x ≥ 0 (any x is accepted; outside [0, 50) it defers to Math.exp). */
export function expNeg(x: number): number {
  if (!(x >= 0 && x < XMAX)) return Math.exp(-x);
  const k = (x * INV_L + 0.5) | 0;
  const r = x - k * L_HI - k * L_LO;
  const p = 1 - r * (1 - r * (0.5 - r * (1 / 6 - r * (1 / 24 - r * (1 / 120 - r * (1 / 720))))));
  return TABLE[k]! * p;
}

/**
 * e^{−x} − 1 for x ≥ 0, accurate also for tiny x: a degree-10 Taylor polynomial below 0.03
 * (relative truncation < 10⁻²³), else expNeg(x) − 1.
 */
export function expm1Neg(x: number): number {
  if (x < 0.03 && x >= 0) {
    return -x * (1 - x * (1 / 2 - x * (1 / 6 - x * (1 / 24 - x * (1 / 120 - x * (1 / 720 - x * (1 / 5040 - x * (1 / 40320 - x * (1 / 362880 - x * (1 / 3628800))))))))));
  }
  return expNeg(x) - 1;
}

/**
 * e^x for the tiny per-step exponents of the slow variables (|x| ≤ 1e-4): the cubic Taylor polynomial
 * is correct to below half an ulp there (x⁴/24 < 5e-18), and several times faster than Math.exp in V8.
 * Falls back to Math.exp elsewhere.
 */
export function expSmall(x: number): number {
  if (x > -1e-4 && x < 1e-4) return 1 + x * (1 + x * (0.5 + x * (1 / 6)));
  return Math.exp(x);
}
