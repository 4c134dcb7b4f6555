/**
 * The `exact` engine: event-driven, closed form between events, no time step and no fast-forward.
 *
 * Events, processed in time order: presynaptic PSP arrivals (spike + t_syn,delay), presynaptic calcium
 * arrivals (spike + t_c,delay), postsynaptic spikes (first threshold crossing of the closed-form LIF
 * trajectory, to 10 ps) and the end of their refractory period, downward calcium threshold crossings
 * (τ_c ln(c/θ)), tag and protein-synthesis switches at rest (closed form), and probe sample times.
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
 * Probes never perturb the sample path: grid and calcium-window samples at rest are evaluated from the
 * closed forms; samples that fall into a noisy stretch are drawn from the OU bridge between the two
 * surrounding path samples, with a stream of their own. A trial's result is therefore the same whether
 * or not it records, and the whole engine is pure TypeScript with no Node-only API (runs in a browser
 * worker).
 */
import { classifyOutcome } from '../../model/classify.js';
import { earlyPhaseDrift } from '../../model/equations.js';
import { toSeconds, type ModelParams } from '../../model/parameters.js';
import { stimulationSpan } from '../../model/protocols.js';
import { streamFor, type RandomStream } from '../../random/streams.js';
import type { CalciumTrace, Engine, TrialResult, TrialSpec } from '../types.js';
import { PackedGrid } from './grid.js';
import { calciumCrossingLowerBound, calciumCrossingTime } from './calcium.js';
import { expm1Neg, expNeg } from './fastMath.js';
import { advanceMembrane, firstSpikeTime, makeLifConstants, type LifConstants } from './lif.js';
import { ouBridge, ouTransition, type OuRegime } from './ornsteinUhlenbeck.js';
import { presynapticSpikeTimes, SpikeBuffer } from './poissonTrains.js';
import { makeRegions, regionOf, type Regions } from './regions.js';
import { advanceSlow, restCrossingTime, type SlowConstants } from './slowVariables.js';
import { gaussianZiggurat } from './ziggurat.js';

/**
 * Default resolution of threshold crossings of the noisy h, s: a crossing (or a possible excursion) is
 * bracketed by exact bridge samples at most this far apart.
 */
export const DEFAULT_MAX_NOISY_STEP_S = 0.001;

/** A possible threshold excursion between two samples is resolved when its probability exceeds this. */
export const EXCURSION_PROBABILITY = 1e-3;
const EXCURSION_LOG = -Math.log(EXCURSION_PROBABILITY);

/** Fine calcium window around the first stimulus, as the reference engine: −0.1 s … +1.5 s, 1 ms. */
const CA_WINDOW_BEFORE_S = 0.1;
const CA_WINDOW_AFTER_S = 1.5;
const CA_SAMPLE_S = 1e-3;

/** Event kinds, in the order ties are processed. */
const enum Ev {
  Cross,
  Calcium,
  Post,
  RefractoryEnd,
  Psp,
  RestSwitch,
  Grid,
  CalciumProbe,
}

/** Engine options of `exact` (TrialSpec.engineOptions). */
export interface ExactEngineOptions {
  /** Resolution of threshold crossings of the noisy h, ms (default 1). */
  readonly maxNoisyStep_ms?: number;
}

/** Reads and checks the exact engine's options. */
export function exactOptions(o: Readonly<Record<string, unknown>> | undefined): { maxNoisyStep_s: number } {
  const v = o?.maxNoisyStep_ms;
  if (v === undefined) return { maxNoisyStep_s: DEFAULT_MAX_NOISY_STEP_S };
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`exact engine: maxNoisyStep_ms=${String(v)} is invalid; allowed: a number > 0 (ms)`);
  }
  return { maxNoisyStep_s: v * 1e-3 };
}

