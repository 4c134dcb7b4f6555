/**
 * The reference engine's fixed-step loop for a network, in the published C++ simulator's order of
 * operations (Network::processTimeStep; MODEL.md §6, §8). Within step j:
 *  1. every neuron: OU background, membrane with last step's currents (plus an OU stimulus current),
 *     refractory hold or threshold/reset (or an imposed spike), synaptic current decay, and protein p
 *     with Θ[Σ|h − h0| − θ_pro] of the previous step;
 *  2. PSPs of spikes from `delay` steps ago enter the targets' currents (w = h + h0 z of the plastic
 *     synapse *before* this step's plasticity, or the static weight; inhibitory ones subtract);
 *  3. every plastic synapse, grouped by target neuron: calcium decays, then jumps by c_pre for a
 *     presynaptic spike t_c,delay ago and by c_post for a postsynaptic spike in this step; h in the
 *     regime the new calcium selects, with the gated noise; Σ|h − h0| of the target; tag test and z
 *     with the new p (only when p > 1e-11).
 * The per-synapse arithmetic is the single-synapse loop's (detailedLoop.ts), coefficient for
 * coefficient; synapses at rest are not visited but caught up in closed form when a calcium jump
 * wakes them (networkSynapses.ts). Spikes wait in a ring buffer indexed by step; noise comes from one
 * stream per target neuron (plasticity) and per neuron (background, stimulus).
 */
import type { RandomStream } from '../../random/streams.js';
import type { CompiledNetwork } from '../network/compile.js';
import { expSmall } from '../../model/equations.js';
import { EPS, type StepCoefficients } from './detailedLoop.js';
import { initialRestState, PowerTable, recomputeRestSums, type RestState } from './networkSynapses.js';
import type { ImposedSpikes } from '../network/inputs.js';

const TINY = 1e-300;

/** The whole mutable state of a network run, in typed arrays. */
export interface NetworkState {
  readonly v: Float64Array;
  readonly iSyn: Float64Array;
  readonly iBg: Float64Array;
  readonly refractory: Float64Array;
  readonly iStim: Float64Array;
  readonly p: Float64Array;
  readonly sumDev: Float64Array;
  readonly c: Float64Array;
  readonly h: Float64Array;
  readonly z: Float64Array;
  /** Spikes of the last `ringSize` steps: ring[(j % ringSize)·n + k], k < ringCount[j % ringSize]. */
  readonly ring: Int32Array;
  readonly ringCount: Int32Array;
  readonly ringSize: number;
  readonly spiked: Uint8Array;
  readonly preCa: Uint8Array;
  /** 1 once the neuron's protein synthesis ever ran; per-synapse 1 once a tag was ever set. */
  readonly synthesis: Uint8Array;
  readonly tagged: Uint8Array;
  /** Which synapses rest, since when, and their share of Σ|h − h0| (networkSynapses.ts). */
  readonly rest: RestState;
  /** Σ|h − h0| of each neuron's awake synapses in the current step. */
  readonly awakeSum: Float64Array;
  readonly cPow: PowerTable;
  readonly hPow: PowerTable;
}

export function initialNetworkState(net: CompiledNetwork, k: StepCoefficients): NetworkState {
  const h0 = k.h0;
  const n = net.n, s = net.nSyn;
  const ringSize = Math.max(net.caDelay, ...net.delays.map((g) => g.delaySteps)) + 1;
  const v = Float64Array.from(net.neurons.vRev);
  return {
    v, iSyn: new Float64Array(n), iBg: new Float64Array(n), refractory: new Float64Array(n), iStim: new Float64Array(n),
    p: new Float64Array(n), sumDev: new Float64Array(n),
    c: new Float64Array(s), h: new Float64Array(s).fill(h0), z: new Float64Array(s),
    ring: new Int32Array(ringSize * n), ringCount: new Int32Array(ringSize), ringSize,
    spiked: new Uint8Array(n), preCa: new Uint8Array(n), synthesis: new Uint8Array(n), tagged: new Uint8Array(s),
    rest: initialRestState(net), awakeSum: new Float64Array(n), cPow: new PowerTable(k.eC), hPow: new PowerTable(k.hE0),
  };
}

