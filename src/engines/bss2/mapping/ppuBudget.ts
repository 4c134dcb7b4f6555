/**
 * One plasticity processor's share of a network: where the state of its hemisphere lives and what one
 * update of all its plastic synapses costs. The processor works row by row: it reads a row's calcium
 * through the column ADC, then updates the row's 256 synapses in vector groups of `lanes` (the
 * single-synapse cycle model's group cost, cycleModel.ts), so a row costs the same however few of its
 * columns hold a plastic synapse. State: h and z of every column of every plastic row (the vector unit
 * needs them dense), one protein value and one Σ|h − h0| word per neuron with plastic inputs; the tag
 * is not stored, it is |h − h0| ≥ θ_tag, recomputed each update. State fills the processor's free
 * internal memory first, then its half of the FPGA SRAM, then (if configured) DRAM, group by group; a vector group (h and z of
 * `lanes` columns) held outside costs four accesses (load and store of h and z) at that memory's latency.
 */
import { FIXED_CYCLES, groupCycles, PROTEIN_CYCLES, roundingCycles } from '../cycleModel.js';
import { FORMATS, type FormatName } from '../fixedPoint.js';
import type { RoundingMode } from '../rounding.js';
import { cyclesPerBioMs, type ChipResources } from './chipResources.js';

export interface SolverSettings {
  readonly format: FormatName;
  readonly rounding: RoundingMode;
  readonly roundingBits: number;
}

/** Bytes of state per variable on one processor. */
export interface StateBytes {
  readonly h: number;
  readonly z: number;
  readonly tag: number;
  readonly protein: number;
  readonly total: number;
}

export interface ProcessorBudget {
  readonly memory: StateBytes;
  /** Memory this processor can hold state in: free internal + its share of SRAM and DRAM. */
  readonly memoryAvailable: number;
  /** Bytes of state held internally, in SRAM, in DRAM. */
  readonly internalBytes: number;
  readonly sramBytes: number;
  readonly dramBytes: number;
  readonly cyclesPerUpdate: number;
  /** Shortest solver period, ms of biological time. */
  readonly minPeriod_ms: number;
}

/** Memory and cycles of one processor with `plasticRows` plastic rows and `targets` neurons holding protein. */
export function processorBudget(plasticRows: number, targets: number, s: SolverSettings, r: ChipResources): ProcessorBudget {
  const f = FORMATS[s.format];
  const columns = r.circuitsPerHemisphere;
  const neuronBytes = f.bytes + 4;
  const memory: StateBytes = {
    h: plasticRows * columns * f.bytes, z: plasticRows * columns * f.bytes, tag: 0, protein: targets * neuronBytes,
    total: plasticRows * columns * 2 * f.bytes + targets * neuronBytes,
  };
  const internalFree = Math.max(0, r.ppuMemoryBytes - r.ppuReservedBytes);
  const sramShare = Math.floor(r.externalSramBytes / r.hemispheres), dramShare = Math.floor(r.dramBytes / r.hemispheres);
  // neuron state first (the scalar core reads it every update), then the rows' vector groups
  const neuronInternal = Math.min(memory.protein, internalFree);
  const groupBytes = f.lanes * 2 * f.bytes;
  const groups = plasticRows * Math.ceil(columns / f.lanes);
  const groupsInternal = Math.min(groups, Math.floor((internalFree - neuronInternal) / groupBytes));
  const sramLeft = Math.max(0, sramShare - (memory.protein - neuronInternal));
  const groupsSram = Math.min(groups - groupsInternal, Math.floor(sramLeft / groupBytes));
  const groupsDram = groups - groupsInternal - groupsSram;
  const groupsPerRow = Math.ceil(columns / f.lanes);
  const external = 4 * (groupsSram * r.sramAccess_cycles + groupsDram * r.dramAccess_cycles);
  const cyclesPerUpdate = FIXED_CYCLES + targets * (PROTEIN_CYCLES + roundingCycles(s.rounding, s.roundingBits))
    + plasticRows * (r.rowRead_cycles + groupsPerRow * groupCycles(s.format, s.rounding, s.roundingBits)) + external;
  return {
    memory, memoryAvailable: internalFree + sramShare + dramShare,
    internalBytes: neuronInternal + groupsInternal * groupBytes,
    sramBytes: memory.protein - neuronInternal + groupsSram * groupBytes,
    dramBytes: groupsDram * groupBytes,
    cyclesPerUpdate,
    minPeriod_ms: cyclesPerUpdate / cyclesPerBioMs(r),
  };
}
