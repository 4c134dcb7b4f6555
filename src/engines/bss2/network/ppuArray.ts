/**
 * The plasticity processors' program for a whole network: h and z of every plastic synapse and p and
 * Σ|h − h0| of every neuron as integers in one number format, updated once per solver period from
 * each synapse's calcium regime (read through the ADC). The arithmetic of one synapse is the
 * single-synapse processor's (ppu.ts: the same constants, the same order of roundings and
 * saturations); here it runs over arrays, grouped by postsynaptic neuron so that the protein of a
 * neuron sees the Σ|h − h0| of all its synapses from the previous update, as in the reference.
 */
import { SUM4_MEAN } from '../lfsr.js';
import type { PpuConstants } from '../ppu.js';
import { WEIGHT_MAX_CODE } from '../ppu.js';
import type { Rounder } from '../rounding.js';

export class NetworkPpu {
  readonly H: Int32Array;
  readonly Z: Int32Array;
  readonly P: Int32Array;
  readonly sumDev: Float64Array;
  /** The 6-bit weight code of every synapse, as last written to the array. */
  readonly weight: Uint8Array;
  /** 1 for a neuron that ever synthesised protein; per synapse 1 once tagged. */
  readonly synthesis: Uint8Array;
  readonly tagged: Uint8Array;
  /** Largest signed H − H0 in an update with calcium above θ_d, LSB. */
  maxDev = 0;
  /** Synapse updates computed, and saturations of h, z, p, weight. */
  computed = 0;
  readonly sat = { h: 0, z: 0, p: 0, weight: 0 };
  private readonly lo: number;
  private readonly hi: number;
  private readonly deterministic: boolean;

  constructor(readonly k: PpuConstants, private readonly R: Rounder, private readonly inStart: Int32Array, nSyn: number) {
    const n = inStart.length - 1;
    this.H = new Int32Array(nSyn).fill(k.H0);
    this.Z = new Int32Array(nSyn);
    this.P = new Int32Array(n);
    this.sumDev = new Float64Array(n);
    this.weight = new Uint8Array(nSyn);
    this.synthesis = new Uint8Array(n);
    this.tagged = new Uint8Array(nSyn);
    this.lo = k.fmt.min;
    this.hi = k.fmt.max;
    this.deterministic = R.mode !== 'stochastic';
    for (let s = 0; s < nSyn; s++) this.weight[s] = this.weightCode(s);
  }

  /** One update of every neuron with plastic inputs; `regime[s]` is synapse s's calcium regime (0, 1, 2). */
  update(regime: Uint8Array): void {
    const n = this.inStart.length - 1;
    for (let t = 0; t < n; t++) {
      if (this.inStart[t + 1] === this.inStart[t]) continue;
      this.proteinStep(t);
      let sum = 0;
      for (let s = this.inStart[t]!, end = this.inStart[t + 1]!; s < end; s++) {
        sum += this.synapseStep(s, t, regime[s]! as 0 | 1 | 2);
        this.weight[s] = this.weightCode(s);
      }
      this.sumDev[t] = sum;
    }
  }

  /**
   * `count` updates of neuron t's synapses with calcium below θ_d (a silent network). Stops early at a
   * fixed point (nothing changed, no fraction discarded: every later update would repeat it exactly);
   * returns whether it reached one. The weights are written once, at the end.
   */
  idleNeuron(t: number, count: number): boolean {
    const R = this.R;
    const a = this.inStart[t]!, b = this.inStart[t + 1]!;
    if (a === b || count <= 0) return a === b;
    // once an update leaves every synapse as it was (no fraction discarded) and none is tagged, the
    // synapses stay put whatever p does (calcium is below θ_d): only the protein is updated after that
    let settled = false;
    for (let i = 0; i < count; i++) {
      R.exact = true;
      const p0 = this.P[t]!;
      this.proteinStep(t);
      const proteinExact = R.exact;
      if (!settled) {
        R.exact = true;
        let changed = false, sum = 0;
        for (let s = a; s < b; s++) {
          const h0 = this.H[s]!, z0 = this.Z[s]!;
          const dev = this.synapseStep(s, t, 0);
          sum += dev;
          if (this.H[s] !== h0 || this.Z[s] !== z0 || dev >= this.k.TAG) changed = true;
        }
        this.sumDev[t] = sum;
        settled = !changed && (this.deterministic || R.exact);
      }
      if (settled && this.P[t] === p0 && (this.deterministic || proteinExact)) {
        this.writeWeights(a, b);
        return true;
      }
    }
    this.writeWeights(a, b);
    return false;
  }

