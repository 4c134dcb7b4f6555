/**
 * The experiment file (YAML or JSON) as a zod schema: model parameters with units, protocols (the
 * presets by name and custom ones), engine and its options, trials, seed, dt, fast-forward, probes
 * and outputs. The same schema validates files, types the library API and exports JSON Schema
 * (`calcitag schema`) for editors and Python users.
 *
 * Validation reports every violation with its path (`protocols[1].trains[0].rate_Hz: must be > 0`),
 * never only the first.
 */
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { PARAM_NAMES, PARAM_SPECS, checkParam, type ParamSpec } from '../model/parameters.js';
import { OUTCOME_CLASSES, PRESET_NAMES } from '../model/protocols.js';
import { PROBE_VARIABLES, PROBE_UNITS } from '../engines/types.js';
import { MAX_DT_MS, MIN_DT_MS, MAX_DURATION_S, MAX_RATE_HZ, MAX_SPIKE_TIMES, MAX_TRAIN_COUNT, MAX_TRIALS } from './limits.js';

/** Unit suffixes a parameter key may carry, with the factor to the parameter's documented unit. */
export function unitSuffixes(spec: ParamSpec): ReadonlyArray<readonly [suffix: string, factor: number]> {
  switch (spec.unit) {
    case 'ms': return [['ms', 1], ['s', 1000]];
    case 's': return [['s', 1], ['ms', 1e-3]];
    case 'mV': return [['mV', 1]];
    case 'MΩ': return [['MOhm', 1], ['MΩ', 1]];
    case 'nA': return [['nA', 1]];
    default: return [];
  }
}

const finite = (what = 'a number') =>
  z.number({ invalid_type_error: `must be ${what}`, required_error: 'is required' }).finite({ message: 'must be finite' });
const positive = () => finite().gt(0, { message: 'must be > 0' });
const nonNegative = () => finite().gte(0, { message: 'must be ≥ 0' });
/** A time within a run, s: at most {@link MAX_DURATION_S}. */
const time = (t: z.ZodNumber) => t.lte(MAX_DURATION_S, { message: `must be ≤ ${MAX_DURATION_S} s` });

/** A parameter value: a number in the documented unit, or a string with a unit such as "48.8 ms". */
const ParamValue = z.union([z.number(), z.string()]);

function paramKeys(): Record<string, z.ZodTypeAny> {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const s of PARAM_SPECS) {
    const unit = s.unit === '1' ? 'dimensionless' : s.unit;
    const range = [s.min !== undefined ? `${s.exclusiveMin ? '>' : '≥'} ${s.min}` : '', s.max !== undefined ? `≤ ${s.max}` : ''].filter(Boolean).map((r) => `; ${r}`).join('');
    shape[s.name] = ParamValue.optional().describe(`${s.symbol}: ${s.doc} [${unit}] (default ${s.single}${range})`);
    for (const [suffix] of unitSuffixes(s)) {
      if (suffix === 'MΩ') continue;
      shape[`${s.name}_${suffix}`] = ParamValue.optional().describe(`${s.symbol} in ${suffix} (alternative to '${s.name}')`);
    }
  }
  return shape;
}

export const ParamsSchema = z
  .object(paramKeys())
  .strict()
  .describe('model parameter overrides (MODEL.md §10): plain names take the documented unit; a unit suffix (tau_h_s, tau_c_ms) or a string with a unit ("48.8 ms") also works');

