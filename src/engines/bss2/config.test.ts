import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../model/parameters.js';
import { Bss2ConfigError, DEFAULT_BSS2_CONFIG, resolveBss2Config } from './config.js';
import { cycleReport, groupCycles } from './cycleModel.js';

const P = defaultParams();

function errorOf(opts: Record<string, unknown>, params = P): Bss2ConfigError {
  try {
    resolveBss2Config(opts, params);
  } catch (e) {
    expect(e).toBeInstanceOf(Bss2ConfigError);
    return e as Bss2ConfigError;
  }
  throw new Error('expected a Bss2ConfigError');
}

describe('bss2 configuration', () => {
  it('the default is feasible on the chip, with headroom', () => {
    const c = resolveBss2Config({}, P);
    expect(c).toMatchObject({ ...DEFAULT_BSS2_CONFIG, scales: { h_mV: 16, z: 2, p: 2 } });
    expect(c.cycles.feasible).toBe(true);
    expect(c.cycles.utilisation).toBeLessThan(0.2);
    expect(c.cycles.maxSynapses).toBeGreaterThan(1000);
    expect(c.warnings).toEqual([]);
  });

  it('names the setting and the limit for impossible settings', () => {
    expect(errorOf({ acceleration: 0 })).toMatchObject({ setting: '--acceleration', message: expect.stringMatching(/> 0/) });
    expect(errorOf({ acceleration: -5 }).setting).toBe('--acceleration');
    const short = errorOf({ ppuPeriod_ms: 0.2 });
    expect(short.setting).toBe('--ppu-period');
    expect(short.message).toMatch(/\d+ PPU cycles .* leaves 50 .*needs --ppu-period ≥ 0\.\d+ ms/);
    expect(errorOf({ ppuPeriod_ms: 0.3 }).message).toMatch(/whole multiple of the analog step/);
    expect(errorOf({ format: 'int8' }, { ...P, theta_tag: 0.1 })).toMatchObject({ setting: '--format', message: expect.stringMatching(/int8 is too narrow for theta_tag .* LSB of 0\.125 mV/) });
    expect(errorOf({ adcRange: 2.5 }).message).toMatch(/must exceed theta_p = 3/);
    expect(errorOf({ adcBits: 4, adcRange: 60 }).setting).toBe('--adc-bits');
    expect(errorOf({ mismatch: 0.9 }).setting).toBe('--mismatch');
    expect(errorOf({ format: 'int12' }).message).toMatch(/allowed: int8, int16, int32/);
    expect(errorOf({ roundingBits: 12 }).message).toMatch(/8, 16, 24, 32/);
    expect(errorOf({ synapses: 1e7 }).setting).toBe('--synapses');
    expect(errorOf({ ppuPeriod: 3 }).message).toMatch(/unknown bss2 setting 'ppuPeriod'/);
    expect(errorOf({ scales: { h_mV: 8 } }).message).toMatch(/must exceed h_max = 10 mV/);
  });

  it('runs an infeasible configuration only when asked, with the reason as a warning', () => {
    const c = resolveBss2Config({ ppuPeriod_ms: 0.2, allowInfeasible: true }, P);
    expect(c.cycles.feasible).toBe(false);
    expect(c.warnings[0]).toMatch(/^INFEASIBLE: one update/);
    const mem = errorOf({ synapses: 8000, ppuPeriod_ms: 100 }); // 4 bytes of int16 state per synapse: 2 048 per PPU
    expect(mem.setting).toBe('--synapses');
    expect(mem.message).toMatch(/16 KiB/);
  });
});

describe('processor cycle model', () => {
  const base = { format: 'int16', rounding: 'stochastic', roundingBits: 16, ppuPeriod_ms: 10, acceleration: 1000, synapses: 1 } as const;

  it('250 cycles per µs of hardware time = per ms of biological time', () => {
    expect(cycleReport(base).cyclesAvailable).toBeCloseTo(2500, 9);
    expect(cycleReport({ ...base, acceleration: 2000 }).cyclesAvailable).toBeCloseTo(1250, 9);
  });

  it('vector lanes amortise the update over 64 (int16) or 128 (int8) synapses; the scalar core does one at a time', () => {
    const v1 = cycleReport(base).cyclesPerUpdate;
    expect(cycleReport({ ...base, synapses: 128 }).cyclesPerUpdate).toBe(v1); // 64 per PPU: one vector
    expect(cycleReport({ ...base, synapses: 130 }).cyclesPerUpdate).toBe(v1 + groupCycles('int16', 'stochastic', 16));
    const s = cycleReport({ ...base, format: 'int32', synapses: 128 });
    expect(s.cyclesPerUpdate).toBeGreaterThan(20 * v1);
    expect(cycleReport({ ...base, format: 'int8', synapses: 256 }).cyclesPerUpdate).toBeLessThan(cycleReport({ ...base, synapses: 256 }).cyclesPerUpdate);
  });

  it('utilisation scales with synapses and inversely with the period; rounding costs cycles', () => {
    const a = cycleReport({ ...base, synapses: 1000 });
    const b = cycleReport({ ...base, synapses: 1000, ppuPeriod_ms: 20 });
    expect(b.utilisation).toBeCloseTo(a.utilisation / 2, 9);
    expect(groupCycles('int16', 'truncate', 16)).toBeLessThan(groupCycles('int16', 'nearest', 16));
    expect(groupCycles('int16', 'nearest', 16)).toBeLessThan(groupCycles('int16', 'stochastic', 16));
    const tooMany = cycleReport({ ...base, synapses: 4000, ppuPeriod_ms: 1 });
    expect(tooMany.feasible).toBe(false);
    expect(tooMany.minPeriod_ms).toBeGreaterThan(1);
  });
});
