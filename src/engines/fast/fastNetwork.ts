/**
 * The fast network engine's run: neurons stepped on the grid as the reference engine steps them
 * (neurons.ts: the reference's update in its order, the background noise drawn by ziggurat), plastic synapses advanced
 * lazily (lazySynapses.ts), and a fast-forward that touches only the neurons and the synapses whose
 * tags end (fastForward.ts). Within step j:
 *  1. every neuron (membrane, background, protein with Σ|h − h0| of the previous step); Λ += p·dt;
 *  2. PSPs of spikes from `delay` steps ago, with the weight of step j − 1 read from the lazy synapse;
 *  3. every neuron's Σ|h − h0| decays by e_0; calcium jumps of presynaptic spikes t_c,delay ago and of
 *     this step's postsynaptic spikes (each synapse brought to step j − 1, then c jumps); then the
 *     wake-ups due (ends of calcium episodes, ends of tags).
 */
import { PairBuffer } from '../../model/network/edges.js';
import { descriptionIssues } from '../../model/network/validate.js';
import { entityStream, type RandomStream } from '../../random/streams.js';
import { compileNetwork, type CompiledNetwork } from '../network/compile.js';
import { NetworkProbes, type ProbedState } from '../network/probes.js';
import { runSchedule } from '../network/schedule.js';
import type { NetworkResult, NetworkRunSpec } from '../networkTypes.js';
import { stepCoefficients, type StepCoefficients } from '../reference/detailedLoop.js';
import { imposedSpikes, ouStimulator } from '../network/inputs.js';
import { initialNetworkState, stepNeurons, type ImposedSpikes, type NetworkObserver, type NetworkState } from '../reference/networkLoop.js';
import { fastForwardLazy } from './fastForward.js';
import { LazySynapses } from './lazySynapses.js';
import { networkResult } from '../network/result.js';

/** Steps per chunk: progress and stop requests are looked at between chunks. */
const CHUNK = 5_000;
/** Steps between exact recomputations of the neurons' Σ|h − h0| (the incremental updates accumulate rounding). */
const RECOMPUTE_EVERY = 50_000;
const NEVER = 0x7fffffff;

/** Everything one run of the fast engine holds. */
interface FastRun {
  readonly net: CompiledNetwork;
  readonly k: StepCoefficients;
  /** Neuron state (the reference's arrays; its synapse arrays are empty). */
  readonly st: NetworkState;
  readonly lam: Float64Array;
  readonly syn: LazySynapses;
  readonly background: readonly RandomStream[];
  readonly imposed: ImposedSpikes;
  readonly stimulate: (j: number) => void;
  readonly obs: NetworkObserver;
}

/** Step 2: PSPs of the spikes `delay` steps ago (plastic weights as of step j − 1). */
function deliverPsps(r: FastRun, j: number): void {
  const { net, st, syn } = r;
  const { ring, ringCount, iSyn } = st;
  const rMem = net.neurons.rMem, n = net.n;
  for (const g of net.delays) {
    const from = j - g.delaySteps;
    if (from < 0) continue;
    const slot = from % st.ringSize, base = slot * n, count = ringCount[slot]!;
    const { outStart, target, kick_nA, synapse } = g;
    for (let q = 0; q < count; q++) {
      const m = ring[base + q]!;
      for (let e = outStart[m]!, end = outStart[m + 1]!; e < end; e++) {
        const t = target[e]!, s = synapse[e]!;
        iSyn[t] = iSyn[t]! + (s < 0 ? kick_nA[e]! : syn.weight(s, j - 1) / rMem[t]!);
      }
    }
  }
}

/** Step 3: calcium jumps of step j (presynaptic arrivals first, then postsynaptic spikes), then wake-ups. */
function stepSynapses(r: FastRun, j: number): void {
  const { net, st, syn, k } = r;
  syn.step = j;
  syn.decaySums(1);
  const { ring, ringCount } = st;
  const { outStart, outSyn } = syn;
  const from = j - net.caDelay;
  if (from >= 0) {
    const slot = from % st.ringSize, base = slot * net.n, count = ringCount[slot]!;
    for (let q = 0; q < count; q++) {
      const m = ring[base + q]!;
      for (let e = outStart[m]!, end = outStart[m + 1]!; e < end; e++) syn.jump(outSyn[e]!, j, k.cPre);
    }
  }
  const slot = j % st.ringSize, base = slot * net.n, count = ringCount[slot]!;
  for (let q = 0; q < count; q++) {
    const t = ring[base + q]!;
    for (let s = net.inStart[t]!, end = net.inStart[t + 1]!; s < end; s++) syn.jump(s, j, k.cPost);
  }
  syn.wakeThrough(j);
  if (j % RECOMPUTE_EVERY === 0) syn.recomputeSums(net.inStart);
}

