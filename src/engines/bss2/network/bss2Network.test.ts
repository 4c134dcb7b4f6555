import { describe, expect, it } from 'vitest';
import type { NetworkDescription } from '../../../model/network/description.js';
import { memoryParadigm } from '../../../model/network/memoryParadigm.js';
import { resolveParams } from '../../../model/parameters.js';
import { PRESET_PROTOCOLS } from '../../../model/protocols.js';
import { singleSynapseDescription } from '../../../model/network/singleSynapse.js';
import { runReferenceNetwork } from '../../reference/networkEngine.js';
import { whyEngineCannotRun } from '../../capabilities.js';
import { bss2Engine } from '../bss2Engine.js';
import { runBss2Network } from './bss2Network.js';

/** 20 Poisson sources (40 Hz for 1 s) onto 10 neurons through plastic synapses; no background noise. */
function feedForward(): NetworkDescription {
  return {
    name: 'ff', params: resolveParams({ sigma_wn: 0 }, 'network'),
    populations: [{ name: 'pre', size: 20 }, { name: 'post', size: 10 }],
    projections: [{ name: 'P', source: 'pre', target: 'post', connectivity: { rule: 'all-to-all' }, plastic: true }],
    stimuli: [{ kind: 'spike-trains', name: 'in', target: { population: 'pre' }, trains: [{ onset_s: 0.1, duration_s: 1, rate_Hz: 40, count: 1, period_s: 0, kind: 'poisson' }] }],
    probes: [{ name: 'syn', kind: 'synapses', target: { projection: 'P' }, variables: ['h'], interval_s: 0.5, reduce: 'mean-sd' }],
    duration_s: 2,
  };
}

/** An ideal chip: no mismatch or noise, 32-bit state, a solver period of one step. */
const IDEAL = { mismatch: 0, temporalNoise: 0, adcNoise_lsb: 0, format: 'int32', rounding: 'nearest', ppuPeriod_ms: 0.2, allowInfeasible: true };

describe('bss2 engine on networks', () => {
  it('an ideal chip with a one-step solver period follows the reference: mean early-phase weight within 5 % of its change', () => {
    const spec = { description: feedForward(), seed: 3, trial: 0, dt_ms: 0.2, fastForward: false };
    const ref = runReferenceNetwork(spec);
    const emu = runBss2Network(spec, IDEAL);
    const h = (r: typeof ref) => r.probes[0]!.values.h_mean!;
    const hr = h(ref), he = h(emu);
    expect(he.length).toBe(hr.length);
    // 200 synapses driven by the same input spikes; the plasticity noise differs, the drift does not
    const rise = hr[hr.length - 1]! - hr[0]!;
    expect(rise).toBeLessThan(-0.5); // 4.20 → 3.37 mV: depression
    // the weights differ by the 6-bit code (h0 = 4.20 mV is written as 17 × 0.254 mV): within 5 % of the change
    expect(Math.abs(he[he.length - 1]! - hr[hr.length - 1]!)).toBeLessThan(0.05 * Math.abs(rise));
    expect(emu.spikes.t_s.length).toBeGreaterThan(0);
  });

  it('is reproducible: the same seed gives the same spikes and weights', () => {
    const spec = { description: feedForward(), seed: 5, trial: 0, dt_ms: 0.2, fastForward: false };
    const a = runBss2Network(spec), b = runBss2Network(spec);
    expect(Array.from(a.spikes.neuron)).toEqual(Array.from(b.spikes.neuron));
    expect(Array.from(a.probes[0]!.values.h_mean!)).toEqual(Array.from(b.probes[0]!.values.h_mean!));
    expect(a.hardware.period_ms).toBeGreaterThan(0);
    expect(a.hardware.ppuUpdates).toBe(Math.floor(2000 / a.hardware.period_ms));
  });

  it('refuses a network the mapper does not place on one chip, naming the constraint', () => {
    const d = memoryParadigm().description; // 2000 neurons
    expect(whyEngineCannotRun(bss2Engine, d)).toMatch(/neuron circuits needs 2000, has 512/);
    expect(() => runBss2Network({ description: d, seed: 1, trial: 0, dt_ms: 0.2, fastForward: true })).toThrow(/neuron circuits/);
  });

  it('a period shorter than the cycle budget allows is refused unless allowInfeasible', () => {
    const spec = { description: feedForward(), seed: 1, trial: 0, dt_ms: 0.2, fastForward: false };
    expect(() => runBss2Network(spec, { ppuPeriod_ms: 0.2 })).toThrow(/solver period/);
  });

  it('accepts a network with OU background (a current per neuron); still refuses it for the single synapse', () => {
    const small = memoryParadigm({ nExc: 40, nInh: 10, assembly: 5 }).description;
    expect(small.params.sigma_wn).toBeGreaterThan(0);
    expect(whyEngineCannotRun(bss2Engine, small)).toBeUndefined();
    const one = singleSynapseDescription(PRESET_PROTOCOLS.STET, resolveParams({ sigma_wn: 0.05 }, 'single'));
    expect(whyEngineCannotRun(bss2Engine, one)).toMatch(/no background noise source/);
  });
});
