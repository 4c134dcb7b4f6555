/**
 * Property-based tests (fast-check) of the parameter ranges (src/model/parameters.ts) and of the
 * experiment-file parser (src/experiments/experiment.ts resolveExperiment, experimentSchema.ts):
 * - a value inside a parameter's documented range is accepted, one outside (or NaN, ±∞) refused with a
 *   message naming the parameter — by checkParam, --param parsing and experiment files alike;
 * - any JSON value, and any text, given as an experiment either resolves or fails with an
 *   ExperimentError (never another exception, never a stack trace), and a resolved experiment has
 *   finite numbers only;
 * - generated valid experiments resolve, in every spelling (units in keys or values, YAML or JSON), to
 *   the same thing, and a resolved experiment written out (experimentToJson) reads back unchanged.
 * FC_RUNS=<n> raises the number of cases per property (default 200); FC_SEED=<n> replays a seed (test/propertyCheck.ts).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { propertyCheck } from './propertyCheck.js';
import { ExperimentError, experimentToJson, parseExperimentText, resolveExperiment, type ResolvedExperiment } from '../src/experiments/experiment.js';
import { normalizeParam, unitSuffixes } from '../src/experiments/experimentSchema.js';
import { checkParam, defaultParams, PARAM_NAMES, PARAM_SPECS, ParameterError, parseParamAssignment, resolveParams, toSeconds, type ParamSpec } from '../src/model/parameters.js';
import { PRESET_NAMES } from '../src/model/protocols.js';

const check = propertyCheck(200);

/** Parameters with no cross-check against another one (theta_d ≤ theta_p, v_reset < v_th). */
const FREE = PARAM_SPECS.filter((s) => !['theta_p', 'theta_d', 'v_reset', 'v_th'].includes(s.name));
const spec = fc.constantFrom(...PARAM_SPECS);
const freeSpec = fc.constantFrom(...FREE);

/** A value between 0.5 and 2 times the default (or near it, for a default of 0): inside any sane range. */
const nearDefault = (s: ParamSpec) =>
  s.single === 0 ? fc.double({ min: 0, max: 1, noNaN: true }) : fc.double({ min: 0.5, max: 2, noNaN: true }).map((f) => s.single * f);

/** Every number that is not finite, or outside the documented range. */
function outsideRange(s: ParamSpec): fc.Arbitrary<number> {
  const bad: fc.Arbitrary<number>[] = [fc.constantFrom(NaN, Infinity, -Infinity)];
  const min = s.min;
  const max = s.max;
  // (the filters drop −0 for a minimum of 0: −0 ≥ 0)
  if (min !== undefined) bad.push(fc.double({ max: min, noNaN: true, noDefaultInfinity: true }).filter((v) => (s.exclusiveMin ? v <= min : v < min)));
  if (max !== undefined) bad.push(fc.double({ min: max, noNaN: true, noDefaultInfinity: true }).filter((v) => v > max));
  return fc.oneof(...bad);
}

const noStack = (msg: string) => expect(msg).not.toMatch(/\n\s+at .+:\d+:\d+/);
const allFinite = (e: ResolvedExperiment) => {
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') expect(Number.isFinite(v), `${path} = ${v}`).toBe(true);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(e, 'experiment');
};

