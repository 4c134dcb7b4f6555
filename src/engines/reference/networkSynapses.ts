/**
 * The plastic synapses of the reference network loop, awake or at rest.
 *
 * A synapse whose calcium is below θ_d and that carries no tag follows, step after step, two linear
 * recurrences with constant coefficients: c ← c·e_c and h ← h·e_0 + h0(1 − e_0). After n steps that is
 * c·e_c^n and h0 + (h − h0)·e_0^n — the same exact exponentials, multiplied out. Such a synapse
 * "rests": it is not visited, its state is kept with the step it belongs to, and its neuron's
 * Σ|h − h0| share decays by e_0 per step as a whole. It is woken (brought to the previous step in
 * closed form, then integrated as usual) when a calcium jump reaches it: a presynaptic spike t_c,delay
 * ago or a postsynaptic spike now. Awake synapses are integrated every step exactly as the
 * single-synapse loop does; they fall asleep again once at rest without a tag. Results equal the
 * step-by-step loop up to rounding (the products e^n against n multiplications).
 */
import type { CompiledNetwork } from '../network/compile.js';

/** e^k for k = 0 … TABLE − 1, so that resting synapses catch up with one lookup. */
const TABLE = 1 << 16;

export class PowerTable {
  private readonly table: Float64Array;
  constructor(private readonly base: number) {
    this.table = Float64Array.from({ length: TABLE }, (_, k) => Math.pow(base, k));
  }
  pow(k: number): number {
    return k < TABLE ? this.table[k]! : Math.pow(this.base, k);
  }
}

/** Bookkeeping of which synapses are awake, and of the resting ones' share of Σ|h − h0|. */
export interface RestState {
  /** Step at which a resting synapse's c and h hold. */
  readonly since: Int32Array;
  readonly awake: Uint8Array;
  /** Awake synapses, in the order they are integrated. */
  readonly list: Int32Array;
  count: number;
  /** Σ|h − h0| over each neuron's resting synapses, at the end of the current step. */
  readonly restSum: Float64Array;
  /** Plastic synapses by presynaptic neuron: synapses outSyn[outStart[m]] … of neuron m. */
  readonly outStart: Int32Array;
  readonly outSyn: Int32Array;
}

export function initialRestState(net: CompiledNetwork): RestState {
  const outStart = new Int32Array(net.n + 1);
  for (let s = 0; s < net.nSyn; s++) outStart[net.synPre[s]! + 1]++;
  for (let i = 0; i < net.n; i++) outStart[i + 1] += outStart[i]!;
  const fill = outStart.slice(0, net.n);
  const outSyn = new Int32Array(net.nSyn);
  for (let s = 0; s < net.nSyn; s++) outSyn[fill[net.synPre[s]!]!++] = s;
  return {
    since: new Int32Array(net.nSyn).fill(-1), awake: new Uint8Array(net.nSyn), list: new Int32Array(net.nSyn), count: 0,
    restSum: new Float64Array(net.n), outStart, outSyn,
  };
}

/**
 * Brings every resting synapse's c and h to step j (for probes, fast-forward and the end of a run).
 * Their restSum is unchanged: it already holds their decayed deviations.
 */
export function catchUp(rest: RestState, c: Float64Array, h: Float64Array, h0: number, cPow: PowerTable, hPow: PowerTable, j: number): void {
  const { since, awake } = rest;
  for (let s = 0; s < since.length; s++) {
    if (awake[s] === 1 || since[s] === j) continue;
    const n = j - since[s]!;
    if (c[s] !== 0) c[s] = c[s]! * cPow.pow(n);
    h[s] = h0 + (h[s]! - h0) * hPow.pow(n);
    since[s] = j;
  }
}

/** Recomputes each neuron's restSum from its resting synapses at step j (removes accumulated rounding). */
export function recomputeRestSums(net: CompiledNetwork, rest: RestState, h: Float64Array, h0: number, hPow: PowerTable, j: number): void {
  const { since, awake, restSum } = rest;
  for (let t = 0; t < net.n; t++) {
    let sum = 0;
    for (let s = net.inStart[t]!, end = net.inStart[t + 1]!; s < end; s++) {
      if (awake[s] === 0) sum += Math.abs((h[s]! - h0) * hPow.pow(j - since[s]!));
    }
    restSum[t] = sum;
  }
}

/**
 * After a fast-forward that left every synapse at step j with c = 0: the tagged ones are awake (their
 * z still moves with the protein), the others rest; restSum from scratch.
 */
export function resetRest(net: CompiledNetwork, rest: RestState, h: Float64Array, h0: number, thetaTag: number, hPow: PowerTable, j: number): void {
  rest.count = 0;
  for (let s = 0; s < net.nSyn; s++) {
    rest.since[s] = j;
    const tagged = Math.abs(h[s]! - h0) >= thetaTag;
    rest.awake[s] = tagged ? 1 : 0;
    if (tagged) rest.list[rest.count++] = s;
  }
  recomputeRestSums(net, rest, h, h0, hPow, j);
}
