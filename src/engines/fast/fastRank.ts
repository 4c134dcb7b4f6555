/**
 * One rank's share of a fast-engine run (partition.ts): its neurons as the reference's stepNeurons sees
 * them (views into the shared state, indices local to the rank), its lazy synapses, its inputs and
 * streams, and the shared state that probes and the spike log read. With one rank the views are the
 * whole arrays and the run is the single-thread engine's.
 */
import { PairBuffer } from '../../model/network/edges.js';
import { entityStream, type RandomStream } from '../../random/streams.js';
import type { CompiledNetwork } from '../network/compile.js';
import { imposedSpikes, ouStimulator } from '../network/inputs.js';
import type { MembraneCoefficients } from '../network/neuronCoefficients.js';
import type { OuPart } from '../network/inputs.js';
import { NetworkProbes, type ProbedState } from '../network/probes.js';
import type { NetworkRunSpec } from '../networkTypes.js';
import type { StepCoefficients } from '../reference/detailedLoop.js';
import { initialNetworkState, type ImposedSpikes, type NetworkState } from '../reference/networkLoop.js';
import type { Team } from '../team.js';
import { FastNeurons } from './fastNeurons.js';
import { backgroundGaussians } from './options.js';
import { LazySynapses } from './lazySynapses.js';
import { synapseArrays, type SynapseArrays } from './synapseState.js';
import { calciumEdges, ownedEdges, partitionNeurons, sharedF64, sharedU8, SpikeExchange, type CalciumEdges, type OwnedEdges } from './partition.js';

/** Numbers each rank reports at the end (`outcome`): max dev, tagged, then four work counts. */
export const OUTCOME = 6;

/** Everything one rank of a run holds. */
export interface FastRank {
  readonly team: Team;
  readonly net: CompiledNetwork;
  readonly k: StepCoefficients;
  /** This rank's neurons [lo, hi). */
  readonly lo: number;
  readonly hi: number;
  /** The rank's neurons for stepNeurons: coefficients and state as views, indices 0 … hi − lo − 1. */
  readonly local: { readonly net: CompiledNetwork; readonly st: NetworkState; readonly lam: Float64Array };
  /** Whole-network arrays (shared between ranks; each rank writes only its own neurons). */
  readonly iSyn: Float64Array;
  readonly syn: LazySynapses;
  readonly spikes: SpikeExchange;
  /** Per delay group, the edges ending on this rank's neurons. */
  readonly psp: readonly OwnedEdges[];
  /** This rank's plastic synapses by presynaptic neuron (for the presynaptic calcium jumps). */
  readonly ca: CalciumEdges;
  /** Steps between spike exchanges (the smallest delay), and whether calcium needs this step's spikes of all ranks. */
  readonly window: number;
  readonly sameStep: boolean;
  readonly imposed: ImposedSpikes;
  readonly stimulate: (j: number) => void;
  /** Step 1 of step j for the rank's neurons: membrane, background, protein, Λ; spikes into the local ring. */
  readonly stepNeurons: (j: number) => void;
  readonly probes: NetworkProbes;
  readonly probed: Int32Array;
  /** What probes read (whole-network arrays); c as of the probed step when c is probed. */
  readonly view: ProbedState;
  readonly cView: Float64Array;
  /** Rank 0's spike log, complete through step `logged`. */
  readonly log: PairBuffer;
  logged: number;
  /** Per rank, OUTCOME numbers gathered at the end: the largest signed h − h0, whether a tag was set, the work counts. */
  readonly outcome: Float64Array;
  readonly synthesis: Uint8Array;
  /** What a checkpoint saves besides the above (fastCheckpoint.ts). */
  readonly state: RankState;
}

/** The state of a rank that a checkpoint holds: whole-network shared arrays, and the rank's own parts. */
export interface RankState {
  /** Per neuron, shared: membrane, synaptic and background current, protein, Σ|h − h0|, Λ, synthesis flag. */
  readonly neurons: { readonly v: Float64Array; readonly iSyn: Float64Array; readonly iBg: Float64Array; readonly p: Float64Array; readonly sumDev: Float64Array; readonly lam: Float64Array; readonly synthesis: Uint8Array };
  readonly synapses: SynapseArrays;
  /** The rank's own: refractory time left (local indices), stimulus currents (whole-network indices, own neurons written). */
  readonly refractory: Float64Array;
  readonly iStim: Float64Array;
  readonly fastNeurons: FastNeurons;
  /** Plasticity streams by neuron (only the rank's neurons with plastic synapses are its own). */
  readonly plasticity: readonly RandomStream[];
  /** The rank's OU stimulus processes, and for each the index of the description's process (net.ou) it is part of. */
  readonly ou: readonly OuPart[];
  readonly ouIndex: readonly number[];
}

const viewOf = (c: MembraneCoefficients, lo: number, hi: number): MembraneCoefficients =>
  Object.fromEntries(Object.entries(c).map(([key, a]) => [key, (a as Float64Array).subarray(lo, hi)])) as unknown as MembraneCoefficients;

