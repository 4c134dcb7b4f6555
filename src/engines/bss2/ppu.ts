/**
 * The plasticity processor's program: h, z and p held as integers in one {@link NumberFormat}, updated
 * once per solver period Δ from the ADC code of the calcium trace, with integer multiplies and shifts
 * only and the rounding mode applied at every value-reducing step.
 *
 * Scales (FS = full scale, B = format bits, value = integer · FS / 2^(B−1)):
 *   h in mV with FS_h (16 mV by default), z with FS_z (2), p with FS_p (2); the 6-bit synaptic weight
 *   code W = round(w / (FS_w / 63)) with FS_w = 16 mV.
 *
 * One update, in the reference's order (MODEL.md §6), Δ being the period:
 *   1. P += round((α·[Σ|h − h0| ≥ θ_pro of the previous update] − P) · (1 − e^{−Δ/τ_p}))
 *   2. regime r from the calcium code (≥ θ_p code: 2, ≥ θ_d code: 1, else 0);
 *      H += round((T_r − H) · (1 − e^{−C_r Δ/τ_h})) + round(g · σ_r)  (g = four random bytes − 510,
 *      σ_r the per-update noise SD in LSB / 147.8; r ≥ 1 only)
 *   3. tag if |H − H0| ≥ θ_tag; Z += round(round((Z_bound − Z)·p) · Δ/τ_z') (Euler in Z; p·Δ/τ_z ≪ 1)
 *   4. W = clamp(round(H·LSB_h/LSB_w) + round(Z·h0·LSB_z/LSB_w), 0, 63), written to the synapse.
 * All sums saturate at the format's range; saturations are counted.
 */
import {
  earlyPhaseDrift, earlyPhaseNoiseScale, earlyPhaseRelaxedFraction, latePhaseTarget, latePhaseTimeConstant, latePhaseWeight, relaxedFraction,
} from '../../model/equations.js';
import type { ModelParams } from '../../model/parameters.js';
import { FORMATS, lsb, quantiseCoefficient, type Coefficient, type NumberFormat, type VariableScales } from './fixedPoint.js';
import { SUM4_MEAN, SUM4_SD } from './lfsr.js';
import { Rounder, type RandomBits, type RoundingMode } from './rounding.js';

/** Bits of the synaptic weight written by the PPU. */
export const WEIGHT_BITS = 6;
export const WEIGHT_MAX_CODE = 2 ** WEIGHT_BITS - 1;

export interface PpuSettings {
  readonly format: NumberFormat['name'];
  readonly rounding: RoundingMode;
  readonly roundingBits: number;
  readonly ppuPeriod_ms: number;
  readonly scales: VariableScales;
  readonly weightFullScale_mV: number;
}

/** The integer constants the host computes once and loads into the processor. */
export interface PpuConstants {
  readonly fmt: NumberFormat;
  readonly lsbH: number;
  readonly lsbZ: number;
  readonly lsbP: number;
  readonly lsbW: number;
  readonly H0: number;
  readonly TAG: number;
  readonly PRO: number;
  readonly PA: number;
  readonly ZMAX: number;
  readonly ZMIN: number;
  /** Targets and coefficients of h per regime 0, 1, 2. */
  readonly T: readonly number[];
  readonly Kh: readonly Coefficient[];
  readonly Kn: readonly Coefficient[];
  readonly Kp: Coefficient;
  readonly KzLtp: Coefficient;
  readonly KzLtd: Coefficient;
  readonly Kwh: Coefficient;
  readonly Kwz: Coefficient;
  /** Right shift that reduces P to a ≤ 16-bit multiplier (int32), and the shift of (bound − Z)·P. */
  readonly pReduce: number;
  readonly zpShift: number;
  /** Coefficients that the format cannot represent (they became zero). */
  readonly underflows: string[];
}

