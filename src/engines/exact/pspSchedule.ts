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
/** Window of the cheap envelope test, in units of the slower membrane time constant (beyond every PSP's peak). */
const WINDOW_TAUS = 5;
/** Bins of the PSP envelope table over that window. */
const ENVELOPE_BINS = 512;

/** The PSP shape from rest per unit current, (u(s) − D)/(R I) (lif.ts), whose maximum is L.gMax. */
function unitPsp(L: LifConstants, s: number): number {
  if (L.equalTau) return (s / L.tauMem) * Math.exp(-s / L.tauMem);
  return (L.tauSyn / (L.tauMem - L.tauSyn)) * (Math.exp(-s / L.tauMem) - Math.exp(-s / L.tauSyn));
}

/**
 * The PSP's envelope in peaks over [0, W), binned: E[q] ≥ u(s)/u_max for every s in bin q — 1 up to the
 * peak, then the shape at the bin's start (it only falls after its peak), rounded up. A sum of these over
 * the arrivals bounds the membrane from above at every time, and is largest just after an arrival.
 */
function pspEnvelope(L: LifConstants, W: number): Float64Array {
  const E = new Float64Array(ENVELOPE_BINS + 1);
  for (let q = 0; q <= ENVELOPE_BINS; q++) {
    const s = (q * W) / ENVELOPE_BINS;
    E[q] = s <= L.tPeak ? 1 : Math.min(1, (unitPsp(L, s) / L.gMax) * (1 + 1e-12));
  }
  return E;
}

/** Reused buffers: arrival times to process and the indices of the arrivals where the bounding membrane may fire. */
export class PspBuffer {
  times = new Float64Array(1024);
  length = 0;
  private firing = new Int32Array(1024);
  private readonly mem = new Float64Array(3);
  /** The envelope table of the membrane it was built for (the trials of an ensemble share one). */
  private envelope: Float64Array = new Float64Array(0);
  private envelopeOf: LifConstants | undefined;

  private reserve(n: number): void {
    if (this.times.length >= n) return;
    let size = this.times.length;
    while (size < n) size *= 2;
    this.times = new Float64Array(size);
    this.firing = new Int32Array(size);
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
   * PSP adds more than iMax (nA) to the synaptic current: those within the membrane's memory (gap) before
   * or after an arrival from which the bounding membrane may reach threshold.
   */
  needed(spikes: Float64Array, n: number, delay: number, L: LifConstants, iMax: number, u0: number, i0: number): void {
    this.reserve(n);
    const nf = this.firingArrivals(spikes, n, delay, L, iMax, u0, i0);
    const T = this.times, F = this.firing, gap = MEMBRANE_MEMORY_TAUS * Math.max(L.tauMem, L.tauSyn);
    // each firing arrival keeps the arrivals less than gap before and after it (each kept once)
    let k = 0, lo = 0;
    for (let q = 0; q < nf; q++) {
      const f = F[q]!, tf = spikes[f]! + delay;
      let a = f;
      while (a > lo && tf - (spikes[a - 1]! + delay) < gap) a--;
      for (let m = a; m <= f; m++) T[k++] = spikes[m]! + delay;
      const end = q + 1 < nf ? F[q + 1]! : n;
      let e = f + 1;
      for (; e < end && spikes[e]! + delay - tf < gap; e++) T[k++] = spikes[e]! + delay;
      lo = e;
    }
    this.length = k;
  }

  /**
   * Runs the bounding membrane (every PSP adds iMax) through the arrivals; writes the indices of those after
   * which it may reach threshold before the next arrival into `firing`, and returns how many.
   */
  private firingArrivals(spikes: Float64Array, n: number, delay: number, L: LifConstants, iMax: number, u0: number, i0: number): number {
    const F = this.firing, gap = MEMBRANE_MEMORY_TAUS * Math.max(L.tauMem, L.tauSyn);
    const level = L.uTh - MARGIN_MV;
    const W = WINDOW_TAUS * Math.max(L.tauMem, L.tauSyn);
    const eps = unitPsp(L, W) / L.gMax;
    if (this.envelopeOf !== L) {
      this.envelope = pspEnvelope(L, W);
      this.envelopeOf = L;
    }
    const E = this.envelope, perBin = ENVELOPE_BINS / W;
    // the level's height above rest in PSP peaks, less a relative margin for the rounding of this bound
    const room = iMax > 0 ? ((level - L.drive) / (L.rMem * iMax * L.gMax)) * (1 - 1e-9) : -Infinity;
    // the bounding membrane (u, I) and the time it is at live in M: doubles in locals that start as small
    // integers would make V8 box them on every iteration
    const M = this.mem;
    M[0] = u0;
    M[1] = i0;
    M[2] = 0;
    let nf = 0;
    for (let i = 0; i < n; i++) {
      const ti = spikes[i]! + delay;
      if (ti - M[2]! > gap) {
        // A cluster of arrivals [i, b) starts from rest. The bounding membrane is at most the sum of the PSPs'
        // envelopes (pspEnvelope; eps peaks each once older than W), largest just after an arrival. If that
        // stays below the level the detailed run below would keep none of the cluster's arrivals either, and
        // the cluster is passed over whole, without an exponential (in low-frequency protocols, most bursts).
        let b = i + 1;
        while (b < n && spikes[b]! + delay - (spikes[b - 1]! + delay) <= gap) b++;
        const limit = room - eps * (b - i);
        let fits = limit > 1;
        for (let j = i + 1; fits && j < b; j++) {
          const tj = spikes[j]!;
          let sum = 1;
          for (let k = j - 1; k >= i; k--) {
            const s = tj - spikes[k]!;
            if (s >= W) break;
            sum += E[(s * perBin) | 0]!;
          }
          if (sum >= limit) fits = false;
        }
        if (fits) {
          M[2] = spikes[b - 1]! + delay;
          i = b - 1;
          continue;
        }
        M[0] = L.drive;
        M[1] = 0;
      } else advanceMembrane(L, M[0]!, M[1]!, ti - M[2]!, M);
      M[1] += iMax;
      M[2] = ti;
      // the peak of the free trajectory ignores the next arrival: most arrivals end here
      if (peakBound(L, M[0]!, M[1]!) >= level && reaches(L, M[0]!, M[1]!, i + 1 < n ? spikes[i + 1]! + delay - ti : Infinity, level)) F[nf++] = i;
    }
    return nf;
  }
}
