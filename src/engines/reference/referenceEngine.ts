/**
 * The `reference` engine: float64, fixed step (default 0.2 ms), exact exponential update of each
 * linear ODE over one step with the forcing held constant, in the stand-alone C++ simulator's order
 * of operations (MODEL.md §6), plus its fast-forward regime after the last stimulus.
 *
 * Order within step j (state after the step is the state at t = j·dt):
 *  1. postsynaptic neuron: OU background, V (with the current from the previous step), refractory
 *     hold or threshold/reset; then the synaptic current decays;
 *  2. protein p with Θ[Σ|h − h0| − θ_pro] of the *previous* step;
 *  3. synapse: delayed PSP (w = h + h0 z before this step's plasticity) enters the current; calcium
 *     decays, then the delayed c_pre jump and the c_post jump of a postsynaptic spike in this step;
 *     h in the regime the new calcium selects; Σ|h − h0|; tag test and z with the new p.
 *
 * The presynaptic Poisson source and the idle time before the first stimulus are exact shortcuts:
 * spikes are drawn as geometric gaps (the same Bernoulli-per-step process) and, while the whole
 * state is at rest and no input can arrive, nothing changes, so those steps are skipped.
 */
import { classifyOutcome } from '../../model/classify.js';
import { delaySteps, earlyPhaseDrift, expSmall } from '../../model/equations.js';
import { toSeconds } from '../../model/parameters.js';
import { stimulationSpan } from '../../model/protocols.js';
import { streamFor } from '../../random/streams.js';
import { GridRecorder } from '../gridRecorder.js';
import { ProbeRecorder } from '../probeRecorder.js';
import { presynapticSpikeSteps } from '../presynapticSpikes.js';
import type { CalciumTrace, Engine, TrialResult, TrialSpec } from '../types.js';
import { fastForward, FF_BUFFER_S } from './fastForward.js';

/** The reference's EPSILON (10e-12): refractory and protein amounts below it count as zero. */
const EPS = 1e-11;

/**
 * Decaying traces are flushed to zero below this: a product of a subnormal number costs ~100×
 * a normal one, and 5e-324 · e^{−dt/τ} rounds back to 5e-324, so without the flush c and I_syn
 * would stay subnormal forever. No result can change: such values vanish against every threshold
 * and sum they meet.
 */
const TINY = 1e-300;

/** Fine calcium window around the first stimulus: from 0.1 s before to 1.5 s after its onset, 1 ms. */
const CA_WINDOW_BEFORE_S = 0.1;
const CA_WINDOW_AFTER_S = 1.5;
const CA_SAMPLE_S = 1e-3;

