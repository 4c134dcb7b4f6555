/**
 * The state the fast engine's lazy synapses keep (lazySynapses.ts): per-synapse arrays, which part of
 * them a rank owns, the per-neuron arrays they read, and the power tables of their per-step factors.
 */

/** Per-neuron arrays the synapses read: protein now, Λ = Σ p_j dt through the current step. */
export interface NeuronSlow {
  readonly p: Float64Array;
  readonly lam: Float64Array;
}

/** e^k of a per-step factor: a table for k < 2^16, e^{k ln e} beyond (Math.pow takes microseconds there). */
export class StepPowers {
  private readonly table: Float64Array;
  private readonly ln: number;
  constructor(base: number) {
    this.table = Float64Array.from({ length: 1 << 16 }, (_, k) => Math.pow(base, k));
    this.ln = Math.log(base);
  }
  pow(k: number): number {
    return k < 65536 ? this.table[k]! : Math.exp(k * this.ln);
  }
}

/** Per-synapse state, indexed by global synapse number (shared memory when a run is split across threads). */
export interface SynapseArrays {
  readonly c: Float64Array;
  readonly h: Float64Array;
  readonly z: Float64Array;
  /** Λ of the target neuron that z has been brought to. */
  readonly lamMark: Float64Array;
  readonly ts: Int32Array;
  readonly wake: Int32Array;
  readonly tag: Int8Array;
}

/** Zeroed state arrays for n synapses, each in a buffer from `alloc` (bytes → buffer). */
export function synapseArrays(n: number, alloc: (bytes: number) => ArrayBufferLike = (b) => new ArrayBuffer(b)): SynapseArrays {
  const f64 = () => new Float64Array(alloc(8 * n)), i32 = () => new Int32Array(alloc(4 * n));
  return { c: f64(), h: f64(), z: f64(), lamMark: f64(), ts: i32(), wake: i32(), tag: new Int8Array(alloc(n)) };
}

/** Which synapses and neurons one rank owns: synapses [sFrom, sTo) are exactly those ending on neurons [nFrom, nTo). */
export interface SynapseRange {
  readonly sFrom: number;
  readonly sTo: number;
  readonly nFrom: number;
  readonly nTo: number;
}
