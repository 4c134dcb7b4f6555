/**
 * Trial set-up and state of the `exact` engine (see exactEngine.ts for the method).
 *
 * One `ExactTrial` object holds a trial's constants, its continuous state and its probes; the modules
 * that handle events (calciumEvents, neuronEvents, probeEvents) and advance the plasticity variables
 * (earlyPhase, tagAndProtein) are plain functions of it. Keeping all state in this one object — the
 * doubles in one Float64Array indexed by {@link St}, the scratch in arrays reused by every trial of the
 * thread — keeps every per-event call monomorphic and allocation-free.
 */
import { pspCurrent, slowConstants, type SlowConstants } from '../../model/equations.js';
import { weightUpperBound } from '../../model/weightBound.js';
import { toSeconds, type ModelParams } from '../../model/parameters.js';
import { stimulationSpan } from '../../model/protocols.js';
import { streamFor, type RandomStream } from '../../random/streams.js';
import { CALCIUM_WINDOW, calciumWindowTimes } from '../calciumWindow.js';
import type { TrialSpec } from '../types.js';
import { calciumDecays } from './calciumEvents.js';
import { PackedGrid } from './grid.js';
import { makeLifConstants, type LifConstants } from './lif.js';
import { ouRegime, type OuRegime } from './ornsteinUhlenbeck.js';
import { presynapticSpikeTimes, SpikeBuffer } from './poissonTrains.js';
import { PspBuffer } from './pspSchedule.js';
import { makeRegions, regionOf, type Regions } from './regions.js';
import { ExactProbes } from './userProbes.js';

/**
 * Default resolution of threshold crossings of the noisy h, s: a crossing (or a possible excursion) is
 * bracketed by exact bridge samples at most this far apart.
 */
export const DEFAULT_MAX_NOISY_STEP_S = 0.001;


/** Engine options of `exact` (TrialSpec.engineOptions). */
export interface ExactEngineOptions {
  /** Resolution of threshold crossings of the noisy h, ms (default 1). */
  readonly maxNoisyStep_ms?: number;
  /** Process every PSP arrival, also where the neuron provably cannot fire (default false; a probe of V implies it). */
  readonly everyPsp?: boolean;
}

/** Reads and checks the exact engine's options. */
export function exactOptions(o: Readonly<Record<string, unknown>> | undefined): { maxNoisyStep_s: number; everyPsp: boolean } {
  const v = o?.maxNoisyStep_ms, every = o?.everyPsp ?? false;
  if (typeof every !== 'boolean') throw new Error(`exact engine: everyPsp=${String(every)} is invalid; allowed: true or false`);
  if (v === undefined) return { maxNoisyStep_s: DEFAULT_MAX_NOISY_STEP_S, everyPsp: every };
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`exact engine: maxNoisyStep_ms=${String(v)} is invalid; allowed: a number > 0 (ms)`);
  }
  return { maxNoisyStep_s: v * 1e-3, everyPsp: every };
}

/**
 * Indices of the engine's continuous state, in one Float64Array so that no update allocates a heap
 * number. The modules that read the state declare the slots they use as literals typed by these
 * members, so that the compiler checks every literal against this one layout.
 */
export const enum St {
  H = 0,
  T_H = 1,
  C_J = 2,
  T_J = 3,
  /** Time of the next calcium event (calciumEvents.ts): an arrival that changes the regime, or a downward crossing. */
  T_CA = 4,
  P_S = 5,
  Z_S = 6,
  T_S = 7,
  T_REST = 8,
  U_L = 9,
  I_L = 10,
  T_L = 11,
  T_REF_END = 12,
  T_POST = 13,
  MAX_DEV = 14,
  P_MAX = 15,
  T_P_MAX = 16,
  NOW = 17,
  /** Time of the next sample of the user's probes (userProbes.ts), or Infinity. */
  T_PROBE = 18,
  /** h at rest at s[NOW], as restH (earlyPhase.ts) last evaluated it, uncommitted. */
  H_REST = 19,
}
const STATE_LENGTH = 20;

const NO_FORCED = new Float64Array(0);

/** Spike buffer reused across trials of this thread. */
const SPIKES = new SpikeBuffer();
/** PSP arrival times the trial processes (pspSchedule.ts), reused by every trial of the thread. */
const PSPS = new PspBuffer();
/** c just after each presynaptic arrival, as folded ahead of the trial loop (calciumEvents.ts); grown as needed. */
let C_AFTER = new Float64Array(1024);
/** Calcium's decay factor from each presynaptic arrival to the next (calciumEvents.ts); grown as needed. */
let C_DECAY = new Float64Array(1024);

/**
 * Scratch arrays reused by every trial of this thread (a trial runs to completion before the next
 * starts), so that a trial allocates only its result.
 */
const SCRATCH = {
  diffusion: new Float64Array(3),
  stackT: new Float64Array(64),
  stackH: new Float64Array(64),
  tmp: new Float64Array(2),
  piece: new Float64Array(2),
  crossT: new Float64Array(4),
  crossTo: new Int8Array(4),
  firstDecay: new Float64Array(1),
  gauss: new Float64Array(512),
  state: new Float64Array(STATE_LENGTH),
};