/** Integrates steps jFrom … jTo (inclusive); observes at the steps the observer asks for. */
function integrate(r: FastRun, jFrom: number, jTo: number, nextObserve: number): void {
  const { net, k, st, lam } = r;
  let nextObs = nextObserve;
  for (let j = jFrom; j <= jTo; j++) {
    r.stimulate(j);
    // the reference's neuron step, with the same streams (Box–Muller: the ziggurat moved recall rates by
    // 0.3–0.5 Hz, docs/network.md), plus each neuron's protein integral for the lazy late phase
    stepNeurons(net, k, st, j, r.background, r.imposed, r.obs, lam);
    deliverPsps(r, j);
    stepSynapses(r, j);
    st.spiked.fill(0);
    if (j === nextObs) nextObs = r.obs.observe(j);
  }
}

export function runFastNetwork(spec: NetworkRunSpec): NetworkResult {
  const d = spec.description;
  const issues = descriptionIssues(d);
  if (issues.length > 0) throw new Error(`network description '${d.name}': ${issues.join('; ')}`);
  const dt = spec.dt_ms * 1e-3;
  const P = d.params;
  const net = compileNetwork(d, spec.seed, dt);
  const k = stepCoefficients(P, dt);
  // The reference's neuron state without its per-synapse arrays (the lazy synapses keep their own).
  const st = initialNetworkState({ ...net, nSyn: 0 }, k);
  const lam = new Float64Array(net.n);
  const shared = entityStream(spec.seed, spec.trial, 'neuron', -1 >>> 0, 'plasticityNoise');
  const noise = Array.from({ length: net.n }, (_, i): RandomStream =>
    net.inStart[i + 1]! > net.inStart[i]! ? entityStream(spec.seed, spec.trial, 'neuron', i, 'plasticityNoise') : shared);
  const syn = new LazySynapses(net, P, dt, k.eC, k.hE0, { p: st.p, lam }, st.sumDev, noise);
  const probes = new NetworkProbes(d, net, spec.seed, dt);
  const probed = probes.probedSynapses();
  // Probes of c read the calcium of step j; a lazy synapse holds the one entering step j + 1.
  const cView = probes.probesSynapseVariable('c') ? new Float64Array(net.nSyn) : syn.c;
  const view: ProbedState = { v: st.v, iSyn: st.iSyn, iBg: st.iBg, p: st.p, c: cView, h: syn.h, z: syn.z };
  const bringProbed = (j: number) => {
    syn.step = j;
    syn.advanceAll(probed, j);
    if (cView !== syn.c) for (const s of probed) cView[s] = syn.c[s]! / k.eC;
  };
  const log = new PairBuffer();
  const run: FastRun = {
    net, k, st, lam, syn,
    background: Array.from({ length: net.n }, (_, i): RandomStream => entityStream(spec.seed, spec.trial, 'neuron', i, 'backgroundNoise')),
    imposed: imposedSpikes(spec, net, dt),
    stimulate: ouStimulator(spec, net, st.iStim, dt),
    obs: {
      spike: (j: number, i: number) => log.push(j, i),
      observe: (j: number) => {
        bringProbed(j);
        return probes.atStep(view, j, dt, NEVER);
      },
    },
  };

  let steps = 0, ffSteps = 0;
  const ffIntervals: Array<[number, number]> = [];
  for (const seg of runSchedule(d, dt, spec.fastForward)) {
    if (seg.mode === 'fast-forward') {
      ffIntervals.push([seg.from * dt, seg.to * dt]);
      ffSteps += fastForwardLazy(P, st, lam, syn, seg.from, seg.to, dt, (t, j) => {
        bringProbed(j);
        probes.atFastForward(view, t, dt);
        spec.onProgress?.(t);
      });
      continue;
    }
    for (let j0 = seg.from; j0 <= seg.to; j0 += CHUNK) {
      if (spec.shouldStop?.()) throw new Error(`run stopped at t = ${(j0 * dt).toFixed(3)} s`);
      const j1 = Math.min(seg.to, j0 + CHUNK - 1);
      integrate(run, j0, j1, probes.nextStep(NEVER));
      steps += j1 - j0 + 1;
      spec.onProgress?.(j1 * dt);
    }
  }

  const { source: step, target: neuron } = log.finish();
  return networkResult(net, { step, neuron }, dt, probes.finish(), {
    steps, fastForwardSteps: ffSteps, fastForwardIntervals: ffIntervals, maxDev_mV: syn.maxDev,
    tagged: syn.everTagged, proteinSynthesis: st.synthesis.some((x) => x === 1),
  });
}