export const TrainSchema = z
  .object({
    onset_s: time(nonNegative()).describe('start of the first train, s'),
    duration_s: time(positive()).describe('duration of each train, s'),
    rate_Hz: positive().lte(MAX_RATE_HZ, { message: `must be ≤ ${MAX_RATE_HZ}` }).describe('presynaptic rate during a train, Hz'),
    count: finite('an integer').int({ message: 'must be an integer' }).gte(1, { message: 'must be ≥ 1' }).lte(MAX_TRAIN_COUNT, { message: `must be ≤ ${MAX_TRAIN_COUNT}` }).optional().describe('number of trains (default 1)'),
    period_s: time(nonNegative()).optional().describe('onset-to-onset interval between trains, s (required, > 0, when count > 1)'),
    interval_s: time(nonNegative()).optional().describe("alias of 'period_s'"),
    kind: z.enum(['poisson', 'regular']).optional().describe("'poisson' (a spike in each step with probability f·dt; default) or 'regular' (every 1/f)"),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.period_s !== undefined && t.interval_s !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['interval_s'], message: "give 'period_s' or its alias 'interval_s', not both" });
    }
    const period = t.period_s ?? t.interval_s;
    if ((t.count ?? 1) > 1 && period === undefined) {
      ctx.addIssue({ code: 'custom', path: ['period_s'], message: 'is required when count > 1' });
    } else if ((t.count ?? 1) > 1 && period === 0) {
      ctx.addIssue({ code: 'custom', path: [t.period_s !== undefined ? 'period_s' : 'interval_s'], message: 'must be > 0 when count > 1' });
    }
  });

export const ProtocolObjectSchema = z
  .object({
    preset: z.enum(PRESET_NAMES as [string, ...string[]]).optional().describe('start from a preset; name and duration_s may be overridden'),
    name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, { message: 'must be letters, digits, _ . - (no spaces or slashes)' }).optional(),
    description: z.string().optional(),
    duration_s: time(positive()).optional().describe('simulated duration, s'),
    trains: z.array(TrainSchema).optional().describe('stimulus trains'),
    spike_times_s: z.array(time(nonNegative())).max(MAX_SPIKE_TIMES, { message: `must list at most ${MAX_SPIKE_TIMES} spikes` }).optional().describe('explicit presynaptic spike times, s'),
    expected: z.enum(OUTCOME_CLASSES as unknown as [string, ...string[]]).optional().describe('expected outcome class, if known'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.preset !== undefined) {
      for (const k of ['trains', 'spike_times_s'] as const) {
        if (p[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `cannot be combined with 'preset' (write a custom protocol instead)` });
      }
      return;
    }
    if (p.name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: "is required (or give 'preset')" });
    if (p.duration_s === undefined) ctx.addIssue({ code: 'custom', path: ['duration_s'], message: 'is required' });
    if ((p.trains?.length ?? 0) === 0 && (p.spike_times_s?.length ?? 0) === 0) {
      ctx.addIssue({ code: 'custom', path: ['trains'], message: "a custom protocol needs 'trains' or 'spike_times_s'" });
    }
  });

export const ProtocolEntrySchema = z
  .union([z.string().describe(`a preset name (${PRESET_NAMES.join(', ')}) or 'all'`), ProtocolObjectSchema])
  .describe('a preset name, or a protocol object');

export const ProbeSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, { message: 'must be letters, digits, _ . - (no spaces or slashes)' }),
    variables: z
      .array(z.enum(PROBE_VARIABLES as unknown as [string, ...string[]]))
      .min(1, { message: 'must name at least one variable' })
      .describe(`recorded variables: ${PROBE_VARIABLES.map((v) => `${v} [${PROBE_UNITS[v]}]`).join(', ')}`),
    protocols: z.array(z.string()).optional().describe('protocols to record (default: all of the experiment)'),
    trials: z
      .union([z.literal('all'), z.array(finite('an integer').int({ message: 'must be an integer' }).gte(0, { message: 'must be ≥ 0' }))])
      .optional()
      .describe("trial indices to record, or 'all' (default [0])"),
    interval_s: time(positive()).describe('sampling interval, s (rounded to whole integration steps, at least one)'),
    from_s: time(nonNegative()).optional().describe('start of the window, s (default 0)'),
    to_s: time(positive()).optional().describe('end of the window, s (default: end of the run)'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.to_s !== undefined && p.from_s !== undefined && p.to_s <= p.from_s) {
      ctx.addIssue({ code: 'custom', path: ['to_s'], message: `must be > from_s (${p.from_s})` });
    }
  });