/** The engine's continuous state, in one Float64Array so that no update allocates a heap number. */
const S_H = 0;
const S_T_H = 1;
const S_C_J = 2;
const S_T_J = 3;
const S_T_CROSS = 4;
const S_P_S = 5;
const S_Z_S = 6;
const S_T_S = 7;
const S_T_REST = 8;
const S_U_L = 9;
const S_I_L = 10;
const S_T_L = 11;
const S_T_REF_END = 12;
const S_T_POST = 13;
const S_MAX_DEV = 14;
const S_P_MAX = 15;
const S_T_P_MAX = 16;
const S_NOW = 17;
const STATE_LENGTH = 18;

/** Spike buffer reused across trials of this thread. */
const SPIKES = new SpikeBuffer();

/**
 * Scratch arrays reused by every trial of this thread (a trial runs to completion before the next
 * starts), so that a trial allocates only its result.
 */
const SCRATCH = {
  diffusion: new Float64Array(3),
  stackT: new Float64Array(64),
  stackH: new Float64Array(64),
  tmp: new Float64Array(2),
  crossT: new Float64Array(4),
  crossTo: new Int8Array(4),
  state: new Float64Array(STATE_LENGTH),
};

class ExactTrial {
  // --- constants
  private readonly h0: number;
  private readonly tauC: number;
  private readonly cPre: number;
  private readonly cPost: number;
  private readonly thetaP: number;
  private readonly thetaD: number;
  private readonly dSyn: number;
  private readonly dCa: number;
  private readonly tRef: number;
  private readonly uReset: number;
  private readonly rMem: number;
  private readonly tEnd: number;
  private readonly ou: OuRegime[];
  private readonly dMax: number;
  /** Diffusion rate s² = σ_pl² w/τ_h of h in each regime, mV²/s (Brownian-bridge crossing test). */
  private readonly diffusion = SCRATCH.diffusion;
  /** Refinement stack of the noisy path: pairs (t, h). */
  private readonly stackT = SCRATCH.stackT;
  private readonly stackH = SCRATCH.stackH;
  private readonly regions: Regions;
  private readonly slowK: SlowConstants;
  private readonly lif: LifConstants;
  private readonly noise: RandomStream;
  private readonly gridBridge: RandomStream;
  private readonly caBridge: RandomStream;
  private readonly spikes: Float64Array;
  private readonly nSpikes: number;

  // --- state: doubles in `s` (see the S_* indices): early phase h (valid at tH), calcium (cJ just after
  // the last jump at tJ), slow variables (pS, zS at tS), membrane (uL, iL at tL), pending event times
  private readonly s = SCRATCH.state;
  private regime: 0 | 1 | 2 = 0;
  /** Next downward threshold crossing of calcium, or a lower bound of it while `crossExact` is false. */
  private crossExact = true;
  /** Whether tRest is the exact switch time or a lower bound of it. */
  private restExact = true;
  // slow variables, valid at tS, with the tag and synthesis of `region` since then
  private region: number;
  // membrane (u = V − V_rev and I at tL), refractory end, next postsynaptic spike
  private iPsp = 0;
  private iCa = 0;
  // results
  private tagged = false;
  private synthEver = false;
  private postSpikes = 0;
  private events = 0;
  private ouSteps = 0;
  // probes
  private readonly rec: PackedGrid;
  private kSched = 0;
  private kPut = 0;
  private readonly caT?: Float64Array;
  private readonly caC?: Float64Array;
  private readonly caH?: Float64Array;
  private kCaSched = 0;
  private kCaPut = 0;
  // scratch
  private readonly tmp = SCRATCH.tmp;
  private readonly crossT = SCRATCH.crossT;
  private readonly crossTo = SCRATCH.crossTo;

