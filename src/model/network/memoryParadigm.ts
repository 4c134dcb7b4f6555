/**
 * The memory formation and consolidation paradigm of Luboeinski & Tetzlaff (2021) as a network
 * description (MODEL.md §8): 1600 excitatory and 400 inhibitory LIF neurons with OU background,
 * random connectivity p = 0.1, plastic E→E synapses; an assembly (the first `assembly` excitatory
 * neurons) learns from three 0.1 s stimuli at 10.0, 10.5 and 11.0 s, and the first half of it is
 * stimulated again for recall 10 s or 8 h later.
 *
 * The stimulus stands for N_stim = 25 Poisson inputs at 100 Hz of weight h0, as an OU current with
 * the C++ simulator's numbers (StimulusProtocols.cpp / Stimulus.cpp): mean N_stim·f·h0/R_mem and
 * stationary SD (h0/R_mem)·√(N_stim·f/(2 τ_syn)), correlation time τ_syn. (The C++ code adds
 * R_mem·I·(1 − e^{−dt/τ_mem}) to V per step: the mean, 1050.19 "nA" for the defaults, drives the
 * stimulated neurons to their maximal rate; we keep its numbers so that the paradigm is the same.)
 */
import { resolveParams, toSeconds, type ModelParams } from '../parameters.js';
import type { NetworkDescription, ProbeSpec, StimulusSpec } from './description.js';

export type RecallDelay = '10s' | '8h';

export interface MemoryParadigmOptions {
  readonly nExc?: number;
  readonly nInh?: number;
  /** Assembly size: the first `assembly` excitatory neurons (default 150 per 1600 of them, see scaledAssembly). */
  readonly assembly?: number;
  /** Connection probability of every projection. */
  readonly p?: number;
  /**
   * Instead of p: every neuron receives exactly `inDegree` edges per projection onto it — from each
   * population the same share as p gives on average, i.e. k·N_source/N over all neurons N (so E→E gets
   * round(k·N_E/N), I→E round(k·N_I/N)).
   */
  readonly inDegree?: number;
  readonly recall?: RecallDelay;
  /** Fraction of the assembly stimulated at recall (the first ones). */
  readonly recallFraction?: number;
  /** Poisson inputs the stimulus stands for, and their rate (Hz). */
  readonly nStim?: number;
  readonly stimRate_Hz?: number;
  /** Static weights in units of h0: E→I, I→E, I→I. */
  readonly wEI_h0?: number;
  readonly wIE_h0?: number;
  readonly wII_h0?: number;
  /** Parameter overrides on top of the network defaults (MODEL.md §10 names). */
  readonly params?: Readonly<Record<string, number>>;
  /** Interval of the weight and protein curves, s. */
  readonly curveInterval_s?: number;
  /**
   * The weight curves average at most this many synapses per group, drawn once per network from the
   * probe's stream; all of them below it (default 10^6: every synapse of the published 2000 neurons).
   */
  readonly curveSynapses?: number;
}

export const LEARNING_ONSETS_S = [10.0, 10.5, 11.0] as const;
/** Synapses averaged per weight curve at most (beyond, a sample): keeps probes cheap at 20 000 neurons. */
export const CURVE_SYNAPSES = 1_000_000;
export const STIMULUS_DURATION_S = 0.1;
/** Recall onset and end of the run, s, for each recall delay. */
export const RECALL_TIMES: Readonly<Record<RecallDelay, { onset_s: number; t_max_s: number }>> = {
  '10s': { onset_s: 20.0, t_max_s: 30.0 },
  '8h': { onset_s: 28_810.0, t_max_s: 28_820.0 },
};

/** Mean and stationary SD (nA, the C++ code's numbers) of the OU current standing for N Poisson inputs. */
export function poissonInputCurrent(P: ModelParams, nStim: number, rate_Hz: number, weight_mV: number): { mean_nA: number; sd_nA: number } {
  const strength = weight_mV / P.r_mem;
  return { mean_nA: strength * nStim * rate_Hz, sd_nA: (strength * Math.sqrt(nStim * rate_Hz)) / Math.sqrt(2 * toSeconds(P, 'tau_syn')) };
}