export const OutputsSchema = z
  .object({
    csv: z.boolean().optional().describe('trials.csv and per-protocol trace CSVs (default true)'),
    plots: z.boolean().optional().describe('SVG/PNG figures and their Vega-Lite specs (default true)'),
    hdf5: z.boolean().optional().describe('results.h5: ensembles, probe traces, spikes (SONATA), config (default true)'),
    npy: z.boolean().optional().describe('one .npy per probe variable and protocol (default false)'),
    chunk_samples: finite('an integer').int({ message: 'must be an integer' }).gte(64, { message: 'must be ≥ 64' }).optional()
      .describe('probe samples held per variable before they are written (default 65536)'),
  })
  .strict();

export const ExperimentSchema = z
  .object({
    $schema: z.string().optional().describe('JSON Schema reference, for editors (ignored)'),
    calcitag_version: z.string().optional().describe('version that resolved this experiment (informational)'),
    name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, { message: 'must be letters, digits, _ . - (no spaces or slashes)' }).optional()
      .describe('label, used in the default run folder name'),
    description: z.string().optional(),
    engine: z.string().optional().describe("integration engine (default 'reference')"),
    engine_options: z.record(z.unknown()).optional().describe('engine-specific settings (`calcitag run --help` lists each engine\'s), checked by the engine; the run record keeps them with every default filled in'),
    seed: finite('an integer').int({ message: 'must be an integer' }).gte(0, { message: 'must be ≥ 0' })
      .lte(Number.MAX_SAFE_INTEGER, { message: `must be ≤ ${Number.MAX_SAFE_INTEGER}` }).optional().describe('master seed (default 1)'),
    trials: finite('an integer').int({ message: 'must be an integer' }).gte(1, { message: 'must be ≥ 1' })
      .lte(MAX_TRIALS, { message: `must be ≤ ${MAX_TRIALS}` }).optional().describe('trials per protocol (default 10)'),
    dt_ms: positive().gte(MIN_DT_MS, { message: `must be ≥ ${MIN_DT_MS}` }).lte(MAX_DT_MS, { message: `must be ≤ ${MAX_DT_MS}` }).optional().describe('integration step, ms (default 0.2)'),
    fast_forward: z.boolean().optional().describe('fast-forward after the last stimulus (default true)'),
    sample_interval_s: time(positive()).optional().describe('grid of the ensemble traces, s (default 60)'),
    params: ParamsSchema.optional(),
    protocols: z.array(ProtocolEntrySchema).min(1, { message: 'must list at least one protocol' }),
    probes: z.array(ProbeSchema).optional(),
    outputs: OutputsSchema.optional(),
  })
  .strict()
  .describe('a calcitag experiment');

/** What a user writes (every field but `protocols` optional). */
export type ExperimentInput = z.input<typeof ExperimentSchema>;
export type ParsedExperiment = z.output<typeof ExperimentSchema>;

