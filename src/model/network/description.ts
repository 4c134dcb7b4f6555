/**
 * A network model as plain data — populations, projections, stimuli, probes — in the manner of an
 * Arbor recipe or PyNN's populations and projections: built before, and independent of, any engine.
 * A single synapse is the two-neuron case (see singleSynapse.ts), exactly as the published C++
 * simulator builds its 2N1S runs from its `Network` class.
 *
 * Units are in the names: times in s (window edges) or ms (time constants, delays), potentials and
 * weights in mV, currents in nA. Model parameters (MODEL.md §10) apply to every neuron and synapse;
 * a population may override its neuron and background parameters.
 */
import type { ModelParams, ParamName } from '../parameters.js';
import type { StimulusTrain } from '../protocols.js';
import type { EdgeList } from './edges.js';

/** Neuron and background parameters a population may set for itself (MODEL.md §2, §10 names). */
export const NEURON_PARAM_NAMES = ['tau_mem', 'r_mem', 'v_rev', 'v_th', 'v_reset', 't_ref', 'i_0', 'sigma_wn', 'tau_ou'] as const;
export type NeuronParamName = (typeof NEURON_PARAM_NAMES)[number] & ParamName;

/** A population of LIF neurons (MODEL.md §2). `inhibitory` populations' outgoing synapses subtract. */
export interface PopulationSpec {
  readonly name: string;
  readonly size: number;
  readonly inhibitory?: boolean;
  /** Overrides of the neuron and OU-background parameters for this population. */
  readonly neuron?: Partial<Record<NeuronParamName, number>>;
}

/** How a projection's edges are chosen; the random rule draws from (seed, projection, 'connectivity'). */
export type ConnectivityRule =
  | { readonly rule: 'all-to-all'; readonly autapses?: boolean }
  | { readonly rule: 'one-to-one' }
  | { readonly rule: 'fixed-probability'; readonly p: number; readonly autapses?: boolean }
  /** Every target neuron gets exactly `in_degree` edges from distinct source neurons (the alternative to p). */
  | { readonly rule: 'fixed-in-degree'; readonly in_degree: number; readonly autapses?: boolean }
  /** Explicit edges in local indices of the source and target populations (e.g. read from a file). */
  | { readonly rule: 'explicit'; readonly edges: EdgeList };

/**
 * A projection of current-based exponential synapses (τ_syn, MODEL.md §2). Static synapses kick the
 * target by `weight_mV`; plastic ones carry the STC synapse (calcium, h, tag, z; initial h = h0,
 * z = 0) and kick by w = h + h0 z.
 */
export interface ProjectionSpec {
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly connectivity: ConnectivityRule;
  readonly plastic: boolean;
  /** PSP size of a static synapse, mV (ignored for plastic ones). */
  readonly weight_mV?: number;
  /** Transmission delay, ms (default: the `t_syn_delay` parameter). Rounded down to whole steps. */
  readonly delay_ms?: number;
}

/** A contiguous range of one population's neurons, local indices [from, to). */
export interface NeuronRange {
  readonly population: string;
  readonly from?: number;
  readonly to?: number;
}

/** Repeated stimulation windows: `count` windows of `duration_s`, the i-th from `onset_s + i·period_s`. */
export interface StimulusWindow {
  readonly onset_s: number;
  readonly duration_s: number;
  readonly count?: number;
  readonly period_s?: number;
}

/**
 * Stimuli. `spike-trains`: the target neurons are made to spike (as the C++ simulator's Poisson
 * neurons: the spike replaces the membrane's own dynamics) at the times of the protocol's trains —
 * per-step Bernoulli(f·dt) for Poisson trains — and at explicit times. `ou-current`: an
 * Ornstein–Uhlenbeck current (stationary mean and SD, correlation time) to every target neuron
 * inside each window, starting at its mean at window onset, independent per neuron.
 */
export type StimulusSpec =
  | {
    readonly kind: 'spike-trains';
    readonly name: string;
    readonly target: NeuronRange;
    readonly trains: readonly StimulusTrain[];
    readonly spikeTimes_s?: readonly number[];
  }
  | {
    readonly kind: 'ou-current';
    readonly name: string;
    readonly target: NeuronRange;
    readonly windows: readonly StimulusWindow[];
    readonly mean_nA: number;
    readonly sd_nA: number;
    readonly tau_ms: number;
  };

/** Variables a network probe can record on neurons and on synapses. */
export const NEURON_VARIABLES = ['V', 'I_syn', 'I_bg', 'p', 'spikes'] as const;
export const SYNAPSE_VARIABLES = ['c', 'h', 'z', 'w', 'tag'] as const;
export type NeuronVariable = (typeof NEURON_VARIABLES)[number];
export type SynapseVariable = (typeof SYNAPSE_VARIABLES)[number];

/** Synapses of a plastic projection selected by their source and target neuron ranges. */
export interface SynapseSelection {
  readonly projection: string;
  readonly sources?: NeuronRange;
  readonly targets?: NeuronRange;
}

/**
 * A probe: what to record, where, how often. `reduce: 'mean-sd'` records the mean and SD over the
 * selected neurons or synapses (for synapse probes, `p` is the mean over their target neurons);
 * `sample: n` records n elements drawn from (seed, probe) instead of all.
 */
export type ProbeSpec =
  | {
    readonly name: string;
    readonly kind: 'neurons';
    readonly target: NeuronRange;
    readonly variables: readonly NeuronVariable[];
    readonly interval_s: number;
    readonly from_s?: number;
    readonly to_s?: number;
    readonly reduce?: 'none' | 'mean-sd';
    readonly sample?: number;
  }
  | {
    readonly name: string;
    readonly kind: 'synapses';
    readonly target: SynapseSelection;
    readonly variables: readonly (SynapseVariable | 'p')[];
    readonly interval_s: number;
    readonly from_s?: number;
    readonly to_s?: number;
    readonly reduce?: 'none' | 'mean-sd';
    readonly sample?: number;
  };

/** The whole model: everything an engine needs besides its own settings, the seed and the step. */
export interface NetworkDescription {
  readonly name: string;
  readonly description?: string;
  /** Every model parameter, resolved (MODEL.md §10 names and units). */
  readonly params: ModelParams;
  readonly populations: readonly PopulationSpec[];
  readonly projections: readonly ProjectionSpec[];
  readonly stimuli: readonly StimulusSpec[];
  readonly probes: readonly ProbeSpec[];
  /** Simulated time, s. */
  readonly duration_s: number;
}

/** The windows of a stimulus, expanded and sorted, as [start_s, end_s) pairs. */
export function stimulusWindows(s: StimulusSpec): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (s.kind === 'ou-current') {
    for (const w of s.windows) {
      for (let i = 0; i < (w.count ?? 1); i++) {
        const t0 = w.onset_s + i * (w.period_s ?? 0);
        out.push([t0, t0 + w.duration_s]);
      }
    }
  } else {
    for (const tr of s.trains) {
      for (let i = 0; i < (tr.count ?? 1); i++) {
        const t0 = tr.onset_s + i * (tr.period_s ?? 0);
        out.push([t0, t0 + tr.duration_s]);
      }
    }
    for (const t of s.spikeTimes_s ?? []) out.push([t, t]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Every stimulation window of the description, sorted by start. */
export function allStimulusWindows(d: NetworkDescription): Array<[number, number]> {
  return d.stimuli.flatMap(stimulusWindows).sort((a, b) => a[0] - b[0]);
}
