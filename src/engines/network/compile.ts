/**
 * Turns a network description into the flat typed arrays every network engine runs: per-neuron step
 * coefficients, compressed sparse connectivity (outgoing edges per delay, plastic synapses grouped by
 * target neuron), and the stimuli on the step grid. No per-synapse objects; built once per run.
 */
import type { NetworkDescription } from '../../model/network/description.js';
import { drawProjections } from '../../model/network/connectivity.js';
import type { PopulationLayout } from '../../model/network/edges.js';
import { populationLayout, resolveRange } from '../../model/network/validate.js';
import { delaySteps } from '../../model/equations.js';
import { type ModelParams, toSeconds } from '../../model/parameters.js';
import { membraneCoefficients, type MembraneCoefficients } from './neuronCoefficients.js';
import { edgeKinds, type KickIndex } from './edgeKinds.js';

export type { KickIndex } from './edgeKinds.js';

/** Outgoing edges of every neuron for one delay: edges outStart[m] … outStart[m+1] − 1. */
export interface DelayGroup {
  readonly delaySteps: number;
  readonly outStart: Int32Array;
  readonly target: Int32Array;
  /**
   * The edge kinds' PSP current kicks, nA: ±weight/R_mem of a static edge's target (negative for inhibitory
   * sources), 0 for plastic edges. A kind is a (projection, kick) pair: a few, shared by every group.
   */
  readonly kicks: Float64Array;
  /** The projection (index in the description) of each edge kind. */
  readonly kindProjection: Int32Array;
  /** Each edge's kind, an index into `kicks` (1 byte per edge where ≤ 256 kinds, instead of an 8-byte kick). */
  readonly kickOf: KickIndex;
  /** Plastic synapse index of the edge, or −1 for a static edge. */
  readonly synapse: Int32Array;
}

/** An OU current stimulus on the step grid. */
export interface CompiledOuStimulus {
  readonly from: number;
  readonly to: number;
  /** Windows as step intervals [start, end). */
  readonly windows: Int32Array;
  readonly mean_nA: number;
  readonly sd_nA: number;
  readonly tau_s: number;
}

export interface CompiledNetwork {
  readonly n: number;
  readonly layout: readonly PopulationLayout[];
  readonly neurons: MembraneCoefficients;
  /** 1 where the neuron's spikes are imposed by a spike-train stimulus instead of its membrane. */
  readonly driven: Uint8Array;
  readonly delays: readonly DelayGroup[];
  /** Plastic synapses, grouped by target: synapses inStart[n] … inStart[n+1] − 1 end on neuron n. */
  readonly nSyn: number;
  readonly inStart: Int32Array;
  readonly synPre: Int32Array;
  readonly synPost: Int32Array;
  /** The projections' names; their edges are not kept (see `projectionEdges`: rebuilt for the output). */
  readonly projections: readonly string[];
  readonly ou: readonly CompiledOuStimulus[];
  /** Spike-train stimuli: which neurons, which protocol trains (drawn per trial by the engine). */
  readonly spikeTrains: ReadonlyArray<{ readonly from: number; readonly to: number; readonly index: number }>;
  readonly caDelay: number;
}