  constructor(private readonly spec: TrialSpec) {
    const P: ModelParams = spec.params;
    if (P.sigma_wn > 0) {
      throw new Error('exact engine: the OU background current (sigma_wn > 0) has no event-driven closed form; use --engine reference');
    }
    const { maxNoisyStep_s } = exactOptions(spec.engineOptions);
    this.s.fill(0);
    this.s[S_T_CROSS] = Infinity;
    this.s[S_T_REST] = Infinity;
    this.s[S_T_REF_END] = Infinity;
    this.s[S_T_POST] = Infinity;
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
    this.rMem = P.r_mem;
    this.tEnd = spec.protocol.duration_s;
    this.ou = ([0, 1, 2] as const).map((r) => {
      const d = earlyPhaseDrift(P, r);
      const k = d.rate / P.tau_h;
      // s² = σ² w/τ_h; stationary variance s²/(2k)
      return { k, m: d.target, varInf: (P.sigma_pl * P.sigma_pl * d.noiseWeight) / P.tau_h / (2 * k) };
    });
    this.dMax = maxNoisyStep_s;
    for (let r = 0; r <= 2; r++) this.diffusion[r] = 2 * this.ou[r]!.k * this.ou[r]!.varInf;
    this.regions = makeRegions(P.theta_tag, P.theta_pro);
    this.slowK = {
      tauP: P.tau_p, alpha: P.alpha, rhoLtp: 1 / (P.tau_z * P.z_max), rhoLtd: 1 / P.tau_z, zMax: P.z_max, zMin: P.z_min,
    };
    this.lif = makeLifConstants(toSeconds(P, 'tau_mem'), toSeconds(P, 'tau_syn'), P.r_mem, P.i_0, P.v_th, P.v_rev);
    this.s[S_U_L] = this.lif.drive; // resting membrane with the constant drive R·I_0

    this.noise = streamFor(spec.seed, [spec.trial], 'plasticityNoise');
    // probes in noisy stretches draw from streams of their own (grid and calcium window apart), so
    // that neither the sample path nor the other probe depends on whether or where a probe looks
    this.gridBridge = streamFor(spec.seed, [spec.trial, 1], 'plasticityNoise');
    this.caBridge = streamFor(spec.seed, [spec.trial, 2], 'plasticityNoise');
    presynapticSpikeTimes(spec.protocol, streamFor(spec.seed, [spec.trial], 'presynapticSpikes'), SPIKES);
    this.spikes = SPIKES.times;
    this.nSpikes = SPIKES.length;

    this.s[S_H] = P.h0;
    this.region = regionOf(this.regions, 0);

    this.rec = new PackedGrid(this.tEnd, spec.sampleInterval_s);
    const span = stimulationSpan(spec.protocol);
    if (spec.recordCalcium && span) {
      const from = Math.max(0, span.first_s - CA_WINDOW_BEFORE_S);
      const to = Math.min(this.tEnd, span.first_s + CA_WINDOW_AFTER_S);
      const len = Math.floor((to - from) / CA_SAMPLE_S + 1e-9) + 1;
      const buf = new Float64Array(3 * len);
      this.caT = buf.subarray(0, len);
      for (let i = 0; i < len; i++) this.caT[i] = from + i * CA_SAMPLE_S;
      this.caC = buf.subarray(len, 2 * len);
      this.caH = buf.subarray(2 * len, 3 * len);
    }
  }