/**
 * The default assembly: the published 150 of 1600 excitatory neurons, the same fraction of any other
 * number (so that the assembly's share of every neuron's inputs, and of the readout, stays the published one).
 */
export function scaledAssembly(nExc: number): number {
  return Math.max(2, Math.round((150 * nExc) / 1600));
}

/** The resolved options (every default filled in). */
export function memoryParadigmDefaults(o: MemoryParadigmOptions = {}): Required<Omit<MemoryParadigmOptions, 'params' | 'inDegree'>> & { params: Readonly<Record<string, number>>; inDegree: number | undefined } {
  return {
    nExc: o.nExc ?? 1600, nInh: o.nInh ?? 400, assembly: o.assembly ?? scaledAssembly(o.nExc ?? 1600), p: o.p ?? 0.1, inDegree: o.inDegree, curveSynapses: o.curveSynapses ?? CURVE_SYNAPSES,
    recall: o.recall ?? '10s', recallFraction: o.recallFraction ?? 0.5, nStim: o.nStim ?? 25, stimRate_Hz: o.stimRate_Hz ?? 100,
    wEI_h0: o.wEI_h0 ?? 2, wIE_h0: o.wIE_h0 ?? 4, wII_h0: o.wII_h0 ?? 4, params: o.params ?? {}, curveInterval_s: o.curveInterval_s ?? 0.1,
  };
}

/**
 * Where the recall readout looks (MODEL.md §8): the first `assembly` neurons of the excitatory
 * population form the assembly, the first `recallFraction` of it is stimulated at recall; rates are
 * compared in 0.5 s windows centred 0.1 s after the last learning onset and after the recall onset.
 */
export interface MemoryReadoutSpec {
  readonly excitatory: string;
  readonly inhibitory: string;
  readonly assembly: number;
  readonly recall_fraction: number;
  readonly reference_time_s: number;
  readonly recall_onset_s: number;
}

/** The paradigm's description and where its readout looks. */
export function memoryParadigm(options: MemoryParadigmOptions = {}): { description: NetworkDescription; readout: MemoryReadoutSpec } {
  const o = memoryParadigmDefaults(options);
  return {
    description: memoryNetworkDescription(o),
    readout: {
      excitatory: 'exc', inhibitory: 'inh', assembly: o.assembly, recall_fraction: o.recallFraction,
      reference_time_s: LEARNING_ONSETS_S[LEARNING_ONSETS_S.length - 1], recall_onset_s: RECALL_TIMES[o.recall].onset_s,
    },
  };
}

type ParadigmRule = { readonly rule: 'fixed-probability'; readonly p: number } | { readonly rule: 'fixed-in-degree'; readonly in_degree: number };

/**
 * The four projections' rules: p for all, or with an in-degree k each neuron's k inputs split between
 * the populations in proportion to their sizes (as p does on average): round(k·N_source/(N_E + N_I)).
 */
export function paradigmConnectivity(o: { nExc: number; nInh: number; p: number; inDegree: number | undefined }): Record<'EE' | 'EI' | 'IE' | 'II', ParadigmRule> {
  if (o.inDegree === undefined) {
    const random = { rule: 'fixed-probability', p: o.p } as const;
    return { EE: random, EI: random, IE: random, II: random };
  }
  const k = o.inDegree, n = o.nExc + o.nInh;
  const fromExc = { rule: 'fixed-in-degree', in_degree: Math.round((k * o.nExc) / n) } as const;
  const fromInh = { rule: 'fixed-in-degree', in_degree: Math.round((k * o.nInh) / n) } as const;
  return { EE: fromExc, EI: fromExc, IE: fromInh, II: fromInh };
}

/** The largest in-degree whose split leaves every projection within its source population (itself excluded). */
export function paradigmInDegreeMax(nExc: number, nInh: number): number {
  const n = nExc + nInh;
  let k = n;
  while (k > 0 && (Math.round((k * nExc) / n) > nExc - 1 || Math.round((k * nInh) / n) > nInh - 1)) k--;
  return k;
}

