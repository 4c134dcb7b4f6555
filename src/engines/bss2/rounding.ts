/**
 * Rounding of the PPU's value-reducing steps. Every product a·k of a state value and a coefficient
 * mantissa is shifted right by s bits; the s discarded bits (the fraction f ∈ [0, 1) of one LSB) are
 * resolved by the rounding mode:
 *
 * - `truncate`   — the arithmetic shift alone: ⌊a·k/2^s⌋ (toward −∞; biased by −f, −½ LSB on average).
 * - `nearest`    — add half an LSB before shifting (round half up): unbiased for spread-out fractions,
 *                  but an increment below ½ LSB is lost every time, so slow variables freeze.
 * - `stochastic` — round up with probability f, decided by comparing the top `bits` bits of the fraction
 *                  with a fresh random number: E[result] = a·k/2^s up to the random numbers' resolution
 *                  2^−bits LSB (fractions below it are always dropped).
 */
import { LfsrSequence, LFSR_PERIOD, lfsrWordTable } from './lfsr.js';

export type RoundingMode = 'truncate' | 'nearest' | 'stochastic';
export const ROUNDING_MODES: readonly RoundingMode[] = ['truncate', 'nearest', 'stochastic'];

/** A source of uniform random integers of up to 32 bits (an LFSR model or an ideal generator). */
export interface RandomBits {
  /** A uniform integer in [0, 2^b), 1 ≤ b ≤ 32. */
  bits(b: number): number;
  /** The sum of four uniform bytes (0..1020; mean 510, SD 147.80): the PPU's Gaussian approximation. */
  sum4Bytes(): number;
}

/**
 * Stochastic rounding of a real number with a uniform u ∈ [0, 1): ⌊x⌋ + [u < x − ⌊x⌋].
 * Unbiased: E = x. (The PPU's integer version is {@link Rounder.mulShift}.)
 */
export function stochasticRound(x: number, u: number): number {
  const f = Math.floor(x);
  return f + (u < x - f ? 1 : 0);
}

/** 2^(i − 64) for i = 0..128 (index = exponent + 64). */
const POW2 = Float64Array.from({ length: 129 }, (_, i) => 2 ** (i - 64));
/** Low-s-bit masks (s = 0..31) and half an LSB of an s-bit shift. */
const MASK = Int32Array.from({ length: 32 }, (_, s) => (s === 0 ? 0 : 0x7fffffff >>> (31 - s)));
const HALF = Int32Array.from({ length: 32 }, (_, s) => (s === 0 ? 0 : 1 << (s - 1)));

/** Rounds products on the PPU in one mode, drawing random numbers from one source when stochastic. */
export class Rounder {
  /** Random numbers drawn so far. */
  draws = 0;
  /** False once any rounding since the last {@link resetExact} had a non-zero fraction. */
  exact = true;
  private readonly modeCode: 0 | 1 | 2;
  /** The LFSR's byte table and position when the source is an {@link LfsrSequence} (read inline). */
  private readonly tbl: Uint8Array | null;
  private ti = 0;
  /** Words of randomBits/8 bytes at each offset (one read per draw), and the bytes per draw. */
  private readonly words: Float64Array | null;
  private readonly drawBytes: number;

  constructor(
    readonly mode: RoundingMode,
    private readonly rng: RandomBits,
    /** Random bits compared with the fraction in stochastic mode (resolution 2^−bits LSB). */
    readonly randomBits: number,
  ) {
    this.modeCode = mode === 'truncate' ? 0 : mode === 'nearest' ? 1 : 2;
    if (!Number.isInteger(randomBits) || randomBits < 1 || randomBits > 32) throw new RangeError(`random bits ${randomBits} must be 1..32`);
    this.drawBytes = Math.ceil(randomBits / 8);
    if (rng instanceof LfsrSequence) {
      if (randomBits % 8 !== 0) throw new RangeError(`the LFSR gives whole bytes: random bits ${randomBits} must be a multiple of 8`);
      this.tbl = rng.table;
      this.ti = rng.position;
      this.words = lfsrWordTable(this.drawBytes);
    } else {
      this.tbl = null;
      this.words = null;
    }
  }

