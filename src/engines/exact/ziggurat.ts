/**
 * Standard Gaussian samples by the ziggurat method (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000),
 * written for 32-bit integer streams: 128 layers, the layer index from the low 7 bits of one 32-bit
 * word and a signed 25-bit abscissa from its upper 25 bits, so index and value never share bits.
 *
 * About 98.8 % of samples cost one integer draw, one table compare and one multiply; the rest take the
 * exact rejection path (wedges) or Marsaglia's exact tail method beyond r ≈ 3.4426. The distribution
 * is exact up to the 2^-24 resolution of the abscissa within a layer. Tables are built once, at load.
 */
import type { RandomStream } from '../../random/streams.js';

const LAYERS = 128;
/** Right edge of the base layer and the area of every layer (Marsaglia & Tsang's constants for 128 layers). */
const R = 3.442619855899;
const V = 9.91256303526217e-3;
/** Scale of the signed 25-bit abscissa: |j| < 2^24. */
const M = 16777216;

const KN = new Int32Array(LAYERS);
const WN = new Float64Array(LAYERS);
const FN = new Float64Array(LAYERS);

(function buildTables(): void {
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * M);
  KN[1] = 0;
  WN[0] = q / M;
  WN[LAYERS - 1] = dn / M;
  FN[0] = 1;
  FN[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * M);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / M;
  }
})();

/** What the samplers draw from: a RandomStream, or a loop's own view of one's state (fastNeurons.ts). */
export type WordSource = Pick<RandomStream, 'nextUint32' | 'uniform'>;

/** One standard Gaussian sample from `rng` (consumes one 32-bit word in ≈ 98.8 % of calls). */
export function gaussianZiggurat(rng: WordSource): number {
  return gaussianFrom(rng.nextUint32(), rng);
}

/**
 * The Gaussian ziggurat's fast path, for loops that inline it (fastNeurons.ts): with u = rng.nextUint32(),
 * iz = u & 127 and j = (u | 0) >> 7, the sample is j·GAUSS_W[iz] when |j| < GAUSS_K[iz], else
 * {@link gaussianFrom}(u, rng).
 */
export const GAUSS_K: Readonly<Int32Array> = KN;
export const GAUSS_W: Readonly<Float64Array> = WN;

/**
 * Fills out[0 … n) with the next n standard Gaussians of `rng`, the same numbers n calls of
 * {@link gaussianZiggurat} would return, in a loop that keeps them unboxed: for engines that draw
 * their noise in blocks (the exact engine's sample path, earlyPhase.ts).
 */
export function fillGaussians(rng: RandomStream, out: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const u = rng.nextUint32();
    const iz = u & 127;
    const j = (u | 0) >> 7;
    const aj = j < 0 ? -j : j;
    out[k] = aj < KN[iz]! ? j * WN[iz]! : gaussianFrom(u, rng);
  }
}

/** One standard Gaussian sample whose first 32-bit word `u` was already drawn from `rng`. */
export function gaussianFrom(u: number, rng: WordSource): number {
  for (;;) {
    const iz = u & 127;
    const j = (u | 0) >> 7; // signed, |j| ≤ 2^24
    const aj = j < 0 ? -j : j;
    if (aj < KN[iz]!) return j * WN[iz]!;
    if (iz === 0) {
      // tail beyond R: Marsaglia's exact method
      let x: number, y: number;
      do {
        x = -Math.log(rng.uniform()) / R;
        y = -Math.log(rng.uniform());
      } while (y + y < x * x);
      return j > 0 ? R + x : -R - x;
    }
    // wedge: accept under the density
    const x = j * WN[iz]!;
    if (FN[iz]! + rng.uniform() * (FN[iz - 1]! - FN[iz]!) < Math.exp(-0.5 * x * x)) return x;
    u = rng.nextUint32();
  }
}

// ---- exponential ziggurat (Marsaglia & Tsang's 256-layer version, same bit split: index from the low
// 8 bits, an unsigned 24-bit abscissa from the upper 24)
const E_LAYERS = 256;
const RE = 7.697117470131487;
const VE = 3.949659822581572e-3;
const ME = 16777216;
const KE = new Uint32Array(E_LAYERS);
const WE = new Float64Array(E_LAYERS);
const FE = new Float64Array(E_LAYERS);

(function buildExpTables(): void {
  let de = RE;
  let te = de;
  const q = VE / Math.exp(-de);
  KE[0] = Math.floor((de / q) * ME);
  KE[1] = 0;
  WE[0] = q / ME;
  WE[E_LAYERS - 1] = de / ME;
  FE[0] = 1;
  FE[E_LAYERS - 1] = Math.exp(-de);
  for (let i = E_LAYERS - 2; i >= 1; i--) {
    de = -Math.log(VE / de + Math.exp(-de));
    KE[i + 1] = Math.floor((de / te) * ME);
    te = de;
    FE[i] = Math.exp(-de);
    WE[i] = de / ME;
  }
})();

/** One standard exponential sample (mean 1) from `rng`; one 32-bit word in ≈ 98.9 % of calls. */
export function exponentialZiggurat(rng: RandomStream): number {
  return exponentialFrom(rng.nextUint32(), rng);
}

/**
 * The ziggurat's fast path, for loops that inline it (poissonTrains.ts): with u = rng.nextUint32(), the
 * sample is j·EXP_W[iz] when j = u >>> 8 < EXP_K[iz] (iz = u & 255), else {@link exponentialFrom}(u, rng).
 */
export const EXP_K: Readonly<Uint32Array> = KE;
export const EXP_W: Readonly<Float64Array> = WE;

/** One standard exponential sample whose first 32-bit word `u` was already drawn from `rng`. */
export function exponentialFrom(u: number, rng: WordSource): number {
  for (;;) {
    const iz = u & 255;
    const j = u >>> 8;
    if (j < KE[iz]!) return j * WE[iz]!;
    if (iz === 0) return RE - Math.log(rng.uniform());
    const x = j * WE[iz]!;
    if (FE[iz]! + rng.uniform() * (FE[iz - 1]! - FE[iz]!) < Math.exp(-x)) return x;
    u = rng.nextUint32();
  }
}
