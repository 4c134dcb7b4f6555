/**
 * The memory paradigm as an experiment: builds the description, runs it on an engine that can, and
 * derives what the published analysis reports — population rates in 0.5 s bins, the recall readout
 * (Q, MI and the rates of the recalled and non-recalled assembly halves, control and inhibitory
 * neurons), and the weight and protein curves of assembly and control. No I/O here.
 */
import { whyEngineCannotRun } from '../../engines/capabilities.js';
import type { NetworkProbeTrace, NetworkResult } from '../../engines/networkTypes.js';
import type { Engine } from '../../engines/types.js';
import type { NetworkDescription } from '../../model/network/description.js';
import type { MemoryReadoutSpec } from '../../model/network/memoryParadigm.js';
import { populationRates, recallReadout, type PopulationRates, type RecallReadout } from './readouts.js';

/** Rate bins of the published curves, s; readout window and its offset after recall onset, s. */
export const RATE_BIN_S = 0.5;
export const READOUT_WINDOW_S = 0.5;
export const READOUT_OFFSET_S = 0.1;

export interface MemoryRunRequest {
  readonly description: NetworkDescription;
  readonly readout: MemoryReadoutSpec;
  readonly seed: number;
  readonly dt_ms: number;
  readonly fastForward: boolean;
  /** The engine's resolved options (see Engine.resolveOptions). */
  readonly engineOptions?: Readonly<Record<string, unknown>>;
  readonly onProgress?: (t_s: number, tEnd_s: number) => void;
  readonly shouldStop?: () => boolean;
}

/** Mean ± SD curves of assembly and control, one row per sample time (the weights.csv columns). */
export interface WeightCurves {
  readonly t_s: Float64Array;
  readonly columns: Readonly<Record<string, Float64Array>>;
}

export interface MemoryRunResult {
  readonly description: NetworkDescription;
  readonly readoutSpec: MemoryReadoutSpec;
  /** Recall delay after the last learning stimulus, s (10 s or 8 h in the published paradigm). */
  readonly recallDelay_s: number;
  readonly recallOnset_s: number;
  readonly assembly: number;
  readonly result: NetworkResult;
  readonly readout: RecallReadout;
  readonly rates: PopulationRates;
  readonly curves: WeightCurves;
}

/** The four probes' series as the weights.csv columns (z scaled by h0 to mV, as in the C++ output). */
function weightCurves(probes: readonly NetworkProbeTrace[], h0: number): WeightCurves {
  const by = (name: string) => probes.find((p) => p.name === name);
  const t_s = by('assembly_synapses')?.t_s ?? new Float64Array(0);
  const columns: Record<string, Float64Array> = {};
  for (const group of ['assembly', 'control'] as const) {
    const syn = by(`${group}_synapses`)?.values ?? {};
    const prot = by(`${group}_protein`)?.values ?? {};
    const scaled = (a?: Float64Array) => (a ? a.map((x) => x * h0) : new Float64Array(t_s.length).fill(NaN));
    columns[`h_mean_${group}_mV`] = syn.h_mean ?? new Float64Array(t_s.length).fill(NaN);
    columns[`h_sd_${group}_mV`] = syn.h_sd ?? new Float64Array(t_s.length).fill(NaN);
    columns[`zh0_mean_${group}_mV`] = scaled(syn.z_mean);
    columns[`zh0_sd_${group}_mV`] = scaled(syn.z_sd);
    columns[`p_mean_${group}`] = prot.p_mean ?? new Float64Array(t_s.length).fill(NaN);
    columns[`p_sd_${group}`] = prot.p_sd ?? new Float64Array(t_s.length).fill(NaN);
  }
  return { t_s, columns };
}

export function runMemoryParadigm(engine: Engine, req: MemoryRunRequest): MemoryRunResult {
  const { description, readout: spec } = req;
  const why = whyEngineCannotRun(engine, description);
  if (why) throw new Error(why);
  const exc = description.populations.find((p) => p.name === spec.excitatory);
  const inh = description.populations.find((p) => p.name === spec.inhibitory);
  if (!exc || !inh) throw new Error(`readout: populations '${spec.excitatory}' and '${spec.inhibitory}' must exist in the description`);
  const result = engine.runNetwork!({
    description, seed: req.seed, trial: 0, dt_ms: req.dt_ms, fastForward: req.fastForward,
    ...(req.engineOptions ? { engineOptions: req.engineOptions } : {}),
    ...(req.onProgress ? { onProgress: (t: number) => req.onProgress!(t, description.duration_s) } : {}),
    ...(req.shouldStop ? { shouldStop: req.shouldStop } : {}),
  });
  // Global indices: the readout functions assume excitatory neurons first, then inhibitory ones.
  const e0 = result.layout.find((l) => l.name === spec.excitatory)!.offset;
  const i0 = result.layout.find((l) => l.name === spec.inhibitory)!.offset;
  if (e0 !== 0 || i0 !== exc.size) throw new Error(`readout: '${spec.excitatory}' must be the first population and '${spec.inhibitory}' the second`);
  const readout = recallReadout(result.spikes, {
    nExc: exc.size, nInh: inh.size, assembly: spec.assembly, recallFraction: spec.recall_fraction, window_s: READOUT_WINDOW_S,
    refTime_s: spec.reference_time_s, readoutTime_s: spec.recall_onset_s + READOUT_OFFSET_S,
  });
  const half = Math.floor(spec.recall_fraction * spec.assembly);
  const rates = populationRates(result.spikes, [
    { name: 'assembly', from: 0, toExclusive: spec.assembly },
    { name: 'as', from: 0, toExclusive: half },
    { name: 'ans', from: half, toExclusive: spec.assembly },
    { name: 'ctrl', from: spec.assembly, toExclusive: exc.size },
    { name: 'inh', from: exc.size, toExclusive: exc.size + inh.size },
  ], RATE_BIN_S, description.duration_s);
  return {
    description, readoutSpec: spec, recallDelay_s: spec.recall_onset_s - spec.reference_time_s, recallOnset_s: spec.recall_onset_s,
    assembly: spec.assembly, result, readout, rates, curves: weightCurves(result.probes, description.params.h0),
  };
}
