/**
 * Random number generators of the plasticity processor.
 *
 * - {@link Lfsr16}: the chip's per-column generator modelled as a 16-bit Galois LFSR with the maximal
 *   feedback polynomial x^16 + x^14 + x^13 + x^11 + 1 (taps 0xB400, period 65 535), clocked 8 times per
 *   output; an output is the 8 bits shifted out, first bit in the least significant place.
 * - {@link LfsrSequence}: the same generator read from a precomputed table of its byte sequence (the
 *   engine's fast form; identical outputs).
 * - {@link IdealRandom}: an ideal 32-bit generator (xoshiro128** from the keyed streams), for comparison.
 */
import { RandomStream } from '../../random/streams.js';
import type { RandomBits } from './rounding.js';

/** Feedback taps of the 16-bit Galois LFSR. */
export const LFSR_TAPS = 0xb400;
/** Period of the maximal-length 16-bit LFSR (every non-zero state once). */
export const LFSR_PERIOD = 65535;

/** SD of the sum of four uniform bytes: √(4·(256² − 1)/12). */
export const SUM4_SD = Math.sqrt((4 * (256 * 256 - 1)) / 12);
/** Mean of the sum of four uniform bytes. */
export const SUM4_MEAN = 510;

export class Lfsr16 implements RandomBits {
  private s: number;
  constructor(state: number) {
    if (!Number.isInteger(state) || state <= 0 || state > 0xffff) throw new RangeError(`LFSR state ${state} must be an integer in 1..65535`);
    this.s = state;
  }
  get state(): number {
    return this.s;
  }
  /** One clock: returns the bit shifted out. */
  clock(): number {
    const out = this.s & 1;
    this.s >>>= 1;
    if (out) this.s ^= LFSR_TAPS;
    return out;
  }
  /** An 8-bit output (8 clocks). */
  next8(): number {
    let b = 0;
    for (let i = 0; i < 8; i++) b |= this.clock() << i;
    return b;
  }
  bits(n: number): number {
    let v = 0;
    for (let got = 0; got < n; got += 8) v = v * 256 + this.next8();
    const extra = Math.ceil(n / 8) * 8 - n;
    return Math.floor(v / 2 ** extra);
  }
  sum4Bytes(): number {
    return this.next8() + this.next8() + this.next8() + this.next8();
  }
}

let TABLE: Uint8Array | undefined;

/** The LFSR's byte sequence from state 1 (65 535 bytes, then it repeats). */
export function lfsrByteTable(): Uint8Array {
  if (!TABLE) {
    const g = new Lfsr16(1);
    TABLE = new Uint8Array(LFSR_PERIOD);
    for (let i = 0; i < LFSR_PERIOD; i++) TABLE[i] = g.next8();
  }
  return TABLE;
}

const WORDS: Array<Float64Array | undefined> = [];

/**
 * Words of `n` consecutive bytes (1 ≤ n ≤ 4, first byte most significant) starting at each byte offset
 * of the sequence: a draw of 8n random bits is one table read.
 */
export function lfsrWordTable(n: number): Float64Array {
  let w = WORDS[n];
  if (!w) {
    const t = lfsrByteTable();
    w = new Float64Array(LFSR_PERIOD);
    for (let i = 0; i < LFSR_PERIOD; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v = v * 256 + t[(i + j) % LFSR_PERIOD]!;
      w[i] = v;
    }
    WORDS[n] = w;
  }
  return w;
}

/**
 * The 16-bit LFSR read from its byte table: started at byte `offset` of the sequence from state 1, it
 * gives the outputs of {@link Lfsr16} started from the state reached after 8·offset clocks (as 8 and
 * 65 535 are coprime, every non-zero state is reached by exactly one offset).
 */
export class LfsrSequence implements RandomBits {
  private readonly t: Uint8Array;
  private i: number;
  constructor(offset: number) {
    this.t = lfsrByteTable();
    this.i = ((offset % LFSR_PERIOD) + LFSR_PERIOD) % LFSR_PERIOD;
  }
  /** The byte table and the current position in it (for consumers that read it inline). */
  get table(): Uint8Array {
    return this.t;
  }
  get position(): number {
    return this.i;
  }
  next8(): number {
    const v = this.t[this.i]!;
    this.i = this.i + 1 === LFSR_PERIOD ? 0 : this.i + 1;
    return v;
  }
  bits(n: number): number {
    if (n <= 8) return this.next8() >>> (8 - n);
    if (n <= 16) return ((this.next8() << 8) | this.next8()) >>> (16 - n);
    let v = 0;
    for (let got = 0; got < n; got += 8) v = v * 256 + this.next8();
    return Math.floor(v / 2 ** (Math.ceil(n / 8) * 8 - n));
  }
  sum4Bytes(): number {
    return this.next8() + this.next8() + this.next8() + this.next8();
  }
}

/** An ideal generator: 32 independent uniform bits per draw. */
export class IdealRandom implements RandomBits {
  constructor(private readonly stream: RandomStream) {}
  bits(n: number): number {
    return this.stream.nextUint32() >>> (32 - n);
  }
  sum4Bytes(): number {
    const u = this.stream.nextUint32();
    return (u & 255) + ((u >>> 8) & 255) + ((u >>> 16) & 255) + (u >>> 24);
  }
}