  run(): TrialResult {
    const T = this.tEnd;
    this.s[S_T_POST] = firstSpikeTime(this.lif, this.s[S_U_L], 0, this.nextPspTime());
    const S = this.spikes;
    const n = this.nSpikes;
    const gridT = this.rec.t_s;
    const gridLen = gridT.length;
    const caT = this.caT;
    const caLen = caT ? caT.length : 0;
    const dSyn = this.dSyn, dCa = this.dCa;
    for (;;) {
      const tPsp = this.iPsp < n ? S[this.iPsp]! + dSyn : Infinity;
      const tCa = this.iCa < n ? S[this.iCa]! + dCa : Infinity;
      let tn = this.s[S_T_CROSS];
      let ev = Ev.Cross;
      if (tCa < tn) { tn = tCa; ev = Ev.Calcium; }
      if (this.s[S_T_POST] < tn) { tn = this.s[S_T_POST]; ev = Ev.Post; }
      if (this.s[S_T_REF_END] < tn) { tn = this.s[S_T_REF_END]; ev = Ev.RefractoryEnd; }
      if (tPsp < tn) { tn = tPsp; ev = Ev.Psp; }
      if (this.s[S_T_REST] < tn) { tn = this.s[S_T_REST]; ev = Ev.RestSwitch; }
      if (this.kSched < gridLen && gridT[this.kSched]! < tn) { tn = gridT[this.kSched]!; ev = Ev.Grid; }
      if (this.kCaSched < caLen && caT![this.kCaSched]! < tn) { tn = caT![this.kCaSched]!; ev = Ev.CalciumProbe; }
      if (tn > T) break;
      if (ev === Ev.RestSwitch && !this.restExact) {
        this.scheduleRestSwitch(true);
        continue;
      }
      if (ev === Ev.Cross && !this.crossExact) {
        // the lower bound was reached first: now take the logarithm
        this.s[S_T_CROSS] = this.s[S_T_J] + calciumCrossingTime(this.s[S_C_J], this.regime === 2 ? this.thetaP : this.thetaD, this.tauC);
        if (this.s[S_T_CROSS] < tn) this.s[S_T_CROSS] = tn;
        this.crossExact = true;
        continue;
      }
      this.events++;
      // handlers read the event time from the state array: a double passed to a call that is not
      // inlined would be boxed into a fresh heap number on every event
      this.s[S_NOW] = tn;
      switch (ev) {
        case Ev.Cross: this.onCrossing(); break;
        case Ev.Calcium: this.iCa++; this.onCalciumJump(false); break;
        case Ev.Post: this.onPostSpike(); break;
        case Ev.RefractoryEnd: this.onRefractoryEnd(); break;
        case Ev.Psp: this.onPsp(); break;
        case Ev.RestSwitch: this.onRestSwitch(); break;
        case Ev.Grid: this.onGridProbe(); break;
        case Ev.CalciumProbe: this.onCalciumProbe(); break;
      }
    }
    // the end: bring everything to T and fill the remaining probes
    this.s[S_NOW] = T;
    if (this.regime !== 0) this.advanceH();
    else this.s[S_H] = this.restH(T);
    this.s[S_T_H] = T;
    this.commitSlow(T);
    while (this.kPut < gridLen && gridT[this.kPut]! <= T + 1e-9) {
      this.rec.put(this.s[S_H], this.s[S_Z_S], this.s[S_P_S]);
      this.kPut++;
      this.kSched = Math.max(this.kSched, this.kPut);
    }
    const calcium: CalciumTrace | undefined = caT
      ? { t_s: caT.subarray(0, this.kCaPut), c: this.caC!.subarray(0, this.kCaPut), h_mV: this.caH!.subarray(0, this.kCaPut) }
      : undefined;
    return {
      trial: this.spec.trial,
      t_s: this.rec.t_s,
      h_mV: this.rec.h_mV,
      z: this.rec.z,
      p: this.rec.p,
      calcium,
      maxDev_mV: this.s[S_MAX_DEV],
      tagged: this.tagged,
      proteinSynthesis: this.synthEver,
      outcome: classifyOutcome(this.s[S_MAX_DEV], this.tagged, this.synthEver),
      preSpikes: n,
      postSpikes: this.postSpikes,
      pMax: this.s[S_P_MAX],
      tPMax_s: this.s[S_T_P_MAX],
      steps: this.events + this.ouSteps,
      diagnostics: { events: this.events, ouSteps: this.ouSteps, maxNoisyStep_ms: this.dMax * 1e3 },
    };
  }

  // ---------------------------------------------------------------- calcium