export function ppuConstants(P: ModelParams, s: PpuSettings): PpuConstants {
  const fmt = FORMATS[s.format];
  const dt = s.ppuPeriod_ms * 1e-3;
  const lsbH = lsb(s.scales.h_mV, fmt), lsbZ = lsb(s.scales.z, fmt), lsbP = lsb(s.scales.p, fmt);
  const lsbW = s.weightFullScale_mV / WEIGHT_MAX_CODE;
  const underflows: string[] = [];
  const q = (name: string, c: number): Coefficient => {
    const k = quantiseCoefficient(c, fmt);
    if (k.underflow) underflows.push(name);
    return k;
  };
  const T: number[] = [], Kh: Coefficient[] = [], Kn: Coefficient[] = [];
  for (const r of [0, 1, 2] as const) {
    const oneMinusE = earlyPhaseRelaxedFraction(P, r, dt);
    T.push(Math.round(earlyPhaseDrift(P, r).target / lsbH));
    Kh.push(q(`h (regime ${r})`, oneMinusE));
    // the SD of the reference's per-step noise over one period (0 at rest)
    const sd = earlyPhaseNoiseScale(P, r, dt) * oneMinusE;
    Kn.push(q(`noise (regime ${r})`, sd / lsbH / SUM4_SD));
  }
  const pReduce = Math.max(0, fmt.bits - 1 - 16);
  // (bound − Z)·P·lsbP in Z units = (bound − Z)·(P >> pReduce) / 2^(B−1−pReduce) · FS_p
  const zpShift = fmt.bits - 1 - pReduce;
  return {
    fmt, lsbH, lsbZ, lsbP, lsbW,
    H0: Math.round(P.h0 / lsbH),
    TAG: Math.round(P.theta_tag / lsbH),
    PRO: Math.round(P.theta_pro / lsbH),
    PA: Math.round(P.alpha / lsbP),
    ZMAX: Math.round(latePhaseTarget(P, 1) / lsbZ),
    ZMIN: Math.round(latePhaseTarget(P, -1) / lsbZ),
    T, Kh, Kn,
    Kp: q('p', relaxedFraction(dt, P.tau_p)),
    KzLtp: q('z (LTP)', (dt / latePhaseTimeConstant(P, 1)) * s.scales.p),
    KzLtd: q('z (LTD)', (dt / latePhaseTimeConstant(P, -1)) * s.scales.p),
    Kwh: q('weight from h', lsbH / lsbW),
    Kwz: q('weight from z', latePhaseWeight(lsbZ, P) / lsbW),
    pReduce, zpShift, underflows,
  };
}

/** The processor state of one synapse (and its neuron's protein pool) and its update. */
export class PlasticityProcessor {
  H: number;
  Z = 0;
  P = 0;
  /** |H − H0| of the last update (seen by the next protein update). */
  sumDev = 0;
  tagged = false;
  /** Whether protein was synthesised: synthesis on (Σ|h − h0| ≥ θ_pro) and the integer p above 0. */
  proteinSynthesis = false;
  /** Largest signed H − H0 seen in an update with calcium above θ_d. */
  maxDev = 0;
  pMax = 0;
  /** Update index at which P was largest. */
  kPMax = 0;
  /** Updates computed (not skipped). */
  computed = 0;
  satH = 0;
  satZ = 0;
  satP = 0;
  satW = 0;
  readonly rounder: Rounder;
  // the constants, unpacked into plain fields for the hot loop
  private readonly lo: number;
  private readonly hi: number;
  private readonly deterministic: boolean;
  private readonly cH0: number;
  private readonly cTag: number;
  private readonly cPro: number;
  private readonly cPA: number;
  private readonly kp: number;
  private readonly sp: number;
  private readonly t0: number;
  private readonly t1: number;
  private readonly t2: number;
  private readonly kh0: number;
  private readonly sh0: number;
  private readonly kh1: number;
  private readonly sh1: number;
  private readonly kh2: number;
  private readonly sh2: number;
  private readonly kn1: number;
  private readonly sn1: number;
  private readonly kn2: number;
  private readonly sn2: number;

