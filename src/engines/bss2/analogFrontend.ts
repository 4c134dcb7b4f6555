/**
 * The analog core: the postsynaptic LIF neuron, its current-based synapse and the synapse's calcium
 * trace as leaky-integrator circuits that run in hardware time (biological time / acceleration). Their
 * parameters carry per-circuit fixed-pattern mismatch (drawn once per chip seed, reduced by calibration)
 * and trial-to-trial temporal variation. Spike delays (3 ms synaptic, 18.8 ms for the presynaptic calcium
 * jump) are played in by the spike sources on the FPGA, so they are exact.
 *
 * Each circuit is integrated with the exact exponential update over the emulation step (forcing held
 * constant), in the reference's order within a step.
 */
import { decayFactor } from '../../model/equations.js';
import type { ModelParams } from '../../model/parameters.js';
import { toSeconds } from '../../model/parameters.js';
import { streamFor } from '../../random/streams.js';
import type { ResolvedBss2Config } from './config.js';

/** ADC offset SD per unit of relative mismatch, LSB (10 % raw mismatch → 2 LSB). */
export const ADC_OFFSET_LSB_PER_MISMATCH = 20;
/** Smallest factor a mismatch draw may scale a parameter by. */
const MIN_FACTOR = 0.05;

/** Circuit parameters in hardware units (seconds of hardware time). */
export interface AnalogCircuit {
  readonly tauMem_hw: number;
  readonly tRef_hw: number;
  readonly tauSyn_hw: number;
  readonly tauC_hw: number;
  readonly vRest: number;
  readonly vTh: number;
  readonly vReset: number;
  readonly rMem: number;
  /** Gain of the synaptic weight → current conversion. */
  readonly weightGain: number;
  readonly cPre: number;
  readonly cPost: number;
  readonly adcGain: number;
  readonly adcOffset_lsb: number;
}

/** Names of the circuit quantities that carry mismatch, in draw order. */
export const MISMATCHED = ['tauMem', 'vTh', 'vReset', 'tRef', 'tauSyn', 'weightGain', 'tauC', 'cPre', 'cPost', 'adcGain', 'adcOffset'] as const;

/** The effective relative mismatch SD of a configuration (after calibration). */
export function effectiveMismatch(cfg: Pick<ResolvedBss2Config, 'mismatch' | 'calibration' | 'calibrationResidual'>): number {
  return cfg.mismatch * (cfg.calibration ? cfg.calibrationResidual : 1);
}

/**
 * The circuit of one synapse/neuron pair on chip `cfg.chipSeed` (circuit 0) in trial `trial`: nominal
 * values × (1 + fixed-pattern deviation) × (1 + trial-to-trial deviation), in hardware time.
 */
export function analogCircuit(P: ModelParams, cfg: ResolvedBss2Config, seed: number, trial: number): AnalogCircuit {
  const sdFixed = effectiveMismatch(cfg);
  const chip = streamFor(cfg.chipSeed, [0], 'hardwareMismatch');
  const trialRng = streamFor(seed, [trial], 'hardwareNoise');
  const d: Record<string, number> = {};
  for (const name of MISMATCHED) {
    const gFixed = chip.gaussian();
    const gTrial = trialRng.gaussian();
    if (name === 'adcOffset') {
      d[name] = ADC_OFFSET_LSB_PER_MISMATCH * (sdFixed * gFixed + cfg.temporalNoise * gTrial);
    } else {
      d[name] = Math.max(MIN_FACTOR, (1 + sdFixed * gFixed) * (1 + cfg.temporalNoise * gTrial));
    }
  }
  const a = cfg.acceleration;
  const vRest = P.v_rev + P.r_mem * P.i_0;
  return {
    tauMem_hw: (toSeconds(P, 'tau_mem') * d.tauMem!) / a,
    tRef_hw: (toSeconds(P, 't_ref') * d.tRef!) / a,
    tauSyn_hw: (toSeconds(P, 'tau_syn') * d.tauSyn!) / a,
    tauC_hw: (toSeconds(P, 'tau_c') * d.tauC!) / a,
    vRest,
    vTh: P.v_rev + (P.v_th - P.v_rev) * d.vTh!,
    vReset: P.v_rev - (P.v_rev - P.v_reset) * d.vReset!,
    rMem: P.r_mem,
    weightGain: d.weightGain!,
    cPre: P.c_pre * d.cPre!,
    cPost: P.c_post * d.cPost!,
    adcGain: d.adcGain!,
    adcOffset_lsb: d.adcOffset!,
  };
}