/** The imposed spikes of neurons [lo, hi), renumbered from 0 (still sorted by step, then neuron). */
function imposedOf(all: ImposedSpikes, lo: number, hi: number): ImposedSpikes {
  const keep: number[] = [];
  for (let q = 0; q < all.neuron.length; q++) if (all.neuron[q]! >= lo && all.neuron[q]! < hi) keep.push(q);
  return { step: Int32Array.from(keep, (q) => all.step[q]!), neuron: Int32Array.from(keep, (q) => all.neuron[q]! - lo), pos: 0 };
}

/** Sets up rank team.rank of a run (a collective call: every rank allocates the shared arrays in the same order). */
export function createRank(spec: NetworkRunSpec, net: CompiledNetwork, k: StepCoefficients, dt: number, team: Team): FastRank {
  const n = net.n, P = spec.description.params;
  const bounds = partitionNeurons(net, team.size);
  const lo = bounds[team.rank]!, hi = bounds[team.rank + 1]!;
  const sFrom = net.inStart[lo]!, sTo = net.inStart[hi]!;
  const [v, iSyn, iBg, p, sumDev, lam] = [0, 1, 2, 3, 4, 5].map(() => sharedF64(team, n)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const synthesis = sharedU8(team, n);
  const arrays = synapseArrays(net.nSyn, (bytes) => team.share(bytes));
  const delays = net.delays.map((g) => g.delaySteps);
  const minDelay = Math.min(...delays, ...(net.caDelay > 0 ? [net.caDelay] : []));
  const spikes = new SpikeExchange(team, n, bounds, Math.max(...delays, net.caDelay), minDelay);
  const outcome = sharedF64(team, OUTCOME * team.size);

  const localNet: CompiledNetwork = { ...net, n: hi - lo, neurons: viewOf(net.neurons, lo, hi), driven: net.driven.subarray(lo, hi) };
  // the reference's neuron state for the rank's neurons (a one-step spike ring; spikes go to the exchange)
  const base = initialNetworkState({ ...localNet, nSyn: 0, delays: [], caDelay: 0 }, k);
  v.set(base.v, lo);
  const iStim = new Float64Array(n);
  const view = (a: Float64Array) => a.subarray(lo, hi);
  const st: NetworkState = {
    ...base, v: view(v), iSyn: view(iSyn), iBg: view(iBg), p: view(p), sumDev: view(sumDev), iStim: view(iStim), synthesis: synthesis.subarray(lo, hi),
  };
  const shared = entityStream(spec.seed, spec.trial, 'neuron', -1 >>> 0, 'plasticityNoise');
  const noise = Array.from({ length: n }, (_, i): RandomStream =>
    i >= lo && i < hi && net.inStart[i + 1]! > net.inStart[i]! ? entityStream(spec.seed, spec.trial, 'neuron', i, 'plasticityNoise') : shared);
  const syn = new LazySynapses(net, P, dt, k.eC, k.hE0, { p, lam }, sumDev, noise, arrays, { sFrom, sTo, nFrom: lo, nTo: hi });
  const probes = new NetworkProbes(spec.description, net, spec.seed, dt);
  // probes of c read the calcium of step j; a lazy synapse holds the one entering step j + 1
  const cView = probes.probesSynapseVariable('c') ? new Float64Array(net.nSyn) : syn.c;
  const psp = net.delays.map((g) => ownedEdges(g, n, lo, hi, team.size === 1));
  const background = Array.from({ length: hi - lo }, (_, i): RandomStream => entityStream(spec.seed, spec.trial, 'neuron', lo + i, 'backgroundNoise'));
  const imposed = imposedOf(imposedSpikes(spec, net, dt), lo, hi);
  const lamView = view(lam);
  const neurons = new FastNeurons(localNet, k, st, lamView, imposed, background, backgroundGaussians(spec.engineOptions) === 'ziggurat');
  const ouIndex = net.ou.map((_, g) => g).filter((g) => Math.min(net.ou[g]!.to, hi) > Math.max(net.ou[g]!.from, lo));
  const stimulate = ouStimulator(spec, { ...net, ou: ouIndex.map((g) => ({ ...net.ou[g]!, from: Math.max(net.ou[g]!.from, lo), to: Math.min(net.ou[g]!.to, hi) })) }, iStim, dt);
  return {
    team, net, k, lo, hi, local: { net: localNet, st, lam: lamView }, iSyn, syn, spikes, psp,
    ca: calciumEdges(net, psp, sFrom, sTo),
    window: minDelay, sameStep: net.caDelay === 0,
    imposed,
    // each rank draws the stimulus currents of its own neurons only (streams per neuron: the same numbers)
    stimulate,
    // the reference's neuron step, with the same streams (fastNeurons.ts), plus each neuron's protein integral for the lazy late phase
    stepNeurons: (j) => {
      neurons.step(j);
      syn.lamStep = j; // Λ now includes step j
    },
    probes, probed: probes.probedSynapses(), cView,
    view: { v, iSyn, iBg, p, c: cView, h: syn.h, z: syn.z },
    log: new PairBuffer(), logged: -1, outcome, synthesis,
    state: {
      neurons: { v, iSyn, iBg, p, sumDev, lam, synthesis }, synapses: arrays, refractory: st.refractory, iStim,
      fastNeurons: neurons, plasticity: noise, ou: stimulate.parts, ouIndex,
    },
  };
}
