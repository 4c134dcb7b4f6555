/**
 * Integer number formats of the BrainScaleS-2 plasticity processor (PPU) and the fixed-point scales of
 * the plastic variables. Everything the PPU computes is an integer; floats appear only at the host's
 * boundaries (turning parameters into integer constants, reading results out).
 *
 * Formats (MODEL.md §9):
 * - `int8`  — SIMD vector unit, 128 lanes of 8-bit fractional saturating values; a product of two lanes
 *             is formed at 16 bit before it is shifted back (right shifts ≤ 15).
 * - `int16` — SIMD vector unit, 64 lanes of 16 bit; products at 32 bit (right shifts ≤ 31).
 * - `int32` — the scalar core, 32-bit registers; a state value times a 16-bit coefficient mantissa is a
 *             48-bit product (multiply-high and multiply-low words), right shifts ≤ 47.
 *
 * A signed B-bit value r stands for r · FS / 2^(B−1), FS being the variable's full scale
 * (see {@link variableScales}): the format's range is [−FS, FS).
 */

export type FormatName = 'int8' | 'int16' | 'int32';
export const FORMAT_NAMES: readonly FormatName[] = ['int8', 'int16', 'int32'];

export interface NumberFormat {
  readonly name: FormatName;
  /** Width of a stored value, bits (sign included). */
  readonly bits: number;
  /** Where the update runs: the SIMD vector unit or the scalar core. */
  readonly unit: 'vector' | 'scalar';
  /** Values processed per instruction (SIMD lanes; 1 on the scalar core). */
  readonly lanes: number;
  /** Bits of a multiplier coefficient's mantissa (unsigned magnitude). */
  readonly coeffBits: number;
  /** Largest right shift of a product (the product register is this + 1 bits wide). */
  readonly maxShift: number;
  /** Smallest and largest stored integer. */
  readonly min: number;
  readonly max: number;
  /** Bytes of memory per stored value. */
  readonly bytes: number;
}

export const FORMATS: Readonly<Record<FormatName, NumberFormat>> = {
  int8: { name: 'int8', bits: 8, unit: 'vector', lanes: 128, coeffBits: 7, maxShift: 15, min: -128, max: 127, bytes: 1 },
  int16: { name: 'int16', bits: 16, unit: 'vector', lanes: 64, coeffBits: 15, maxShift: 31, min: -32768, max: 32767, bytes: 2 },
  int32: { name: 'int32', bits: 32, unit: 'scalar', lanes: 1, coeffBits: 16, maxShift: 47, min: -2147483648, max: 2147483647, bytes: 4 },
};

/** Clamps an integer to the format's range (saturation instead of two's-complement wrap-around). */
export function saturate(x: number, f: NumberFormat): number {
  return x > f.max ? f.max : x < f.min ? f.min : x;
}

/**
 * Saturating addition. Both operands are in range, so the exact sum has at most bits + 1 bits and is
 * formed without wrap-around (a 33-bit carry for int32, as the core's add-with-overflow flag gives).
 */
export function satAdd(a: number, b: number, f: NumberFormat): number {
  return saturate(a + b, f);
}

/** Saturating subtraction a − b. */
export function satSub(a: number, b: number, f: NumberFormat): number {
  return saturate(a - b, f);
}

/**
 * Fractional saturating multiply of two B-bit values (Q(B−1) × Q(B−1) → Q(B−1)), as on the SIMD lanes:
 * the full product is shifted right by B − 1 (arithmetic shift: rounds toward −∞) and saturated, so
 * (−1) × (−1) gives the largest value instead of overflowing. For int8/int16 only (int32 uses
 * {@link mulWide}).
 */
export function fracMul(a: number, b: number, f: NumberFormat): number {
  if (f.bits > 16) throw new RangeError('fracMul is for the 8- and 16-bit vector formats');
  return saturate(Math.imul(a, b) >> (f.bits - 1), f);
}

/**
 * The 48-bit product of a signed 32-bit `a` and an unsigned 16-bit `k`, built from 16-bit halves with
 * `Math.imul` (the scalar core's multiply-low / multiply-high pair). Returns `hi` = ⌊a·k / 2^16⌋ (a signed
 * 32-bit integer) and `lo` = (a·k) mod 2^16, written into `out`.
 */
export function mulWide(a: number, k: number, out: { hi: number; lo: number }): void {
  const aLo = a & 0xffff;
  const aHi = a >> 16; // signed
  const pLo = Math.imul(aLo, k) >>> 0; // < 2^32, unsigned
  const pHi = Math.imul(aHi, k); // |.| < 2^31
  out.hi = (pHi + (pLo >>> 16)) | 0;
  out.lo = pLo & 0xffff;
}

/** A multiplier coefficient c ≈ k / 2^s with an integer mantissa k < 2^coeffBits and shift s. */
export interface Coefficient {
  readonly k: number;
  readonly s: number;
  /** The value actually represented, k / 2^s. */
  readonly value: number;
  /** True when c > 0 but the format's shifts cannot represent it (it became 0). */
  readonly underflow: boolean;
}

/**
 * Quantises a non-negative real coefficient for the format: the largest shift s ≤ maxShift with
 * k = round(c·2^s) < 2^coeffBits (so the mantissa keeps as many bits as the product register allows).
 * Coefficients ≥ 1 use negative shifts (a left shift of the product) down to −16.
 */
export function quantiseCoefficient(c: number, f: NumberFormat): Coefficient {
  if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError(`coefficient ${c} must be a finite number ≥ 0`);
  if (c === 0) return { k: 0, s: 0, value: 0, underflow: false };
  const kMax = 2 ** f.coeffBits - 1;
  let s = Math.min(f.maxShift, Math.floor(Math.log2(kMax / c)));
  if (s < -16) throw new RangeError(`coefficient ${c} is too large for ${f.name}`);
  let k = Math.round(c * 2 ** s);
  while (k > kMax) {
    s--;
    k = Math.round(c * 2 ** s);
  }
  // log2 only brackets s: when c·2^(s+1) rounds down to kMax (c just above kMax·2^−(s+1)) one more bit fits
  while (s < f.maxShift && Math.round(c * 2 ** (s + 1)) <= kMax) {
    s++;
    k = Math.round(c * 2 ** s);
  }
  return { k, s, value: k / 2 ** s, underflow: k === 0 };
}

/** The full scale FS of each PPU variable (value of the format's range end), in the variable's unit. */
export interface VariableScales {
  /** Early-phase weight h, mV. */
  readonly h_mV: number;
  /** Late-phase weight z (dimensionless). */
  readonly z: number;
  /** Protein amount p (dimensionless). */
  readonly p: number;
}

/**
 * Default full scales: the smallest power of two above each variable's range — h ∈ [0, h_max] → 16 mV,
 * z ∈ [z_min, z_max] → 2, p ∈ [0, α] → 2 — with a quarter of headroom for noise excursions.
 */
export function defaultScales(hMax_mV: number, h0_mV: number, zMax: number, zMin: number, alpha: number): VariableScales {
  const pow2Above = (x: number) => 2 ** Math.ceil(Math.log2(Math.max(1e-12, 1.25 * x)));
  return { h_mV: pow2Above(Math.max(hMax_mV, h0_mV)), z: pow2Above(Math.max(zMax, -zMin)), p: pow2Above(alpha) };
}

/** Value of one least significant bit for a full scale FS in a format: FS / 2^(B−1). */
export function lsb(fullScale: number, f: NumberFormat): number {
  return fullScale / 2 ** (f.bits - 1);
}
