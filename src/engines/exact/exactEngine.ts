/**
 * The `exact` engine: event-driven, closed form between events, no time step and no fast-forward.
 *
 * Events, processed in time order: presynaptic PSP arrivals (spike + t_syn,delay), calcium events (a
 * presynaptic calcium arrival, spike + t_c,delay, that changes the calcium regime, or a downward threshold
 * crossing, τ_c ln(c/θ); the arrivals that change no regime are folded into c between events, see
 * calciumEvents.ts), postsynaptic spikes (first threshold crossing of the closed-form LIF trajectory, to
 * 10 ps) and the end of their refractory period, tag and protein-synthesis switches at rest (closed form),
 * and probe sample times.
 *
 * Between events every variable follows its exact solution: calcium decays; h is an Ornstein–Uhlenbeck
 * process in each calcium regime, sampled exactly (its transition is Gaussian); p rises or decays
 * exponentially; z follows its closed form given ∫p dt; the membrane is a sum of two exponentials.
 *
 * The one approximation is where a noisy quantity crosses a threshold. While calcium is above θ_d, h is
 * sampled exactly at every event; between two samples, when h − h0 is on different sides of a tag or
 * protein threshold — or on the same side but close enough that a Brownian bridge between them crosses
 * it with probability above 10⁻³ (exp(−2ab/(s²Δ)), a and b the distances to the level) — the interval
 * is bisected with exact OU-bridge samples until such stretches are at most `maxNoisyStep` (default
 * 1 ms) long. The switch is then placed by linear interpolation inside that stretch. A switch time is
 * therefore off by less than maxNoisyStep, which changes p by less than α·maxNoisyStep/τ_p (2.8·10⁻⁷)
 * and z by less than p·1.5·maxNoisyStep/τ_z per switch; a threshold excursion is missed only if it
 * starts and ends within one stretch and is shorter than maxNoisyStep, or with probability below 10⁻³
 * per sample interval. The maximum deviation (max_dev) is the largest sampled value, as in the
 * reference, which samples every 0.2 ms. At rest (c < θ_d) everything, switches included, is closed form.
 *
 * PSP arrivals that provably cannot fire the neuron are not events at all (pspSchedule.ts): before the
 * trial the membrane is run once with every weight at its upper bound (model/weightBound.ts), and only
 * arrivals within 40 membrane time constants of a stretch where that bounding membrane can reach threshold
 * are processed. The others would change V by less than e⁻⁴⁰ of a PSP wherever it can fire, so spikes are
 * unchanged; h is sampled at fewer times (each sample exact, so its law is unchanged, but a seed's path
 * and max_dev, the largest sampled value, see fewer samples). In low-frequency protocols this removes most
 * of the trial's events (SLFS: ≈ 2 500 of 7 200). A probe of V needs every weight and keeps every arrival,
 * as the engine option everyPsp does (so a run with such a probe equals an everyPsp run without it).
 *
 * Probes never perturb the sample path (a probe of V aside, see above): grid, calcium-window and user-probe (TrialSpec.probes,
 * userProbes.ts) samples at rest are evaluated from the closed forms; samples that fall into a noisy
 * stretch are drawn from the OU bridge between the surrounding path samples, with streams of their
 * own. A trial's result is therefore the same whether or not it records, and the whole engine is pure
 * TypeScript with no Node-only API (runs in a browser worker).
 *
 * Modules: this one holds the event loop (the next event is the earliest of a handful of candidate
 * times, ties broken by {@link Ev}) and the end of a trial; trialState.ts sets a trial up and holds its
 * state; calciumEvents.ts, neuronEvents.ts and probeEvents.ts handle the events; earlyPhase.ts samples
 * the noisy h and places the threshold crossings; tagAndProtein.ts carries tag, synthesis, p and z.
 * They are plain functions of one ExactTrial object, so that every per-event call stays monomorphic.
 */
