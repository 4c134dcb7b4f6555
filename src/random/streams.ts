/**
 * Reproducible random streams keyed by (master seed, entity, purpose).
 *
 * Each stream's 128-bit state is a hash of its key, so a trial's numbers do not depend on how
 * many trials ran before it, on which worker ran it, or in which order: results are identical on
 * 1 or N workers. The generator is xoshiro128** (32-bit integer ops, fast in JavaScript engines,
 * no Node-only API), seeded through the murmur3 finaliser.
 */

/** What a stream is used for; part of its key so that purposes never share numbers. */
export const Purpose = {
  presynapticSpikes: 1,
  plasticityNoise: 2,
  backgroundNoise: 3,
  hardwareMismatch: 4,
  hardwareNoise: 5,
  stochasticRounding: 6,
  connectivity: 7,
  stimulus: 8,
  sampling: 9,
} as const;
export type PurposeName = keyof typeof Purpose;

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a key of non-negative integers (each < 2^53) into one 32-bit word, varied by `lane`. */
function hashKey(key: readonly number[], lane: number): number {
  let h = fmix32(0x9e3779b9 ^ Math.imul(lane + 1, 0x7feb352d));
  for (const k of key) {
    const lo = k >>> 0;
    const hi = Math.floor(k / 4294967296) >>> 0;
    h = fmix32((h ^ lo) + 0x6a09e667);
    h = fmix32((h ^ hi) + 0xbb67ae85);
  }
  return h;
}

export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /** A stream for `key` = [seed, entity..., purpose]: use {@link streamFor} in model code. */
  constructor(key: readonly number[]) {
    this.s0 = hashKey(key, 0);
    this.s1 = hashKey(key, 1);
    this.s2 = hashKey(key, 2);
    this.s3 = hashKey(key, 3);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /**
   * Writes the generator's four state words (as int32) to words[4k … 4k + 3] and its kept Gaussian
   * to spares[k] (NaN when none is kept): for loops that step many streams packed in typed arrays
   * (engines/fast/fastNeurons.ts) and must draw exactly this stream's numbers. This object is then
   * not to be drawn from again, or the two would repeat each other's numbers.
   */
  saveState(words: Int32Array, spares: Float64Array, k: number): void {
    words[4 * k] = this.s0 | 0;
    words[4 * k + 1] = this.s1 | 0;
    words[4 * k + 2] = this.s2 | 0;
    words[4 * k + 3] = this.s3 | 0;
    spares[k] = this.hasSpare ? this.spare : NaN;
  }

  /**
   * Sets the generator to the state {@link saveState} wrote at index k: for checkpoints, and for loops
   * that draw from a copy of the words in local variables (exact/poissonTrains.ts) and hand the stream
   * back where they stopped.
   */
  restoreState(words: Int32Array, spares: Float64Array, k: number): void {
    this.s0 = words[4 * k]!;
    this.s1 = words[4 * k + 1]!;
    this.s2 = words[4 * k + 2]!;
    this.s3 = words[4 * k + 3]!;
    const spare = spares[k]!;
    this.hasSpare = !Number.isNaN(spare);
    this.spare = this.hasSpare ? spare : 0;
  }

  /** Uniform in the open interval (0, 1), 32-bit resolution. */
  uniform(): number {
    return (this.nextUint32() + 0.5) * 2.3283064365386963e-10;
  }

  /** Standard Gaussian (Box–Muller; the second value of each pair is kept for the next call). */
  gaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const a = 6.283185307179586 * u2;
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return r * Math.cos(a);
  }

  /**
   * Number of failures before the first success of Bernoulli(prob) trials (geometric distribution):
   * the gap, in steps, to the next spike of a source that fires with probability `prob` per step.
   */
  geometric(prob: number): number {
    if (prob >= 1) return 0;
    return Math.floor(Math.log(this.uniform()) / Math.log1p(-prob));
  }
}

/**
 * xoshiro128** on the four words words[at … at + 3] (as {@link RandomStream.saveState} writes them): the same
 * numbers as the stream's nextUint32 and uniform, for loops that keep many streams packed in one typed array
 * (engines/fast/fastNeurons.ts) or one stream's words out of its object while they draw many numbers
 * (engines/exact/poissonTrains.ts): an object's fields hold them as boxed doubles.
 */
export class PackedWords {
  at = 0;
  constructor(private readonly words: Int32Array) {}

  nextUint32(): number {
    const r = this.words, w = this.at;
    const s0 = r[w]!, s1 = r[w + 1]!, s2 = r[w + 2]!, s3 = r[w + 3]!;
    const m = Math.imul(s1, 5);
    const out = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9, n2 = s2 ^ s0, n3 = s3 ^ s1;
    r[w] = s0 ^ n3;
    r[w + 1] = s1 ^ n2;
    r[w + 2] = n2 ^ t;
    r[w + 3] = (n3 << 11) | (n3 >>> 21);
    return out;
  }

  uniform(): number {
    return (this.nextUint32() + 0.5) * 2.3283064365386963e-10;
  }
}

/** The stream for (seed, entity path, purpose): e.g. `streamFor(seed, [trial, synapse], 'plasticityNoise')`. */
export function streamFor(seed: number, entity: readonly number[], purpose: PurposeName): RandomStream {
  return new RandomStream([seed, ...entity, Purpose[purpose]]);
}

/**
 * Kinds of network entity. A network stream's key is [seed, trial, NAMESPACE + kind, index, purpose]:
 * five words where single-synapse streams have three ([seed, trial, purpose]), with a kind word no
 * trial index reaches (≥ 2^40), so a new neuron, synapse or projection can never share a stream with
 * an existing entity or with today's single-synapse streams.
 */
export const EntityKind = { neuron: 1, synapse: 2, projection: 3, stimulus: 4, probe: 5 } as const;
export type EntityKindName = keyof typeof EntityKind;
const ENTITY_NAMESPACE = 2 ** 40;

/** The stream of one network entity, e.g. `entityStream(seed, trial, 'neuron', 17, 'backgroundNoise')`. */
export function entityStream(seed: number, trial: number, kind: EntityKindName, index: number, purpose: PurposeName): RandomStream {
  return streamFor(seed, [trial, ENTITY_NAMESPACE + EntityKind[kind], index], purpose);
}

/** 64-bit hash of a text as 16 hex digits (xoshiro state seeded by the text's UTF-16 code units): identities, not secrets. */
export function hashText(text: string): string {
  const codes: number[] = new Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  const r = new RandomStream(codes);
  return r.nextUint32().toString(16).padStart(8, '0') + r.nextUint32().toString(16).padStart(8, '0');
}
