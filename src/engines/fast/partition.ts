/**
 * How the fast engine splits one network across the ranks of a Team (NEST/Arbor style): rank r owns the
 * neurons [bounds[r], bounds[r+1]) and the plastic synapses ending on them (contiguous, as synapses are
 * grouped by target), so every random stream — background and stimulus per neuron, plasticity noise per
 * target neuron — is drawn by one rank only, in the order a single thread draws it. Spikes travel
 * through a shared ring: rank r writes its spikes of step j (ascending) into its own segment, and a
 * reader walks the segments in rank order, so every rank sees each step's spikes in ascending neuron
 * order, as the single-thread loop does. Nothing here imports node: (browser-safe).
 */
import type { CompiledNetwork, DelayGroup } from '../network/compile.js';
import type { Team } from '../team.js';

/**
 * Neuron bounds of the ranks: rank r owns [b[r], b[r+1]). Balanced by the measured split of the fast
 * engine's time: two thirds the neurons (each stepped every step, with a Gaussian), one third the plastic
 * synapses (so a neuron weighs 2·nSyn/n plus its incoming plastic synapses; static edges are cheap).
 */
export function partitionNeurons(net: CompiledNetwork, size: number): Int32Array {
  const n = net.n;
  const perNeuron = net.nSyn > 0 ? (2 * net.nSyn) / n : 1;
  const weight = (i: number) => perNeuron + (net.inStart[i + 1]! - net.inStart[i]!);
  const total = net.nSyn + perNeuron * n;
  const b = new Int32Array(size + 1);
  let acc = 0, r = 1;
  for (let i = 0; i < n && r < size; i++) {
    acc += weight(i);
    while (r < size && acc >= (total * r) / size) b[r++] = i + 1;
  }
  while (r < size) b[r++] = n;
  b[size] = n;
  return b;
}

/** Typed arrays in buffers from the team (shared memory between ranks; each rank writes only its part). */
export const sharedF64 = (team: Team, n: number) => new Float64Array(team.share(8 * n));
export const sharedI32 = (team: Team, n: number) => new Int32Array(team.share(4 * n));
export const sharedU8 = (team: Team, n: number) => new Uint8Array(team.share(n));

/**
 * The spikes of the last `size` steps of every rank: rank r's spikes of step j are
 * ring[(j % size)·n + bounds[r] + q], q < count[(j % size)·ranks + r].
 */
export class SpikeExchange {
  readonly ring: Int32Array;
  readonly count: Int32Array;
  readonly size: number;
  readonly ranks: number;

  constructor(team: Team, readonly n: number, readonly bounds: Int32Array, maxDelay: number, window: number) {
    // a rank writes up to `window` − 1 steps ahead of the slowest reader, who reads back `maxDelay` steps
    this.size = maxDelay + window;
    this.ranks = team.size;
    this.ring = sharedI32(team, this.size * n);
    this.count = sharedI32(team, this.size * team.size);
  }

  /** Publishes rank `rank`'s spikes of step j: spikes[0 … count − 1], indices within the rank (ascending). */
  publish(rank: number, j: number, spikes: Int32Array, count: number): void {
    const slot = j % this.size, lo = this.bounds[rank]!;
    const base = slot * this.n + lo;
    for (let q = 0; q < count; q++) this.ring[base + q] = spikes[q]! + lo;
    this.count[slot * this.ranks + rank] = count;
  }

  /** Appends every rank's spikes of steps [from, to) to `out` as (step, neuron), in step and neuron order. */
  collect(from: number, to: number, out: { push(step: number, neuron: number): void }): void {
    const { ring, count, size, ranks, bounds, n } = this;
    for (let j = Math.max(0, from); j < to; j++) {
      const slot = j % size;
      for (let q0 = 0; q0 < ranks; q0++) {
        const base = slot * n + bounds[q0]!, cnt = count[slot * ranks + q0]!;
        for (let q = 0; q < cnt; q++) out.push(j, ring[base + q]!);
      }
    }
  }

