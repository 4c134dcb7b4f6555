/**
 * The `sweep` section of an experiment file: which fields of the experiment vary and how. A field is
 * named by its path in the experiment (`params.c_pre`, `engine_options.spike_sampler`,
 * `protocols[0].trains[0].rate_Hz`, `dt_ms`, `engine`). Points are the product of three factors, each
 * optional: `grid` (every combination of its axes), `list` (these points, one by one) and `random`
 * (`samples` draws, uniform or log-uniform per field, from the master seed's 'sampling' stream).
 *
 * This module only describes and expands; the plan (ids, seeds, validation of every point) is plan.ts.
 */
import { z } from 'zod';
import { streamFor } from '../../random/streams.js';
import { formatIssues } from '../experimentSchema.js';
import { MAX_TRIALS } from '../limits.js';

/** A swept value: what the field takes in the experiment file. */
export type SweepValue = number | string | boolean;
/** One point: path → value, in the order the axes are written. */
export type Assignments = Record<string, SweepValue>;

/** Most points one sweep may expand to (a manifest of 1 M jobs is ~200 MB; split larger studies). */
export const MAX_SWEEP_POINTS = 1_000_000;

const value = z.union([z.number().finite(), z.string(), z.boolean()]);
const range = z
  .object({
    from: z.number().finite().describe('first value'),
    to: z.number().finite().describe('last value (included)'),
    steps: z.number().int().gte(1).lte(100_000).describe('number of values'),
    scale: z.enum(['linear', 'log']).optional().describe("spacing (default 'linear'; 'log' needs from, to > 0)"),
  })
  .strict();
const axis = z.union([z.array(value).min(1, { message: 'must list at least one value' }), range]);
const distribution = z.union([
  z.object({ uniform: z.tuple([z.number().finite(), z.number().finite()]) }).strict(),
  z.object({ log_uniform: z.tuple([z.number().finite().gt(0), z.number().finite().gt(0)]) }).strict(),
]);

