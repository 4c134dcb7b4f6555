/**
 * The fast engine's neuron step: the reference engine's stepNeurons (reference/networkLoop.ts) for
 * one rank's neurons, number for number — the same arithmetic in the same order, and the same
 * background Gaussians (each neuron's stream entityStream(seed, trial, 'neuron', i, 'backgroundNoise'),
 * Box–Muller with the second value kept for the neuron's next step) — so that the fast engine's spikes
 * stay the reference's, paired by seed.
 *
 * Why not call stepNeurons: per neuron-step it cost ≈ 80 ns, most of it not arithmetic. Here
 *  - the generators of all neurons are packed in one Int32Array (xoshiro128**, four words a neuron) and
 *    stepped inline, not through one RandomStream object and two method calls per neuron;
 *  - Box–Muller's Gaussians are drawn in a loop of their own over the noisy neurons, before the membranes;
 *  - the constant coefficients are one small table of distinct rows (one per population), side by side,
 *    with 1 − e^{−dt/τ_mem} computed once, instead of ten arrays of n; the step walks runs of neurons
 *    that share a row, with the row's values in locals;
 *  - the loop is this engine's own, so V8 compiles it for these arrays only (the reference's loop also
 *    runs on the reference engine's plain arrays) and without the observer call and Λ test.
 * The state arrays (v, I_syn, I_bg, p, Σ|h − h0|, Λ) stay those of the rank's NetworkState: the lazy
 * synapses, the PSP delivery, the probes and the fast-forward read and write them there.
 *
 * With `ziggurat` (engine option backgroundGaussians: 'ziggurat') the background Gaussians come from the
 * same streams by the ziggurat method (exact/ziggurat.ts): the same law, other numbers — the spikes are
 * no longer the reference engine's for a seed — drawn inside the membrane loop (one xoshiro128** output
 * and a table lookup in ≈ 98.8 % of draws; the rest continue through gaussianFrom on a view of the packed
 * state, so the numbers are gaussianZiggurat's on the neuron's RandomStream). Box–Muller's log, sqrt, sin
 * and cos are most of the neuron step: the ziggurat's step costs ≈ 0.6 of it (`npm run bench:neurons`).
 */
import { PackedWords, type RandomStream } from '../../random/streams.js';
import type { CompiledNetwork } from '../network/compile.js';
import { GAUSS_K, GAUSS_W, gaussianFrom } from '../exact/ziggurat.js';
import { EPS, type StepCoefficients } from '../reference/detailedLoop.js';
import type { ImposedSpikes, NetworkState } from '../reference/networkLoop.js';

/** Synaptic currents below this are set to zero (networkLoop.ts's TINY: no denormals). */
const TINY = 1e-300;
/** 2^−32, and 2π: RandomStream.uniform's and .gaussian's constants. */
const U32 = 2.3283064365386963e-10;
const TWO_PI = 6.283185307179586;

/** A coefficient row: what the step reads of one kind of neuron, at coef[C·kind + …]. */
const E_MEM = 0, ONE_MINUS_E_MEM = 1, E_SYN = 2, E_OU = 3, OU_NOISE = 4, I0 = 5, V_REV = 6, V_TH = 7, V_RESET = 8, R_MEM = 9, T_REF = 10;
const C = 11;

/**
 * The distinct coefficient rows of `net`'s neurons (one per population unless neurons differ within
 * one) and each neuron's row: a few cache lines for the whole rank instead of ten arrays of n.
 */
function coefficientTable(net: CompiledNetwork): { coef: Float64Array; kind: Int32Array } {
  const { eMem, eSyn, eOU, ouNoise, i0, vRev, vTh, vReset, rMem, tRef } = net.neurons;
  const rows: number[][] = [], index = new Map<string, number>(), kind = new Int32Array(net.n);
  for (let i = 0; i < net.n; i++) {
    const row = [eMem[i]!, 1 - eMem[i]!, eSyn[i]!, eOU[i]!, ouNoise[i]!, i0[i]!, vRev[i]!, vTh[i]!, vReset[i]!, rMem[i]!, tRef[i]!];
    const key = row.join(',');
    if (!index.has(key)) index.set(key, rows.push(row) - 1);
    kind[i] = index.get(key)!;
  }
  return { coef: Float64Array.from(rows.flat()), kind };
}

/** The runs of consecutive neurons with the same coefficient row and drive (see FastNeurons.runs). */
function neuronRuns(kind: Int32Array, driven: Uint8Array): Int32Array {
  const runs: number[] = [];
  for (let lo = 0; lo < kind.length;) {
    let hi = lo + 1;
    while (hi < kind.length && kind[hi] === kind[lo] && driven[hi] === driven[lo]) hi++;
    runs.push(lo, hi, driven[lo] === 1 ? ~kind[lo]! : C * kind[lo]!);
    lo = hi;
  }
  return Int32Array.from(runs);
}

/**
 * One rank's neurons: `net` the rank's view (n its neuron count, indices from 0), `st` and `lam` its
 * state, `background` each neuron's stream (taken over: not to be drawn from elsewhere afterwards).
 */
