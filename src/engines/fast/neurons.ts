/**
 * The fast engine's neuron step: the reference loop's step 1 (reference/networkLoop.ts stepNeurons,
 * same coefficients, same streams, same order: OU background, membrane, refractory hold or
 * threshold/reset or an imposed spike, synaptic current decay, protein with the previous step's
 * Σ|h − h0|), and in the same pass each neuron's protein integral Λ += p·dt (the lazy late phase reads
 * it). With the same background samples as the reference, a run without plasticity noise gives the
 * reference's spikes (fastParadigm.test.ts); the ziggurat (exact/ziggurat.ts) would be cheaper but was
 * not adopted: with it the recall rates of 10 networks came out 0.3–0.5 Hz higher than the reference
 * engine's, paired by seed (docs/network.md).
 */
import type { RandomStream } from '../../random/streams.js';
import type { CompiledNetwork } from '../network/compile.js';
import { EPS, type StepCoefficients } from '../reference/detailedLoop.js';
import type { ImposedSpikes, NetworkObserver, NetworkState } from '../reference/networkLoop.js';

const TINY = 1e-300;

/** Step 1 for every neuron; writes this step's spikes into the ring and `spiked`. */
export function stepNeuronsFast(
  net: CompiledNetwork, k: StepCoefficients, st: NetworkState, lam: Float64Array, j: number,
  bg: readonly RandomStream[], imposed: ImposedSpikes, obs: NetworkObserver,
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
    let pi = p[i]!;
    if (sumDev[i]! >= thetaPro) {
      synthesis[i] = 1;
      pi = pi * eP + alpha * (1 - eP);
      p[i] = pi;
    } else if (pi !== 0) {
      pi = pi * eP;
      p[i] = pi;
    }
    lam[i] = lam[i]! + pi * dt;
    if (fire) {
      spiked[i] = 1;
      ring[slot + count++] = i;
      obs.spike(j, i);
    }
  }
  ringCount[j % st.ringSize] = count;
}
