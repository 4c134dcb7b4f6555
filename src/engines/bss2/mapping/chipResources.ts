/**
 * What one BrainScaleS-2 chip offers a network (MODEL.md §9), as plain numbers with their source. The
 * published figures come from the chip's documentation and its makers' hardware-abstraction code; the
 * rest are estimates ("est."), kept as parameters so that a hardware team can put in better numbers.
 */

export interface ChipResources {
  /** Hemispheres per chip, each with its own synapse array and plasticity processor. */
  readonly hemispheres: number;
  /** Neuron circuits per hemisphere (also the synapse columns). */
  readonly circuitsPerHemisphere: number;
  /** Synapse rows per hemisphere. */
  readonly rowsPerHemisphere: number;
  /** Rows driven by one synapse driver. */
  readonly rowsPerDriver: number;
  /** Synapse drivers per bus (4 buses per hemisphere). */
  readonly driversPerBus: number;
  /** Distinct sources a row can carry (6-bit address labels). */
  readonly labelsPerRow: number;
  /** Sources a neuron circuit may take from one bus. */
  readonly sourcesPerBusPerCircuit: number;
  /** Rows per hemisphere kept for inputs the description models as currents (background, stimuli). Default 0 (est.). */
  readonly inputRows: number;
  /** Processor clock, Hz. */
  readonly ppuClock_Hz: number;
  /** Processor-internal memory per processor, bytes, and the part kept for program, stack and constants. */
  readonly ppuMemoryBytes: number;
  readonly ppuReservedBytes: number;
  /** FPGA-side SRAM per chip (shared by its two processors), bytes. */
  readonly externalSramBytes: number;
  /** Cycles of one vector-wide access to the FPGA SRAM (est.: not published). */
  readonly sramAccess_cycles: number;
  /** FPGA DRAM per chip usable for state, bytes (default 0: its latency is not published), and its access cost. */
  readonly dramBytes: number;
  readonly dramAccess_cycles: number;
  /** Cycles to read one row's calcium (ADC) values into the vector unit (est., from test code: ≈ 300). */
  readonly rowRead_cycles: number;
  /** Speed-up of the analog core over biology. */
  readonly acceleration: number;
  /** Events per second (hardware time) one inter-chip link carries (est.: the drivers' 125 M events/s). */
  readonly linkEvents_per_s: number;
  /** Chip-to-chip latency, s of hardware time (< 1.3 µs published). */
  readonly linkLatency_s: number;
}

export const DEFAULT_CHIP: ChipResources = {
  hemispheres: 2,
  circuitsPerHemisphere: 256,
  rowsPerHemisphere: 256,
  rowsPerDriver: 2,
  driversPerBus: 32,
  labelsPerRow: 64,
  sourcesPerBusPerCircuit: 64,
  inputRows: 0,
  ppuClock_Hz: 250e6,
  ppuMemoryBytes: 16 * 1024,
  ppuReservedBytes: 8 * 1024,
  externalSramBytes: 128 * 1024,
  sramAccess_cycles: 100,
  dramBytes: 0,
  dramAccess_cycles: 1000,
  rowRead_cycles: 300,
  acceleration: 1000,
  linkEvents_per_s: 125e6,
  linkLatency_s: 1.3e-6,
};

/** Which defaults are estimates rather than published figures (for reports). */
export const ESTIMATED: ReadonlySet<keyof ChipResources> = new Set([
  'inputRows', 'ppuReservedBytes', 'sramAccess_cycles', 'dramBytes', 'dramAccess_cycles', 'rowRead_cycles', 'linkEvents_per_s',
]);

/** Rows served by one bus. */
export function rowsPerBus(c: ChipResources): number {
  return c.driversPerBus * c.rowsPerDriver;
}

/** Cycles one processor has per ms of biological time. */
export function cyclesPerBioMs(c: ChipResources): number {
  return (c.ppuClock_Hz * 1e-3) / c.acceleration;
}