export class FastNeurons {
  private readonly coef: Float64Array;
  /**
   * Runs of consecutive neurons with one coefficient row and drive, as triples (lo, hi, b): neurons
   * [lo, hi) read row coef[b …], or, driven by imposed spikes, row coef[C·~b …] (b < 0).
   */
  private readonly runs: Int32Array;
  private readonly driven: Uint8Array;
  /** The neurons that draw a background Gaussian each step (not driven, noise amplitude > 0), ascending. */
  private readonly noisy: Int32Array;
  /** xoshiro128** state of neuron i's background stream at rng[4i … 4i + 3]; its kept Gaussian at spare[i] (NaN: none). */
  private readonly rng: Int32Array;
  private readonly spare: Float64Array;
  /** This step's Box–Muller Gaussian of each noisy neuron (unused with the ziggurat). */
  private readonly normal: Float64Array;
  /** A view of one neuron's packed generator state as a word source (the ziggurat's rare slow path). */
  private readonly words: PackedWords;

  constructor(
    net: CompiledNetwork, private readonly k: StepCoefficients, private readonly st: NetworkState, private readonly lam: Float64Array,
    private readonly imposed: ImposedSpikes, background: readonly RandomStream[], private readonly ziggurat = false,
  ) {
    const table = coefficientTable(net);
    this.coef = table.coef;
    this.driven = Uint8Array.from(net.driven);
    this.runs = neuronRuns(table.kind, this.driven);
    this.noisy = Int32Array.from({ length: net.n }, (_, i) => i).filter((i) => net.driven[i] !== 1 && net.neurons.ouNoise[i]! > 0);
    this.rng = new Int32Array(4 * net.n);
    this.spare = new Float64Array(net.n);
    this.normal = new Float64Array(net.n);
    this.words = new PackedWords(this.rng);
    background.forEach((s, i) => s.saveState(this.rng, this.spare, i));
  }

  /** For a checkpoint: the rank's background streams into words[4(lo + i) …] (xoshiro128** words) and spares[lo + i] (kept Gaussian, NaN: none). */
  saveStreams(words: Int32Array, spares: Float64Array, lo: number): void {
    words.set(this.rng, 4 * lo);
    spares.set(this.spare, lo);
  }

  /** From a checkpoint: the streams {@link saveStreams} wrote. */
  loadStreams(words: Int32Array, spares: Float64Array, lo: number): void {
    this.rng.set(words.subarray(4 * lo, 4 * lo + this.rng.length));
    this.spare.set(spares.subarray(lo, lo + this.spare.length));
  }

  /**
   * Step 1 of step j for every neuron (reference stepNeurons): membrane, background, refractoriness or
   * threshold (or an imposed spike), synaptic current decay, protein, and Λ += p·dt; this step's spikes
   * go into the ring and `spiked`. Run by run of neurons that share a coefficient row, so that the row
   * lives in locals instead of being read from the table for every neuron.
   */
  step(j: number): void {
    if (!this.ziggurat) this.drawGaussians();
    const { runs, imposed } = this;
    const size = this.st.ringSize, slot = (j % size) * this.driven.length;
    let count = 0;
    while (imposed.pos < imposed.step.length && imposed.step[imposed.pos]! < j) imposed.pos++;
    for (let r = 0; r < runs.length; r += 3) {
      const lo = runs[r]!, hi = runs[r + 1]!, b = runs[r + 2]!;
      const row = b < 0 ? C * ~b : b;
      count = b < 0 ? this.stepDriven(lo, hi, row, j, slot, count) : this.stepFree(lo, hi, row, slot, count);
      this.currentAndProtein(lo, hi, this.coef[row + E_SYN]!);
    }
    this.st.ringCount[j % size] = count;
  }

  /** Membranes of neurons [lo, hi) of coefficient row b (background, V, threshold); returns the ring's new count. */
  private stepFree(lo: number, hi: number, b: number, slot: number, count: number): number {
    const { coef, normal, rng, words } = this;
    const zig = this.ziggurat, K = GAUSS_K, W = GAUSS_W;
    const { v, iSyn, iBg, refractory, iStim, spiked, ring } = this.st;
    const dt = this.k.dt;
    const e = coef[b + E_MEM]!, e1 = coef[b + ONE_MINUS_E_MEM]!, eOu = coef[b + E_OU]!;
    const noise = coef[b + OU_NOISE]!, i0 = coef[b + I0]!, vRev = coef[b + V_REV]!, vTh = coef[b + V_TH]!;
    const vReset = coef[b + V_RESET]!, rMem = coef[b + R_MEM]!, tRef = coef[b + T_REF]!;
    for (let i = lo; i < hi; i++) {
      let bg = iBg[i]!;
      if (noise > 0) {
        let g: number;
        if (zig) {
          // the ziggurat's fast path on neuron i's packed xoshiro128** state (RandomStream.nextUint32)
          const w = 4 * i, s0 = rng[w]!, s1 = rng[w + 1]!, s2 = rng[w + 2]!, s3 = rng[w + 3]!;
          const m = Math.imul(s1, 5);
          const u = Math.imul((m << 7) | (m >>> 25), 9);
          const t = s1 << 9, n2 = s2 ^ s0, n3 = s3 ^ s1;
          rng[w] = s0 ^ n3;
          rng[w + 1] = s1 ^ n2;
          rng[w + 2] = n2 ^ t;
          rng[w + 3] = (n3 << 11) | (n3 >>> 21);
          const iz = u & 127, jz = u >> 7;
          if ((jz < 0 ? -jz : jz) < K[iz]!) g = jz * W[iz]!;
          else {
            words.at = w;
            g = gaussianFrom(u >>> 0, words);
          }
        } else g = normal[i]!;
        bg = (bg - i0) * eOu + noise * g + i0;
        iBg[i] = bg;
      } else if (bg !== i0) {
        bg = (bg - i0) * eOu + 0 + i0;
        iBg[i] = bg;
      }
      let vi = v[i]! * e + (vRev + rMem * (bg + iSyn[i]!)) * e1;
      const stim = iStim[i]!;
      if (stim !== 0) vi += rMem * stim * e1;
      const ref = refractory[i]!;
      let fire = false;
      if (ref > EPS) {
        vi = vReset;
        refractory[i] = ref - dt;
      } else if (vi >= vTh) {
        vi = vReset;
        refractory[i] = tRef;
        fire = true;
      }
      v[i] = vi;
      if (fire) {
        spiked[i] = 1;
        ring[slot + count++] = i;
      }
    }
    return count;
  }

