/**
 * A network run's result as every engine reports it: the compiled network's layout, edges and sizes,
 * the spikes (steps to seconds), the probes, and what the engine's own run counted.
 */
import type { NetworkProbeTrace, NetworkResult } from '../networkTypes.js';
import type { CompiledNetwork } from './compile.js';

/** What differs between engines: their counts, extremes and flags. */
export interface RunOutcome {
  readonly steps: number;
  readonly fastForwardSteps: number;
  readonly fastForwardIntervals: ReadonlyArray<readonly [number, number]>;
  readonly maxDev_mV: number;
  readonly tagged: boolean;
  readonly proteinSynthesis: boolean;
}

/** Spikes given as steps (sorted by step then neuron), `dt` in s. */
export function networkResult(
  net: CompiledNetwork, spikes: { readonly step: ArrayLike<number>; readonly neuron: Int32Array }, dt: number,
  probes: readonly NetworkProbeTrace[], outcome: RunOutcome,
): NetworkResult {
  return {
    layout: net.layout,
    spikes: { t_s: Float64Array.from(spikes.step, (j) => j * dt), neuron: spikes.neuron },
    probes,
    edges: net.edges,
    neurons: net.n,
    synapses: net.edges.reduce((s, e) => s + e.source.length, 0),
    plasticSynapses: net.nSyn,
    ...outcome,
  };
}
