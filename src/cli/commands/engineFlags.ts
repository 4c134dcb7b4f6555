/**
 * The engines' options as command-line flags, from the options each registered engine declares
 * (`Engine.options`): `calcitag run --help` lists them with the engine they belong to and their default,
 * and the flags a user gives become that engine's `engineOptions`. No engine is named here.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { engineNames, getEngine } from '../../engines/registry.js';
import type { EngineOption } from '../../engines/types.js';

interface Flag {
  readonly option: EngineOption;
  /** Engines that declare it (an option of the same name and flag may be shared). */
  readonly engines: string[];
}

/** Every flag of every registered engine's options, by flag name. */
function engineFlags(): Map<string, Flag> {
  const flags = new Map<string, Flag>();
  for (const name of engineNames()) {
    for (const option of getEngine(name).options ?? []) {
      if (option.flag === undefined) continue;
      const seen = flags.get(option.flag);
      if (seen && seen.option.name !== option.name) throw new Error(`engines ${seen.engines.join(', ')} and ${name} both use --${option.flag} for different options`);
      if (seen) seen.engines.push(name);
      else flags.set(option.flag, { option, engines: [name] });
    }
  }
  return flags;
}

function parseNumber(flag: string) {
  return (raw: string): number => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`--${flag} '${raw}' is invalid; allowed: a number`);
    return v;
  };
}

/** `--ppu-period` → the attribute commander stores it under (`ppuPeriod`). */
const attributeOf = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Adds every engine option with a flag to a command. */
export function addEngineOptions(cmd: Command): Command {
  for (const [flag, { option, engines }] of engineFlags()) {
    const help = `${engines.join(', ')}: ${option.description}${option.default !== undefined ? ` (default ${String(option.default)})` : ''}`;
    if (option.type === 'boolean') {
      cmd.option(`--${flag}`, help);
      if (option.default === true) cmd.option(`--no-${flag}`, `${engines.join(', ')}: the opposite of --${flag}`);
    } else if (option.type === 'choice') {
      cmd.addOption(new Option(`--${flag} <${option.valueName ?? 'value'}>`, help).choices(option.choices ?? []));
    } else if (option.type === 'number') {
      cmd.option(`--${flag} <${option.valueName ?? 'value'}>`, help, parseNumber(flag));
    }
  }
  return cmd;
}

/**
 * The options the flags ask for, for `engine` (only the flags given). A flag of another engine's option
 * is an error naming the engines it applies to.
 */
export function engineOptionsFromFlags(engine: string, flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [flag, { option, engines }] of engineFlags()) {
    const v = flags[attributeOf(flag)];
    if (v === undefined) continue;
    if (!engines.includes(engine)) throw new InvalidArgumentError(`--${flag} applies to --engine ${engines.join(' or ')} only`);
    out[option.name] = v;
  }
  return out;
}