  /** c jumps by c_pre (presynaptic arrival) or c_post (postsynaptic spike) now. */
  private onCalciumJump(post: boolean): void {
    const t = this.s[S_NOW]!;
    const amount = post ? this.cPost : this.cPre;
    const c = this.s[S_C_J] * expNeg((t - this.s[S_T_J]) / this.tauC) + amount;
    this.s[S_C_J] = c;
    this.s[S_T_J] = t;
    const r: 0 | 1 | 2 = c >= this.thetaP ? 2 : c >= this.thetaD ? 1 : 0;
    if (r === 0) return; // stays at rest (a jump never lowers the regime)
    if (r !== this.regime) {
      if (this.regime === 0) {
        this.s[S_H] = this.restH(t);
        this.s[S_T_H] = t;
        this.s[S_T_REST] = Infinity;
      } else this.advanceH();
      this.regime = r;
    }
    const theta = r === 2 ? this.thetaP : this.thetaD;
    if (c < 2 * theta) {
      // close to the threshold the crossing usually comes before the next jump: take the log now
      this.s[S_T_CROSS] = t + calciumCrossingTime(c, theta, this.tauC);
      this.crossExact = true;
    } else {
      this.s[S_T_CROSS] = t + calciumCrossingLowerBound(c, theta, this.tauC);
      this.crossExact = false;
    }
  }

  /** Calcium falls through θ_p or θ_d. */
  private onCrossing(): void {
    const t = this.s[S_NOW]!;
    this.advanceH();
    if (this.regime === 2) {
      this.regime = 1;
      this.s[S_T_CROSS] = this.s[S_T_J] + calciumCrossingLowerBound(this.s[S_C_J], this.thetaD, this.tauC);
      if (this.s[S_T_CROSS] < t) this.s[S_T_CROSS] = t;
      this.crossExact = false;
    } else {
      this.regime = 0;
      this.s[S_T_CROSS] = Infinity;
      this.crossExact = true;
      this.scheduleRestSwitch();
    }
  }

  // ---------------------------------------------------------------- early phase

  /** h at t ≥ tH at rest (deterministic relaxation to the resting fixed point), without committing. */
  private restH(t: number): number {
    const o = this.ou[0]!;
    return this.s[S_H] + (this.s[S_H] - o.m) * expm1Neg(o.k * (t - this.s[S_T_H]));
  }

  /**
   * Samples h at tB in the current noisy regime: one exact OU transition, refined by exact bridge
   * bisection wherever a threshold of h − h0 is crossed between the two samples, or could be crossed and
   * recrossed (Brownian-bridge crossing probability above {@link EXCURSION_PROBABILITY}), until such
   * stretches are at most maxNoisyStep long.
   */
  private advanceH(): void {
    const tB = this.s[S_NOW]!;
    const dt = tB - this.s[S_T_H];
    if (dt > 0) {
      const o = this.ou[this.regime]!;
      ouTransition(o, dt, this.tmp);
      const hB = o.m + (this.s[S_H] - o.m) * this.tmp[0]! + this.tmp[1]! * gaussianZiggurat(this.noise);
      this.refine(tB, hB);
    }
    this.s[S_T_H] = tB;
  }

  /** Walks the noisy path from (tH, h) to (tB, hB), bisecting with the OU bridge where needed. */
  private refine(tB: number, hB: number): void {
    const o = this.ou[this.regime]!;
    const ST = this.stackT, SH = this.stackH;
    let top = 0;
    ST[0] = tB;
    SH[0] = hB;
    while (top >= 0) {
      const t2 = ST[top]!, h2 = SH[top]!;
      const t1 = this.s[S_T_H], h1 = this.s[S_H];
      if (t2 - t1 > this.dMax && top < ST.length - 1 && this.mayCross(h1, h2, t2 - t1)) {
        const tm = 0.5 * (t1 + t2);
        const ym = ouBridge(o, h1 - o.m, h2 - o.m, tm - t1, t2 - tm, gaussianZiggurat(this.noise));
        top++;
        ST[top] = tm;
        SH[top] = o.m + ym;
        continue;
      }
      top--;
      this.noisyPiece(t1, h1, t2, h2);
    }
  }

