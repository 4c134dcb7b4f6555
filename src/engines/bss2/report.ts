/**
 * The hardware side of a bss2 run in words and numbers: biological and hardware time, the processor
 * budget and whether the chip could run it. Front ends print it next to the results.
 */
import type { Protocol } from '../../model/protocols.js';
import type { ResolvedBss2Config } from './config.js';
import { effectiveMismatch } from './analogFrontend.js';

export interface Bss2Summary {
  acceleration: number;
  format: string;
  rounding: string;
  rng: string;
  rounding_bits: number;
  ppu_period_ms: number;
  ppu_period_hw_us: number;
  synapses: number;
  cycles_per_update: number;
  cycles_available: number;
  utilisation: number;
  min_period_ms: number;
  max_synapses: number;
  feasible: boolean;
  mismatch: number;
  calibration: boolean;
  mismatch_effective: number;
  chip_seed: number;
  warnings: string[];
  /** Per protocol: duration in biological and hardware seconds. */
  time: Array<{ protocol: string; biological_s: number; hardware_s: number }>;
}

export function bss2Summary(cfg: ResolvedBss2Config, protocols: readonly Protocol[]): Bss2Summary {
  return {
    acceleration: cfg.acceleration,
    format: cfg.format,
    rounding: cfg.rounding,
    rng: cfg.rng,
    rounding_bits: cfg.roundingBits,
    ppu_period_ms: cfg.ppuPeriod_ms,
    ppu_period_hw_us: (cfg.ppuPeriod_ms * 1000) / cfg.acceleration,
    synapses: cfg.synapses,
    cycles_per_update: cfg.cycles.cyclesPerUpdate,
    cycles_available: cfg.cycles.cyclesAvailable,
    utilisation: cfg.cycles.utilisation,
    min_period_ms: cfg.cycles.minPeriod_ms,
    max_synapses: cfg.cycles.maxSynapses,
    feasible: cfg.cycles.feasible,
    mismatch: cfg.mismatch,
    calibration: cfg.calibration,
    mismatch_effective: effectiveMismatch(cfg),
    chip_seed: cfg.chipSeed,
    warnings: cfg.warnings,
    time: protocols.map((p) => ({ protocol: p.name, biological_s: p.duration_s, hardware_s: p.duration_s / cfg.acceleration })),
  };
}

const fmtTime = (s: number) => (s >= 3600 ? `${+(s / 3600).toFixed(2)} h` : s >= 1 ? `${+s.toFixed(3)} s` : `${+(s * 1e3).toFixed(3)} ms`);

/** A few lines for the terminal. */
export function bss2SummaryText(s: Bss2Summary): string {
  const lines = [
    `BrainScaleS-2 emulation (acceleration ${s.acceleration}×): ` +
      s.time.map((t) => `${t.protocol} ${fmtTime(t.biological_s)} biological = ${fmtTime(t.hardware_s)} on chip`).join('; '),
    `PPU: ${s.format}, ${s.rounding} rounding` + (s.rounding === 'stochastic' ? ` (${s.rng}, ${s.rounding_bits} bits)` : '') +
      `, period ${s.ppu_period_ms} ms (${+s.ppu_period_hw_us.toFixed(3)} µs on chip); ${s.cycles_per_update} of ${s.cycles_available.toFixed(0)} cycles per update` +
      ` (utilisation ${(100 * s.utilisation).toFixed(1)} %) for ${s.synapses} synapse(s); up to ${s.max_synapses} synapses fit; ${s.feasible ? 'feasible' : 'NOT FEASIBLE on the chip'}`,
    `analog: mismatch ${s.mismatch}${s.calibration ? `, calibrated to ${+s.mismatch_effective.toFixed(4)}` : ' (uncalibrated)'}, chip seed ${s.chip_seed}`,
  ];
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
