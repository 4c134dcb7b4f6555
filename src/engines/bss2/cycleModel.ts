/**
 * Processor time budget: what one plasticity update costs on a PPU and whether the two 250 MHz
 * processors keep up with a solver period for a number of synapses.
 *
 * The costs are estimates from the update's instruction sequence (MODEL.md §9; Pehle et al. 2022 for
 * the processor), not measurements on silicon: one scalar instruction per cycle, vector instructions two
 * cycles each (issue plus the coupling to the scalar core), a 32 × 32 multiply on the scalar core as
 * multiply-low + multiply-high (+2 cycles), one cycle per 8-bit LFSR read. Synapses are split evenly
 * over the two processors; the vector unit handles `lanes` synapses per instruction.
 */
import { FORMATS, type FormatName } from './fixedPoint.js';
import type { RoundingMode } from './rounding.js';

/** PPU clock, Hz. */
export const PPU_CLOCK_HZ = 250e6;
/** Plasticity processors per chip. */
export const PPU_COUNT = 2;
/** Memory of one PPU, bytes (16 KiB). */
export const PPU_MEMORY_BYTES = 16 * 1024;
/** Memory kept for program, stack and constants, bytes. */
export const PPU_RESERVED_BYTES = 8 * 1024;
/** Plastic synapses per chip (2 × 256 × 256). */
export const CHIP_SYNAPSES = 2 * 256 * 256;
/** Synapse rows one PPU serves (its half of the chip: 256 rows × 256 columns). */
export const SYNAPSES_PER_PPU = 256 * 256;

/** The steps of one update per group of synapses (a vector of lanes, or one synapse on the scalar core). */
export const UPDATE_OPS = {
  adcRead: 4, // trigger/read the column ADC result
  regime: 4, // two compares with θ_d, θ_p codes and two selects of the coefficient set
  earlyPhase: 8, // load h, target − h, multiply, shift, add, saturate, store, |h − h0|
  noise: 7, // four 8-bit random reads, three adds, multiply + shift
  tagAndSum: 4, // tag compares, Σ|h − h0| accumulation
  latePhase: 8, // load z, bound − z, × p, shift, × coefficient, shift, add, saturate/store
  weight: 8, // w = h + h0 z: two multiplies, shifts, add, clamp to 6 bit, write synapse RAM
} as const;
/** Value-reducing steps (roundings) per synapse update: h, noise, z (two), weight (two). */
export const ROUNDINGS_PER_UPDATE = 6;
/** Multiplies per synapse update (h, noise, z ×2, weight ×2). */
export const MULTIPLIES_PER_UPDATE = 6;
/** Per-update fixed cost of one processor: timer wait, loop, bookkeeping, cycles. */
export const FIXED_CYCLES = 20;
/** Protein update of one postsynaptic neuron on the scalar core, cycles (without its rounding). */
export const PROTEIN_CYCLES = 12;
/** Cycles per vector instruction. */
export const VECTOR_CPI = 2;

export interface CycleInputs {
  readonly format: FormatName;
  readonly rounding: RoundingMode;
  /** Random bits per stochastic rounding (8 per LFSR read). */
  readonly roundingBits: number;
  readonly ppuPeriod_ms: number;
  readonly acceleration: number;
  readonly synapses: number;
  /** Postsynaptic neurons holding a protein pool (default 1). */
  readonly neurons?: number;
}

export interface CycleReport {
  /** Cycles one processor needs per update (the busier one). */
  readonly cyclesPerUpdate: number;
  /** Cycles available per period: clock × period in hardware time. */
  readonly cyclesAvailable: number;
  /** cyclesPerUpdate / cyclesAvailable. */
  readonly utilisation: number;
  /** Shortest period (biological ms) at which this synapse count fits. */
  readonly minPeriod_ms: number;
  /** Most synapses the chip could update at this period (time and memory). */
  readonly maxSynapses: number;
  /** State memory per processor, bytes, and the limit. */
  readonly memoryBytes: number;
  readonly memoryLimit: number;
  readonly feasible: boolean;
  /** Why not, one sentence per limit exceeded. */
  readonly reasons: string[];
}

export function roundingCycles(mode: RoundingMode, bits: number): number {
  if (mode === 'truncate') return 0;
  if (mode === 'nearest') return 1;
  return 2 + Math.ceil(bits / 8); // random reads, compare, conditional add
}

/** Cycles of one group's update (`lanes` synapses on the vector unit, one on the scalar core). */
export function groupCycles(format: FormatName, rounding: RoundingMode, roundingBits: number): number {
  const f = FORMATS[format];
  const ops = Object.values(UPDATE_OPS).reduce((a, b) => a + b, 0) + ROUNDINGS_PER_UPDATE * roundingCycles(rounding, roundingBits);
  if (f.unit === 'vector') return ops * VECTOR_CPI;
  return ops + MULTIPLIES_PER_UPDATE * 2;
}

/** The cycle and memory budget of a configuration. */
export function cycleReport(x: CycleInputs): CycleReport {
  const f = FORMATS[x.format];
  const neurons = x.neurons ?? 1;
  const perPpu = Math.ceil(x.synapses / PPU_COUNT);
  const neuronsPerPpu = Math.ceil(neurons / PPU_COUNT);
  const group = groupCycles(x.format, x.rounding, x.roundingBits);
  const fixed = FIXED_CYCLES + neuronsPerPpu * (PROTEIN_CYCLES + roundingCycles(x.rounding, x.roundingBits));
  const groups = Math.ceil(perPpu / f.lanes);
  const cyclesPerUpdate = fixed + groups * group;
  const cyclesPerMs = (PPU_CLOCK_HZ * 1e-3) / x.acceleration; // per ms of biological time
  const cyclesAvailable = cyclesPerMs * x.ppuPeriod_ms;
  const memoryLimit = PPU_MEMORY_BYTES - PPU_RESERVED_BYTES;
  const memoryBytes = perPpu * 2 * f.bytes + neuronsPerPpu * 4;
  const byTime = Math.max(0, Math.floor((cyclesAvailable - fixed) / group)) * f.lanes * PPU_COUNT;
  const byMemory = Math.floor((memoryLimit - neuronsPerPpu * 4) / (2 * f.bytes)) * PPU_COUNT;
  const reasons: string[] = [];
  if (cyclesPerUpdate > cyclesAvailable) {
    reasons.push(
      `one update of ${x.synapses} synapse(s) takes ${cyclesPerUpdate} PPU cycles but a ${x.ppuPeriod_ms} ms period at acceleration ${x.acceleration} leaves ${cyclesAvailable.toFixed(0)} (needs --ppu-period ≥ ${(cyclesPerUpdate / cyclesPerMs).toFixed(3)} ms)`,
    );
  }
  if (memoryBytes > memoryLimit) reasons.push(`state of ${perPpu} synapses per PPU needs ${memoryBytes} bytes; ${memoryLimit} of the 16 KiB are free for state`);
  if (x.synapses > CHIP_SYNAPSES) reasons.push(`the chip has ${CHIP_SYNAPSES} plastic synapses`);
  return {
    cyclesPerUpdate,
    cyclesAvailable,
    utilisation: cyclesPerUpdate / cyclesAvailable,
    minPeriod_ms: cyclesPerUpdate / cyclesPerMs,
    maxSynapses: Math.min(byTime, byMemory, CHIP_SYNAPSES),
    memoryBytes,
    memoryLimit,
    feasible: reasons.length === 0,
    reasons,
  };
}