describe('parameter ranges', () => {
  it('the defaults (single synapse and network) are inside every range', () => {
    for (const kind of ['single', 'network'] as const) {
      const p = defaultParams(kind);
      for (const n of PARAM_NAMES) expect(checkParam(n, p[n])).toBeUndefined();
      expect(() => resolveParams({}, kind)).not.toThrow();
    }
  });

  it('a value near the default is accepted and applied; toSeconds scales ms by 1e-3 only', () => {
    check(fc.property(freeSpec.chain((s) => fc.tuple(fc.constant(s), nearDefault(s))), ([s, v]) => {
      expect(checkParam(s.name, v)).toBeUndefined();
      const p = resolveParams({ [s.name]: v });
      expect(p[s.name]).toBe(v);
      expect(toSeconds(p, s.name)).toBe(s.unit === 'ms' ? v * 1e-3 : v);
    }));
  });

  it('NaN, ±∞ and values outside the documented range are refused, naming the parameter', () => {
    check(fc.property(spec.chain((s) => fc.tuple(fc.constant(s), outsideRange(s))), ([s, v]) => {
      const err = checkParam(s.name, v);
      expect(err).toBeDefined();
      expect(err).toContain(s.name);
      expect(() => resolveParams({ [s.name]: v })).toThrow(ParameterError);
    }));
  });

  it('--param name=value agrees with checkParam and gives back the number typed', () => {
    check(fc.property(spec, fc.oneof(fc.double(), fc.integer()), (s, v) => {
      const text = `${s.name}=${String(v)}`;
      const ok = checkParam(s.name, v) === undefined;
      if (ok) expect(parseParamAssignment(text)).toEqual([s.name, v + 0]); // String(-0) is '0'
      else expect(() => parseParamAssignment(text)).toThrow(ParameterError);
    }));
  });

  it('--param with any text either parses to a finite, in-range value or throws a ParameterError', () => {
    check(fc.property(fc.oneof(fc.string(), fc.tuple(spec, fc.string()).map(([s, t]) => `${s.name}=${t}`)), (text) => {
      try {
        const [name, value] = parseParamAssignment(text);
        expect(Number.isFinite(value)).toBe(true);
        expect(checkParam(name, value)).toBeUndefined();
      } catch (e) {
        expect(e).toBeInstanceOf(ParameterError);
        expect((e as Error).message).not.toContain('\n');
      }
    }));
  });

  it('the cross-checks hold for every accepted set: theta_d ≤ theta_p, v_reset < v_th', () => {
    const num = fc.double({ min: -100, max: 100, noNaN: true });
    check(fc.property(num, num, num, num, (tp, td, vr, vt) => {
      try {
        const p = resolveParams({ theta_p: tp, theta_d: td, v_reset: vr, v_th: vt });
        expect(p.theta_d).toBeLessThanOrEqual(p.theta_p);
        expect(p.v_reset).toBeLessThan(p.v_th);
      } catch (e) {
        expect(e).toBeInstanceOf(ParameterError);
      }
    }));
  });
});

describe('experiment files: parameters with units', () => {
  it("a unit in the key, in the value or none give the same value (tau_c_s: x ≡ tau_c: 1000x ≡ tau_c: '1000x ms')", () => {
    const withUnits = fc.constantFrom(...FREE.filter((s) => unitSuffixes(s).length > 0));
    check(fc.property(withUnits.chain((s) => fc.tuple(fc.constant(s), nearDefault(s), fc.constantFrom(...unitSuffixes(s)))), ([s, v, [suffix, factor]]) => {
      const plain = normalizeParam(s.name, v);
      expect(plain).toEqual({ name: s.name, value: v });
      const keyed = normalizeParam(`${s.name}_${suffix}`, v / factor);
      if (suffix === 'MΩ') return; // not a key, only a value unit
      expect('value' in keyed && keyed.value).toBeCloseTo(v, 9);
      const valued = normalizeParam(s.name, `${v / factor} ${suffix}`);
      expect('value' in valued && valued.value).toBeCloseTo(v, 9);
    }));
  });

  it('any string value either converts to an in-range number or is reported (no exception)', () => {
    check(fc.property(spec, fc.string(), (s, text) => {
      const r = normalizeParam(s.name, text);
      if ('error' in r) expect(r.error.length).toBeGreaterThan(0);
      else expect(checkParam(r.name, r.value)).toBeUndefined();
    }));
  });
});

// ---------------------------------------------------------------------------------------------
// generated experiments

const posSmall = (max: number) => fc.double({ min: 1e-3, max, noNaN: true });
const train = fc.record(
  {
    onset_s: fc.double({ min: 0, max: 100, noNaN: true }),
    duration_s: posSmall(2),
    rate_Hz: posSmall(100),
    count: fc.integer({ min: 1, max: 3 }),
    period_s: posSmall(50),
    kind: fc.constantFrom('poisson', 'regular'),
  },
  { requiredKeys: ['onset_s', 'duration_s', 'rate_Hz'] },
);
const name = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,11}$/);
const customProtocol = fc.record({
  name,
  duration_s: posSmall(400),
  trains: fc.array(train, { minLength: 1, maxLength: 3 }),
}).map((p) => ({ ...p, trains: p.trains.map((t) => ((t.count ?? 1) > 1 && t.period_s === undefined ? { ...t, period_s: 10 } : t)) }));
const protocol = fc.oneof(fc.constantFrom(...PRESET_NAMES), fc.constantFrom(...PRESET_NAMES).map((preset) => ({ preset })), customProtocol);
const params = fc.uniqueArray(freeSpec, { maxLength: 5, selector: (s) => s.name }).chain((specs) =>
  fc.tuple(...specs.map((s) => nearDefault(s).map((v) => [s.name, v] as const))).map((kv) => Object.fromEntries(kv)),
);
/** A valid experiment (as a user would write it). */
const experiment = fc.record(
  {
    name,
    engine: fc.constantFrom('reference', 'exact', 'bss2'),
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    trials: fc.integer({ min: 1, max: 20 }),
    dt_ms: fc.constantFrom(0.1, 0.2, 0.5, 1),
    fast_forward: fc.boolean(),
    sample_interval_s: fc.constantFrom(1, 10, 60),
    params,
    protocols: fc.uniqueArray(protocol, { minLength: 1, maxLength: 3, selector: (p) => (typeof p === 'string' ? p : 'preset' in p ? p.preset : p.name) }),
    outputs: fc.record({ csv: fc.boolean(), plots: fc.boolean(), hdf5: fc.boolean(), npy: fc.boolean() }, { requiredKeys: [] }),
  },
  { requiredKeys: ['protocols'] },
).map((e) => {
  // bss2 refuses weights above its fixed-point full scale (16 mV): keep h_max, h0, z_max at their defaults there
  if (e.engine !== 'bss2' || !e.params) return e;
  const { h_max: _a, h0: _b, z_max: _c, ...rest } = e.params as Record<string, number>;
  return { ...e, params: rest };
});