/** What a trial derives from its parameters alone (and whether the neuron is driven by forced spikes). */
interface ParamConstants {
  readonly ou: OuRegime[];
  readonly regions: Regions;
  readonly slowK: SlowConstants;
  readonly lif: LifConstants;
  /** The largest synaptic current jump a PSP can cause (pspSchedule.ts), nA. */
  readonly iMax: number;
}

/** The last parameters' constants: the trials of an ensemble share one parameter object. */
let lastConstants: { P: ModelParams; driven: boolean; K: ParamConstants } | undefined;

function paramConstants(P: ModelParams, driven: boolean): ParamConstants {
  if (lastConstants && lastConstants.P === P && lastConstants.driven === driven) return lastConstants.K;
  const ou = ([0, 1, 2] as const).map((r) => ouRegime(P, r));
  const K: ParamConstants = {
    ou,
    regions: makeRegions(P.theta_tag, P.theta_pro),
    slowK: slowConstants(P),
    lif: makeLifConstants(toSeconds(P, 'tau_mem'), toSeconds(P, 'tau_syn'), P.r_mem, P.i_0, driven ? Infinity : P.v_th, P.v_rev),
    iMax: pspCurrent(weightUpperBound(P), 0, P),
  };
  lastConstants = { P, driven, K };
  return K;
}

/**
 * One trial of the exact engine: constants, state and probes, set up from its TrialSpec. The per-event
 * logic lives in the event and phase modules, as functions of this object.
 */
export class ExactTrial {
  // --- constants
  readonly h0: number;
  readonly tauC: number;
  readonly cPre: number;
  readonly cPost: number;
  readonly thetaP: number;
  readonly thetaD: number;
  readonly dSyn: number;
  readonly dCa: number;
  readonly tRef: number;
  readonly uReset: number;
  readonly tEnd: number;
  readonly ou: OuRegime[];
  /** 1/k of h's relaxation at rest, s (Infinity if h does not relax). */
  readonly restTau: number;
  readonly dMax: number;
  /** Diffusion rate s² = σ_pl² w/τ_h of h in each regime, mV²/s (Brownian-bridge crossing test). */
  readonly diffusion = SCRATCH.diffusion;
  /** Refinement stack of the noisy path: pairs (t, h). */
  readonly stackT = SCRATCH.stackT;
  readonly stackH = SCRATCH.stackH;
  readonly regions: Regions;
  readonly slowK: SlowConstants;
  readonly lif: LifConstants;
  readonly noise: RandomStream;
  /** The sample path's Gaussians from `noise`, drawn in blocks (earlyPhase.ts): gauss[gi … gn) are next. */
  readonly gauss = SCRATCH.gauss;
  gi = 0;
  gn = 0;
  readonly gridBridge: RandomStream;
  readonly caBridge: RandomStream;
  readonly spikes: Float64Array;
  readonly nSpikes: number;
  /** Arrival times of the PSPs that can matter to the membrane (pspSchedule.ts), sorted. */
  readonly psp: Float64Array;
  readonly nPsp: number;
  /** Forced postsynaptic spike times, sorted (Protocol.postSpikeTimes_s; empty when the neuron is free). */
  readonly forced: Float64Array;
  readonly nForced: number;
  iForced = 0;

  // --- state: doubles in `s` (see the {@link St} indices): early phase h (valid at tH), calcium (cJ just after
  // the last jump at tJ), slow variables (pS, zS at tS), membrane (uL, iL at tL), pending event times
  readonly s = SCRATCH.state;
  regime: 0 | 1 | 2 = 0;
  /** c just after arrival i, for the arrivals folded ahead (iCa ≤ i < iScan). */
  readonly cAfter: Float64Array;
  /** e^{−(t_i − t_{i−1})/τ_c} between consecutive calcium arrivals (decay[0] from t = 0), computed before the trial. */
  readonly cDecay: Float64Array;
  /** The arrivals before iCa are committed into (c_J, t_J); those before iScan are folded into cAfter. */
  iCa = 0;
  iScan = 0;
  /** The next calcium event (s[T_CA]): the index of the arrival that changes the regime, or −1 for a crossing. */
  caEvent = -1;
  /** Whether tRest is the exact switch time or a lower bound of it. */
  restExact = true;
  // slow variables, valid at tS, with the tag and synthesis of `region` since then
  region: number;
  // membrane (u = V − V_rev and I at tL), refractory end, next postsynaptic spike
  iPsp = 0;
  // results
  tagged = false;
  synthEver = false;
  postSpikes = 0;
  events = 0;
  ouSteps = 0;
  // probes
  readonly rec: PackedGrid;
  kSched = 0;
  kPut = 0;
  readonly caT?: Float64Array;
  readonly caC?: Float64Array;
  readonly caH?: Float64Array;
  kCaSched = 0;
  kCaPut = 0;
  /** The user's probes (TrialSpec.probes), if any. */
  readonly probes: ExactProbes | undefined;
  // scratch
  readonly tmp = SCRATCH.tmp;
  /** Start (t, h) of the noisy piece being committed (earlyPhase.ts). */
  readonly piece = SCRATCH.piece;
  readonly crossT = SCRATCH.crossT;
  readonly crossTo = SCRATCH.crossTo;
  /** The decay of c to the first arrival of a calcium scan that does not follow an arrival (calciumEvents.ts). */
  readonly firstDecay = SCRATCH.firstDecay;