  /**
   * Writes spikes of steps [from, to) given as (step, neuron), sorted, into this exchange's layout (each
   * rank's segment): a checkpoint's pending spikes, saved by {@link collect} under any split.
   */
  refill(from: number, to: number, step: ArrayLike<number>, neuron: ArrayLike<number>): void {
    const { ring, count, size, ranks, bounds, n } = this;
    let e = 0;
    for (let j = Math.max(0, from); j < to; j++) {
      const slot = j % size;
      count.fill(0, slot * ranks, (slot + 1) * ranks);
      for (; e < step.length && step[e] === j; e++) {
        const m = neuron[e]!;
        let q0 = 0;
        while (m >= bounds[q0 + 1]!) q0++;
        ring[slot * n + bounds[q0]! + count[slot * ranks + q0]!++] = m;
      }
    }
  }
}

/** Per source neuron, the edges of a delay group that end on neurons [lo, hi): edges from[m] … to[m] − 1. */
export interface OwnedEdges {
  readonly from: Int32Array;
  readonly to: Int32Array;
}

/** The edges of group g ending on this rank's neurons (each source's edges are sorted by target). */
export function ownedEdges(g: DelayGroup, n: number, lo: number, hi: number, whole: boolean): OwnedEdges {
  if (whole) return { from: g.outStart.subarray(0, n), to: g.outStart.subarray(1, n + 1) };
  const from = new Int32Array(n), to = new Int32Array(n);
  const first = (a: number, b: number, t: number) => {
    while (a < b) {
      const mid = (a + b) >> 1;
      if (g.target[mid]! < t) a = mid + 1;
      else b = mid;
    }
    return a;
  };
  for (let m = 0; m < n; m++) {
    const a = g.outStart[m]!, b = g.outStart[m + 1]!;
    from[m] = first(a, b, lo);
    to[m] = first(from[m]!, b, hi);
  }
  return { from, to };
}

/**
 * What a presynaptic spike's calcium jump reaches on this rank: for neuron m, the entries from[m] … to[m] − 1
 * of `synapse` that are ≥ 0, in ascending synapse order.
 */
export interface CalciumEdges {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly synapse: Int32Array;
}

/**
 * The calcium jumps' edges: the PSP edges of the delay group that holds every plastic synapse exactly once
 * (the published paradigm: one delay), whose edges of m ascend by target and so by synapse — no index of
 * its own (4 bytes per plastic synapse saved); otherwise an index of the rank's synapses by presynaptic neuron.
 */
export function calciumEdges(net: CompiledNetwork, psp: readonly OwnedEdges[], sFrom: number, sTo: number): CalciumEdges {
  const g = plasticGroup(net);
  if (g >= 0) return { ...psp[g]!, synapse: net.delays[g]!.synapse };
  const outStart = new Int32Array(net.n + 1);
  for (let s = sFrom; s < sTo; s++) outStart[net.synPre[s]! + 1]++;
  for (let i = 0; i < net.n; i++) outStart[i + 1] += outStart[i]!;
  const fill = outStart.slice(0, net.n), outSyn = new Int32Array(sTo - sFrom);
  for (let s = sFrom; s < sTo; s++) outSyn[fill[net.synPre[s]!]!++] = s;
  return { from: outStart.subarray(0, net.n), to: outStart.subarray(1), synapse: outSyn };
}

/** The delay group whose edges name every plastic synapse exactly once, or −1 (none, several, or repeats). */
function plasticGroup(net: CompiledNetwork): number {
  const seen = new Uint8Array(net.nSyn);
  let found = -1, count = 0;
  for (let gi = 0; gi < net.delays.length; gi++) {
    const syn = net.delays[gi]!.synapse;
    let any = false;
    for (let e = 0; e < syn.length; e++) {
      const s = syn[e]!;
      if (s < 0) continue;
      if (seen[s] === 1) return -1;
      seen[s] = 1;
      count++;
      any = true;
    }
    if (any && found >= 0) return -1;
    if (any) found = gi;
  }
  return count === net.nSyn && net.nSyn > 0 ? found : -1;
}
