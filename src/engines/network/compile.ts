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

/** Outgoing edges of every neuron for one delay: edges outStart[m] … outStart[m+1] − 1. */
export interface DelayGroup {
  readonly delaySteps: number;
  readonly outStart: Int32Array;
  readonly target: Int32Array;
  /** PSP current kick of a static edge, nA (negative for inhibitory sources). */
  readonly kick_nA: Float64Array;
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
  /** Every edge of every projection (global indices), for output and exchange formats. */
  readonly edges: ReadonlyArray<{ readonly name: string; readonly source: Int32Array; readonly target: Int32Array }>;
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
  // Plastic synapses, sorted by (target, source) so each neuron's incoming synapses are contiguous.
  const plastic: Array<[number, number]> = [];
  for (const pr of drawn) {
    if (!pr.spec.plastic) continue;
    for (let k = 0; k < pr.edges.source.length; k++) plastic.push([pr.edges.target[k]!, pr.edges.source[k]!]);
  }
  plastic.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const nSyn = plastic.length;
  const synPre = new Int32Array(nSyn), synPost = new Int32Array(nSyn), inStart = new Int32Array(n + 1);
  const synIndex = new Map<number, number>();
  plastic.forEach(([post, pre], s) => {
    synPre[s] = pre;
    synPost[s] = post;
    inStart[post + 1]++;
    synIndex.set(pre * n + post, s);
  });
  for (let i = 0; i < n; i++) inStart[i + 1] += inStart[i]!;

  // Outgoing edges grouped by delay.
  const byDelay = new Map<number, Array<[number, number, number, number]>>();
  for (const pr of drawn) {
    const steps = delaySteps(pr.spec.delay_ms !== undefined ? pr.spec.delay_ms * 1e-3 : toSeconds(P, 't_syn_delay'), dt);
    if (steps < 1) throw new Error(`projection '${pr.spec.name}': delay must be at least one step (${dt * 1e3} ms)`);
    const list = byDelay.get(steps) ?? [];
    byDelay.set(steps, list);
    const inh = d.populations.find((p) => p.name === pr.spec.source)!.inhibitory === true;
    for (let k = 0; k < pr.edges.source.length; k++) {
      const m = pr.edges.source[k]!, t = pr.edges.target[k]!;
      const kick = pr.spec.plastic ? 0 : ((inh ? -1 : 1) * pr.spec.weight_mV!) / neurons.rMem[t]!;
      list.push([m, t, kick, pr.spec.plastic ? synIndex.get(m * n + t)! : -1]);
    }
  }
  const delays: DelayGroup[] = [...byDelay.entries()].sort((a, b) => a[0] - b[0]).map(([steps, list]) => {
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const outStart = new Int32Array(n + 1);
    for (const e of list) outStart[e[0] + 1]++;
    for (let i = 0; i < n; i++) outStart[i + 1] += outStart[i]!;
    return {
      delaySteps: steps,
      outStart,
      target: Int32Array.from(list, (e) => e[1]),
      kick_nA: Float64Array.from(list, (e) => e[2]),
      synapse: Int32Array.from(list, (e) => e[3]),
    };
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
    edges: drawn.map((p) => ({ name: p.spec.name, source: p.edges.source, target: p.edges.target })),
    ou, spikeTrains,
    caDelay: delaySteps(toSeconds(P, 't_c_delay'), dt),
  };
}

/** The resolved parameters of one population (the description's, with the population's overrides). */
export function populationParams(d: NetworkDescription, population: string): ModelParams {
  const pop = d.populations.find((p) => p.name === population);
  return { ...d.params, ...(pop?.neuron ?? {}) } as ModelParams;
}