  /**
   * Whether h − h0 crosses a threshold between two samples (different regions), or may cross and come
   * back: for a Brownian bridge with endpoints a and b away from a level that probability is
   * exp(−2ab/(s²Δ)); it is tested against the two levels around the current region.
   */
  private mayCross(h1: number, h2: number, dt: number): boolean {
    const d1 = h1 - this.h0, d2 = h2 - this.h0;
    const r1 = regionOf(this.regions, d1);
    if (r1 !== regionOf(this.regions, d2)) return true;
    const L = this.regions.levels;
    const s2dt = this.diffusion[this.regime]! * dt;
    if (r1 > 0) {
      const a = d1 - L[r1 - 1]!, b = d2 - L[r1 - 1]!;
      if (2 * a * b < EXCURSION_LOG * s2dt) return true;
    }
    if (r1 < 4) {
      const a = L[r1]! - d1, b = L[r1]! - d2;
      if (2 * a * b < EXCURSION_LOG * s2dt) return true;
    }
    return false;
  }

  /** Commits one piece of the noisy path: maxDev, tag/synthesis switches and pending probes. */
  private noisyPiece(tA: number, hA: number, tB: number, hB: number): void {
    this.s[S_H] = hB;
    this.s[S_T_H] = tB;
    this.ouSteps++;
    const d = hB - this.h0;
    if ((d < 0 ? -d : d) > (this.s[S_MAX_DEV] < 0 ? -this.s[S_MAX_DEV] : this.s[S_MAX_DEV])) this.s[S_MAX_DEV] = d;
    const rb = regionOf(this.regions, d);
    if (rb !== this.region || this.kPut < this.kSched || this.kCaPut < this.kCaSched) this.resolve(tA, hA, tB, hB, rb);
  }

  /**
   * Within one noisy step (tA, hA) → (tB, hB): places the threshold crossings of h − h0 by linear
   * interpolation and fills pending probes from the OU bridge, in time order.
   */
  private resolve(tA: number, hA: number, tB: number, hB: number, rb: number): void {
    const L = this.regions.levels;
    let nc = 0;
    if (rb > this.region) for (let i = this.region; i < rb; i++) nc = this.addCrossing(nc, L[i]!, i + 1, tA, hA, tB, hB);
    else for (let i = this.region - 1; i >= rb; i--) nc = this.addCrossing(nc, L[i]!, i, tA, hA, tB, hB);

    // two independent bridge chains, one per probe kind, each from (tA, hA) to (tB, hB)
    const o = this.ou[this.regime]!;
    let tg0 = tA, yg0 = hA - o.m, tc0 = tA, yc0 = hA - o.m;
    const yB = hB - o.m;
    const gridT = this.rec.t_s;
    const caT = this.caT;
    let ic = 0;
    for (;;) {
      const tg = this.kPut < this.kSched && gridT[this.kPut]! <= tB ? gridT[this.kPut]! : Infinity;
      const tc = this.kCaPut < this.kCaSched && caT![this.kCaPut]! <= tB ? caT![this.kCaPut]! : Infinity;
      const tProbe = tg < tc ? tg : tc;
      const tX = ic < nc ? this.crossT[ic]! : Infinity;
      if (tX <= tProbe && ic < nc) {
        this.commitSlow(tX);
        this.setRegion(this.crossTo[ic]!);
        ic++;
      } else if (tg === tProbe && tg !== Infinity) {
        yg0 = ouBridge(o, yg0, yB, tg - tg0, tB - tg, gaussianZiggurat(this.gridBridge));
        tg0 = tg;
        this.slowAt(tg);
        this.rec.put(o.m + yg0, this.tmp[1]!, this.tmp[0]!);
        this.kPut++;
      } else if (tc !== Infinity) {
        yc0 = ouBridge(o, yc0, yB, tc - tc0, tB - tc, gaussianZiggurat(this.caBridge));
        tc0 = tc;
        this.caH![this.kCaPut++] = o.m + yc0;
      } else break;
    }
    this.region = rb;
  }

