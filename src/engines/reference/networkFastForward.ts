/**
 * The C++ simulator's fast-forward for a network (Network::processTimeStep_FF): neurons are not
 * simulated (the network is silent), calcium is zero, every h relaxes analytically towards h0, each
 * neuron's protein rises until its Σ|h − h0| falls below θ_pro and decays afterwards, and z follows
 * with the step's final protein held constant. Steps of 50 s end on whole seconds (fastForward.ts
 * is the same scheme for one synapse).
 */
import { earlyPhaseAtRest, latePhaseStep, proteinWithSynthesisFor, restDecayTime, tagState } from '../../model/equations.js';
import type { ModelParams } from '../../model/parameters.js';
import type { CompiledNetwork } from '../network/compile.js';
import { EPS } from './detailedLoop.js';
import { FF_STEP_S } from './fastForward.js';
import type { NetworkState } from './networkLoop.js';

/** One fast-forward step of length `delta` (s) for the whole network, with the model's closed forms. */
function ffStep(net: CompiledNetwork, P: ModelParams, st: NetworkState, delta: number): void {
  const { p, sumDev, h, z, tagged, synthesis } = st;
  for (let i = 0; i < net.n; i++) {
    const sd = sumDev[i]!;
    if (sd >= P.theta_pro) synthesis[i] = 1;
    // Synthesis runs until Σ|h − h0|, decaying at rest, falls below θ_pro (the C++ code tests > here).
    p[i] = proteinWithSynthesisFor(p[i]!, sd > P.theta_pro ? restDecayTime(sd, P.theta_pro, P) : 0, delta, P);
  }
  for (let t = 0; t < net.n; t++) {
    const pt = p[t]!;
    let sum = 0;
    for (let s = net.inStart[t]!, end = net.inStart[t + 1]!; s < end; s++) {
      const hs = earlyPhaseAtRest(h[s]!, delta, P);
      h[s] = hs;
      sum += Math.abs(hs - P.h0);
      const tag = tagState(hs, P);
      if (tag !== 0) {
        tagged[s] = 1;
        if (pt > EPS) z[s] = latePhaseStep(z[s]!, pt, tag, delta, P);
      }
    }
    if (net.inStart[t + 1]! > net.inStart[t]!) sumDev[t] = sum;
  }
}

/**
 * Fast-forwards from t_s to tEnd_s; `after(t)` is called after every step (for recording). Calcium is
 * set to zero on entry, as the reference does; the spike ring is emptied (its spikes are too old to
 * arrive once detailed integration resumes).
 */
export function fastForwardNetwork(net: CompiledNetwork, P: ModelParams, st: NetworkState, t_s: number, tEnd_s: number, after: (t: number) => void): number {
  st.c.fill(0);
  st.ringCount.fill(0);
  let t = t_s;
  let steps = 0;
  while (t < tEnd_s - 1e-12) {
    const tNext = Math.min(Math.floor(t + FF_STEP_S), tEnd_s);
    ffStep(net, P, st, tNext - t);
    t = tNext;
    steps++;
    after(t);
  }
  return steps;
}
