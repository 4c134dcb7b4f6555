/**
 * The PSP arrivals an `exact` trial must process. A PSP changes nothing but the membrane, and the membrane
 * matters only where it can reach threshold; knowing a PSP's weight means sampling the noisy h at its
 * arrival — in a low-frequency protocol most of the trial's work. So before the trial, the membrane is
 * run once with every weight at its upper bound (model/weightBound.ts): it is linear and increasing in
 * each weight, so wherever this bounding membrane stays below threshold the real one does too. An
 * arrival is processed only if the bounding membrane can reach threshold within G = 40 max(τ_mem, τ_syn)
 * of it (before or after); the others are dropped. A dropped PSP would have changed the membrane by less
 * than e⁻⁴⁰ (≈ 4·10⁻¹⁸) of its size wherever the membrane can fire — below a double's resolution of V.
 *
 * What changes: h is sampled at fewer times (each sample still exact: the path's law is unchanged, its
 * realisation for a seed is not), and max_dev, the largest sampled |h − h0|, sees fewer samples. A probe
 * of V needs every weight: a trial with one processes every arrival (as the engine option everyPsp asks).
 */
import { advanceMembrane, peakBound, reaches, type LifConstants } from './lif.js';

/** Memory of the membrane in units of its slower time constant (e⁻⁴⁰ of a PSP is left after it). */
export const MEMBRANE_MEMORY_TAUS = 40;
/** Margin added to the bounding membrane, mV (its own rounding). */
const MARGIN_MV = 1e-9;

/** Reused buffers: arrival times to process and, per arrival, whether the bounding membrane may fire. */
export class PspBuffer {
  times = new Float64Array(1024);
  length = 0;
  danger = new Uint8Array(1024);
  private readonly mem = new Float64Array(3);

  private reserve(n: number): void {
    if (this.times.length >= n) return;
    let size = this.times.length;
    while (size < n) size *= 2;
    this.times = new Float64Array(size);
    this.danger = new Uint8Array(size);
  }

  /** Every arrival spikes[i] + delay, i < n. */
  all(spikes: Float64Array, n: number, delay: number): void {
    this.reserve(n);
    const T = this.times;
    for (let i = 0; i < n; i++) T[i] = spikes[i]! + delay;
    this.length = n;
  }

  /**
   * The arrivals spikes[i] + delay that the membrane L, starting from (u0, I0) at t = 0, needs, when no
   * PSP adds more than iMax (nA) to the synaptic current.
   */
  needed(spikes: Float64Array, n: number, delay: number, L: LifConstants, iMax: number, u0: number, i0: number): void {
    this.all(spikes, n, delay);
    const T = this.times, D = this.danger, gap = MEMBRANE_MEMORY_TAUS * Math.max(L.tauMem, L.tauSyn);
    const level = L.uTh - MARGIN_MV;
    // the bounding membrane (u, I) and the time it is at live in M: doubles in locals that start as small
    // integers would make V8 box them on every iteration
    const M = this.mem;
    M[0] = u0;
    M[1] = i0;
    M[2] = 0;
    let any = false;
    for (let i = 0; i < n; i++) {
      const ti = T[i]!;
      if (ti - M[2]! > gap) {
        M[0] = L.drive;
        M[1] = 0;
      } else advanceMembrane(L, M[0]!, M[1]!, ti - M[2]!, M);
      M[1] += iMax;
      M[2] = ti;
      let d = 0;
      // the peak of the free trajectory ignores the next arrival: most arrivals end here
      if (peakBound(L, M[0]!, M[1]!) >= level) d = reaches(L, M[0]!, M[1]!, i + 1 < n ? T[i + 1]! - ti : Infinity, level) ? 1 : 0;
      D[i] = d;
      if (d) any = true;
    }
    if (!any) {
      this.length = 0;
      return;
    }
    // keep arrival i if a dangerous arrival lies within the membrane's memory before or after it
    let last = -Infinity;
    for (let i = 0; i < n; i++) {
      if (D[i]) last = T[i]!;
      else if (T[i]! - last < gap) D[i] = 2;
    }
    let next = Infinity, k = 0;
    for (let i = n - 1; i >= 0; i--) {
      if (D[i] === 1) next = T[i]!;
      else if (next - T[i]! < gap) D[i] = 2;
    }
    for (let i = 0; i < n; i++) if (D[i]) T[k++] = T[i]!;
    this.length = k;
  }
}