/** Tries resolveExperiment: the experiment, or the ExperimentError (anything else fails the test). */
function tryResolve(input: unknown): ResolvedExperiment | ExperimentError {
  try {
    const e = resolveExperiment(input, 'fuzz.yaml');
    allFinite(e);
    return e;
  } catch (e) {
    if (!(e instanceof ExperimentError)) throw new Error(`resolveExperiment threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    expect(e.issues.length).toBeGreaterThan(0);
    noStack(e.message);
    return e;
  }
}

describe('experiment files: resolveExperiment', () => {
  it('any JSON value resolves or gives an ExperimentError with its problems listed', () => {
    check(fc.property(fc.jsonValue(), (v) => void tryResolve(v)));
  });

  it('a valid experiment with one field mangled resolves or gives an ExperimentError', () => {
    const key = fc.constantFrom('name', 'engine', 'seed', 'trials', 'dt_ms', 'fast_forward', 'sample_interval_s', 'params', 'protocols', 'probes', 'outputs', 'engine_options', 'bogus');
    const junk = fc.oneof(fc.jsonValue(), fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 1e308, -1e308, 2 ** 53 + 2, '', 'all', [], {}, [{}]));
    check(fc.property(experiment, key, junk, (e, k, v) => void tryResolve({ ...e, [k]: v })));
  });

  it('a train or probe with mangled fields resolves or gives an ExperimentError', () => {
    const field = fc.constantFrom('onset_s', 'duration_s', 'rate_Hz', 'count', 'period_s', 'interval_s', 'kind', 'extra');
    const junk = fc.oneof(fc.double(), fc.integer(), fc.constantFrom('x', null, true, [], {}));
    check(fc.property(train, field, junk, name, (t, f, v, n) => {
      void tryResolve({ protocols: [{ name: n, duration_s: 10, trains: [{ ...t, [f]: v }] }] });
      void tryResolve({ protocols: ['STET'], probes: [{ name: n, variables: ['c'], interval_s: 1, [f.replace('onset', 'from')]: v }] });
    }));
  });

  it('generated valid experiments resolve, with the parameters given and every default filled in', () => {
    check(fc.property(experiment, (input) => {
      const r = tryResolve(input);
      if (r instanceof ExperimentError) throw new Error(`valid experiment refused: ${r.message}\n${JSON.stringify(input)}`);
      for (const [k, v] of Object.entries(input.params ?? {})) expect(r.params[k as keyof typeof r.params]).toBe(v);
      expect(r.trials).toBe(input.trials ?? r.trials);
      expect(r.protocols.length).toBe(input.protocols.length);
    }));
  });

  it('a resolved experiment written out (experimentToJson) reads back to itself', () => {
    check(fc.property(experiment, (input) => {
      const r = resolveExperiment(input);
      const again = resolveExperiment(JSON.parse(JSON.stringify(experimentToJson(r))));
      expect(again).toEqual(r);
    }));
  });

  it('YAML and JSON text of an experiment resolve the same as the object', () => {
    check(fc.property(experiment, (input) => {
      const r = resolveExperiment(input);
      expect(resolveExperiment(parseExperimentText(stringify(input), 'x.yaml'))).toEqual(r);
      expect(resolveExperiment(parseExperimentText(JSON.stringify(input), 'x.json'))).toEqual(r);
    }));
  });

  it('any text parses (then resolves) or gives an ExperimentError', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), experiment.map((e) => stringify(e)).chain((y) => fc.nat({ max: y.length }).map((i) => y.slice(0, i))));
    check(fc.property(text, fc.constantFrom('x.yaml', 'x.json'), (t, src) => {
      let parsed: unknown;
      try {
        parsed = parseExperimentText(t, src);
      } catch (e) {
        expect(e).toBeInstanceOf(ExperimentError);
        noStack((e as Error).message);
        return;
      }
      void tryResolve(parsed);
    }));
  });
});
