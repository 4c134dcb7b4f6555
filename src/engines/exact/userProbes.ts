/**
 * The user's probes (`TrialSpec.probes`) in the `exact` engine, on each probe's step grid
 * t_j = j·dt (engines/types.ts). A sample time is one more event of the event loop — after every other
 * event at the same time, as the reference records the state after its step — but not counted in the
 * trial's events: it only reads the state.
 *
 * At rest (calcium below θ_d) every variable is evaluated at t_j from its closed form: V from the
 * two-exponential membrane (V_reset while refractory), c = c_J e^{−(t−t_J)/τ_c}, h from its relaxation,
 * p and z from their closed forms; tag and w follow from h and z. Inside a noisy regime h at t_j is not
 * known until the path's next sample: V and c are taken at t_j and kept, and h is filled when that piece
 * of the path is committed (earlyPhase.ts), drawn from the OU bridge between the nearest known values on
 * either side — the path's samples and the output grid's samples, so a probe at a grid time sees the
 * grid's h — with a random stream of its own; p and z then come from their closed forms with the tag and
 * synthesis switches placed in that piece. The sample path, the other recorders and the trial's result
 * are therefore bit-identical with and without probes.
 *
 * Spikes are reported at their event times (continuous, not on the step grid), inside a probe's window
 * when their nearest step is.
 */
import { advanceSlow, relaxAtRate } from '../../model/equations.js';
import { expNeg } from '../../model/fastExp.js';
import { streamFor, type RandomStream } from '../../random/streams.js';
import { ProbeRecorder } from '../probeRecorder.js';
import { commitCalcium } from './calciumEvents.js';
import type { ProbeTrace, TrialSpec } from '../types.js';
import { advanceMembrane } from './lif.js';
import type { ExactTrial, St } from './trialState.js';

// State slots used here, as literals whose types (St members) make the compiler check them against the
// one layout in trialState.ts.
const S_H: St.H = 0;
const S_T_H: St.T_H = 1;
const S_C_J: St.C_J = 2;
const S_T_J: St.T_J = 3;
const S_P_S: St.P_S = 5;
const S_Z_S: St.Z_S = 6;
const S_T_S: St.T_S = 7;
const S_U_L: St.U_L = 9;
const S_I_L: St.I_L = 10;
const S_T_L: St.T_L = 11;
const S_T_REF_END: St.T_REF_END = 12;
const S_T_PROBE: St.T_PROBE = 18;

/** Samples waiting for h inside a noisy stretch (step, time, V, c), reused by every trial of the thread. */
const PENDING = { j: new Float64Array(256), t: new Float64Array(256), v: new Float64Array(256), c: new Float64Array(256) };

/** The probes of one trial: the recorder, the schedule and the samples waiting for h. */
export class ExactProbes {
  readonly rec: ProbeRecorder;
  /** Stream of the probes' OU-bridge draws (apart from the path's, the grid's and the calcium window's). */
  readonly bridge: RandomStream;
  /** Step of the next scheduled sample, or −1. */
  jNext: number;
  /** Pending samples: scheduled `nPend`, filled `kFill` (both reset to 0 when all are filled). */
  nPend = 0;
  kFill = 0;
  pj = PENDING.j;
  /** Times of the pending samples, s (read by earlyPhase.ts). */
  pt = PENDING.t;
  pv = PENDING.v;
  pc = PENDING.c;
  /** The time being sampled, s: scratch, so that no time is passed as an argument. */
  readonly at = new Float64Array(1);
  /** Membrane scratch [u, I]. */
  readonly mem = new Float64Array(2);
  readonly vRev: number;

  constructor(spec: TrialSpec, readonly dt: number) {
    const P = spec.params;
    this.rec = new ProbeRecorder(spec.probes!, dt, Math.round(spec.protocol.duration_s / dt), P.h0, P.theta_tag, spec.probeSink);
    this.bridge = streamFor(spec.seed, [spec.trial, 3], 'plasticityNoise');
    this.jNext = this.rec.next;
    this.vRev = P.v_rev;
  }

  /** Keeps sample j, its V and c in the recorder's values, until h is known. */
  pushPending(j: number): void {
    const n = this.nPend;
    if (n === this.pj.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(2 * a.length);
        b.set(a);
        return b;
      };
      this.pj = PENDING.j = grow(this.pj);
      this.pt = PENDING.t = grow(this.pt);
      this.pv = PENDING.v = grow(this.pv);
      this.pc = PENDING.c = grow(this.pc);
    }
    this.pj[n] = j;
    this.pt[n] = j * this.dt;
    this.pv[n] = this.rec.values[0]!;
    this.pc[n] = this.rec.values[1]!;
    this.nPend = n + 1;
  }
}