/** The experiment schema as JSON Schema (draft 2019-09 compatible, no $refs). */
export function experimentJsonSchema(): Record<string, unknown> {
  const schema = zodToJsonSchema(ExperimentSchema, { $refStrategy: 'none', target: 'jsonSchema2019-09' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'calcitag experiment',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

// ---------------------------------------------------------------------------------------------
// Error reporting

/** `protocols[1].trains[0].rate_Hz` */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out === '' ? '(experiment)' : out;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** Turns zod issues into `path: message` lines, choosing the union branch whose type matches. */
export function formatIssues(issues: readonly z.ZodIssue[], input: unknown): string[] {
  const out: string[] = [];
  for (const is of issues) {
    const where = formatPath(is.path);
    const got = valueAt(input, is.path);
    switch (is.code) {
      case 'invalid_union': {
        const matching = is.unionErrors.filter(
          (e) => !e.issues.some((i) => i.code === 'invalid_type' && i.path.length === is.path.length),
        );
        if (matching.length === 1) out.push(...formatIssues(matching[0]!.issues, input));
        else out.push(`${where}: must be ${is.path[0] === 'protocols' ? 'a preset name or a protocol object' : 'a number or a string with a unit'} (got ${describeValue(got)})`);
        break;
      }
      case 'invalid_type':
        if (is.received === 'undefined') out.push(`${where}: is required`);
        else if (is.message.startsWith('must')) out.push(`${where}: ${is.message} (got ${describeValue(got)})`);
        else out.push(`${where}: must be ${is.expected === 'array' ? 'a list' : is.expected === 'object' ? 'an object' : `a ${is.expected}`} (got ${describeValue(got)})`);
        break;
      case 'unrecognized_keys': {
        const allowed = allowedKeysAt(is.path);
        for (const k of is.keys) out.push(`${formatPath([...is.path, k])}: unknown key${allowed ? `; allowed: ${allowed}` : ''}`);
        break;
      }
      case 'invalid_enum_value':
        out.push(`${where}: must be one of ${is.options.join(', ')} (got ${describeValue(got)})`);
        break;
      case 'invalid_literal':
        out.push(`${where}: must be ${JSON.stringify(is.expected)} (got ${describeValue(got)})`);
        break;
      default:
        out.push(`${where}: ${is.message}${typeof got === 'number' || typeof got === 'string' ? ` (got ${describeValue(got)})` : ''}`);
    }
  }
  return [...new Set(out)];
}

function allowedKeysAt(path: ReadonlyArray<string | number>): string | undefined {
  const named = path.filter((k) => typeof k === 'string');
  const last = named[named.length - 1];
  const shapeKeys = (s: z.ZodTypeAny): string[] => {
    let t: z.ZodTypeAny = s;
    while (t instanceof z.ZodEffects || t instanceof z.ZodOptional) t = t instanceof z.ZodEffects ? t.innerType() : t.unwrap();
    return t instanceof z.ZodObject ? Object.keys(t.shape) : [];
  };
  if (path.length === 0) return shapeKeys(ExperimentSchema).join(', ');
  if (last === 'params') return `${PARAM_NAMES.join(', ')} (or with a unit suffix, e.g. tau_h_s)`;
  if (last === 'trains') return shapeKeys(TrainSchema).join(', ');
  if (last === 'protocols' && path.length === 2) return shapeKeys(ProtocolObjectSchema).join(', ');
  if (last === 'probes') return shapeKeys(ProbeSchema).join(', ');
  if (last === 'outputs') return shapeKeys(OutputsSchema).join(', ');
  return undefined;
}

/** Converts one parameter entry (`tau_c: 48.8`, `tau_c_s: 0.0488`, `tau_c: "48.8 ms"`) to its documented unit. */
export function normalizeParam(key: string, value: number | string): { name: string; value: number } | { error: string } {
  let spec = PARAM_SPECS.find((s) => s.name === key);
  let factor = 1;
  if (!spec) {
    for (const s of PARAM_SPECS) {
      for (const [suffix, f] of unitSuffixes(s)) {
        if (key === `${s.name}_${suffix}`) {
          spec = s;
          factor = f;
        }
      }
    }
  }
  if (!spec) return { error: `unknown parameter; allowed: ${PARAM_NAMES.join(', ')}` };
  let num: number;
  if (typeof value === 'number') {
    num = value * factor;
  } else {
    const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zΩµ·^½]*)\s*$/.exec(value);
    if (!m) return { error: `'${value}' is not a number with an optional unit (e.g. "48.8 ms")` };
    const unit = m[2]!;
    const base = Number(m[1]);
    if (unit === '') num = base * factor;
    else {
      if (factor !== 1 || key !== spec.name) return { error: `give the unit in the key or in the value, not both` };
      const allowed = unitSuffixes(spec);
      const hit = allowed.find(([u]) => u === unit) ?? (unit === spec.unit ? [unit, 1] as const : undefined);
      if (!hit) return { error: `unit '${unit}' does not fit ${spec.name} [${spec.unit}]${allowed.length ? `; allowed: ${allowed.map(([u]) => u).join(', ')}` : ' (dimensionless: give a plain number)'}` };
      num = base * hit[1];
    }
  }
  const err = checkParam(spec.name, num);
  if (err) return { error: err.replace(/^parameter \S+ must/, 'must').replace(/^parameter /, '') };
  return { name: spec.name, value: num };
}