export function runReferenceTrial(spec: TrialSpec): TrialResult {
  const P = spec.params;
  const dt = spec.dt_ms * 1e-3;
  const T = spec.protocol.duration_s;
  const nLast = Math.round(T / dt);
  // "No more events" as a small integer, not Infinity: V8 keeps step counters as int32 only while
  // they never hold a double; an Infinity sentinel costs a deoptimisation and boxed numbers per step.
  const NEVER = Math.max(0x3fffffff, nLast + 2);
  const stepOf = (t: number) => (t === Infinity ? NEVER : Math.round(t / dt));

  // --- neuron coefficients
  const eMem = Math.exp(-dt / toSeconds(P, 'tau_mem'));
  const eSyn = Math.exp(-dt / toSeconds(P, 'tau_syn'));
  const tauOU = toSeconds(P, 'tau_ou');
  const eOU = Math.exp(-dt / tauOU);
  const ouNoise = (P.sigma_wn / Math.sqrt(2 * tauOU)) * Math.sqrt(1 - Math.exp((-2 * dt) / tauOU));
  const tRef = toSeconds(P, 't_ref');
  const vRev = P.v_rev, vTh = P.v_th, vReset = P.v_reset, rMem = P.r_mem, i0 = P.i_0;
  const backgroundOff = P.i_0 === 0 && P.sigma_wn === 0;

  // --- calcium, early phase, protein, late phase coefficients
  const eC = Math.exp(-dt / toSeconds(P, 'tau_c'));
  const cPre = P.c_pre, cPost = P.c_post, thetaP = P.theta_p, thetaD = P.theta_d;
  const h0 = P.h0, thetaTag = P.theta_tag, thetaPro = P.theta_pro, alpha = P.alpha;
  const eP = Math.exp(-dt / P.tau_p);
  const early = [0, 1, 2].map((r) => {
    const d = earlyPhaseDrift(P, r as 0 | 1 | 2);
    const e = Math.exp((-dt * d.rate) / P.tau_h);
    // Noise enters as (ξ/C)(1 − e) with ξ = σ_pl √(τ_h·w/dt) g: the reference's per-step noise.
    return { e, add: d.target * (1 - e), noise: ((P.sigma_pl * Math.sqrt((P.tau_h * d.noiseWeight) / dt)) / d.rate) * (1 - e) };
  });
  const hE2 = early[2]!.e, hA2 = early[2]!.add, hN2 = early[2]!.noise;
  const hE1 = early[1]!.e, hA1 = early[1]!.add, hN1 = early[1]!.noise;
  const hE0 = early[0]!.e, hA0 = early[0]!.add;
  const zRateLTP = -dt / (P.tau_z * P.z_max);
  const zRateLTD = -dt / P.tau_z;
  const zMax = P.z_max, zMin = P.z_min;

  const synDelay = delaySteps(toSeconds(P, 't_syn_delay'), dt);
  const caDelay = delaySteps(toSeconds(P, 't_c_delay'), dt);

  // --- random streams keyed by (seed, trial, purpose)
  const spikeRng = streamFor(spec.seed, [spec.trial], 'presynapticSpikes');
  const noiseRng = streamFor(spec.seed, [spec.trial], 'plasticityNoise');
  const bgRng = streamFor(spec.seed, [spec.trial], 'backgroundNoise');
  const spikes = presynapticSpikeSteps(spec.protocol, dt, spikeRng);
  const nSpikes = spikes.length;

  // --- fast-forward entry: FF_BUFFER_S after the end of the last stimulation
  const span = stimulationSpan(spec.protocol);
  let ffStep = NEVER;
  if (spec.fastForward && span) ffStep = Math.round(span.last_s / dt) + Math.round(FF_BUFFER_S / dt);
  const detailedLast = Math.min(nLast, ffStep);

  // --- recording
  const rec = new GridRecorder(T, spec.sampleInterval_s);
  let nextSample = stepOf(rec.nextTime());
  let caT: Float64Array | undefined, caC: Float64Array | undefined, caH: Float64Array | undefined;
  let caFrom = NEVER, caTo = -1, caEvery = 1, caK = 0;
  if (spec.recordCalcium && span) {
    caEvery = Math.max(1, Math.round(CA_SAMPLE_S / dt));
    caFrom = Math.max(0, Math.round((span.first_s - CA_WINDOW_BEFORE_S) / dt));
    caTo = Math.min(nLast, Math.round((span.first_s + CA_WINDOW_AFTER_S) / dt));
    const len = Math.floor((caTo - caFrom) / caEvery) + 1;
    caT = new Float64Array(len);
    caC = new Float64Array(len);
    caH = new Float64Array(len);
  }
  // Probes: one integer comparison per step against the next probe step (−1 = none).
  const probeRec = spec.probes && spec.probes.length > 0
    ? new ProbeRecorder(spec.probes, dt, nLast, P.h0, P.theta_tag, spec.probeSink)
    : undefined;
  let nextProbe = probeRec ? probeRec.next : -1;

  // --- state
  let v = vRev, iSyn = 0, iBg = i0, refractory = 0;
  let c = 0, h = h0, z = 0, p = 0, sumDev = 0;
  let maxDev = 0, tagged = false, proteinSynthesis = false, pMax = 0, jPMax = 0;
  let postSpikes = 0, steps: number;
  let iPsp = 0, iCa = 0;
  let nextPsp = nSpikes > 0 ? spikes[0]! + synDelay : NEVER;
  let nextCa = nSpikes > 0 ? spikes[0]! + caDelay : NEVER;

  // Idle start: the state is at its fixed point until the first spike's PSP arrives.
  let j = 0;
  if (backgroundOff) {
    const firstEvent = Math.min(nextPsp, nextCa, detailedLast + 1);
    const skipTo = Math.max(0, Math.min(firstEvent - 1, caFrom));
    rec.hold(skipTo * dt, h, z, p);
    nextSample = stepOf(rec.nextTime());
    if (probeRec) nextProbe = probeRec.hold(skipTo, v, c, h, z, p);
    j = skipTo;
  }

  const jStart = j;
  for (; j <= detailedLast; j++) {
    // 1. postsynaptic neuron
    if (ouNoise > 0) iBg = (iBg - i0) * eOU + ouNoise * bgRng.gaussian() + i0;
    v = v * eMem + (vRev + rMem * (iBg + iSyn)) * (1 - eMem);
    let postSpike = false;
    if (refractory > EPS) {
      v = vReset;
      refractory -= dt;
    } else if (v >= vTh) {
      v = vReset;
      refractory = tRef;
      postSpike = true;
      postSpikes++;
      if (probeRec) probeRec.postSpike(j);
    }
    iSyn *= eSyn;
    if (iSyn < TINY && iSyn > -TINY) iSyn = 0;

    // 2. protein with the previous step's Σ|h − h0|
    if (sumDev >= thetaPro) {
      proteinSynthesis = true;
      p = p * eP + alpha * (1 - eP);
    } else {
      p = p * eP;
    }
    if (p > pMax) {
      pMax = p;
      jPMax = j;
    }

    // 3. synapse: delayed PSP, calcium, early phase, tag and late phase
    if (j === nextPsp) {
      iSyn += (h + h0 * z) / rMem;
      iPsp++;
      nextPsp = iPsp < nSpikes ? spikes[iPsp]! + synDelay : NEVER;
    }
    c *= eC;
    if (c < TINY) c = 0;
    if (j === nextCa) {
      c += cPre;
      iCa++;
      nextCa = iCa < nSpikes ? spikes[iCa]! + caDelay : NEVER;
    }
    if (postSpike) c += cPost;

    if (c >= thetaP) {
      h = h * hE2 + hA2 + hN2 * noiseRng.gaussian();
      if (Math.abs(h - h0) > Math.abs(maxDev)) maxDev = h - h0;
    } else if (c >= thetaD) {
      h = h * hE1 + hA1 + hN1 * noiseRng.gaussian();
      if (Math.abs(h - h0) > Math.abs(maxDev)) maxDev = h - h0;
    } else {
      h = h * hE0 + hA0;
    }
    const dev = h - h0;
    sumDev = dev < 0 ? -dev : dev;
    if (dev >= thetaTag) {
      tagged = true;
      if (p > EPS) {
        const e = expSmall(zRateLTP * p);
        z = z * e + zMax * (1 - e);
      }
    } else if (-dev >= thetaTag) {
      tagged = true;
      if (p > EPS) {
        const e = expSmall(zRateLTD * p);
        z = z * e + zMin * (1 - e);
      }
    }

    if (j === nextSample) {
      rec.put(h, z, p);
      nextSample = stepOf(rec.nextTime());
    }
    if (j === nextProbe) nextProbe = probeRec!.sample(j, v, c, h, z, p);
    if (j >= caFrom && j <= caTo && (j - caFrom) % caEvery === 0) {
      caT![caK] = j * dt;
      caC![caK] = c;
      caH![caK] = h;
      caK++;
    }
  }
  steps = detailedLast - jStart + 1;

  if (ffStep <= nLast) {
    // The reference sets calcium to zero when it enters fast-forward.
    c = 0;
    // Fast-forward fills the coarse grid through rec.interpolate; the probes follow the same states.
    if (probeRec && probeRec.next >= 0) probeRec.followGrid(rec, vRev);
    const ff = fastForward(P, { t: ffStep * dt, h, z, p, sumDev, tagged, proteinSynthesis, pMax, tPMax: jPMax * dt }, T, rec);
    h = ff.h;
    z = ff.z;
    p = ff.p;
    tagged = ff.tagged;
    proteinSynthesis = ff.proteinSynthesis;
    if (ff.pMax > pMax) {
      pMax = ff.pMax;
      jPMax = Math.round(ff.tPMax / dt);
    }
  }

  const calcium: CalciumTrace | undefined = caT
    ? { t_s: caT.subarray(0, caK), c: caC!.subarray(0, caK), h_mV: caH!.subarray(0, caK) }
    : undefined;

  return {
    trial: spec.trial,
    t_s: rec.t_s,
    h_mV: rec.h_mV,
    z: rec.z,
    p: rec.p,
    calcium,
    maxDev_mV: maxDev,
    tagged,
    proteinSynthesis,
    outcome: classifyOutcome(maxDev, tagged, proteinSynthesis),
    preSpikes: nSpikes,
    postSpikes,
    pMax,
    tPMax_s: jPMax * dt,
    steps,
    ...(probeRec ? { probes: probeRec.finish(spikes) } : {}),
  };
}

export const referenceEngine: Engine = {
  name: 'reference',
  description: 'float64 fixed-step integration in the published C++ order of operations, with its fast-forward',
  runTrial: runReferenceTrial,
};
