/** The `--engine bss2` hardware flags shared by `calcitag run` (and anything else that runs bss2). */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { FORMAT_NAMES } from '../../engines/bss2/fixedPoint.js';
import { ROUNDING_MODES } from '../../engines/bss2/rounding.js';
import { RNG_NAMES, type Bss2Config } from '../../engines/bss2/config.js';

function parseNumber(flag: string) {
  return (raw: string): number => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`${flag} '${raw}' is invalid; allowed: a number`);
    return v;
  };
}

/** Flag name → config key and parser. */
const NUMERIC: ReadonlyArray<[string, keyof Bss2Config, string]> = [
  ['--mismatch <sd>', 'mismatch', 'relative SD of fixed-pattern mismatch of the analog circuits (0 disables; default 0.1)'],
  ['--calibration-residual <f>', 'calibrationResidual', 'fraction of the mismatch left after calibration (default 0.1)'],
  ['--chip-seed <n>', 'chipSeed', 'which chip: the mismatch pattern is drawn once per chip seed (default 1)'],
  ['--temporal-noise <sd>', 'temporalNoise', 'relative SD of trial-to-trial variation of the analog parameters (default 0.002)'],
  ['--ppu-period <ms>', 'ppuPeriod_ms', 'plasticity processor solver period, ms of biological time (default 10)'],
  ['--acceleration <x>', 'acceleration', 'speed-up of the chip over biology (default 1000)'],
  ['--rounding-bits <b>', 'roundingBits', 'random bits per stochastic rounding: 8, 16, 24 or 32 (default 32 = four LFSR bytes)'],
  ['--adc-bits <b>', 'adcBits', 'CADC resolution in bits (default 8)'],
  ['--adc-range <c>', 'adcRange', 'calcium value at the ADC full-scale code (default 5.1)'],
  ['--adc-noise <lsb>', 'adcNoise_lsb', 'ADC read noise, SD in LSB (default 0.5)'],
  ['--synapses <n>', 'synapses', 'synapses the chip updates in parallel, for the processor time budget (default 1)'],
];

/** Adds the bss2 flags to a command. */
export function addBss2Options(cmd: Command): Command {
  for (const [flag, , help] of NUMERIC) cmd.option(flag, `bss2: ${help}`, parseNumber(flag.split(' ')[0]!));
  cmd.addOption(new Option('--format <f>', 'bss2: number format of h, z, p on the plasticity processor (default int16)').choices(FORMAT_NAMES));
  cmd.addOption(new Option('--rounding <mode>', 'bss2: rounding of every value-reducing step (default stochastic)').choices(ROUNDING_MODES));
  cmd.addOption(new Option('--rng <g>', 'bss2: random generator: the chip\'s 16-bit LFSR or an ideal 32-bit one (default lfsr)').choices(RNG_NAMES));
  cmd.option('--calibration', 'bss2: calibrated chip (default)');
  cmd.option('--no-calibration', 'bss2: uncalibrated chip (full mismatch)');
  cmd.option('--allow-infeasible', 'bss2: run a configuration the processor could not keep up with (marked infeasible)');
  return cmd;
}

/** The bss2 engine options the flags ask for (only those given), and the flags that were given. */
export function bss2OptionsFromFlags(flags: Record<string, unknown>): { options: Partial<Bss2Config>; given: string[] } {
  const options: Record<string, unknown> = {};
  const given: string[] = [];
  const camel = (flag: string) => flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const [flag, key] of NUMERIC) {
    const name = flag.split(' ')[0]!;
    const v = flags[camel(name)];
    if (v !== undefined) {
      options[key] = v;
      given.push(name);
    }
  }
  for (const [name, key] of [['--format', 'format'], ['--rounding', 'rounding'], ['--rng', 'rng'], ['--calibration', 'calibration'], ['--allow-infeasible', 'allowInfeasible']] as const) {
    const v = flags[camel(name)];
    if (v !== undefined) {
      options[key] = v;
      given.push(name);
    }
  }
  return { options: options as Partial<Bss2Config>, given };
}