  private byte(): number {
    const v = this.tbl![this.ti]!;
    if (++this.ti === LFSR_PERIOD) this.ti = 0;
    return v;
  }

  /** A uniform b-bit random integer from this processor's generator (b a multiple of 8 for the LFSR). */
  draw(b: number): number {
    if (this.words === null) return this.rng.bits(b);
    if (b !== this.randomBits) {
      let v = 0;
      for (let got = 0; got < b; got += 8) v = v * 256 + this.byte();
      return v;
    }
    const v = this.words[this.ti]!;
    this.ti += this.drawBytes;
    if (this.ti >= LFSR_PERIOD) this.ti -= LFSR_PERIOD;
    return v;
  }

  /** The sum of four random bytes from the same generator (the plasticity noise's Gaussian approximation). */
  sum4Bytes(): number {
    if (this.tbl === null) return this.rng.sum4Bytes();
    return this.byte() + this.byte() + this.byte() + this.byte();
  }

  resetExact(): void {
    this.exact = true;
  }

  /**
   * round(a·k / 2^s) for a signed 32-bit `a`, a mantissa 0 ≤ k < 2^16 and a shift −16 ≤ s ≤ 47.
   * The result is exact integer arithmetic (it may exceed the format's range: the caller saturates).
   */
  mulShift(a: number, k: number, s: number): number {
    if (s > 0 && s <= 31 && a < 32768 && a >= -32768) {
      // |a·k| < 2^31: one 32-bit multiply (the vector lanes' case)
      const prod = Math.imul(a, k);
      const frac = prod & MASK[s]!;
      const q = prod >> s;
      if (frac === 0) return q;
      this.exact = false;
      if (this.modeCode === 0) return q;
      if (this.modeCode === 1) return frac >= HALF[s]! ? q + 1 : q;
      const b = this.randomBits;
      const top = s >= b ? frac >>> (s - b) : frac * POW2[64 + b - s]!;
      if (top === 0) return q;
      this.draws++;
      return this.draw(b) < top ? q + 1 : q;
    }
    return this.mulShiftWide(a, k, s);
  }

  /** The general case: a 48-bit product from 16-bit halves (the scalar core's multiply-high/low). */
  private mulShiftWide(a: number, k: number, s: number): number {
    if (s <= 0) return a * k * POW2[64 - s]!; // a left shift: nothing is discarded
    const pLo = Math.imul(a & 0xffff, k) >>> 0;
    const hi = (Math.imul(a >> 16, k) + (pLo >>> 16)) | 0; // ⌊a·k / 2^16⌋
    const lo = pLo & 0xffff;
    let q: number;
    let frac: number;
    if (s <= 16) {
      q = hi * POW2[80 - s]! + (lo >>> s);
      frac = lo & MASK[s]!;
    } else {
      q = hi >> (s - 16);
      frac = (hi & MASK[s - 16]!) * 65536 + lo;
    }
    if (frac === 0) return q;
    this.exact = false;
    if (this.modeCode === 0) return q;
    if (this.modeCode === 1) return frac >= POW2[63 + s]! ? q + 1 : q;
    const b = this.randomBits;
    const top = s >= b ? Math.floor(frac * POW2[64 + b - s]!) : frac * POW2[64 + b - s]!;
    if (top === 0) return q;
    this.draws++;
    return this.draw(b) < top ? q + 1 : q;
  }
}

/** Expected value of {@link Rounder.mulShift}'s result (for tests and documentation of the bias). */
export function expectedRounding(a: number, k: number, s: number, mode: RoundingMode, randomBits: number): number {
  const exact = (a * k) / 2 ** s;
  const q = Math.floor(exact);
  const f = exact - q;
  if (mode === 'truncate') return q;
  if (mode === 'nearest') return f >= 0.5 ? q + 1 : q;
  return q + Math.floor(f * 2 ** randomBits) / 2 ** randomBits;
}
