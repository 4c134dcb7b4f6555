/**
 * The analog circuits of a network on the chip, with their fixed-pattern mismatch (drawn once per chip
 * seed and circuit, reduced by calibration) and trial-to-trial variation, as per-neuron and per-synapse
 * step coefficients in biological time (the hardware's time constants are the biological ones divided
 * by the acceleration, and so is its step: the factors cancel). The same quantities as the single
 * synapse's analogFrontend.ts: membrane and synaptic time constants, threshold, reset, refractory time
 * per neuron; weight gain, calcium time constant and jumps per synapse; ADC gain and offset per column.
 */
import { decayFactor } from '../../../model/equations.js';
import { toSeconds, type ModelParams } from '../../../model/parameters.js';
import { entityStream, type RandomStream } from '../../../random/streams.js';
import type { CompiledNetwork } from '../../network/compile.js';
import { ADC_OFFSET_LSB_PER_MISMATCH, effectiveMismatch } from '../analogFrontend.js';
import type { ResolvedBss2Config } from '../config.js';

/** Smallest factor a mismatch draw may scale a quantity by (as analogFrontend.ts). */
const MIN_FACTOR = 0.05;

export interface NetworkCircuits {
  readonly eMem: Float64Array;
  readonly eSyn: Float64Array;
  readonly vTh: Float64Array;
  readonly vReset: Float64Array;
  readonly tRef: Float64Array;
  /** Per plastic synapse: weight gain, log of the per-step calcium decay, calcium jumps. */
  readonly gain: Float64Array;
  readonly lnEC: Float64Array;
  readonly cPre: Float64Array;
  readonly cPost: Float64Array;
  /** Per neuron (its synapse column's ADC channel): gain and offset in LSB. */
  readonly adcGain: Float64Array;
  readonly adcOffset_lsb: Float64Array;
  /** Per static edge of each delay group: the weight gain of its synapse. */
  readonly staticGain: Float64Array[];
}

/** One mismatched factor: (1 + σ_fixed·g_chip)(1 + σ_trial·g_trial), at least MIN_FACTOR. */
function factor(chip: RandomStream, trial: RandomStream, sdFixed: number, sdTrial: number): number {
  return Math.max(MIN_FACTOR, (1 + sdFixed * chip.gaussian()) * (1 + sdTrial * trial.gaussian()));
}

export function networkCircuits(net: CompiledNetwork, P: ModelParams, cfg: ResolvedBss2Config, seed: number, trial: number, dt: number): NetworkCircuits {
  const sd = effectiveMismatch(cfg), tn = cfg.temporalNoise;
  const n = net.n, ns = net.nSyn;
  const eMem = new Float64Array(n), eSyn = new Float64Array(n), vTh = new Float64Array(n), vReset = new Float64Array(n), tRef = new Float64Array(n);
  const adcGain = new Float64Array(n), adcOffset_lsb = new Float64Array(n);
  const K = net.neurons;
  for (let i = 0; i < n; i++) {
    const chip = entityStream(cfg.chipSeed, 0, 'neuron', i, 'hardwareMismatch');
    const noise = entityStream(seed, trial, 'neuron', i, 'hardwareNoise');
    // the compiled coefficients are e^{−dt/τ}: a factor f on τ gives e^{−dt/(fτ)} = (e^{−dt/τ})^{1/f}
    eMem[i] = K.eMem[i]! ** (1 / factor(chip, noise, sd, tn));
    eSyn[i] = K.eSyn[i]! ** (1 / factor(chip, noise, sd, tn));
    vTh[i] = K.vRev[i]! + (K.vTh[i]! - K.vRev[i]!) * factor(chip, noise, sd, tn);
    vReset[i] = K.vRev[i]! - (K.vRev[i]! - K.vReset[i]!) * factor(chip, noise, sd, tn);
    tRef[i] = K.tRef[i]! * factor(chip, noise, sd, tn);
    adcGain[i] = factor(chip, noise, sd, tn);
    adcOffset_lsb[i] = ADC_OFFSET_LSB_PER_MISMATCH * (sd * chip.gaussian() + tn * noise.gaussian());
  }
  const gain = new Float64Array(ns), lnEC = new Float64Array(ns), cPre = new Float64Array(ns), cPost = new Float64Array(ns);
  const lnC = Math.log(decayFactor(dt, toSeconds(P, 'tau_c')));
  for (let s = 0; s < ns; s++) {
    const chip = entityStream(cfg.chipSeed, 0, 'synapse', s, 'hardwareMismatch');
    const noise = entityStream(seed, trial, 'synapse', s, 'hardwareNoise');
    gain[s] = factor(chip, noise, sd, tn);
    lnEC[s] = lnC / factor(chip, noise, sd, tn);
    cPre[s] = P.c_pre * factor(chip, noise, sd, tn);
    cPost[s] = P.c_post * factor(chip, noise, sd, tn);
  }
  // static synapses: one fixed-pattern gain per edge, from a stream per (delay group, source neuron)
  // (trial index 1 + group, so never the neuron's own stream; their 0.2 % temporal noise is left out)
  const none = { gaussian: () => 0 } as unknown as RandomStream;
  const staticGain = net.delays.map((g, gi) => {
    const out = new Float64Array(g.target.length);
    for (let m = 0; m < n; m++) {
      const from = g.outStart[m]!, to = g.outStart[m + 1]!;
      if (from === to) continue;
      const chip = entityStream(cfg.chipSeed, 1 + gi, 'neuron', m, 'hardwareMismatch');
      for (let e = from; e < to; e++) out[e] = factor(chip, none, sd, 0);
    }
    return out;
  });
  return { eMem, eSyn, vTh, vReset, tRef, gain, lnEC, cPre, cPost, adcGain, adcOffset_lsb, staticGain };
}
