import { describe, expect, it } from 'vitest';
import { runExperiment, type ExperimentProgress, type ExperimentSink } from './experimentRun.js';
import { resolveRunConfig, runProtocols, summaryJson } from './protocolRun.js';
import { ExperimentError } from './experiment.js';

describe('runExperiment', () => {
  it('gives the same ensembles as the protocol names, and reports progress', async () => {
    const seen: ExperimentProgress[] = [];
    const res = await runExperiment({ protocols: ['WTET', 'WLFS'], trials: 2, seed: 4 }, { onProgress: (p) => seen.push(p) });
    const cfg = resolveRunConfig({ protocols: ['WTET', 'WLFS'], trials: 2, seed: 4 });
    const strip = (s: Record<string, unknown>) => JSON.parse(JSON.stringify(s, (k, v) => (k.startsWith('wall_ms') ? undefined : v)));
    expect(strip(res.summary)).toEqual(strip(summaryJson(cfg, runProtocols(cfg))));
    expect(res.runDir).toBeUndefined();
    expect(res.progress).toEqual({ complete: true, interrupted: false, completed_protocols: ['WTET', 'WLFS'], not_started: [] });
    expect(seen.map((p) => `${p.phase}:${p.protocol ?? ''}:${p.done}/${p.total}`)).toEqual([
      'start::0/4', 'trial:WTET:1/4', 'trial:WTET:2/4', 'protocol:WTET:2/4', 'trial:WLFS:3/4', 'trial:WLFS:4/4', 'protocol:WLFS:4/4', 'done::4/4',
    ]);
    expect(seen[1]!.eta_s).toBeGreaterThan(0);
    expect(seen.at(-1)!.eta_s).toBe(0);
  });

  it('returns probe samples in memory when no folder is given', async () => {
    const res = await runExperiment({
      trials: 2,
      protocols: [{ name: 'pulse', duration_s: 30, spike_times_s: [5, 5.005, 5.01, 5.015, 5.02] }],
      probes: [{ name: 'ca', variables: ['c', 'spikes'], interval_s: 0.001, from_s: 4.9, to_s: 5.5, trials: 'all' }],
    });
    expect(res.probes.map((p) => [p.probe, p.protocol, p.trial])).toEqual([['ca', 'pulse', 0], ['ca', 'pulse', 1]]);
    const tr = res.probes[0]!.trace;
    expect(tr.samples).toBe(601);
    expect(Array.from(tr.preSpikes_s!)).toEqual([5, 5.005, 5.01, 5.015, 5.02].map((t) => Math.round(t / 2e-4) * 2e-4));
    expect(Math.max(...tr.values!.c!)).toBeGreaterThan(4); // five c_pre jumps of 1 within 20 ms
  });

  it('hands the results to the sink it is given, in order, with the probe samples streamed to it', async () => {
    const calls: string[] = [];
    let samples = 0;
    const sink: ExperimentSink = {
      location: 'memory://test',
      start: () => calls.push('start'),
      probeSink: (protocol, trial, probes) => {
        calls.push(`probeSink ${protocol.name} ${trial} ${probes.map((p) => p.name).join(',')}`);
        return { chunkSamples: 100, samples: (_probe, _offset, values) => { samples += values[0]!.length; } };
      },
      trialDone: (protocol, trial, probes, traces) => calls.push(`trialDone ${protocol.name} ${trial} ${traces.length}/${probes.length}`),
      protocolDone: async (protocol, result) => { calls.push(`protocolDone ${protocol.name} ${result.trials}`); },
      note: (line) => calls.push(`note ${line}`),
      finish: (progress) => calls.push(`finish ${progress.complete}`),
      abort: () => calls.push('abort'),
    };
    const res = await runExperiment({
      trials: 2,
      protocols: [{ name: 'pulse', duration_s: 30, spike_times_s: [5] }],
      probes: [{ name: 'ca', variables: ['c'], interval_s: 0.01, from_s: 4, to_s: 6, trials: [1] }],
    }, { output: () => sink });
    expect(calls).toEqual(['start', 'probeSink pulse 1 ca', 'trialDone pulse 1 1/1', 'protocolDone pulse 2', 'finish true']);
    expect(samples).toBe(201);
    expect(res.probes).toEqual([]); // they went to the sink
    expect(res.runDir).toBe('memory://test');
  });

  it('stops after the current trial when aborted and says how far it got', async () => {
    const ac = new AbortController();
    const res = await runExperiment(
      { protocols: ['WTET', 'WLFS', 'STET'], trials: 3 },
      { signal: ac.signal, onProgress: (p) => { if (p.phase === 'trial' && p.protocol === 'WLFS' && p.trialsDone === 1) ac.abort(); } },
    );
    expect(res.results.map((r) => r.protocol)).toEqual(['WTET']);
    expect(res.progress).toEqual({
      complete: false, interrupted: true, completed_protocols: ['WTET'], partial: { protocol: 'WLFS', trials_done: 1, trials: 3 }, not_started: ['STET'],
    });
  });

  it('rejects a malformed experiment with every problem before running anything', async () => {
    await expect(runExperiment({ protocols: [], trials: -1 })).rejects.toThrow(ExperimentError);
    const err = await runExperiment({ protocols: [], trials: -1 }).catch((e: ExperimentError) => e);
    expect([...(err as ExperimentError).issues].sort()).toEqual(['protocols: must list at least one protocol', 'trials: must be ≥ 1 (got -1)']);
  });
});
