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
import { stimulationSpan } from '../../model/protocols.js';
import { streamFor } from '../../random/streams.js';
import { StepCalciumWindow } from '../calciumWindow.js';
import { GridRecorder } from '../gridRecorder.js';
import { ProbeRecorder } from '../probeRecorder.js';
import { forcedSpikeSteps, presynapticSpikeSteps } from '../presynapticSpikes.js';
import type { Engine, TrialResult, TrialSpec } from '../types.js';
import {
  initialState, integrateDetailed, stepCoefficients, type StepObserver,
  S_C, S_H, S_J_P_MAX, S_MAX_DEV, S_P, S_P_MAX, S_POST_SPIKES, S_SUM, S_SYNTHESIS, S_TAGGED, S_Z,
} from './detailedLoop.js';
import { fastForward, FF_BUFFER_S } from './fastForward.js';
import { runReferenceNetwork } from './networkEngine.js';

/** Steps per call of the detailed loop (13 s of biological time at 0.2 ms). */
const CHUNK_STEPS = 65_536;

/** Routes the loop's observation steps to the coarse grid, the probes and the calcium window. */
class TrialObserver implements StepObserver {
  private nextGrid: number;
  private nextProbe: number;
  private nextCa: number;

  constructor(
    private readonly rec: GridRecorder,
    private readonly probes: ProbeRecorder | undefined,
    private readonly ca: StepCalciumWindow | undefined,
    private readonly dt: number,
    private readonly never: number,
  ) {
    this.nextGrid = this.gridStep();
    this.nextProbe = probes && probes.next >= 0 ? probes.next : never;
    this.nextCa = ca ? ca.from : never;
  }

  private gridStep(): number {
    const t = this.rec.nextTime();
    return t === Infinity ? this.never : Math.round(t / this.dt);
  }

  /** The next step at which anything is to be recorded. */
  next(): number {
    return Math.min(this.nextGrid, this.nextProbe, this.nextCa);
  }

  /** Fills everything up to step j with a constant state (the idle start). */
  hold(j: number, v: number, c: number, h: number, z: number, p: number): void {
    this.rec.hold(j * this.dt, h, z, p);
    this.nextGrid = this.gridStep();
    if (this.probes) {
      const n = this.probes.hold(j, v, c, h, z, p);
      this.nextProbe = n >= 0 ? n : this.never;
    }
  }

  observe(j: number, v: number, c: number, h: number, z: number, p: number): number {
    if (j === this.nextGrid) {
      this.rec.put(h, z, p);
      this.nextGrid = this.gridStep();
    }
    if (j === this.nextProbe) {
      const n = this.probes!.sample(j, v, c, h, z, p);
      this.nextProbe = n >= 0 ? n : this.never;
    }
    if (j === this.nextCa) {
      const n = this.ca!.put(j, c, h);
      this.nextCa = n >= 0 ? n : this.never;
    }
    return this.next();
  }

  postSpike(j: number): void {
    this.probes?.postSpike(j);
  }
}