  /** Neurons [lo, hi), after their membranes: synaptic current decay (factor eSyn), protein, Λ += p·dt. */
  private currentAndProtein(lo: number, hi: number, eSyn: number): void {
    const { lam } = this;
    const { iSyn, p, sumDev, synthesis } = this.st;
    const dt = this.k.dt, eP = this.k.eP, alphaIn = this.k.alpha * (1 - eP), thetaPro = this.k.thetaPro;
    for (let i = lo; i < hi; i++) {
      let cur = iSyn[i]! * eSyn;
      if (cur < TINY && cur > -TINY) cur = 0;
      iSyn[i] = cur;
      let pi = p[i]!;
      if (sumDev[i]! >= thetaPro) {
        synthesis[i] = 1;
        pi = pi * eP + alphaIn;
        p[i] = pi;
      } else if (pi !== 0) {
        pi = pi * eP;
        p[i] = pi;
      }
      if (pi !== 0) lam[i] = lam[i]! + pi * dt; // (adding 0 changes no Λ: most neurons never synthesise)
    }
  }

  /** Driven neurons [lo, hi) of coefficient row b: their imposed spikes of step j replace the membrane; returns the ring's new count. */
  private stepDriven(lo: number, hi: number, b: number, j: number, slot: number, count: number): number {
    const { imposed } = this;
    const { v, spiked, ring } = this.st;
    const vReset = this.coef[b + V_RESET]!;
    for (let i = lo; i < hi; i++) {
      // An imposed spike replaces the membrane (the C++ simulator's Poisson neurons): no refractoriness.
      v[i] = vReset;
      let fire = false;
      while (imposed.pos < imposed.step.length && imposed.step[imposed.pos] === j && imposed.neuron[imposed.pos] === i) {
        fire = true;
        imposed.pos++;
      }
      if (fire) {
        spiked[i] = 1;
        ring[slot + count++] = i;
      }
    }
    return count;
  }

  /**
   * Each noisy neuron's next background Gaussian into normal[i]: RandomStream.gaussian on the packed
   * state, bit for bit (the kept second value of a Box–Muller pair, or two xoshiro128** outputs made
   * into a new pair). In a loop of its own: the four Math calls of a pair cost more than the rest of the
   * neuron's step, and this loop keeps them apart from the membrane's many arrays.
   */
  private drawGaussians(): void {
    const { noisy, rng, spare, normal } = this;
    for (let q = 0; q < noisy.length; q++) {
      const i = noisy[q]!;
      const kept = spare[i]!;
      if (kept === kept) {
        spare[i] = NaN;
        normal[i] = kept;
        continue;
      }
      const w = 4 * i;
      let s0 = rng[w]!, s1 = rng[w + 1]!, s2 = rng[w + 2]!, s3 = rng[w + 3]!;
      // two outputs of RandomStream.nextUint32
      let m = Math.imul(s1, 5);
      const x1 = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      let t = s1 << 9, n2 = s2 ^ s0, n3 = s3 ^ s1;
      s1 ^= n2;
      s0 ^= n3;
      s2 = n2 ^ t;
      s3 = (n3 << 11) | (n3 >>> 21);
      m = Math.imul(s1, 5);
      const x2 = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      n2 = s2 ^ s0;
      n3 = s3 ^ s1;
      rng[w] = s0 ^ n3;
      rng[w + 1] = s1 ^ n2;
      rng[w + 2] = n2 ^ t;
      rng[w + 3] = (n3 << 11) | (n3 >>> 21);
      const r = Math.sqrt(-2 * Math.log((x1 + 0.5) * U32));
      const a = TWO_PI * ((x2 + 0.5) * U32);
      spare[i] = r * Math.sin(a);
      normal[i] = r * Math.cos(a);
    }
  }
}
