/**
 * The C++ simulator's fast-forward for a network (Network::processTimeStep_FF): neurons are not
 * simulated (the network is silent), calcium is zero, every h relaxes analytically towards h0, each
 * neuron's protein rises until its Σ|h − h0| falls below θ_pro and decays afterwards, and z follows
 * with the step's final protein held constant. Steps of 50 s end on whole seconds (fastForward.ts
 * is the same scheme for one synapse).
 */
import { restDecayTime } from '../../model/equations.js';
import type { ModelParams } from '../../model/parameters.js';
import type { CompiledNetwork } from '../network/compile.js';
import { EPS } from './detailedLoop.js';
import { FF_STEP_S } from './fastForward.js';
import type { NetworkState } from './networkLoop.js';

/** One fast-forward step of length `delta` (s) for the whole network. */
function ffStep(net: CompiledNetwork, P: ModelParams, st: NetworkState, delta: number): void {
  const { p, sumDev, h, z, tagged, synthesis } = st;
  const eDecay = Math.exp(-delta / P.tau_p);
  for (let i = 0; i < net.n; i++) {
    const sd = sumDev[i]!;
    if (sd >= P.theta_pro) synthesis[i] = 1;
    if (sd > P.theta_pro) {
      const tOff = restDecayTime(sd, P.theta_pro, P);
      if (delta < tOff) {
        p[i] = p[i]! * eDecay + P.alpha * (1 - eDecay);
      } else {
        const e = Math.exp(-tOff / P.tau_p);
        p[i] = (p[i]! * e + P.alpha * (1 - e)) * Math.exp(-(delta - tOff) / P.tau_p);
      }
    } else {
      p[i] = p[i]! * eDecay;
    }
  }
  const eh = Math.exp((-delta * 0.1) / P.tau_h), h0 = P.h0;
  for (let t = 0; t < net.n; t++) {
    const pt = p[t]!;
    let sum = 0;
    for (let s = net.inStart[t]!, end = net.inStart[t + 1]!; s < end; s++) {
      const hs = h[s]! * eh + h0 * (1 - eh);
      h[s] = hs;
      const dev = hs - h0;
      sum += Math.abs(dev);
      if (dev >= P.theta_tag) {
        tagged[s] = 1;
        if (pt > EPS) {
          const e = Math.exp((-delta / (P.tau_z * P.z_max)) * pt);
          z[s] = z[s]! * e + P.z_max * (1 - e);
        }
      } else if (-dev >= P.theta_tag) {
        tagged[s] = 1;
        if (pt > EPS) {
          const e = Math.exp((-delta / P.tau_z) * pt);
          z[s] = z[s]! * e + P.z_min * (1 - e);
        }
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