  constructor(readonly k: PpuConstants, rounding: RoundingMode, rng: RandomBits, roundingBits: number) {
    this.rounder = new Rounder(rounding, rng, roundingBits);
    this.H = k.H0;
    this.lo = k.fmt.min;
    this.hi = k.fmt.max;
    this.deterministic = rounding !== 'stochastic';
    this.cH0 = k.H0;
    this.cTag = k.TAG;
    this.cPro = k.PRO;
    this.cPA = k.PA;
    this.kp = k.Kp.k;
    this.sp = k.Kp.s;
    this.t0 = k.T[0]!;
    this.t1 = k.T[1]!;
    this.t2 = k.T[2]!;
    this.kh0 = k.Kh[0]!.k;
    this.sh0 = k.Kh[0]!.s;
    this.kh1 = k.Kh[1]!.k;
    this.sh1 = k.Kh[1]!.s;
    this.kh2 = k.Kh[2]!.k;
    this.sh2 = k.Kh[2]!.s;
    this.kn1 = k.Kn[1]!.k;
    this.sn1 = k.Kn[1]!.s;
    this.kn2 = k.Kn[2]!.k;
    this.sn2 = k.Kn[2]!.s;
  }

  h_mV(): number {
    return this.H * this.k.lsbH;
  }
  z(): number {
    return this.Z * this.k.lsbZ;
  }
  p(): number {
    return this.P * this.k.lsbP;
  }

  /** Saturation counts per variable. */
  get sat(): { h: number; z: number; p: number; weight: number } {
    return { h: this.satH, z: this.satZ, p: this.satP, weight: this.satW };
  }

  /** One update with calcium regime r; `k` is the update's index (for the time of p's maximum). */
  update(r: 0 | 1 | 2, k: number): void {
    const R = this.rounder;
    const lo = this.lo, hi = this.hi;
    this.computed++;
    // 1. protein with the previous update's Σ|h − h0|
    const synthesis = this.sumDev >= this.cPro;
    const d = synthesis ? this.cPA - this.P : -this.P;
    if (d !== 0) {
      let p = this.P + R.mulShift(d, this.kp, this.sp);
      if (p > hi) { p = hi; this.satP++; } else if (p < lo) { p = lo; this.satP++; }
      this.P = p;
      if (p > this.pMax) { this.pMax = p; this.kPMax = k; }
    }
    // protein counts as synthesised once the processor's p has actually risen (a frozen p made none)
    if (synthesis && this.P > 0) this.proteinSynthesis = true;
    // 2. early phase: relaxation toward the regime's target, plus noise above θ_d
    let h = this.H;
    let diff = (r === 0 ? this.t0 : r === 1 ? this.t1 : this.t2) - h;
    if (diff > hi) { diff = hi; this.satH++; } else if (diff < lo) { diff = lo; this.satH++; }
    let dh = 0;
    if (diff !== 0) dh = r === 0 ? R.mulShift(diff, this.kh0, this.sh0) : r === 1 ? R.mulShift(diff, this.kh1, this.sh1) : R.mulShift(diff, this.kh2, this.sh2);
    if (r !== 0) {
      const g = R.sum4Bytes() - SUM4_MEAN;
      dh += r === 1 ? R.mulShift(g, this.kn1, this.sn1) : R.mulShift(g, this.kn2, this.sn2);
    }
    if (dh !== 0) {
      h += dh;
      if (h > hi) { h = hi; this.satH++; } else if (h < lo) { h = lo; this.satH++; }
      this.H = h;
    }
    const dev = h - this.cH0;
    const absDev = dev < 0 ? -dev : dev;
    this.sumDev = absDev;
    if (r !== 0 && absDev > (this.maxDev < 0 ? -this.maxDev : this.maxDev)) this.maxDev = dev;
    // 3. tag and late phase
    if (absDev >= this.cTag) {
      this.tagged = true;
      if (this.P > 0) this.Z = dev > 0 ? this.lateZ(this.Z, this.P, this.k.ZMAX, this.k.KzLtp) : this.lateZ(this.Z, this.P, this.k.ZMIN, this.k.KzLtd);
    }
  }