export const SweepSchema = z
  .object({
    trials: z.number().int().gte(1).lte(MAX_TRIALS).optional().describe("trials per point and protocol (default: the experiment's trials)"),
    grid: z.record(axis).optional().describe('path → values (a list, or {from, to, steps, scale}); every combination'),
    list: z.array(z.record(value)).min(1).optional().describe('points given one by one: each a map path → value'),
    random: z
      .object({
        samples: z.number().int().gte(1).lte(MAX_SWEEP_POINTS).describe('number of random points'),
        fields: z.record(distribution).describe('path → {uniform: [lo, hi]} or {log_uniform: [lo, hi]}'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .describe('a parameter sweep: points = grid × list × random (each factor optional)');
export type SweepSection = z.output<typeof SweepSchema>;

/** Fields a sweep may vary (the seed is derived per job, the trials per point are `sweep.trials`). */
export const SYNAPSE_ROOTS: readonly string[] = ['params', 'engine_options', 'protocols', 'engine', 'dt_ms', 'fast_forward', 'sample_interval_s'];
/** Fields a network sweep may vary: the network's description and run settings (`seed`: that network's seed). */
export const NETWORK_ROOTS: readonly string[] = ['params', 'engine_options', 'engine', 'dt_ms', 'fast_forward', 'seed', 'duration_s', 'populations', 'projections', 'stimuli', 'readout'];

/** `protocols[0].trains[1].rate_Hz` → ['protocols', 0, 'trains', 1, 'rate_Hz'], or an error. */
export function parseSweepPath(path: string, roots: readonly string[] = SYNAPSE_ROOTS): Array<string | number> | { error: string } {
  const parts: Array<string | number> = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|(\.)/gy;
  let m: RegExpExecArray | null;
  let expectName = true;
  while (re.lastIndex < path.length && (m = re.exec(path)) !== null) {
    if (m[1] !== undefined) { if (!expectName) return { error: 'a name must follow a dot' }; parts.push(m[1]); expectName = false; }
    else if (m[2] !== undefined) { if (expectName) return { error: 'an index must follow a name' }; parts.push(Number(m[2])); }
    else { if (expectName) return { error: 'two separators in a row' }; expectName = true; }
  }
  if (re.lastIndex !== path.length || parts.length === 0 || expectName) return { error: "is not a path such as 'params.c_pre' or 'protocols[0].trains[0].rate_Hz'" };
  if (!roots.includes(parts[0] as string)) return { error: `cannot be swept; a path starts with one of ${roots.join(', ')}` };
  return parts;
}

/**
 * The experiment with one point's values set. A preset name at `protocols[i]` becomes `{preset: NAME}`
 * (the same protocol) when the path reaches into it. Throws with a one-line message when the path does
 * not fit the experiment.
 */
export function applyAssignments(base: Record<string, unknown>, point: Assignments, roots: readonly string[] = SYNAPSE_ROOTS): Record<string, unknown> {
  const out = structuredClone(base);
  for (const [path, v] of Object.entries(point)) {
    const parts = parseSweepPath(path, roots);
    if ('error' in parts) throw new Error(`sweep: '${path}' ${parts.error}`);
    let node: Record<string | number, unknown> = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const k = parts[i]!;
      let next = node[k];
      if (next === undefined && typeof parts[i + 1] === 'string' && typeof k === 'string') next = node[k] = {};
      if (typeof next === 'string' && typeof k === 'number' && parts[i - 1] === 'protocols') next = node[k] = { preset: next.toUpperCase() };
      if (next === null || typeof next !== 'object') throw new Error(`sweep: '${path}' does not exist in the experiment (nothing at ${parts.slice(0, i + 1).join('.')})`);
      node = next as Record<string | number, unknown>;
    }
    node[parts[parts.length - 1]!] = v;
  }
  return out;
}

/** The values of one grid axis. */
function axisValues(a: z.output<typeof axis>): SweepValue[] {
  if (Array.isArray(a)) return a;
  if (a.steps === 1) return [a.from];
  const out: number[] = [];
  for (let k = 0; k < a.steps; k++) {
    const f = k / (a.steps - 1);
    // round to 12 significant digits: 0.1 + 2·0.1 reads 0.3 in the table and the file names
    const v = a.scale === 'log' ? a.from * Math.pow(a.to / a.from, f) : a.from + (a.to - a.from) * f;
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

/** What a sweep varies, for the manifest and the table's columns. */
export interface SweptField {
  readonly path: string;
  readonly source: 'grid' | 'list' | 'random';
  /** The grid's values (absent for list and random fields). */
  readonly values?: SweepValue[];
}

export interface ExpandedSweep {
  readonly fields: SweptField[];
  readonly points: Assignments[];
}

/** Cartesian product of factors (each a list of partial points), first factor slowest. */
function product(factors: Assignments[][]): Assignments[] {
  let out: Assignments[] = [{}];
  for (const f of factors) {
    const next: Assignments[] = [];
    for (const a of out) for (const b of f) next.push({ ...a, ...b });
    out = next;
  }
  return out;
}

/** Checks the section (every problem as `sweep.…: message`) and expands it to its points. */
export function expandSweep(raw: unknown, masterSeed: number, roots: readonly string[] = SYNAPSE_ROOTS): ExpandedSweep {
  const parsed = SweepSchema.safeParse(raw);
  if (!parsed.success) throw new SweepSpecError(formatIssues(parsed.error.issues, raw).map((l) => `sweep.${l}`));
  const s = parsed.data;
  const issues: string[] = [];
  const fields: SweptField[] = [];
  const note = (path: string, source: SweptField['source'], values?: SweepValue[]) => {
    const p = parseSweepPath(path, roots);
    if ('error' in p) issues.push(`sweep.${source}: '${path}' ${p.error}`);
    else if (fields.some((f) => f.path === path && f.source !== source)) issues.push(`sweep.${source}: '${path}' is already swept in sweep.${fields.find((f) => f.path === path)!.source}`);
    else if (!fields.some((f) => f.path === path)) fields.push({ path, source, ...(values ? { values } : {}) });
  };
  const factors: Assignments[][] = [];
  for (const [path, a] of Object.entries(s.grid ?? {})) {
    if (!Array.isArray(a) && a.scale === 'log' && (a.from <= 0 || a.to <= 0)) issues.push(`sweep.grid.${path}: a log scale needs from and to > 0`);
    const values = axisValues(a);
    note(path, 'grid', values);
    factors.push(values.map((v) => ({ [path]: v })));
  }
  if (s.list) {
    s.list.forEach((pt) => Object.keys(pt).forEach((path) => note(path, 'list')));
    factors.push(s.list);
  }
  if (s.random) {
    const entries = Object.entries(s.random.fields);
    entries.forEach(([path, d]) => {
      note(path, 'random');
      const [lo, hi] = 'uniform' in d ? d.uniform : d.log_uniform;
      if (!(hi > lo)) issues.push(`sweep.random.fields.${path}: the upper bound must be > the lower bound (got [${lo}, ${hi}])`);
    });
    const samples: Assignments[] = [];
    for (let k = 0; k < s.random.samples; k++) {
      // sample k's stream depends on (master seed, k) only: more samples keep the first ones
      const rng = streamFor(masterSeed, [k], 'sampling');
      const pt: Assignments = {};
      for (const [path, d] of entries) {
        const u = rng.uniform();
        const v = 'uniform' in d ? d.uniform[0] + (d.uniform[1] - d.uniform[0]) * u : d.log_uniform[0] * Math.pow(d.log_uniform[1] / d.log_uniform[0], u);
        pt[path] = Number(v.toPrecision(12));
      }
      samples.push(pt);
    }
    factors.push(samples);
  }
  if (factors.length === 0) issues.push('sweep: give at least one of grid, list, random');
  const count = factors.reduce((n, f) => n * f.length, 1);
  if (count > MAX_SWEEP_POINTS) issues.push(`sweep: expands to ${count} points; at most ${MAX_SWEEP_POINTS} (split the study)`);
  if (issues.length > 0) throw new SweepSpecError(issues);
  return { fields, points: product(factors) };
}

/** A malformed sweep section or point; every problem on its own line. */
export class SweepSpecError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.length === 1 ? issues[0]! : `${issues.length} problems:\n  ${issues.join('\n  ')}`);
    this.name = 'SweepSpecError';
  }
}
