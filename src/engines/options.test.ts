import { describe, expect, it } from 'vitest';
import { defaultParams } from '../model/parameters.js';
import type { Protocol } from '../model/protocols.js';
import { EngineOptionError, nonDefaultOptions, resolveEngineOptions } from './options.js';
import { engineNames, getEngine } from './registry.js';

const context = { params: defaultParams(), dt_ms: 0.2 };
const errorOf = (engine: string, raw: Record<string, unknown>) => {
  try {
    resolveEngineOptions(getEngine(engine), raw, context);
  } catch (e) {
    return e as EngineOptionError;
  }
  throw new Error('no error');
};

describe('engine options', () => {
  it('resolve to every declared default, and resolving again changes nothing', () => {
    for (const name of engineNames()) {
      const engine = getEngine(name);
      const resolved = resolveEngineOptions(engine, {}, context);
      for (const o of engine.options ?? []) if (o.default !== undefined) expect(resolved[o.name], `${name}.${o.name}`).toEqual(o.default);
      expect(resolveEngineOptions(engine, resolved, context)).toEqual(resolved);
      expect(nonDefaultOptions(engine, resolved)).toEqual({});
    }
    expect(resolveEngineOptions(getEngine('reference'), {}, context)).toEqual({});
  });

  it('name the field, the value and what is allowed when they cannot run', () => {
    const e = errorOf('bss2', { format: 'int12' });
    expect(e).toBeInstanceOf(EngineOptionError);
    expect([e.engine, e.field, e.value, e.allowed]).toEqual(['bss2', 'format', 'int12', 'int8, int16, int32']);
    expect(errorOf('bss2', { ppuPeriod: 10 }).message).toBe(`unknown option 'ppuPeriod' of engine 'bss2'; allowed: ${getEngine('bss2').options!.map((o) => o.name).join(', ')}`);
    expect(errorOf('bss2', { acceleration: 0 })).toMatchObject({ field: 'acceleration', value: 0, allowed: 'a number > 0 (the chip runs at 1000)' });
    expect(errorOf('bss2', { calibration: 'yes' })).toMatchObject({ field: 'calibration', value: 'yes', allowed: 'true or false' });
    expect(errorOf('exact', { maxNoisyStep_ms: -1 })).toMatchObject({ field: 'maxNoisyStep_ms', value: -1, allowed: 'a number > 0 (ms)' });
    expect(errorOf('exact', { everyPsp: 'yes' })).toMatchObject({ field: 'everyPsp', value: 'yes', allowed: 'true or false' });
    expect(errorOf('reference', { dt: 1 })).toMatchObject({ field: 'dt', allowed: 'none (the engine takes no options)' });
  });

  it('resolved or not, run a trial bit for bit the same', () => {
    const protocol: Protocol = { name: 'short', description: '', duration_s: 120, trains: [{ onset_s: 10, duration_s: 1, rate_Hz: 100 }] };
    for (const name of ['exact', 'bss2']) {
      const engine = getEngine(name);
      const spec = { params: context.params, protocol, seed: 3, trial: 1, dt_ms: 0.2, fastForward: true, sampleInterval_s: 10, recordCalcium: false };
      const plain = engine.runTrial(spec);
      const resolved = engine.runTrial({ ...spec, engineOptions: resolveEngineOptions(engine, {}, context) });
      expect(Array.from(resolved.h_mV), name).toEqual(Array.from(plain.h_mV));
      expect(Array.from(resolved.z), name).toEqual(Array.from(plain.z));
    }
  });

  it('give a report where the engine has one', () => {
    const bss2 = getEngine('bss2');
    const options = resolveEngineOptions(bss2, { ppuPeriod_ms: 20 }, context);
    const report = bss2.report!(options, { ...context, protocols: [{ name: 'P', description: '', duration_s: 3600, trains: [] }] });
    expect(report.json).toMatchObject({ ppu_period_ms: 20, ppu_period_hw_us: 20, time: [{ protocol: 'P', biological_s: 3600, hardware_s: 3.6 }] });
    expect(report.text).toMatch(/^BrainScaleS-2 emulation/);
  });
});
