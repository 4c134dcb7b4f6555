/**
 * The bss2 engine's hardware configuration: typed, with defaults, validated against the model
 * parameters, the number formats and the processor's time budget. Every error names the setting (as the
 * CLI flag) and the limit it broke.
 */
import { totalWeight } from '../../model/equations.js';
import type { ModelParams } from '../../model/parameters.js';
import { cycleReport, CHIP_SYNAPSES, type CycleReport } from './cycleModel.js';
import { defaultScales, FORMAT_NAMES, FORMATS, lsb, type FormatName, type VariableScales } from './fixedPoint.js';
import { ROUNDING_MODES, type RoundingMode } from './rounding.js';

export type RngName = 'lfsr' | 'ideal';
export const RNG_NAMES: readonly RngName[] = ['lfsr', 'ideal'];

export interface Bss2Config {
  /** Speed-up of the analog core: hardware time = biological time / acceleration. */
  readonly acceleration: number;
  /** Solver period of the PPU, ms of biological time (ppuPeriod_ms / acceleration of hardware time). */
  readonly ppuPeriod_ms: number;
  /** Storage format of h, z, p. */
  readonly format: FormatName;
  readonly rounding: RoundingMode;
  /** Random generator feeding stochastic rounding and the plasticity noise. */
  readonly rng: RngName;
  /** Random bits compared with the discarded fraction in stochastic rounding (8 per LFSR output). */
  readonly roundingBits: 8 | 16 | 24 | 32;
  /** CADC resolution, bits. */
  readonly adcBits: number;
  /** Calcium value at the ADC's full-scale code (the range is [0, adcRange]). */
  readonly adcRange: number;
  /** Temporal (read) noise of the ADC, SD in LSB. */
  readonly adcNoise_lsb: number;
  /** Relative SD of the per-circuit fixed-pattern mismatch before calibration (0 disables). */
  readonly mismatch: number;
  /** Whether the chip is calibrated (mismatch reduced to mismatch × calibrationResidual). */
  readonly calibration: boolean;
  /** Fraction of the mismatch left after calibration. */
  readonly calibrationResidual: number;
  /** Seed of the chip: the fixed-pattern mismatch is drawn once per chip seed. */
  readonly chipSeed: number;
  /** Relative SD of trial-to-trial variation of the analog parameters (temporal noise). */
  readonly temporalNoise: number;
  /** Plastic synapses the chip updates in parallel (for the time budget). */
  readonly synapses: number;
  /** Run a configuration the cycle model says the chip cannot execute (marked infeasible). */
  readonly allowInfeasible: boolean;
  /** Full scales of h (mV), z and p; defaults from the parameters (see `defaultScales`). */
  readonly scales?: Partial<VariableScales>;
  /** Full scale of the 6-bit synaptic weight, mV. */
  readonly weightFullScale_mV: number;
}

/**
 * The recommended default: 16-bit vector lanes, stochastic rounding with four LFSR bytes per rounding,
 * a 10 ms solver period (10 µs on the chip), a calibrated chip with 10 % raw mismatch. See docs/bss2.md
 * for the study behind it.
 */
export const DEFAULT_BSS2_CONFIG: Bss2Config = {
  acceleration: 1000,
  ppuPeriod_ms: 10,
  format: 'int16',
  rounding: 'stochastic',
  rng: 'lfsr',
  roundingBits: 32,
  adcBits: 8,
  adcRange: 5.1,
  adcNoise_lsb: 0.5,
  mismatch: 0.1,
  calibration: true,
  calibrationResidual: 0.1,
  chipSeed: 1,
  temporalNoise: 0.002,
  synapses: 1,
  allowInfeasible: false,
  weightFullScale_mV: 16,
};

/** A hardware setting that cannot run; `setting` is the CLI flag / option name. */
export class Bss2ConfigError extends Error {
  constructor(readonly setting: string, message: string) {
    super(message);
    this.name = 'Bss2ConfigError';
  }
}

/** A validated configuration with everything derived from it. */
export interface ResolvedBss2Config extends Bss2Config {
  readonly scales: VariableScales;
  readonly cycles: CycleReport;
  /** Analog integration step of the emulation, ms of biological time. */
  readonly dt_ms: number;
  /** Warnings: settings the chip runs but that lose information (e.g. a coefficient below one LSB). */
  readonly warnings: string[];
}

const KEYS = new Set<string>(Object.keys(DEFAULT_BSS2_CONFIG).concat(['scales']));

function fail(setting: string, message: string): never {
  throw new Bss2ConfigError(setting, message);
}