/** Forced spikes of spike-train stimuli: (step, neuron) pairs sorted by step, and a read position. */
export type { ImposedSpikes };

/** Receives every spike; `observe` is called at the steps it asks for. */
export interface NetworkObserver {
  spike(j: number, neuron: number): void;
  /** Returns the next step to observe. */
  observe(j: number): number;
}

/**
 * Step 1 for every neuron; writes this step's spikes into the ring and `spiked`. `lam` (the fast
 * engine's): also accumulate each neuron's protein integral Λ += p·dt, which its lazy late phase reads.
 */
export function stepNeurons(
  net: CompiledNetwork, k: StepCoefficients, st: NetworkState, j: number, bg: readonly RandomStream[], imposed: ImposedSpikes, obs: NetworkObserver,
  lam?: Float64Array,
): void {
  const { eMem, eSyn, eOU, ouNoise, i0, vRev, vTh, vReset, rMem, tRef } = net.neurons;
  const { v, iSyn, iBg, refractory, iStim, p, sumDev, spiked, ring, ringCount, synthesis } = st;
  const dt = k.dt, eP = k.eP, alpha = k.alpha, thetaPro = k.thetaPro, n = net.n, driven = net.driven;
  const slot = (j % st.ringSize) * n;
  let count = 0;
  while (imposed.pos < imposed.step.length && imposed.step[imposed.pos]! < j) imposed.pos++;
  for (let i = 0; i < n; i++) {
    let fire = false;
    if (driven[i] === 1) {
      // An imposed spike replaces the membrane (the C++ simulator's Poisson neurons): no refractoriness.
      v[i] = vReset[i]!;
      while (imposed.pos < imposed.step.length && imposed.step[imposed.pos] === j && imposed.neuron[imposed.pos] === i) {
        fire = true;
        imposed.pos++;
      }
    } else {
      const noise = ouNoise[i]!;
      if (noise > 0 || iBg[i] !== i0[i]) iBg[i] = (iBg[i]! - i0[i]!) * eOU[i]! + (noise > 0 ? noise * bg[i]!.gaussian() : 0) + i0[i]!;
      const e = eMem[i]!;
      let vi = v[i]! * e + (vRev[i]! + rMem[i]! * (iBg[i]! + iSyn[i]!)) * (1 - e);
      const stim = iStim[i]!;
      if (stim !== 0) vi += rMem[i]! * stim * (1 - e);
      if (refractory[i]! > EPS) {
        vi = vReset[i]!;
        refractory[i] = refractory[i]! - dt;
      } else if (vi >= vTh[i]!) {
        vi = vReset[i]!;
        refractory[i] = tRef[i]!;
        fire = true;
      }
      v[i] = vi;
    }
    let cur = iSyn[i]! * eSyn[i]!;
    if (cur < TINY && cur > -TINY) cur = 0;
    iSyn[i] = cur;
    const sd = sumDev[i]!;
    if (sd >= thetaPro) {
      synthesis[i] = 1;
      p[i] = p[i]! * eP + alpha * (1 - eP);
    } else if (p[i] !== 0) {
      p[i] = p[i]! * eP;
    }
    if (lam !== undefined) lam[i] = lam[i]! + p[i]! * dt;
    if (fire) {
      spiked[i] = 1;
      ring[slot + count++] = i;
      obs.spike(j, i);
    }
  }
  ringCount[j % st.ringSize] = count;
}

