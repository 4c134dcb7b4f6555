/**
 * Engine options, engine-neutral: each engine declares the options it accepts ({@link EngineOption}) and
 * resolves them itself (`Engine.resolveOptions`); callers — `resolveRunConfig`, experiment files, the
 * CLI's flags and help — go through these helpers and never name an engine.
 */
import type { Engine, EngineOption, EngineOptionContext } from './types.js';

/** Options an engine cannot run with: `field` is the option's name, `value` what was given, `allowed` what would do. */
export class EngineOptionError extends Error {
  constructor(
    readonly engine: string,
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
    message = `${field} ${show(value)} is invalid for engine '${engine}'; allowed: ${allowed}`,
  ) {
    super(message);
    this.name = 'EngineOptionError';
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** What a value of `option` may be, in words. */
export function allowedValues(option: EngineOption): string {
  switch (option.type) {
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'choice': return (option.choices ?? []).join(', ');
    case 'object': return 'an object';
  }
}

/**
 * Checks raw options against the engine's declared list: every name known, every value of its type
 * (finite numbers, booleans, one of the choices, objects). Engines call it first in their resolver.
 */
export function checkDeclaredOptions(engine: string, declared: readonly EngineOption[], raw: Readonly<Record<string, unknown>>): void {
  const byName = new Map(declared.map((o) => [o.name, o]));
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const o = byName.get(name);
    if (!o) {
      const allowed = declared.length > 0 ? declared.map((d) => d.name).join(', ') : 'none (the engine takes no options)';
      throw new EngineOptionError(engine, name, value, allowed, `unknown option '${name}' of engine '${engine}'; allowed: ${allowed}`);
    }
    const ok = o.type === 'number' ? typeof value === 'number' && Number.isFinite(value)
      : o.type === 'boolean' ? typeof value === 'boolean'
        : o.type === 'choice' ? typeof value === 'string' && (o.choices ?? []).includes(value)
          : typeof value === 'object' && value !== null && !Array.isArray(value);
    if (!ok) throw new EngineOptionError(engine, name, value, allowedValues(o));
  }
}

/**
 * The engine's options resolved: validated against the parameters and step, defaults filled in, so the
 * result reruns the same way whatever the defaults become. An engine without a resolver takes no options.
 * Throws an {@link EngineOptionError} naming the field, the value and what is allowed.
 */
export function resolveEngineOptions(engine: Engine, raw: Readonly<Record<string, unknown>> | undefined, context: EngineOptionContext): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(raw ?? {}).filter(([, v]) => v !== undefined));
  if (engine.resolveOptions) return engine.resolveOptions(given, context);
  checkDeclaredOptions(engine.name, engine.options ?? [], given);
  return given;
}

/** The options that differ from their declared defaults (for a short note of how a run was set up). */
export function nonDefaultOptions(engine: Engine, options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const defaults = new Map((engine.options ?? []).map((o) => [o.name, o.default]));
  return Object.fromEntries(Object.entries(options).filter(([k, v]) => !defaults.has(k) || JSON.stringify(defaults.get(k)) !== JSON.stringify(v)));
}