  /** Appends the linearly interpolated time at which h − h0 passes `level` (kept in time order). */
  private addCrossing(nc: number, level: number, to: number, tA: number, hA: number, tB: number, hB: number): number {
    const span = hB - hA;
    let f = span !== 0 ? (level + this.h0 - hA) / span : 1;
    if (!(f > 0)) f = 0;
    else if (f > 1) f = 1;
    let tc = tA + f * (tB - tA);
    if (nc > 0 && tc < this.crossT[nc - 1]!) tc = this.crossT[nc - 1]!;
    this.crossT[nc] = tc;
    this.crossTo[nc] = to;
    return nc + 1;
  }

  // ---------------------------------------------------------------- tag, protein, late phase

  private setRegion(r: number): void {
    this.region = r;
    if (this.regions.tag[r] !== 0) this.tagged = true;
    if (this.regions.synth[r] !== 0) this.synthEver = true;
  }

  /** (p, z) at t ≥ tS with the current tag and synthesis, into tmp, without committing. */
  private slowAt(t: number): void {
    advanceSlow(this.slowK, this.s[S_P_S], this.s[S_Z_S], this.regions.synth[this.region]!, this.regions.tag[this.region]!, t - this.s[S_T_S], this.tmp);
  }

  /** Commits (p, z) to t; p can only peak where synthesis stops, so pMax is checked here. */
  private commitSlow(t: number): void {
    const synth = this.regions.synth[this.region]!;
    this.slowAt(t);
    this.s[S_P_S] = this.tmp[0]!;
    this.s[S_Z_S] = this.tmp[1]!;
    this.s[S_T_S] = t;
    if (synth !== 0 && this.s[S_P_S] > this.s[S_P_MAX]) {
      this.s[S_P_MAX] = this.s[S_P_S];
      this.s[S_T_P_MAX] = t;
    }
  }

  /** At rest |h − h0| only shrinks: the next region boundary towards the centre, in closed form. */
  /**
   * At first only a lower bound of the switch time is scheduled, (1 − 1/y)/k ≤ ln(y)/k with
   * y = (h − m)/(level − m): at rest a tag or synthesis switch is usually an hour or more away, and
   * calcium rises again long before; the logarithm is taken only if the bound is reached first.
   */
  private scheduleRestSwitch(exact = false): void {
    const c = this.regions.center;
    if (this.region === c) {
      this.s[S_T_REST] = Infinity;
      this.restExact = true;
      return;
    }
    const level = this.h0 + this.regions.levels[this.region > c ? this.region - 1 : this.region]!;
    const m = this.ou[0]!.m;
    const y = (this.s[S_H]! - m) / (level - m);
    if (!exact && y > 1 && y < Infinity) {
      this.s[S_T_REST] = this.s[S_T_H]! + (1 - 1 / y) / this.ou[0]!.k;
      this.restExact = false;
      return;
    }
    this.restExact = true;
    let dt = restCrossingTime(this.s[S_H], m, level, this.ou[0]!.k);
    // a region that rounding left on the wrong side of its level is left at once
    if (dt === Infinity && (this.s[S_H] - m) * (level - m) < 0) dt = 0;
    this.s[S_T_REST] = this.s[S_T_H] + dt;
  }

  private onRestSwitch(): void {
    const t = this.s[S_NOW]!;
    this.commitSlow(t);
    const c = this.regions.center;
    this.region = this.region > c ? this.region - 1 : this.region + 1;
    this.scheduleRestSwitch();
  }

  // ---------------------------------------------------------------- neuron

