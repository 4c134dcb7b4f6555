/**
 * Neuron events of the `exact` engine: PSP arrivals (whose weight h + h0·z is read from the plasticity
 * state), postsynaptic spikes (which also jump calcium) and the end of refractoriness. The LIF membrane
 * is a sum of two exponentials between events; the next spike is its first threshold crossing.
 */
import { pspCurrent } from '../../model/equations.js';
import { onPostCalcium } from './calciumEvents.js';
import { advanceH, restH } from './earlyPhase.js';
import { expNeg } from '../../model/fastExp.js';
import { advanceMembrane, firstSpikeTime } from './lif.js';
import { slowAt } from './tagAndProtein.js';
import type { ExactTrial, St } from './trialState.js';

// State slots used here, as literals whose types (St members) make the compiler check them against the
// one layout in trialState.ts: an imported constant would cost a load on every access per event.
const S_H: St.H = 0;
const S_Z_S: St.Z_S = 6;
const S_H_REST: St.H_REST = 19;
const S_U_L: St.U_L = 9;
const S_I_L: St.I_L = 10;
const S_T_L: St.T_L = 11;
const S_T_REF_END: St.T_REF_END = 12;
const S_T_POST: St.T_POST = 13;
const S_NOW: St.NOW = 17;

/** Arrival time of the next PSP, or the end of the trial if there is none. */
export function nextPspTime(tr: ExactTrial): number {
  return tr.iPsp < tr.nPsp ? tr.psp[tr.iPsp]! : tr.tEnd;
}

/** A PSP arrives: the synaptic current jumps by (h + h0·z)/R, and the next spike is rescheduled. */
export function onPsp(tr: ExactTrial): void {
  const t = tr.s[S_NOW]!;
  tr.iPsp++;
  let h: number;
  if (tr.regime !== 0) {
    advanceH(tr);
    h = tr.s[S_H]!;
  } else {
    restH(tr);
    h = tr.s[S_H_REST];
  }
  let z = tr.s[S_Z_S];
  if (tr.regions.tag[tr.region] !== 0) {
    slowAt(tr, t);
    z = tr.tmp[1]!;
  }
  const dI = pspCurrent(h, z, tr.spec.params);
  if (tr.s[S_T_REF_END] !== Infinity) {
    // refractory: V is held, the current still decays and sums
    tr.s[S_I_L] = tr.s[S_I_L] * expNeg((t - tr.s[S_T_L]) / tr.lif.tauSyn) + dI;
    tr.s[S_T_L] = t;
    return;
  }
  advanceMembrane(tr.lif, tr.s[S_U_L], tr.s[S_I_L], t - tr.s[S_T_L], tr.tmp);
  tr.s[S_U_L] = tr.tmp[0]!;
  tr.s[S_I_L] = tr.tmp[1]! + dI;
  tr.s[S_T_L] = t;
  scheduleSpike(tr, t);
}

/**
 * The next postsynaptic spike before the next PSP arrives, if any. The cheap bound
 * u(t) ≤ max(u, D) + R I⁺ gMax rules out almost every case before the (rarely inlined) root search.
 */
export function scheduleSpike(tr: ExactTrial, t: number): void {
  const L = tr.lif, u = tr.s[S_U_L]!, I = tr.s[S_I_L]!;
  if ((u > L.drive ? u : L.drive) + (I > 0 ? L.rMem * I * L.gMax : 0) < L.uTh) {
    tr.s[S_T_POST] = Infinity;
    return;
  }
  tr.s[S_T_POST] = t + firstSpikeTime(L, u, I, nextPspTime(tr) - t);
}

/** A postsynaptic spike: reset, refractory period, and a calcium jump of c_post. */
export function onPostSpike(tr: ExactTrial): void {
  const t = tr.s[S_NOW]!;
  tr.postSpikes++;
  if (tr.probes !== undefined) tr.probes.rec.postSpike(t);
  tr.s[S_T_POST] = Infinity;
  tr.s[S_I_L] *= expNeg((t - tr.s[S_T_L]) / tr.lif.tauSyn);
  tr.s[S_T_L] = t;
  tr.s[S_U_L] = tr.uReset;
  tr.s[S_T_REF_END] = t + tr.tRef;
  onPostCalcium(tr);
}

/** The refractory period ends: the membrane is released from the reset value. */
export function onRefractoryEnd(tr: ExactTrial): void {
  const t = tr.s[S_NOW]!;
  tr.s[S_T_REF_END] = Infinity;
  tr.s[S_I_L] *= expNeg((t - tr.s[S_T_L]) / tr.lif.tauSyn);
  tr.s[S_T_L] = t;
  tr.s[S_U_L] = tr.uReset;
  scheduleSpike(tr, t);
}