/** Compiles the description for time step `dt` (s) and connectivity seed `seed`. */
export function compileNetwork(d: NetworkDescription, seed: number, dt: number): CompiledNetwork {
  const P = d.params;
  const layout = populationLayout(d);
  const n = layout.reduce((s, l) => s + l.size, 0);
  const popOf = new Int32Array(n);
  layout.forEach((l, i) => popOf.fill(i, l.offset, l.offset + l.size));
  const neurons = membraneCoefficients(d, layout, popOf, dt);

  const drawn = drawProjections(d, seed);
  const { inStart, synPre, synPost } = plasticSynapses(drawn, n);
  const nSyn = synPre.length;

  // Outgoing edges grouped by delay, each neuron's sorted by target.
  const delayOf = drawn.map((pr) => {
    const steps = delaySteps(pr.spec.delay_ms !== undefined ? pr.spec.delay_ms * 1e-3 : toSeconds(P, 't_syn_delay'), dt);
    if (steps < 1) throw new Error(`projection '${pr.spec.name}': delay must be at least one step (${dt * 1e3} ms)`);
    return steps;
  });
  // a projection's kick: ±weight/R_mem of the target, computed per edge (the same double every engine used)
  const kickOfEdge = drawn.map((pr) => {
    const sign = d.populations.find((p) => p.name === pr.spec.source)!.inhibitory === true ? -1 : 1;
    return pr.spec.plastic ? () => 0 : (t: number) => (sign * pr.spec.weight_mV!) / neurons.rMem[t]!;
  });
  const kinds = edgeKinds(drawn.map((pr, i) => ({ targets: pr.edges.target, kick: kickOfEdge[i]! })));
  const delays: DelayGroup[] = [...new Set(delayOf)].sort((a, b) => a - b).map((steps) => {
    const members = drawn.flatMap((pr, i) => (delayOf[i] === steps ? [i] : []));
    const outStart = new Int32Array(n + 1);
    for (const i of members) for (const m of drawn[i]!.edges.source) outStart[m + 1]++;
    for (let i = 0; i < n; i++) outStart[i + 1] += outStart[i]!;
    const total = outStart[n]!;
    const target = new Int32Array(total), synapse = new Int32Array(total);
    const kickOf = kinds.indexArray(total);
    const fill = outStart.slice(0, n);
    for (const i of members) {
      const pr = drawn[i]!, kick = kickOfEdge[i]!;
      const { source, target: tgt } = pr.edges;
      for (let k = 0; k < source.length; k++) {
        const m = source[k]!, t = tgt[k]!, e = fill[m]!++;
        target[e] = t;
        kickOf[e] = kinds.indexOf(i, kick(t));
        synapse[e] = pr.spec.plastic ? findSynapse(inStart, synPre, m, t) : -1;
      }
    }
    for (let m = 0; m < n; m++) sortSegment(target, kickOf, synapse, outStart[m]!, outStart[m + 1]!);
    return { delaySteps: steps, outStart, target, kicks: kinds.kicks, kindProjection: kinds.projection, kickOf, synapse };
  });

  const driven = new Uint8Array(n);
  const ou: CompiledOuStimulus[] = [];
  const spikeTrains: Array<{ from: number; to: number; index: number }> = [];
  d.stimuli.forEach((s, index) => {
    const r = resolveRange(layout, s.target);
    if (s.kind === 'spike-trains') {
      driven.fill(1, r.from, r.to);
      spikeTrains.push({ ...r, index });
    } else {
      const w: number[] = [];
      for (const win of s.windows) {
        for (let i = 0; i < (win.count ?? 1); i++) {
          const t0 = win.onset_s + i * (win.period_s ?? 0);
          w.push(Math.round(t0 / dt), Math.round((t0 + win.duration_s) / dt));
        }
      }
      ou.push({ ...r, windows: Int32Array.from(w), mean_nA: s.mean_nA, sd_nA: s.sd_nA, tau_s: s.tau_ms * 1e-3 });
    }
  });

  return {
    n, layout, neurons, driven, delays, nSyn, inStart, synPre, synPost,
    projections: drawn.map((p) => p.spec.name),
    ou, spikeTrains,
    caDelay: delaySteps(toSeconds(P, 't_c_delay'), dt),
  };
}

/**
 * Plastic synapses grouped by target neuron (counting sort), each target's sorted by source, so that a
 * neuron's incoming synapses are contiguous: synapses inStart[t] … inStart[t+1] − 1.
 */
function plasticSynapses(drawn: ReturnType<typeof drawProjections>, n: number): { inStart: Int32Array; synPre: Int32Array; synPost: Int32Array } {
  const inStart = new Int32Array(n + 1);
  for (const pr of drawn) if (pr.spec.plastic) for (const t of pr.edges.target) inStart[t + 1]++;
  for (let i = 0; i < n; i++) inStart[i + 1] += inStart[i]!;
  const synPre = new Int32Array(inStart[n]!), synPost = new Int32Array(inStart[n]!);
  const fill = inStart.slice(0, n);
  for (const pr of drawn) {
    if (!pr.spec.plastic) continue;
    for (let k = 0; k < pr.edges.source.length; k++) {
      const t = pr.edges.target[k]!, s = fill[t]!++;
      synPre[s] = pr.edges.source[k]!;
      synPost[s] = t;
    }
  }
  for (let t = 0; t < n; t++) synPre.subarray(inStart[t]!, inStart[t + 1]!).sort();
  return { inStart, synPre, synPost };
}

/**
 * The plastic synapse from m to t: a binary search among t's synapses, which ascend by source (no
 * by-source index is built for this: it would be 4 bytes per synapse more at construction's peak).
 */
function findSynapse(inStart: Int32Array, synPre: Int32Array, m: number, t: number): number {
  let lo = inStart[t]!, hi = inStart[t + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, pre = synPre[mid]!;
    if (pre === m) return mid;
    if (pre < m) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new Error(`internal: no plastic synapse ${m} → ${t}`);
}

/** Sorts edges [from, to) by target, carrying their kick and synapse along (insertion sort: nearly sorted input). */
function sortSegment(target: Int32Array, kick: KickIndex, syn: Int32Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const t = target[i]!, k = kick[i]!, s = syn[i]!;
    let j = i - 1;
    while (j >= from && target[j]! > t) {
      target[j + 1] = target[j]!;
      kick[j + 1] = kick[j]!;
      syn[j + 1] = syn[j]!;
      j--;
    }
    target[j + 1] = t;
    kick[j + 1] = k;
    syn[j + 1] = s;
  }
}

/** Each edge's kick, nA, expanded from the group's table (for set-up code and checks; the engines' loops index the table). */
export function edgeKicks(g: DelayGroup): Float64Array {
  return Float64Array.from(g.kickOf, (i) => g.kicks[i]!);
}

/** The resolved parameters of one population (the description's, with the population's overrides). */
export function populationParams(d: NetworkDescription, population: string): ModelParams {
  const pop = d.populations.find((p) => p.name === population);
  return { ...d.params, ...(pop?.neuron ?? {}) } as ModelParams;
}
