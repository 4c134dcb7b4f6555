/**
 * The options of the `bss2` engine as the engine interface declares them: the list (names, CLI flags,
 * types, defaults) behind `calcitag run --help` and the flags, the resolver that checks them against the
 * model and the processor budget (config.ts) and fills in the defaults, and the hardware report.
 */
import type { Engine, EngineOption } from '../types.js';
import { checkDeclaredOptions, EngineOptionError } from '../options.js';
import { Bss2ConfigError, DEFAULT_BSS2_CONFIG, RNG_NAMES, resolveBss2Config } from './config.js';
import { FORMAT_NAMES } from './fixedPoint.js';
import { bss2Summary, bss2SummaryText } from './report.js';
import { ROUNDING_MODES } from './rounding.js';

const D = DEFAULT_BSS2_CONFIG;

export const BSS2_OPTIONS: readonly EngineOption[] = [
  { name: 'mismatch', flag: 'mismatch', type: 'number', valueName: 'sd', default: D.mismatch, description: 'relative SD of fixed-pattern mismatch of the analog circuits (0 disables)' },
  { name: 'calibrationResidual', flag: 'calibration-residual', type: 'number', valueName: 'f', default: D.calibrationResidual, description: 'fraction of the mismatch left after calibration' },
  { name: 'chipSeed', flag: 'chip-seed', type: 'number', valueName: 'n', default: D.chipSeed, description: 'which chip: the mismatch pattern is drawn once per chip seed' },
  { name: 'temporalNoise', flag: 'temporal-noise', type: 'number', valueName: 'sd', default: D.temporalNoise, description: 'relative SD of trial-to-trial variation of the analog parameters' },
  { name: 'ppuPeriod_ms', flag: 'ppu-period', type: 'number', valueName: 'ms', default: D.ppuPeriod_ms, description: 'plasticity processor solver period, ms of biological time' },
  { name: 'acceleration', flag: 'acceleration', type: 'number', valueName: 'x', default: D.acceleration, description: 'speed-up of the chip over biology' },
  { name: 'roundingBits', flag: 'rounding-bits', type: 'number', valueName: 'b', default: D.roundingBits, description: 'random bits per stochastic rounding: 8, 16, 24 or 32 (32 = four LFSR bytes)' },
  { name: 'adcBits', flag: 'adc-bits', type: 'number', valueName: 'b', default: D.adcBits, description: 'CADC resolution in bits' },
  { name: 'adcRange', flag: 'adc-range', type: 'number', valueName: 'c', default: D.adcRange, description: 'calcium value at the ADC full-scale code' },
  { name: 'adcNoise_lsb', flag: 'adc-noise', type: 'number', valueName: 'lsb', default: D.adcNoise_lsb, description: 'ADC read noise, SD in LSB' },
  { name: 'synapses', flag: 'synapses', type: 'number', valueName: 'n', default: D.synapses, description: 'synapses the chip updates in parallel, for the processor time budget' },
  { name: 'format', flag: 'format', type: 'choice', choices: FORMAT_NAMES, valueName: 'f', default: D.format, description: 'number format of h, z, p on the plasticity processor' },
  { name: 'rounding', flag: 'rounding', type: 'choice', choices: ROUNDING_MODES, valueName: 'mode', default: D.rounding, description: 'rounding of every value-reducing step' },
  { name: 'rng', flag: 'rng', type: 'choice', choices: RNG_NAMES, valueName: 'g', default: D.rng, description: "random generator: the chip's 16-bit LFSR or an ideal 32-bit one" },
  { name: 'calibration', flag: 'calibration', type: 'boolean', default: D.calibration, description: 'calibrated chip (--no-calibration: full mismatch)' },
  { name: 'allowInfeasible', flag: 'allow-infeasible', type: 'boolean', default: D.allowInfeasible, description: 'run a configuration the processor could not keep up with (marked infeasible)' },
  { name: 'weightFullScale_mV', type: 'number', default: D.weightFullScale_mV, description: 'full scale of the 6-bit synaptic weight, mV' },
  { name: 'scales', type: 'object', description: 'full scales of h (h_mV), z and p in the processor formats (default: from the parameters)' },
];

/** The option a config.ts setting name (a CLI flag such as `--ppu-period`, or an option name) stands for. */
function fieldOf(setting: string): string {
  const flag = setting.replace(/^--/, '');
  return BSS2_OPTIONS.find((o) => o.flag === flag)?.name ?? setting.split('.')[0]!;
}

/** The engine-interface side of bss2: declared options, resolver and report (spread into `bss2Engine`). */
export const bss2OptionSupport: Pick<Engine, 'options' | 'resolveOptions' | 'report'> = {
  options: BSS2_OPTIONS,
  resolveOptions(raw, { params, dt_ms }) {
    checkDeclaredOptions('bss2', BSS2_OPTIONS, raw);
    try {
      resolveBss2Config(raw, params, dt_ms);
    } catch (e) {
      if (!(e instanceof Bss2ConfigError)) throw e;
      const field = fieldOf(e.setting);
      throw new EngineOptionError('bss2', field, raw[field], /allowed: (.*)$/.exec(e.message)?.[1] ?? e.message, e.message);
    }
    const out: Record<string, unknown> = {};
    for (const o of BSS2_OPTIONS) {
      const v = raw[o.name] ?? o.default;
      if (v !== undefined) out[o.name] = v;
    }
    return out;
  },
  report(options, { params, dt_ms, protocols }) {
    const summary = bss2Summary(resolveBss2Config(options, params, dt_ms), protocols);
    return { json: summary as unknown as Record<string, unknown>, text: bss2SummaryText(summary) };
  },
};