export function runReferenceTrial(spec: TrialSpec): TrialResult {
  const P = spec.params;
  const dt = spec.dt_ms * 1e-3;
  const T = spec.protocol.duration_s;
  const nLast = Math.round(T / dt);
  // "No more events" as a small integer, not Infinity, so that step counters stay int32 in V8.
  const NEVER = Math.max(0x3fffffff, nLast + 2);
  const k = stepCoefficients(P, dt);
  const backgroundOff = P.i_0 === 0 && P.sigma_wn === 0;

  // --- random streams keyed by (seed, trial, purpose)
  const spikes = presynapticSpikeSteps(spec.protocol, dt, streamFor(spec.seed, [spec.trial], 'presynapticSpikes'));
  const noiseRng = streamFor(spec.seed, [spec.trial], 'plasticityNoise');
  const bgRng = streamFor(spec.seed, [spec.trial], 'backgroundNoise');
  // forced postsynaptic spikes (pairing protocols): sorted, distinct steps; no random draws
  const post = spec.protocol.postSpikeTimes_s;
  const forced = post ? forcedSpikeSteps(post, dt) : undefined;

  // --- fast-forward entry: FF_BUFFER_S after the end of the last stimulation
  const span = stimulationSpan(spec.protocol);
  const ffStep = spec.fastForward && span ? Math.round(span.last_s / dt) + Math.round(FF_BUFFER_S / dt) : NEVER;
  const detailedLast = Math.min(nLast, ffStep);

  // --- recording
  const rec = new GridRecorder(T, spec.sampleInterval_s);
  const ca = spec.recordCalcium && span ? new StepCalciumWindow(span.first_s, dt, nLast) : undefined;
  const probeRec = spec.probes && spec.probes.length > 0
    ? new ProbeRecorder(spec.probes, dt, nLast, P.h0, P.theta_tag, spec.probeSink)
    : undefined;
  const obs = new TrialObserver(rec, probeRec, ca, dt, NEVER);

  const st = initialState(k);
  // Idle start: the state is at its fixed point until the first spike's PSP arrives.
  let jStart = 0;
  if (backgroundOff) {
    const firstPre = spikes.length > 0 ? spikes[0]! + Math.min(k.synDelay, k.caDelay) : detailedLast + 1;
    const firstEvent = forced && forced.length > 0 ? Math.min(firstPre, forced[0]!) : firstPre;
    jStart = Math.max(0, Math.min(firstEvent - 1, detailedLast + 1, ca ? ca.from : NEVER));
    obs.hold(jStart - 1, forced ? k.vReset : k.vRev, 0, k.h0, 0, 0);
  }
  // In chunks: the first chunk trains V8's type feedback for the code around the loop, so the
  // optimised loop of every later chunk and trial runs without de-optimisations.
  for (let j0 = jStart; j0 <= detailedLast; j0 += CHUNK_STEPS) {
    integrateDetailed(k, st, spikes, noiseRng, bgRng, obs, obs.next(), j0, Math.min(detailedLast, j0 + CHUNK_STEPS - 1), NEVER, forced);
  }
  const steps = Math.max(0, detailedLast - jStart + 1);

  const h = st[S_H]!, z = st[S_Z]!, p = st[S_P]!;
  let tagged = st[S_TAGGED] === 1, proteinSynthesis = st[S_SYNTHESIS] === 1;
  let pMax = st[S_P_MAX]!, jPMax = st[S_J_P_MAX]!;
  if (ffStep <= nLast) {
    // The reference sets calcium to zero when it enters fast-forward.
    st[S_C] = 0;
    // Fast-forward fills the coarse grid through rec.interpolate; the probes follow the same states.
    if (probeRec && probeRec.next >= 0) probeRec.followGrid(rec, k.vRev);
    const ff = fastForward(P, { t: ffStep * dt, h, z, p, sumDev: st[S_SUM]!, tagged, proteinSynthesis, pMax, tPMax: jPMax * dt }, T, rec);
    tagged = ff.tagged;
    proteinSynthesis = ff.proteinSynthesis;
    if (ff.pMax > pMax) {
      pMax = ff.pMax;
      jPMax = Math.round(ff.tPMax / dt);
    }
  }

  const calcium = ca?.trace();
  const maxDev = st[S_MAX_DEV]!;

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
    preSpikes: spikes.length,
    postSpikes: st[S_POST_SPIKES]!,
    pMax,
    tPMax_s: jPMax * dt,
    steps,
    ...(probeRec ? { probes: probeRec.finish(spikes) } : {}),
  };
}

export const referenceEngine: Engine = {
  name: 'reference',
  description: 'float64 fixed-step integration in the published C++ order of operations, with its fast-forward',
  recordsProbes: true,
  integration: 'fixed-step',
  runTrial: runReferenceTrial,
  runNetwork: runReferenceNetwork,
  savesNetworkState: true,
};