  private proteinStep(t: number): void {
    const K = this.k, R = this.R;
    const synthesis = this.sumDev[t]! >= K.PRO;
    const P = this.P[t]!;
    const d = synthesis ? K.PA - P : -P;
    if (d !== 0) {
      let p = P + R.mulShift(d, K.Kp.k, K.Kp.s);
      if (p > this.hi) { p = this.hi; this.sat.p++; } else if (p < this.lo) { p = this.lo; this.sat.p++; }
      this.P[t] = p;
    }
    if (synthesis && this.P[t]! > 0) this.synthesis[t] = 1;
  }

  /** Early phase, tag and late phase of synapse s (ppu.ts steps 2–4); returns |H − H0|. */
  private synapseStep(s: number, t: number, r: 0 | 1 | 2): number {
    const K = this.k, R = this.R, lo = this.lo, hi = this.hi;
    this.computed++;
    let h = this.H[s]!;
    let diff = K.T[r]! - h;
    if (diff > hi) { diff = hi; this.sat.h++; } else if (diff < lo) { diff = lo; this.sat.h++; }
    let dh = diff !== 0 ? R.mulShift(diff, K.Kh[r]!.k, K.Kh[r]!.s) : 0;
    if (r !== 0) dh += R.mulShift(R.sum4Bytes() - SUM4_MEAN, K.Kn[r]!.k, K.Kn[r]!.s);
    if (dh !== 0) {
      h += dh;
      if (h > hi) { h = hi; this.sat.h++; } else if (h < lo) { h = lo; this.sat.h++; }
      this.H[s] = h;
    }
    const dev = h - K.H0;
    const abs = dev < 0 ? -dev : dev;
    if (r !== 0 && abs > (this.maxDev < 0 ? -this.maxDev : this.maxDev)) this.maxDev = dev;
    if (abs >= K.TAG) {
      this.tagged[s] = 1;
      const P = this.P[t]!;
      if (P > 0) this.Z[s] = dev > 0 ? this.lateZ(this.Z[s]!, P, K.ZMAX, K.KzLtp) : this.lateZ(this.Z[s]!, P, K.ZMIN, K.KzLtd);
    }
    return abs;
  }

  private lateZ(Z: number, P: number, bound: number, kz: { k: number; s: number }): number {
    const K = this.k, R = this.R;
    const pm = K.pReduce > 0 ? R.mulShift(P, 1, K.pReduce) : P;
    const t = R.mulShift(bound - Z, pm, K.zpShift);
    if (t === 0) return Z;
    let z = Z + R.mulShift(t, kz.k, kz.s);
    if (z > this.hi) { z = this.hi; this.sat.z++; } else if (z < this.lo) { z = this.lo; this.sat.z++; }
    return z;
  }

  /** The weights of synapses [a, b) after a silent stretch (the processor writes them once at its end). */
  private writeWeights(a: number, b: number): void {
    for (let s = a; s < b; s++) this.weight[s] = this.weightCode(s);
  }

  private weightCode(s: number): number {
    const K = this.k, R = this.R;
    let w = R.mulShift(this.H[s]!, K.Kwh.k, K.Kwh.s) + R.mulShift(this.Z[s]!, K.Kwz.k, K.Kwz.s);
    if (w > WEIGHT_MAX_CODE) { w = WEIGHT_MAX_CODE; this.sat.weight++; } else if (w < 0) { w = 0; this.sat.weight++; }
    return w;
  }
}
