import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../../model/parameters.js';
import { resolveBss2Config } from '../config.js';
import { IdealRandom } from '../lfsr.js';
import { ppuConstants } from '../ppu.js';
import { Rounder } from '../rounding.js';
import { streamFor } from '../../../random/streams.js';
import { NetworkPpu } from './ppuArray.js';

/** Two neurons with three and two synapses; one neuron's synapses potentiated and tagged, with protein. */
function setup(rounding: 'nearest' | 'truncate') {
  const P = resolveParams({}, 'network');
  const cfg = resolveBss2Config({ rounding, ppuPeriod_ms: 400, format: 'int16' }, P, 0.2);
  const k = ppuConstants(P, cfg);
  const ppu = new NetworkPpu(k, new Rounder(rounding, new IdealRandom(streamFor(1, [0], 'stochasticRounding')), 32), Int32Array.from([0, 3, 5]), 5);
  ppu.H.set([k.H0 + 3000, k.H0 + 2500, k.H0 - 100, k.H0 + 40, k.H0]);
  ppu.P.set([Math.round(k.PA / 2), 0]);
  ppu.sumDev.set([5600, 40]);
  return ppu;
}

describe('network plasticity processor, silent stretches', () => {
  it.each(['nearest', 'truncate'] as const)('neuron by neuron with the settled shortcut = every update of the whole array (%s)', (rounding) => {
    const a = setup(rounding), b = setup(rounding);
    const zero = new Uint8Array(5);
    for (let i = 0; i < 5000; i++) a.update(zero);
    b.idleNeuron(0, 5000);
    b.idleNeuron(1, 5000);
    expect(Array.from(b.H)).toEqual(Array.from(a.H));
    expect(Array.from(b.Z)).toEqual(Array.from(a.Z));
    expect(Array.from(b.P)).toEqual(Array.from(a.P));
    expect(Array.from(b.weight)).toEqual(Array.from(a.weight));
    // the tagged neuron's late phase moved (truncation freezes it: MODEL.md §9), the quiet one stopped early
    if (rounding === 'nearest') expect(a.Z[0]).toBeGreaterThan(0);
    expect(b.computed).toBeLessThan(a.computed);
  });
});