  /** z after one late-phase step toward `bound` (Z_max or Z_min) with protein P. */
  private lateZ(Z: number, P: number, bound: number, kz: Coefficient): number {
    const K = this.k, R = this.rounder;
    const pm = K.pReduce > 0 ? R.mulShift(P, 1, K.pReduce) : P;
    const t = R.mulShift(bound - Z, pm, K.zpShift);
    if (t === 0) return Z;
    let z = Z + R.mulShift(t, kz.k, kz.s);
    if (z > this.hi) { z = this.hi; this.satZ++; } else if (z < this.lo) { z = this.lo; this.satZ++; }
    return z;
  }

  /**
   * `n` updates with calcium below θ_d (the long quiet stretches), update indices k0 + 1 … k0 + n.
   * Stops early at a fixed point — an update that changed nothing and, in stochastic mode, discarded no
   * fraction — since every later update would repeat it exactly. `onRecord` is called after the update
   * whose index `nextRecord()` names, to record the state there.
   * Returns the number of updates computed (n when no fixed point was reached).
   */
  idle(n: number, k0: number, nextRecord: () => number, onRecord: (k: number) => void): number {
    // update(0, k) with the state in locals: the loop that runs for hours of biological time
    const R = this.rounder, K = this.k;
    const lo = this.lo, hi = this.hi, det = this.deterministic;
    const PRO = this.cPro, PA = this.cPA, kp = this.kp, sp = this.sp;
    const T0 = this.t0, kh = this.kh0, sh = this.sh0, H0 = this.cH0, TAG = this.cTag;
    let H = this.H, Z = this.Z, P = this.P, sumDev = this.sumDev;
    let kRec = nextRecord();
    let i = 1;
    for (; i <= n; i++) {
      const H1 = H, Z1 = Z, P1 = P;
      R.exact = true;
      const synthesis = sumDev >= PRO;
      const d = synthesis ? PA - P : -P;
      if (d !== 0) {
        P += R.mulShift(d, kp, sp);
        if (P > hi) { P = hi; this.satP++; } else if (P < lo) { P = lo; this.satP++; }
        if (P > this.pMax) { this.pMax = P; this.kPMax = k0 + i; }
      }
      if (synthesis && P > 0) this.proteinSynthesis = true;
      let diff = T0 - H;
      if (diff !== 0) {
        if (diff > hi) { diff = hi; this.satH++; } else if (diff < lo) { diff = lo; this.satH++; }
        H += R.mulShift(diff, kh, sh);
        if (H > hi) { H = hi; this.satH++; } else if (H < lo) { H = lo; this.satH++; }
      }
      const dev = H - H0;
      sumDev = dev < 0 ? -dev : dev;
      if (sumDev >= TAG) {
        this.tagged = true;
        if (P > 0) Z = dev > 0 ? this.lateZ(Z, P, K.ZMAX, K.KzLtp) : this.lateZ(Z, P, K.ZMIN, K.KzLtd);
      }
      if (k0 + i >= kRec) {
        this.H = H; this.Z = Z; this.P = P;
        while (k0 + i >= kRec) {
          onRecord(k0 + i);
          kRec = nextRecord();
        }
      }
      if (H === H1 && Z === Z1 && P === P1 && (det || R.exact)) break;
    }
    const done = Math.min(i, n);
    this.computed += done;
    this.H = H; this.Z = Z; this.P = P; this.sumDev = sumDev;
    return done;
  }

  /** The 6-bit weight code for the current h and z (the PPU writes it into the synapse). */
  weightCode(): number {
    const K = this.k, R = this.rounder;
    let w = R.mulShift(this.H, K.Kwh.k, K.Kwh.s) + R.mulShift(this.Z, K.Kwz.k, K.Kwz.s);
    if (w > WEIGHT_MAX_CODE) { w = WEIGHT_MAX_CODE; this.satW++; } else if (w < 0) { w = 0; this.satW++; }
    return w;
  }
}