/** Below this, decaying traces are flushed to zero (see the reference engine). */
const TINY = 1e-300;

/** The neuron, synaptic current and calcium circuits of one synapse, advanced in hardware-time steps. */
export class AnalogFrontend {
  v: number;
  iSyn = 0;
  c = 0;
  private refractory = 0;
  postSpikes = 0;
  /** Synaptic weight as the 6-bit code the PPU wrote, and the current (nA) one code injects. */
  weightCode = 0;
  private readonly nAPerCode: number;
  private readonly eMem: number;
  private readonly eSyn: number;
  /** Calcium decay factor per step (probes evaluate quiet stretches with it). */
  readonly eC: number;
  /** Step in hardware time, s. */
  readonly dt_hw: number;
  /**
   * A driven neuron (forced postsynaptic spikes, Protocol.postSpikeTimes_s): it spikes only when `step`
   * is told to, into the calcium circuit, and its membrane is held at the reset potential.
   */
  driven = false;

  constructor(readonly circuit: AnalogCircuit, dt_bio_s: number, acceleration: number, weightLsb_mV: number) {
    this.dt_hw = dt_bio_s / acceleration;
    this.eMem = decayFactor(this.dt_hw, circuit.tauMem_hw);
    this.eSyn = decayFactor(this.dt_hw, circuit.tauSyn_hw);
    this.eC = decayFactor(this.dt_hw, circuit.tauC_hw);
    this.v = circuit.vRest;
    this.nAPerCode = (weightLsb_mV * circuit.weightGain) / circuit.rMem;
  }

  /**
   * One step: neuron (threshold/reset/refractory), synaptic current decay, the delayed PSP, then calcium
   * decay and the delayed presynaptic and postsynaptic jumps. Returns whether the neuron spiked.
   */
  step(psp: boolean, caPre: boolean, forced = false): boolean {
    const K = this.circuit;
    let spike = false;
    if (this.driven) {
      // no threshold, no refractoriness: the spikes are the forced ones
      this.v = K.vReset;
      spike = forced;
    } else {
      this.v = this.v * this.eMem + (K.vRest + K.rMem * this.iSyn) * (1 - this.eMem);
      if (this.refractory > 1e-15) {
        this.v = K.vReset;
        this.refractory -= this.dt_hw;
      } else if (this.v >= K.vTh) {
        this.v = K.vReset;
        this.refractory = K.tRef_hw;
        spike = true;
      }
    }
    if (spike) this.postSpikes++;
    this.iSyn *= this.eSyn;
    if (this.iSyn < TINY && this.iSyn > -TINY) this.iSyn = 0;
    if (psp) this.iSyn += this.weightCode * this.nAPerCode;
    this.c *= this.eC;
    if (this.c < TINY) this.c = 0;
    if (caPre) this.c += K.cPre;
    if (spike) this.c += K.cPost;
    return spike;
  }

  /** True when neuron and synapse are at rest, so only calcium changes (by pure decay). */
  quiet(): boolean {
    if (this.driven) return Math.abs(this.iSyn) < 1e-9;
    return this.refractory <= 1e-15 && Math.abs(this.iSyn) < 1e-9 && Math.abs(this.v - this.circuit.vRest) < 1e-6 && this.circuit.vTh > this.circuit.vRest;
  }

  /** Advances a quiet front end by n steps: the neuron is put exactly at rest, calcium decays. */
  decayQuiet(n: number): void {
    this.v = this.driven ? this.circuit.vReset : this.circuit.vRest;
    this.iSyn = 0;
    this.c *= this.eC ** n;
    if (this.c < TINY) this.c = 0;
  }
}