/** Step 2: PSPs of the spikes `delay` steps ago. */
function deliverPsps(net: CompiledNetwork, k: StepCoefficients, st: NetworkState, j: number): void {
  const { ring, ringCount, h, z, iSyn } = st;
  const { awake, since } = st.rest;
  const hPow = st.hPow;
  const rMem = net.neurons.rMem, h0 = k.h0, n = net.n;
  for (const g of net.delays) {
    const from = j - g.delaySteps;
    if (from < 0) continue;
    const slot = from % st.ringSize, base = slot * n, count = ringCount[slot]!;
    const { outStart, target, kicks, kickOf, synapse } = g;
    for (let q = 0; q < count; q++) {
      const m = ring[base + q]!;
      for (let e = outStart[m]!, end = outStart[m + 1]!; e < end; e++) {
        const t = target[e]!, s = synapse[e]!;
        if (s < 0) {
          iSyn[t] = iSyn[t]! + kicks[kickOf[e]!]!;
        } else {
          // w = h + h0 z of the previous step (before this step's plasticity); a resting h in closed form.
          const hs = awake[s] === 1 ? h[s]! : h0 + (h[s]! - h0) * hPow.pow(j - 1 - since[s]!);
          iSyn[t] = iSyn[t]! + (hs + h0 * z[s]!) / rMem[t]!;
        }
      }
    }
  }
}

/** Wakes resting synapse s at step j: c and h brought to step j − 1, its deviation leaves the rest sum. */
function wake(st: NetworkState, s: number, post: number, j: number, h0: number): void {
  const rest = st.rest;
  const n = j - 1 - rest.since[s]!;
  if (st.c[s] !== 0) st.c[s] = st.c[s]! * st.cPow.pow(n);
  const dev = (st.h[s]! - h0) * st.hPow.pow(n);
  st.h[s] = h0 + dev;
  const left = rest.restSum[post]! - Math.abs(dev);
  rest.restSum[post] = left > 0 ? left : 0;
  rest.awake[s] = 1;
  rest.list[rest.count++] = s;
}

/** Wakes the resting synapses that a calcium jump reaches in step j (presynaptic and postsynaptic spikes). */
function wakeForJumps(net: CompiledNetwork, st: NetworkState, j: number, h0: number): void {
  const { awake, outStart, outSyn } = st.rest;
  const from = j - net.caDelay;
  if (from >= 0) {
    const slot = from % st.ringSize, base = slot * net.n, count = st.ringCount[slot]!;
    for (let q = 0; q < count; q++) {
      const m = st.ring[base + q]!;
      for (let e = outStart[m]!, end = outStart[m + 1]!; e < end; e++) {
        const s = outSyn[e]!;
        if (awake[s] === 0) wake(st, s, net.synPost[s]!, j, h0);
      }
    }
  }
  const slot = (j % st.ringSize) * net.n, count = st.ringCount[j % st.ringSize]!;
  for (let q = 0; q < count; q++) {
    const t = st.ring[slot + q]!;
    for (let s = net.inStart[t]!, end = net.inStart[t + 1]!; s < end; s++) if (awake[s] === 0) wake(st, s, t, j, h0);
  }
}

/**
 * Step 3 for the awake synapses: calcium, early phase, tag and late phase, as the single-synapse loop;
 * then each neuron's Σ|h − h0| = its resting share (decayed by one step) + its awake synapses'.
 * A synapse that ends the step below θ_d without a tag goes to rest.
 */
