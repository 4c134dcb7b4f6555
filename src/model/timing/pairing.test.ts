import { describe, expect, it } from 'vitest';
import { stimulationSpan } from '../protocols.js';
import { PAIRING_LAST_SPIKE_S, pairingName, pairingProtocol, pairingSpan_s } from './pairing.js';

describe('pairing protocols', () => {
  it('N pairs at f with Δt = t_post − t_pre, the last spike at 3599 s', () => {
    const p = pairingProtocol({ pairs: 3, freq_Hz: 10, dt_ms: -20 });
    expect(p.trains).toEqual([]);
    expect(p.spikeTimes_s).toEqual([3598.8, 3598.9, 3599]);
    expect(p.postSpikeTimes_s).toEqual([3598.78, 3598.88, 3598.98]);
    expect(stimulationSpan(p)).toEqual({ first_s: 3598.78, last_s: PAIRING_LAST_SPIKE_S });
    expect(p.duration_s).toBe(28_800);
    expect(pairingName({ pairs: 3, freq_Hz: 10, dt_ms: -20 })).toBe('pair 10 Hz Δt -20 ms');
  });

  it('bursts: a triplet of one pre and two post spikes per pairing', () => {
    const spec = { pairs: 2, freq_Hz: 1, dt_ms: 5, postBurst: { count: 2, isi_ms: 10 } };
    const p = pairingProtocol(spec, 10, 20);
    expect(p.spikeTimes_s).toEqual([8.985, 9.985]);
    expect(p.postSpikeTimes_s).toEqual([8.99, 9, 9.99, 10]);
    expect(pairingSpan_s(spec)).toBeCloseTo(1.015, 12);
    expect(pairingName(spec)).toBe('pair 1 Hz Δt +5 ms post 2×@10 ms');
  });
});
