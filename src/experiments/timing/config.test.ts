import { describe, expect, it } from 'vitest';
import { parseBurst, parseDtRange, parseFrequencies, resolveTiming, TimingConfigError } from './config.js';

const base = { dts_ms: [-10, 10], freqs_Hz: [1, 10], pairs: 60, engines: ['exact'], trials: 10, seed: 1 };

describe('timing configuration', () => {
  it('parses ranges, lists, frequencies and bursts', () => {
    expect(parseDtRange('-100:100:2')).toHaveLength(101);
    expect(parseDtRange('-0.3:0.3:0.1')).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
    expect(parseDtRange('10,-5')).toEqual([-5, 10]);
    expect(parseFrequencies('50,1,5')).toEqual([1, 5, 50]);
    expect(parseBurst('2:10', '--post-burst')).toEqual({ count: 2, isi_ms: 10 });
  });

  it.each([
    ['100:-100:2', /--dt-ms: '100:-100:2' is invalid \(start is after stop\)/],
    ['-100:100:0', /step must be > 0/],
    ['-100:100', /is invalid; allowed: start:stop:step/],
    ['-2000:0:10', /-2000 ms is out of range/],
    ['-1000:1000:0.5', /4001 values/],
    ['a,b', /is invalid; allowed/],
    ['1,1', /a value repeats/],
  ])('refuses --dt-ms %s with one line naming the field and what is allowed', (raw, re) => {
    expect(() => parseDtRange(raw)).toThrow(re);
  });

  it('refuses bad frequencies, bursts, engines, parameters and protocols that do not fit before the readout', () => {
    expect(() => parseFrequencies('0,10')).toThrow(/--freq-hz: '0,10' is invalid; allowed: comma-separated frequencies in Hz/);
    expect(() => parseFrequencies('10,')).toThrow(TimingConfigError);
    expect(() => parseBurst('0:10', '--pre-burst')).toThrow(/--pre-burst: '0:10' is invalid/);
    expect(() => resolveTiming({ ...base, engines: ['nope'] })).toThrow(/--engine: 'nope' is unknown; allowed: /);
    expect(() => resolveTiming({ ...base, params: { theta_p: -1 } })).toThrow(/--param: /);
    expect(() => resolveTiming({ ...base, pairs: 5000 })).toThrow(/--pairs: 5000 pairings at 1 Hz last 4999 s; allowed: protocols of at most 3539 s/);
    expect(() => resolveTiming({ ...base, engines: ['exact'], params: { sigma_wn: 0.1 } })).toThrow(/--engine: engine 'exact' cannot run/);
  });

  it('resolves one grid per engine with the engine options filled in', () => {
    const [exact, bss2] = resolveTiming({ ...base, engines: ['exact', 'bss2'], engineOptions: (e) => (e === 'bss2' ? { chipSeed: 3 } : {}) });
    expect(exact!.engine).toBe('exact');
    expect(bss2!.engineOptions).toMatchObject({ chipSeed: 3, ppuPeriod_ms: 10 });
  });
});