function num(o: Record<string, unknown>, key: keyof Bss2Config, setting: string): number {
  const v = o[key] ?? DEFAULT_BSS2_CONFIG[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(setting, `${setting} ${String(v)} is not a finite number`);
  return v;
}

function oneOf<T extends string>(o: Record<string, unknown>, key: keyof Bss2Config, setting: string, allowed: readonly T[]): T {
  const v = o[key] ?? DEFAULT_BSS2_CONFIG[key];
  if (typeof v !== 'string' || !allowed.includes(v as T)) fail(setting, `${setting} '${String(v)}' is invalid; allowed: ${allowed.join(', ')}`);
  return v as T;
}

/**
 * Resolves engine options (a partial {@link Bss2Config}, e.g. `TrialSpec.engineOptions`) against the
 * defaults and validates them for a parameter set and analog step.
 */
export function resolveBss2Config(options: Readonly<Record<string, unknown>> | undefined, params: ModelParams, dt_ms = 0.2): ResolvedBss2Config {
  const o: Record<string, unknown> = { ...(options ?? {}) };
  for (const k of Object.keys(o)) {
    if (o[k] === undefined) delete o[k];
    else if (!KEYS.has(k)) fail(k, `unknown bss2 setting '${k}'; allowed: ${[...KEYS].join(', ')}`);
  }
  const acceleration = num(o, 'acceleration', '--acceleration');
  if (acceleration <= 0) fail('--acceleration', `--acceleration ${acceleration} is invalid; allowed: a number > 0 (the chip runs at 1000)`);
  const ppuPeriod_ms = num(o, 'ppuPeriod_ms', '--ppu-period');
  if (ppuPeriod_ms <= 0) fail('--ppu-period', `--ppu-period ${ppuPeriod_ms} ms is invalid; allowed: a number > 0`);
  if (ppuPeriod_ms < dt_ms - 1e-12) fail('--ppu-period', `--ppu-period ${ppuPeriod_ms} ms is shorter than the analog step dt = ${dt_ms} ms`);
  const ratio = ppuPeriod_ms / dt_ms;
  if (Math.abs(ratio - Math.round(ratio)) > 1e-6) fail('--ppu-period', `--ppu-period ${ppuPeriod_ms} ms must be a whole multiple of the analog step dt = ${dt_ms} ms`);
  const format = oneOf(o, 'format', '--format', FORMAT_NAMES);
  const rounding = oneOf(o, 'rounding', '--rounding', ROUNDING_MODES);
  const rng = oneOf(o, 'rng', '--rng', RNG_NAMES);
  const roundingBits = num(o, 'roundingBits', '--rounding-bits');
  if (![8, 16, 24, 32].includes(roundingBits)) fail('--rounding-bits', `--rounding-bits ${roundingBits} is invalid; allowed: 8, 16, 24, 32 (whole LFSR bytes)`);
  const adcBits = num(o, 'adcBits', '--adc-bits');
  if (!Number.isInteger(adcBits) || adcBits < 4 || adcBits > 12) fail('--adc-bits', `--adc-bits ${adcBits} is invalid; allowed: an integer from 4 to 12 (the CADC has 8)`);
  const adcRange = num(o, 'adcRange', '--adc-range');
  const adcLsb = adcRange / (2 ** adcBits - 1);
  if (adcRange <= params.theta_p) fail('--adc-range', `--adc-range ${adcRange} must exceed theta_p = ${params.theta_p}: the ADC could not see the potentiation threshold`);
  const codeD = Math.round(params.theta_d / adcLsb), codeP = Math.round(params.theta_p / adcLsb);
  if (codeD < 1 || codeD >= codeP) {
    fail('--adc-bits', `--adc-bits ${adcBits} with --adc-range ${adcRange} cannot separate theta_d = ${params.theta_d} and theta_p = ${params.theta_p} (codes ${codeD}, ${codeP}; LSB ${adcLsb.toPrecision(3)})`);
  }
  const adcNoise_lsb = num(o, 'adcNoise_lsb', '--adc-noise');
  if (adcNoise_lsb < 0 || adcNoise_lsb > 16) fail('--adc-noise', `--adc-noise ${adcNoise_lsb} LSB is invalid; allowed: 0 to 16`);
  const mismatch = num(o, 'mismatch', '--mismatch');
  if (mismatch < 0 || mismatch > 0.5) fail('--mismatch', `--mismatch ${mismatch} is invalid; allowed: a relative SD from 0 to 0.5`);
  const calibration = o.calibration ?? DEFAULT_BSS2_CONFIG.calibration;
  if (typeof calibration !== 'boolean') fail('--calibration', `--calibration must be true or false`);
  const calibrationResidual = num(o, 'calibrationResidual', '--calibration-residual');
  if (calibrationResidual < 0 || calibrationResidual > 1) fail('--calibration-residual', `--calibration-residual ${calibrationResidual} is invalid; allowed: 0 to 1`);
  const chipSeed = num(o, 'chipSeed', '--chip-seed');
  if (!Number.isSafeInteger(chipSeed) || chipSeed < 0) fail('--chip-seed', `--chip-seed ${chipSeed} is invalid; allowed: an integer ≥ 0`);
  const temporalNoise = num(o, 'temporalNoise', '--temporal-noise');
  if (temporalNoise < 0 || temporalNoise > 0.5) fail('--temporal-noise', `--temporal-noise ${temporalNoise} is invalid; allowed: a relative SD from 0 to 0.5`);
  const synapses = num(o, 'synapses', '--synapses');
  if (!Number.isInteger(synapses) || synapses < 1 || synapses > CHIP_SYNAPSES) fail('--synapses', `--synapses ${synapses} is invalid; allowed: an integer from 1 to ${CHIP_SYNAPSES} (the chip's plastic synapses)`);
  const allowInfeasible = o.allowInfeasible ?? false;
  if (typeof allowInfeasible !== 'boolean') fail('--allow-infeasible', `--allow-infeasible must be true or false`);
  const weightFullScale_mV = num(o, 'weightFullScale_mV', 'weightFullScale_mV');
  const wMax = totalWeight(params.h_max, params.z_max, params);
  if (weightFullScale_mV <= 0) fail('weightFullScale_mV', `weightFullScale_mV ${weightFullScale_mV} must be > 0`);

  // --- fixed-point scales: each parameter must fit its variable's format
  const f = FORMATS[format];
  const auto = defaultScales(params.h_max, params.h0, params.z_max, params.z_min, params.alpha);
  const given = (o.scales ?? {}) as Partial<VariableScales>;
  const scales: VariableScales = { h_mV: given.h_mV ?? auto.h_mV, z: given.z ?? auto.z, p: given.p ?? auto.p };
  if (!(scales.h_mV > Math.max(params.h_max, params.h0))) fail('scales.h_mV', `h full scale ${scales.h_mV} mV must exceed h_max = ${params.h_max} mV and h0 = ${params.h0} mV`);
  if (!(scales.z > Math.max(params.z_max, -params.z_min))) fail('scales.z', `z full scale ${scales.z} must exceed z_max = ${params.z_max} and |z_min| = ${-params.z_min}`);
  if (!(scales.p > params.alpha)) fail('scales.p', `p full scale ${scales.p} must exceed alpha = ${params.alpha}`);
  const hLsb = lsb(scales.h_mV, f);
  for (const [name, v] of [['theta_tag', params.theta_tag], ['theta_pro', params.theta_pro]] as const) {
    if (v < 2 * hLsb) {
      fail('--format', `--format ${format} is too narrow for ${name} = ${v} mV: h has an LSB of ${hLsb.toPrecision(3)} mV at full scale ${scales.h_mV} mV; the threshold needs ≥ 2 LSB`);
    }
  }
  if (wMax > weightFullScale_mV * 1.5) fail('weightFullScale_mV', `weightFullScale_mV ${weightFullScale_mV} mV is far below the largest weight h_max + h0·z_max = ${wMax.toFixed(2)} mV`);

  // --- processor time budget
  const cycles = cycleReport({ format, rounding, roundingBits, ppuPeriod_ms, acceleration, synapses });
  if (!cycles.feasible && !allowInfeasible) {
    fail(cycles.reasons[0]!.includes('cycles') ? '--ppu-period' : '--synapses', `infeasible on the chip: ${cycles.reasons.join('; ')} (--allow-infeasible runs it anyway, marked infeasible)`);
  }
  const warnings = cycles.feasible ? [] : cycles.reasons.map((r) => `INFEASIBLE: ${r}`);
  return {
    acceleration, ppuPeriod_ms, format, rounding, rng, roundingBits: roundingBits as 8 | 16 | 24 | 32, adcBits, adcRange, adcNoise_lsb,
    mismatch, calibration, calibrationResidual, chipSeed, temporalNoise, synapses, allowInfeasible, scales, weightFullScale_mV,
    cycles, dt_ms, warnings,
  };
}