  private nextPspTime(): number {
    return this.iPsp < this.nSpikes ? this.spikes[this.iPsp]! + this.dSyn : this.tEnd;
  }

  private onPsp(): void {
    const t = this.s[S_NOW]!;
    this.iPsp++;
    let h: number;
    if (this.regime !== 0) {
      this.advanceH();
      h = this.s[S_H]!;
    } else h = this.restH(t);
    let z = this.s[S_Z_S];
    if (this.regions.tag[this.region] !== 0) {
      this.slowAt(t);
      z = this.tmp[1]!;
    }
    const dI = (h + this.h0 * z) / this.rMem;
    if (this.s[S_T_REF_END] !== Infinity) {
      // refractory: V is held, the current still decays and sums
      this.s[S_I_L] = this.s[S_I_L] * expNeg((t - this.s[S_T_L]) / this.lif.tauSyn) + dI;
      this.s[S_T_L] = t;
      return;
    }
    advanceMembrane(this.lif, this.s[S_U_L], this.s[S_I_L], t - this.s[S_T_L], this.tmp);
    this.s[S_U_L] = this.tmp[0]!;
    this.s[S_I_L] = this.tmp[1]! + dI;
    this.s[S_T_L] = t;
    this.scheduleSpike(t);
  }

  /**
   * The next postsynaptic spike before the next PSP arrives, if any. The cheap bound
   * u(t) ≤ max(u, D) + R I⁺ gMax rules out almost every case before the (rarely inlined) root search.
   */
  private scheduleSpike(t: number): void {
    const L = this.lif, u = this.s[S_U_L]!, I = this.s[S_I_L]!;
    if ((u > L.drive ? u : L.drive) + (I > 0 ? L.rMem * I * L.gMax : 0) < L.uTh) {
      this.s[S_T_POST] = Infinity;
      return;
    }
    this.s[S_T_POST] = t + firstSpikeTime(L, u, I, this.nextPspTime() - t);
  }

  private onPostSpike(): void {
    const t = this.s[S_NOW]!;
    this.postSpikes++;
    this.s[S_T_POST] = Infinity;
    this.s[S_I_L] *= expNeg((t - this.s[S_T_L]) / this.lif.tauSyn);
    this.s[S_T_L] = t;
    this.s[S_U_L] = this.uReset;
    this.s[S_T_REF_END] = t + this.tRef;
    this.onCalciumJump(true);
  }

  private onRefractoryEnd(): void {
    const t = this.s[S_NOW]!;
    this.s[S_T_REF_END] = Infinity;
    this.s[S_I_L] *= expNeg((t - this.s[S_T_L]) / this.lif.tauSyn);
    this.s[S_T_L] = t;
    this.s[S_U_L] = this.uReset;
    this.scheduleSpike(t);
  }

  // ---------------------------------------------------------------- probes

  private onGridProbe(): void {
    const t = this.s[S_NOW]!;
    this.kSched++;
    if (this.regime !== 0) return; // filled from the OU bridge at the next sample of h
    this.slowAt(t);
    this.rec.put(this.restH(t), this.tmp[1]!, this.tmp[0]!);
    this.kPut++;
  }

  private onCalciumProbe(): void {
    const t = this.s[S_NOW]!;
    const k = this.kCaSched++;
    this.caC![k] = this.s[S_C_J] * expNeg((t - this.s[S_T_J]) / this.tauC);
    if (this.regime !== 0) return;
    this.caH![k] = this.restH(t);
    this.kCaPut++;
  }
}

/** Runs one trial with the exact engine. */
export function runExactTrial(spec: TrialSpec): TrialResult {
  return new ExactTrial(spec).run();
}

export const exactEngine: Engine = {
  name: 'exact',
  description: 'event-driven, closed form between events (calcium, LIF, OU-sampled h, p, z); continuous-time Poisson input',
  runTrial: runExactTrial,
};
