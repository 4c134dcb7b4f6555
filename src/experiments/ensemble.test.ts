import { describe, expect, it } from 'vitest';
import { defaultParams } from '../model/parameters.js';
import { PRESET_PROTOCOLS } from '../model/protocols.js';
import { runEnsemble, type EnsembleConfig } from './ensemble.js';

const CFG: EnsembleConfig = {
  protocol: PRESET_PROTOCOLS.WTET, engine: 'reference', trials: 3, seed: 5, params: defaultParams(), dt_ms: 0.2,
  fastForward: true, sampleInterval_s: 60,
};

describe('runEnsemble', () => {
  it('hands each trial its result and a snapshot of the ensemble so far, and streams the probes it is given', () => {
    const sampled = new Map<number, number>();
    const seen: Array<{ done: number; trials: number; trial: number; w: number | undefined }> = [];
    const res = runEnsemble(CFG, (done, _total, row, detail) => {
      const snap = detail!.snapshot();
      seen.push({ done, trials: snap.trials, trial: detail!.result.trial, w: row.w_rel['8h'] });
    }, {
      probes: [{ name: 'w', variables: ['w'], interval_s: 600, from_s: 0, to_s: CFG.protocol.duration_s }],
      probeSink: (trial) => ({ samples: (_p, _o, values) => sampled.set(trial, (sampled.get(trial) ?? 0) + values[0]!.length) }),
    });
    expect(seen.map((s) => [s.done, s.trials, s.trial])).toEqual([[1, 1, 0], [2, 2, 1], [3, 3, 2]]);
    expect(seen.map((s) => s.w)).toEqual(res.rows.map((r) => r.w_rel['8h']));
    expect([...sampled]).toEqual([[0, 49], [1, 49], [2, 49]]); // 0 … 8 h every 10 min
    // probes never change the sample path: the same ensemble without them
    const plain = runEnsemble(CFG);
    expect(Array.from(plain.traces.w_rel.mean)).toEqual(Array.from(res.traces.w_rel.mean));
  });
});
