/**
 * The fast engine's fast-forward (the reference's scheme, networkFastForward.ts, in steps of 50 s
 * ending on whole seconds): the network is silent and calcium zero, so every synapse relaxes in closed
 * form and nothing needs to be visited but the neurons' protein and the synapses whose tags end.
 * Per step: tags ending inside it end first (no z growth in that step, as the reference tests the
 * tag at the step's end); each neuron's protein rises while its Σ|h − h0|, decaying at rest, stays
 * above θ_pro and decays afterwards; Λ grows by the step's final p times its length (the reference's
 * z update with p held); the sums decay by e_0 per grid step.
 */
import { proteinWithSynthesisFor, restDecayTime } from '../../model/equations.js';
import type { ModelParams } from '../../model/parameters.js';
import { FF_STEP_S } from '../reference/fastForward.js';
import type { NetworkState } from '../reference/networkLoop.js';
import type { LazySynapses } from './lazySynapses.js';

/**
 * Fast-forwards from grid step jFrom to jTo; `after(t, j)` is called after every step (for probes).
 * `st` and `lam` hold the neurons of one rank (all of them on one thread), `syn` that rank's synapses.
 * Returns the number of fast-forward steps.
 */
export function fastForwardLazy(
  P: ModelParams, st: NetworkState, lam: Float64Array, syn: LazySynapses, jFrom: number, jTo: number, dt: number,
  after: (t_s: number, j: number) => void,
): number {
  syn.enterRest(jFrom);
  st.ringCount.fill(0);
  const { p, sumDev, synthesis } = st;
  let t = jFrom * dt, jA = jFrom, steps = 0;
  const tEnd = jTo * dt;
  while (t < tEnd - 1e-12) {
    const tNext = Math.min(Math.floor(t + FF_STEP_S), tEnd);
    const jB = tNext === tEnd ? jTo : Math.round(tNext / dt);
    const delta = tNext - t;
    syn.wakeThroughAtRest(jB);
    for (let i = 0; i < p.length; i++) {
      const sd = sumDev[i]!;
      if (sd >= P.theta_pro) synthesis[i] = 1;
      p[i] = proteinWithSynthesisFor(p[i]!, sd > P.theta_pro ? restDecayTime(sd, P.theta_pro, P) : 0, delta, P);
      lam[i] = lam[i]! + p[i]! * delta;
    }
    syn.decaySums(jB - jA);
    syn.step = syn.lamStep = jB;
    t = tNext;
    jA = jB;
    steps++;
    after(t, jB);
  }
  syn.leaveRest(jTo);
  return steps;
}