import { classifyOutcome } from '../../model/classify.js';
import type { CalciumTrace, Engine, TrialResult, TrialSpec } from '../types.js';
import { commitCalcium, onCalciumEvent, scanCalcium } from './calciumEvents.js';
import { advanceH, restH } from './earlyPhase.js';
import { firstSpikeTime } from './lif.js';
import { nextPspTime, onPostSpike, onPsp, onRefractoryEnd } from './neuronEvents.js';
import { onCalciumProbe, onGridProbe } from './probeEvents.js';
import { finishUserProbes, onUserProbe } from './userProbes.js';
import { commitSlow, onRestSwitch, scheduleRestSwitch } from './tagAndProtein.js';
import { exactOptionSupport } from './options.js';
import { ExactTrial, type St } from './trialState.js';

export { EXCURSION_PROBABILITY } from './earlyPhase.js';
export { DEFAULT_MAX_NOISY_STEP_S, exactOptions, type ExactEngineOptions } from './trialState.js';

// State slots used here, as literals whose types (St members) make the compiler check them against the
// one layout in trialState.ts: an imported constant would cost a load on every access per event.
const S_H: St.H = 0;
const S_T_H: St.T_H = 1;
const S_T_CA: St.T_CA = 4;
const S_P_S: St.P_S = 5;
const S_Z_S: St.Z_S = 6;
const S_T_REST: St.T_REST = 8;
const S_U_L: St.U_L = 9;
const S_T_REF_END: St.T_REF_END = 12;
const S_T_POST: St.T_POST = 13;
const S_MAX_DEV: St.MAX_DEV = 14;
const S_P_MAX: St.P_MAX = 15;
const S_T_P_MAX: St.T_P_MAX = 16;
const S_NOW: St.NOW = 17;
const S_T_PROBE: St.T_PROBE = 18;
const S_H_REST: St.H_REST = 19;

/** Event kinds, in the order ties are processed. */
const enum Ev {
  Calcium,
  Post,
  ForcedPost,
  RefractoryEnd,
  Psp,
  RestSwitch,
  Grid,
  CalciumProbe,
  Probe,
}

/** Processes the trial's events in time order up to its end, then brings the state to the end. */
function run(tr: ExactTrial): TrialResult {
  const T = tr.tEnd;
  tr.s[S_T_POST] = firstSpikeTime(tr.lif, tr.s[S_U_L], 0, nextPspTime(tr));
  scanCalcium(tr);
  const gridT = tr.rec.t_s;
  const gridLen = gridT.length;
  const caT = tr.caT;
  const caLen = caT ? caT.length : 0;
  const psp = tr.psp, nPsp = tr.nPsp;
  for (;;) {
    let tn = tr.s[S_T_CA];
    let ev = Ev.Calcium;
    if (tr.s[S_T_POST] < tn) { tn = tr.s[S_T_POST]; ev = Ev.Post; }
    if (tr.iForced < tr.nForced && tr.forced[tr.iForced]! < tn) { tn = tr.forced[tr.iForced]!; ev = Ev.ForcedPost; }
    if (tr.s[S_T_REF_END] < tn) { tn = tr.s[S_T_REF_END]; ev = Ev.RefractoryEnd; }
    if (tr.iPsp < nPsp && psp[tr.iPsp]! < tn) { tn = psp[tr.iPsp]!; ev = Ev.Psp; }
    if (tr.s[S_T_REST] < tn) { tn = tr.s[S_T_REST]; ev = Ev.RestSwitch; }
    if (tr.kSched < gridLen && gridT[tr.kSched]! < tn) { tn = gridT[tr.kSched]!; ev = Ev.Grid; }
    if (tr.kCaSched < caLen && caT![tr.kCaSched]! < tn) { tn = caT![tr.kCaSched]!; ev = Ev.CalciumProbe; }
    if (tr.s[S_T_PROBE] < tn) { tn = tr.s[S_T_PROBE]; ev = Ev.Probe; }
    if (tn > T) break;
    // handlers read the event time from the state array: a double passed to a call that is not
    // inlined would be boxed into a fresh heap number on every event
    tr.s[S_NOW] = tn;
    if (ev === Ev.Probe) {
      onUserProbe(tr); // reads the state only: not counted as an event of the trial
      continue;
    }
    if (ev === Ev.RestSwitch && !tr.restExact) {
      scheduleRestSwitch(tr, true);
      continue;
    }
    tr.events++;
    switch (ev) {
      case Ev.Calcium: onCalciumEvent(tr); break;
      case Ev.Post: onPostSpike(tr); break;
      case Ev.ForcedPost: tr.iForced++; onPostSpike(tr); break; // the neuron has no threshold: only forced spikes
      case Ev.RefractoryEnd: onRefractoryEnd(tr); break;
      case Ev.Psp: onPsp(tr); break;
      case Ev.RestSwitch: onRestSwitch(tr); break;
      case Ev.Grid: onGridProbe(tr); break;
      case Ev.CalciumProbe: onCalciumProbe(tr); break;
    }
  }
  return finish(tr);
}