function stepSynapses(net: CompiledNetwork, k: StepCoefficients, st: NetworkState, noise: readonly RandomStream[], j: number): number {
  const { synPre, synPost } = net;
  const { c, h, z, p, sumDev, spiked, preCa, tagged, awakeSum } = st;
  const rest = st.rest;
  const { list, awake, since, restSum } = rest;
  const eC = k.eC, cPre = k.cPre, cPost = k.cPost, thetaP = k.thetaP, thetaD = k.thetaD, h0 = k.h0;
  const thetaTag = k.thetaTag, negThetaTag = -k.thetaTag;
  const hE2 = k.hE2, hA2 = k.hA2, hN2 = k.hN2, hE1 = k.hE1, hA1 = k.hA1, hN1 = k.hN1, hE0 = k.hE0, hA0 = k.hA0;
  const zRateLTP = k.zRateLTP, zRateLTD = k.zRateLTD, zMax = k.zMax, zMin = k.zMin;
  wakeForJumps(net, st, j, h0);
  // The resting synapses' deviations all shrink by e_0 in this step.
  for (let t = 0, n = net.n; t < n; t++) restSum[t] = restSum[t]! * hE0;
  let maxDev = 0;
  for (let q = 0; q < rest.count; q++) {
    const s = list[q]!;
    const t = synPost[s]!;
    let ca = c[s]! * eC;
    if (ca < TINY) ca = 0;
    if (preCa[synPre[s]!] === 1) ca += cPre;
    if (spiked[t] === 1) ca += cPost;
    c[s] = ca;
    let hs = h[s]!;
    if (ca >= thetaD) {
      const pot = ca >= thetaP;
      hs = hs * (pot ? hE2 : hE1) + (pot ? hA2 : hA1) + (pot ? hN2 : hN1) * noise[t]!.gaussian();
      if (Math.abs(hs - h0) > Math.abs(maxDev)) maxDev = hs - h0;
    } else {
      hs = hs * hE0 + hA0;
    }
    h[s] = hs;
    const dev = hs - h0;
    const abs = dev < 0 ? -dev : dev;
    const ltp = dev >= thetaTag;
    if (ltp || dev <= negThetaTag) {
      tagged[s] = 1;
      const pt = p[t]!;
      if (pt > EPS) {
        const e = expSmall((ltp ? zRateLTP : zRateLTD) * pt);
        z[s] = z[s]! * e + (ltp ? zMax : zMin) * (1 - e);
      }
      awakeSum[t] = awakeSum[t]! + abs;
    } else if (ca < thetaD) {
      // At rest and untagged: from now on c and h follow their closed forms until a jump arrives.
      awake[s] = 0;
      since[s] = j;
      list[q--] = list[--rest.count]!;
      restSum[t] = restSum[t]! + abs;
    } else {
      awakeSum[t] = awakeSum[t]! + abs;
    }
  }
  for (let t = 0, n = net.n; t < n; t++) {
    if (net.inStart[t + 1] === net.inStart[t]) continue;
    sumDev[t] = restSum[t]! + awakeSum[t]!;
    awakeSum[t] = 0;
  }
  if (j % RECOMPUTE_EVERY === 0) recomputeRestSums(net, rest, h, h0, st.hPow, j);
  return maxDev;
}

/** Steps between exact recomputations of the resting sums (their adds and subtracts accumulate rounding). */
const RECOMPUTE_EVERY = 50_000;

/** Marks the presynaptic neurons whose spike `caDelay` steps ago reaches its synapses' calcium now. */
function markCalcium(net: CompiledNetwork, st: NetworkState, j: number, on: 0 | 1): void {
  const from = j - net.caDelay;
  if (from < 0) return;
  const slot = from % st.ringSize, base = slot * net.n, count = st.ringCount[slot]!;
  for (let q = 0; q < count; q++) st.preCa[st.ring[base + q]!] = on;
}

/**
 * Integrates steps jFrom … jTo (inclusive). Returns the largest |h − h0| deviation reached in an
 * active calcium regime (signed), for the single-synapse outcome class.
 */
export function integrateNetwork(
  net: CompiledNetwork, k: StepCoefficients, st: NetworkState, jFrom: number, jTo: number,
  streams: { readonly background: readonly RandomStream[]; readonly plasticity: readonly RandomStream[] },
  imposed: ImposedSpikes, stimulate: (j: number) => void, obs: NetworkObserver, nextObserve: number,
): number {
  let maxDev = 0;
  let nextObs = nextObserve;
  for (let j = jFrom; j <= jTo; j++) {
    stimulate(j);
    stepNeurons(net, k, st, j, streams.background, imposed, obs);
    deliverPsps(net, k, st, j);
    markCalcium(net, st, j, 1);
    const d = stepSynapses(net, k, st, streams.plasticity, j);
    if (Math.abs(d) > Math.abs(maxDev)) maxDev = d;
    markCalcium(net, st, j, 0);
    st.spiked.fill(0);
    if (j === nextObs) nextObs = obs.observe(j);
  }
  return maxDev;
}