export function memoryNetworkDescription(options: MemoryParadigmOptions = {}): NetworkDescription {
  const o = memoryParadigmDefaults(options);
  if (!(Number.isInteger(o.assembly) && o.assembly >= 2 && o.assembly < o.nExc)) {
    throw new Error(`assembly = ${o.assembly}: must be a whole number in [2, ${o.nExc - 1}] (the first excitatory neurons; the rest are the control population)`);
  }
  if (o.inDegree !== undefined) {
    const most = paradigmInDegreeMax(o.nExc, o.nInh);
    if (!(Number.isInteger(o.inDegree) && o.inDegree >= 1 && o.inDegree <= most)) {
      throw new Error(`in-degree = ${o.inDegree}: must be a whole number in [1, ${most}] (inputs per neuron, split between ${o.nExc} exc and ${o.nInh} inh in proportion, no self-connections)`);
    }
  }
  const P = resolveParams(o.params, 'network');
  const h0 = P.h0;
  const { mean_nA, sd_nA } = poissonInputCurrent(P, o.nStim, o.stimRate_Hz, h0);
  const recall = RECALL_TIMES[o.recall];
  const recalled = Math.floor(o.recallFraction * o.assembly);
  const ou = (name: string, to: number, onset_s: number, count: number): StimulusSpec => ({
    kind: 'ou-current', name, target: { population: 'exc', from: 0, to },
    windows: [count > 1 ? { onset_s, duration_s: STIMULUS_DURATION_S, count, period_s: 0.5 } : { onset_s, duration_s: STIMULUS_DURATION_S }],
    mean_nA, sd_nA, tau_ms: P.tau_syn,
  });
  const every = o.curveInterval_s;
  const assembly = { population: 'exc', from: 0, to: o.assembly };
  const control = { population: 'exc', from: o.assembly, to: o.nExc };
  const connectivity = paradigmConnectivity(o);
  // E→E synapses within a group of g neurons, expected; a sample is asked for only where there may be more than the cap.
  const ee = connectivity.EE;
  const within = (g: number) => g * (g - 1) * (ee.rule === 'fixed-probability' ? ee.p : ee.in_degree / (o.nExc - 1));
  const cap = (g: number) => (within(g) > o.curveSynapses / 2 ? { sample: o.curveSynapses } : {});
  const probes: ProbeSpec[] = [
    { name: 'assembly_synapses', kind: 'synapses', target: { projection: 'EE', sources: assembly, targets: assembly }, variables: ['h', 'z'], interval_s: every, reduce: 'mean-sd', ...cap(o.assembly) },
    { name: 'control_synapses', kind: 'synapses', target: { projection: 'EE', sources: control, targets: control }, variables: ['h', 'z'], interval_s: every, reduce: 'mean-sd', ...cap(o.nExc - o.assembly) },
    { name: 'assembly_protein', kind: 'neurons', target: assembly, variables: ['p'], interval_s: every, reduce: 'mean-sd' },
    { name: 'control_protein', kind: 'neurons', target: control, variables: ['p'], interval_s: every, reduce: 'mean-sd' },
  ];
  return {
    name: `memory-network-${o.assembly}-${o.recall}`,
    description: `Luboeinski & Tetzlaff (2021) memory paradigm: ${o.nExc} exc + ${o.nInh} inh, ${o.inDegree !== undefined ? `in-degree ${o.inDegree}` : `p = ${o.p}`}, assembly ${o.assembly}, recall of ${recalled} neurons after ${o.recall}`,
    params: P,
    populations: [{ name: 'exc', size: o.nExc }, { name: 'inh', size: o.nInh, inhibitory: true }],
    projections: [
      { name: 'EE', source: 'exc', target: 'exc', connectivity: connectivity.EE, plastic: true },
      { name: 'EI', source: 'exc', target: 'inh', connectivity: connectivity.EI, plastic: false, weight_mV: o.wEI_h0 * h0 },
      { name: 'IE', source: 'inh', target: 'exc', connectivity: connectivity.IE, plastic: false, weight_mV: o.wIE_h0 * h0 },
      { name: 'II', source: 'inh', target: 'inh', connectivity: connectivity.II, plastic: false, weight_mV: o.wII_h0 * h0 },
    ],
    stimuli: [ou('learning', o.assembly, LEARNING_ONSETS_S[0], LEARNING_ONSETS_S.length), ou('recall', recalled, recall.onset_s, 1)],
    probes,
    duration_s: recall.t_max_s,
  };
}
