import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExperimentError, experimentRunConfig, experimentToJson, parseExperimentText, readExperimentFile, resolveExperiment, toProtocol } from './experiment.js';
import { experimentJsonSchema } from './experimentSchema.js';
import { PRESET_PROTOCOLS } from '../model/protocols.js';
import { defaultParams } from '../model/parameters.js';
import { resolveRunConfig } from './protocolRun.js';
import { engineNames, getEngine } from '../engines/registry.js';
import { expandSweep } from './sweep/spec.js';

function issuesOf(input: unknown): string[] {
  try {
    resolveExperiment(input);
  } catch (e) {
    if (e instanceof ExperimentError) return [...e.issues];
    throw e;
  }
  return [];
}

describe('experiment files', () => {
  it('resolve a minimal file to every default', () => {
    const e = resolveExperiment({ protocols: ['STET'] });
    expect(e.engine).toBe(resolveRunConfig({ protocols: ['STET'] }).engine); // as `calcitag run`
    expect(e.trials).toBe(10);
    expect(e.seed).toBe(1);
    expect(e.params).toEqual(defaultParams());
    expect(e.protocols[0]!.trains[0]).toEqual({ onset_s: 3600, duration_s: 1, rate_Hz: 100, count: 3, period_s: 600, kind: 'poisson' });
    expect(e.outputs).toEqual({ csv: true, plots: true, hdf5: true, npy: false, chunk_samples: 65536 });
    // the resolved form is itself a valid experiment that resolves to the same thing
    expect(resolveExperiment(JSON.parse(JSON.stringify(e)))).toEqual(e);
    // and so is the file form, with units in the parameter keys
    const file = experimentToJson(e) as { params: Record<string, number> };
    expect(file.params).toMatchObject({ tau_h_s: 688.4, tau_c_ms: 48.8, h0_mV: e.params.h0, r_mem_MOhm: 10, i_0_nA: 0, theta_p: 3, sigma_wn: 0 });
    expect(resolveExperiment(JSON.parse(JSON.stringify(file)))).toEqual(e);
  });

  it('resolve their own resolved form to itself (presets, custom protocols, probes)', () => {
    const e = resolveExperiment({
      protocols: ['all', { name: 'c', duration_s: 50, trains: [{ onset_s: 1, duration_s: 1, rate_Hz: 5 }], spike_times_s: [2] }],
      probes: [{ name: 'p', variables: ['h'], interval_s: 1, protocols: ['c'] }],
      params: { tau_h_s: 700 },
    });
    const again = resolveExperiment(JSON.parse(JSON.stringify(e)));
    expect(again).toEqual(e);
    expect(again.protocols.map((p) => p.name)).toEqual(['STET', 'WTET', 'SLFS', 'WLFS', 'c']);
  });

  it('produce the same run configuration as the protocol names', () => {
    const viaNames = resolveRunConfig({ protocols: ['all'], trials: 3, seed: 9 });
    const viaFile = experimentRunConfig(resolveExperiment({ protocols: ['all'], trials: 3, seed: 9 }));
    expect(viaFile.params).toEqual(viaNames.params);
    expect(viaFile.protocols.map((p) => p.name)).toEqual(viaNames.protocols.map((p) => p.name));
    expect(toProtocol(resolveExperiment({ protocols: ['SLFS'] }).protocols[0]!).trains[0]).toMatchObject(PRESET_PROTOCOLS.SLFS.trains[0]!);
  });

  it('accept units in keys and values and convert them', () => {
    const e = resolveExperiment({ protocols: ['WTET'], params: { tau_h_s: 700, tau_c: '0.05 s', t_c_delay_s: 0.02, theta_p: 3.5, h0_mV: 4.2 } });
    expect(e.params.tau_h).toBe(700);
    expect(e.params.tau_c).toBeCloseTo(50, 12);
    expect(e.params.t_c_delay).toBeCloseTo(20, 12);
    expect(e.params.theta_p).toBe(3.5);
    expect(e.params.h0).toBe(4.2);
  });

  it('resolve custom protocols, presets with overrides and probes', () => {
    const e = resolveExperiment({
      trials: 4,
      protocols: [
        { preset: 'STET', name: 'STET-2h', duration_s: 7200 },
        { name: 'pair', duration_s: 100, trains: [{ onset_s: 10, duration_s: 0.5, rate_Hz: 50, count: 2, interval_s: 5, kind: 'regular' }], spike_times_s: [3, 1] },
      ],
      probes: [{ name: 'fine', variables: ['h', 'c'], interval_s: 0.001, from_s: 9, to_s: 12, trials: 'all' }, { name: 'coarse', variables: ['w'], interval_s: 1, protocols: ['pair'] }],
    });
    expect(e.protocols.map((p) => [p.name, p.duration_s])).toEqual([['STET-2h', 7200], ['pair', 100]]);
    expect(e.protocols[1]!.trains[0]!.period_s).toBe(5);
    expect(e.protocols[1]!.spike_times_s).toEqual([1, 3]);
    expect(e.probes[0]).toEqual({ name: 'fine', variables: ['h', 'c'], protocols: ['STET-2h', 'pair'], trials: [0, 1, 2, 3], interval_s: 0.001, from_s: 9, to_s: 12 });
    expect(e.probes[1]!.trials).toEqual([0]);
  });

  it('run probes on an engine that records them', () => {
    const probes = [{ name: 'p', variables: ['h'], interval_s: 1 }];
    expect(resolveExperiment({ protocols: ['WTET'], probes }).engine).toBe('reference');
    const others = engineNames().filter((n) => !getEngine(n).recordsProbes);
    for (const engine of others) {
      expect(issuesOf({ protocols: ['WTET'], probes, engine })).toEqual([`engine: '${engine}' does not record probes; use 'reference' for an experiment with probes`]);
    }
  });

  it('check engine options up front with the engine, and keep them with every default filled in', () => {
    const e = resolveExperiment({ protocols: ['WTET'], engine: 'bss2', engine_options: { rounding: 'nearest' } });
    expect(e.engine_options).toMatchObject({ rounding: 'nearest', ppuPeriod_ms: 10, format: 'int16' });
    expect(resolveExperiment({ protocols: ['WTET'], engine: 'bss2', engine_options: e.engine_options }).engine_options).toEqual(e.engine_options);
    const issues = issuesOf({ protocols: ['WTET'], engine: 'bss2', engine_options: { rounding: 'sometimes' } });
    expect(issues).toEqual(["engine_options.rounding: rounding 'sometimes' is invalid for engine 'bss2'; allowed: truncate, nearest, stochastic"]);
    expect(issuesOf({ protocols: ['WTET'], engine: 'bss2', engine_options: { ppuPeriod_ms: 0.3 } })[0]).toMatch(/^engine_options\.ppuPeriod_ms: --ppu-period 0\.3 ms must be a whole multiple/);
    expect(issuesOf({ protocols: ['WTET'], engine: 'reference', engine_options: { rounding: 'nearest' } }))
      .toEqual(["engine_options.rounding: unknown option 'rounding' of engine 'reference'; allowed: none (the engine takes no options)"]);
  });

  it('list every violation with its path', () => {
    const issues = issuesOf({
      trials: 0,
      seed: -1,
      engine: 'nest',
      params: { tau_c: -1, tau_h: '3 mV', foo: 2, theta_d: 3.5 },
      protocols: ['STET', { name: 'x', duration_s: 10, trains: [{ onset_s: 0, duration_s: 1, rate_Hz: 10 }, { onset_s: 0, duration_s: 1, rate_Hz: -5, count: 3 }] }, 'XTET'],
      probes: [{ name: 'p', variables: ['h', 'q'], interval_s: 0, protocols: ['nope'] }],
      outputs: { hdf5: 'yes' },
      bogus: 1,
    });
    const expectOne = (re: RegExp) => expect(issues.filter((i) => re.test(i)), `${re} in\n${issues.join('\n')}`).toHaveLength(1);
    expectOne(/^trials: must be ≥ 1/);
    expectOne(/^seed: must be ≥ 0/);
    expectOne(/^engine: unknown engine 'nest'/);
    expectOne(/^params\.tau_c: must be > 0 ms/);
    expectOne(/^params: theta_d=3.5 must be ≤ theta_p=3/);
    expectOne(/^params\.tau_h: unit 'mV' does not fit tau_h/);
    expectOne(/^params\.foo: unknown key/);
    expectOne(/^protocols\[1\]\.trains\[1\]\.rate_Hz: must be > 0/);
    expectOne(/^protocols\[1\]\.trains\[1\]\.period_s: is required when count > 1/);
    expectOne(/^protocols\[2\]: unknown protocol 'XTET'/);
    expectOne(/^probes\[0\]\.variables\[1\]: must be one of V, c, h, z, w, p, tag, spikes/);
    expectOne(/^probes\[0\]\.interval_s: must be > 0/);
    expectOne(/^probes\[0\]\.protocols\[0\]: no protocol 'nope'/);
    expectOne(/^outputs\.hdf5: must be a boolean/);
    expectOne(/^bogus: unknown key; allowed: /);
  });

  it('report YAML syntax errors with their line', () => {
    expect(() => parseExperimentText('protocols: [STET\ntrials: 2\n', 'e.yaml')).toThrow(/line \d+/);
    expect(parseExperimentText('protocols: [STET]\ntrials: 2\n', 'e.yaml')).toEqual({ protocols: ['STET'], trials: 2 });
    expect(() => parseExperimentText('{"protocols": [}', 'e.json')).toThrow(ExperimentError);
  });

  it('ship examples that validate: one per protocol family and one with custom protocols and probes', () => {
    const dir = join(import.meta.dirname, '..', '..', 'examples');
    const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    expect(files).toEqual(expect.arrayContaining(['custom-probes.yaml', 'depression.yaml', 'potentiation.yaml']));
    // network descriptions (`populations:`; `calcitag network`) are validated by their own schema and tests
    const single = files.map((f) => [f, readExperimentFile(join(dir, f))] as const).filter(([, raw]) => !(raw && typeof raw === 'object' && 'populations' in raw));
    // a sweep spec (`sweep:`; `calcitag sweep plan`) is an experiment plus its sweep section: both must hold
    const base = (f: string, raw: unknown) => {
      if (!(raw && typeof raw === 'object' && 'sweep' in raw)) return raw;
      const { sweep, ...rest } = raw as Record<string, unknown>;
      expect(expandSweep(sweep, 1).points.length, f).toBeGreaterThan(1);
      return rest;
    };
    const byName = Object.fromEntries(single.map(([f, raw]) => [f, resolveExperiment(base(f, raw), f)]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['sweep-classmap.yaml', 'sweep-theta.yaml']));
    expect(byName['potentiation.yaml']!.protocols.map((p) => p.name)).toEqual(['STET', 'WTET']);
    expect(byName['depression.yaml']!.protocols.map((p) => p.name)).toEqual(['SLFS', 'WLFS']);
    const custom = byName['custom-probes.yaml']!;
    expect(custom.protocols.some((p) => p.spike_times_s.length > 0)).toBe(true);
    expect(custom.probes.length).toBeGreaterThan(0);
    expect(custom.params.tau_c).toBeCloseTo(48.8, 12);
  });

  it('export a JSON Schema with units in the descriptions', () => {
    const s = experimentJsonSchema() as { properties: Record<string, { properties?: Record<string, { description?: string }> }>; required: string[] };
    expect(s.required).toEqual(['protocols']);
    expect(s.properties.params!.properties!.tau_h!.description).toMatch(/\[s\]/);
    expect(s.properties.params!.properties!.tau_c_ms).toBeDefined();
    expect(JSON.stringify(s)).toContain('rate_Hz');
  });
});
