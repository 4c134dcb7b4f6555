/**
 * A network run's result as every engine reports it: the compiled network's layout, edges and sizes,
 * the spikes (steps to seconds), the probes, and what the engine's own run counted. The edges are rebuilt
 * from the delay groups when first read (for the output files), not held through the run.
 */
import type { NetworkProbeTrace, NetworkResult } from '../networkTypes.js';
import type { CompiledNetwork } from './compile.js';
import { edgeCount, projectionEdges } from './edgeKinds.js';

/** What differs between engines: their counts, extremes and flags. */
export interface RunOutcome {
  readonly steps: number;
  readonly fastForwardSteps: number;
  readonly fastForwardIntervals: ReadonlyArray<readonly [number, number]>;
  readonly maxDev_mV: number;
  readonly tagged: boolean;
  readonly proteinSynthesis: boolean;
  readonly work?: Readonly<Record<string, number>>;
}

/** Spikes given as steps (sorted by step then neuron), `dt` in s. */
export function networkResult(
  net: CompiledNetwork, spikes: { readonly step: ArrayLike<number>; readonly neuron: Int32Array }, dt: number,
  probes: readonly NetworkProbeTrace[], outcome: RunOutcome,
): NetworkResult {
  let edges: NetworkResult['edges'] | undefined;
  let from: CompiledNetwork | undefined = net;
  return {
    layout: net.layout,
    spikes: { t_s: Float64Array.from(spikes.step, (j) => j * dt), neuron: spikes.neuron },
    probes,
    get edges() {
      // built once; the compiled network is then let go
      if (edges === undefined) {
        edges = projectionEdges(from!);
        from = undefined;
      }
      return edges;
    },
    neurons: net.n,
    synapses: edgeCount(net),
    plasticSynapses: net.nSyn,
    ...outcome,
  };
}