/** Brings every variable to the end T, fills the remaining grid samples and assembles the result. */
function finish(tr: ExactTrial): TrialResult {
  const T = tr.tEnd;
  const gridT = tr.rec.t_s;
  const gridLen = gridT.length;
  const caT = tr.caT;
  tr.s[S_NOW] = T;
  commitCalcium(tr);
  if (tr.regime !== 0) advanceH(tr);
  else {
    restH(tr);
    tr.s[S_H] = tr.s[S_H_REST];
  }
  tr.s[S_T_H] = T;
  commitSlow(tr, T);
  while (tr.kPut < gridLen && gridT[tr.kPut]! <= T + 1e-9) {
    tr.rec.put(tr.s[S_H], tr.s[S_Z_S], tr.s[S_P_S]);
    tr.kPut++;
    tr.kSched = Math.max(tr.kSched, tr.kPut);
  }
  const probes = tr.probes ? finishUserProbes(tr) : undefined;
  const calcium: CalciumTrace | undefined = caT
    ? { t_s: caT.subarray(0, tr.kCaPut), c: tr.caC!.subarray(0, tr.kCaPut), h_mV: tr.caH!.subarray(0, tr.kCaPut) }
    : undefined;
  return {
    trial: tr.spec.trial,
    t_s: tr.rec.t_s,
    h_mV: tr.rec.h_mV,
    z: tr.rec.z,
    p: tr.rec.p,
    calcium,
    maxDev_mV: tr.s[S_MAX_DEV],
    tagged: tr.tagged,
    proteinSynthesis: tr.synthEver,
    outcome: classifyOutcome(tr.s[S_MAX_DEV], tr.tagged, tr.synthEver),
    preSpikes: tr.nSpikes,
    postSpikes: tr.postSpikes,
    pMax: tr.s[S_P_MAX],
    tPMax_s: tr.s[S_T_P_MAX],
    steps: tr.events + tr.ouSteps,
    ...(probes ? { probes } : {}),
    diagnostics: { events: tr.events, ouSteps: tr.ouSteps, maxNoisyStep_ms: tr.dMax * 1e3 },
  };
}

/** Runs one trial with the exact engine. */
export function runExactTrial(spec: TrialSpec): TrialResult {
  return run(new ExactTrial(spec));
}

export const exactEngine: Engine = {
  name: 'exact',
  description: 'event-driven, closed form between events (calcium, LIF, OU-sampled h, p, z); continuous-time Poisson input',
  recordsProbes: true,
  integration: 'event-driven',
  runTrial: runExactTrial,
  ...exactOptionSupport,
  cannotRun: (d) => (d.params.sigma_wn > 0 ? `the OU background current (sigma_wn = ${d.params.sigma_wn}) has no event-driven closed form; use the reference engine` : undefined),
};