  constructor(readonly spec: TrialSpec) {
    const P: ModelParams = spec.params;
    if (P.sigma_wn > 0) {
      throw new Error('exact engine: the OU background current (sigma_wn > 0) has no event-driven closed form; use --engine reference');
    }
    const { maxNoisyStep_s, everyPsp } = exactOptions(spec.engineOptions);
    this.s.fill(0);
    this.s[St.T_CA] = Infinity;
    this.s[St.T_REST] = Infinity;
    this.s[St.T_REF_END] = Infinity;
    this.s[St.T_POST] = Infinity;
    this.s[St.T_PROBE] = Infinity;
    this.h0 = P.h0;
    this.tauC = toSeconds(P, 'tau_c');
    this.cPre = P.c_pre;
    this.cPost = P.c_post;
    this.thetaP = P.theta_p;
    this.thetaD = P.theta_d;
    this.dSyn = toSeconds(P, 't_syn_delay');
    this.dCa = toSeconds(P, 't_c_delay');
    this.tRef = toSeconds(P, 't_ref');
    this.uReset = P.v_reset - P.v_rev;
    this.tEnd = spec.protocol.duration_s;
    // a driven neuron (forced postsynaptic spikes) has no threshold of its own: it never fires by its membrane
    const post = spec.protocol.postSpikeTimes_s;
    const K = paramConstants(P, post !== undefined);
    this.ou = K.ou;
    this.restTau = 1 / K.ou[0]!.k;
    this.dMax = maxNoisyStep_s;
    for (let r = 0; r <= 2; r++) this.diffusion[r] = 2 * this.ou[r]!.k * this.ou[r]!.varInf;
    this.regions = K.regions;
    this.slowK = K.slowK;
    this.lif = K.lif;
    this.forced = post ? Float64Array.from(post).sort() : NO_FORCED;
    this.nForced = this.forced.length;
    this.s[St.U_L] = this.lif.drive; // resting membrane with the constant drive R·I_0

    this.noise = streamFor(spec.seed, [spec.trial], 'plasticityNoise');
    // probes in noisy stretches draw from streams of their own (grid and calcium window apart), so
    // that neither the sample path nor the other probe depends on whether or where a probe looks
    this.gridBridge = streamFor(spec.seed, [spec.trial, 1], 'plasticityNoise');
    this.caBridge = streamFor(spec.seed, [spec.trial, 2], 'plasticityNoise');
    presynapticSpikeTimes(spec.protocol, streamFor(spec.seed, [spec.trial], 'presynapticSpikes'), SPIKES);
    this.spikes = SPIKES.times;
    this.nSpikes = SPIKES.length;
    if (C_AFTER.length < SPIKES.times.length) {
      C_AFTER = new Float64Array(SPIKES.times.length);
      C_DECAY = new Float64Array(SPIKES.times.length);
    }
    this.cAfter = C_AFTER;
    this.cDecay = C_DECAY;
    calciumDecays(SPIKES.times, SPIKES.length, this.dCa, this.tauC, C_DECAY);
    // a probe of V needs every weight; otherwise only the arrivals where the membrane could fire
    const iMax = K.iMax;
    if (everyPsp || spec.probes?.some((p) => p.variables.includes('V')) || !(iMax < Infinity)) PSPS.all(SPIKES.times, SPIKES.length, this.dSyn);
    else PSPS.needed(SPIKES.times, SPIKES.length, this.dSyn, this.lif, iMax, this.s[St.U_L], 0);
    this.psp = PSPS.times;
    this.nPsp = PSPS.length;

    this.s[St.H] = P.h0;
    this.region = regionOf(this.regions, 0);

    this.rec = new PackedGrid(this.tEnd, spec.sampleInterval_s);
    const span = spec.recordCalcium ? stimulationSpan(spec.protocol) : undefined;
    if (span) {
      const { from_s: from, to_s: to } = calciumWindowTimes(span.first_s, this.tEnd);
      const len = Math.floor((to - from) / CALCIUM_WINDOW.sample_s + 1e-9) + 1;
      const buf = new Float64Array(3 * len);
      this.caT = buf.subarray(0, len);
      for (let i = 0; i < len; i++) this.caT[i] = from + i * CALCIUM_WINDOW.sample_s;
      this.caC = buf.subarray(len, 2 * len);
      this.caH = buf.subarray(2 * len, 3 * len);
    }
    this.probes = spec.probes && spec.probes.length > 0 ? new ExactProbes(spec, spec.dt_ms * 1e-3) : undefined;
    if (this.probes && this.probes.jNext >= 0) this.s[St.T_PROBE] = this.probes.jNext * this.probes.dt;
  }
}