/*
 * The values of a sample go into the recorder's `values` ([V, c, h, z, p]) and the time being sampled is
 * read from `at[0]`: no double is passed to or returned from these functions (a double crossing a call
 * V8 does not inline costs a heap number). Nothing here allocates; only where V8 declines to inline the
 * model's closed forms into them can a short-lived heap number per sample remain.
 */

/** V (mV) and c at at[0] into values[0], values[1], from their closed forms. */
function membraneAndCalcium(tr: ExactTrial, up: ExactProbes): void {
  const x = up.rec.values;
  const t = up.at[0]!;
  if (tr.s[S_T_REF_END] !== Infinity) x[0] = up.vRev + tr.uReset;
  else {
    advanceMembrane(tr.lif, tr.s[S_U_L], tr.s[S_I_L], t - tr.s[S_T_L], up.mem);
    x[0] = up.vRev + up.mem[0]!;
  }
  x[1] = tr.s[S_C_J] * expNeg((t - tr.s[S_T_J]) / tr.tauC);
}

/** p and z at at[0] into values[4], values[3], from their closed forms (tag and synthesis as they stand). */
function slowValues(tr: ExactTrial, up: ExactProbes): void {
  advanceSlow(tr.slowK, tr.s[S_P_S], tr.s[S_Z_S], tr.regions.synth[tr.region]!, tr.regions.tag[tr.region]!, up.at[0]! - tr.s[S_T_S], tr.tmp);
  up.rec.values[3] = tr.tmp[1]!;
  up.rec.values[4] = tr.tmp[0]!;
}

/** h at rest at at[0] into values[2] (the relaxation restH of earlyPhase.ts). */
function restValue(tr: ExactTrial, up: ExactProbes): void {
  const o = tr.ou[0]!;
  up.rec.values[2] = relaxAtRate(tr.s[S_H], o.m, o.k, up.at[0]! - tr.s[S_T_H]);
}

/** A probe sample time (s[T_PROBE]): record it at rest, or keep V and c until h is known. */
export function onUserProbe(tr: ExactTrial): void {
  const up = tr.probes!;
  const j = up.jNext;
  up.at[0] = tr.s[S_T_PROBE];
  commitCalcium(tr); // the loop has set s[NOW] to this sample's time
  membraneAndCalcium(tr, up);
  if (tr.regime === 0) {
    restValue(tr, up);
    slowValues(tr, up);
    up.rec.sampleValues(j);
  } else up.pushPending(j);
  up.jNext = up.rec.nextAfter(j);
  tr.s[S_T_PROBE] = up.jNext >= 0 ? up.jNext * up.dt : Infinity;
}

/**
 * Completes the oldest pending sample with the h (mV) drawn for its time, which the caller has put in
 * the recorder's values[2]; p and z from the closed form there (with the switches placed before it).
 */
export function fillUserProbe(tr: ExactTrial): void {
  const up = tr.probes!;
  const i = up.kFill++;
  up.at[0] = up.pt[i]!;
  slowValues(tr, up);
  up.rec.values[0] = up.pv[i]!;
  up.rec.values[1] = up.pc[i]!;
  up.rec.sampleValues(up.pj[i]!);
  if (up.kFill === up.nPend) up.kFill = up.nPend = 0;
}

/**
 * At the end T (state brought to T, h valid at T): completes what is pending (only samples at T itself
 * can be, when the path's last piece ended there) and records the samples the loop did not reach (grid
 * times a rounding error beyond T) with the state at T. Returns the traces.
 */
export function finishUserProbes(tr: ExactTrial): ProbeTrace[] {
  const up = tr.probes!;
  while (up.kFill < up.nPend) {
    up.rec.values[2] = tr.s[S_H];
    fillUserProbe(tr);
  }
  up.at[0] = tr.tEnd;
  membraneAndCalcium(tr, up);
  const x = up.rec.values;
  x[2] = tr.s[S_H];
  x[3] = tr.s[S_Z_S];
  x[4] = tr.s[S_P_S];
  while (up.jNext >= 0) up.jNext = up.rec.sampleValues(up.jNext);
  return up.rec.finish(tr.spikes.subarray(0, tr.nSpikes), true);
}
