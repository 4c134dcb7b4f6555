/**
 * One fast-engine network split across worker threads: bit-identical to one thread. The worker threads
 * run the built engine in dist/ (npm run build first, as CI does), rank 0 runs these sources.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { whyEngineCannotSplit } from '../engines/capabilities.js';
import type { NetworkRunSpec } from '../engines/networkTypes.js';
import type { NetworkCheckpoint } from '../engines/reference/networkCheckpoint.js';
import { getEngine } from '../engines/registry.js';
import type { Engine } from '../engines/types.js';
import { runMemoryParadigm, type MemoryRunResult } from '../experiments/network/memoryRun.js';
import type { NetworkDescription } from '../model/network/description.js';
import { memoryParadigm } from '../model/network/memoryParadigm.js';
import { runNetworkOnThreads } from './networkThreads.js';

/**
 * The memory paradigm made small: 60 + 15 neurons, learning at 0.5 s, recall at 61.2 s, with the
 * fast-forward from 10.85 s to 61.2 s in between (two fast-forward steps), the paradigm's curves and two
 * probes more: 12 single synapses (c, h, z, w, tag, p) every 50 ms and the inhibitory neurons'
 * V, I_syn, I_bg, p every 13 ms.
 */
function smallWithFastForward() {
  const { description, readout } = memoryParadigm({ nExc: 60, nInh: 15, assembly: 12, recall: '8h' });
  const at = (s: NetworkDescription['stimuli'][number], onset_s: number) =>
    s.kind === 'ou-current' ? { ...s, windows: s.windows.map((w) => ({ ...w, onset_s })) } : s;
  const d: NetworkDescription = {
    ...description, duration_s: 62, stimuli: [at(description.stimuli[0]!, 0.5), at(description.stimuli[1]!, 61.2)],
    probes: [
      ...description.probes,
      { name: 'syn', kind: 'synapses', target: { projection: 'EE' }, variables: ['c', 'h', 'z', 'w', 'tag', 'p'], interval_s: 0.05, sample: 12 },
      { name: 'v', kind: 'neurons', target: { population: 'inh' }, variables: ['V', 'I_syn', 'I_bg', 'p'], interval_s: 0.013 },
    ],
  };
  return { description: d, readout: { ...readout, reference_time_s: 0.5, recall_onset_s: 61.2 } };
}

/** SHA-256 over everything a run reports: spikes, probes, curves, readouts, flags and counts. */
function fingerprint(r: MemoryRunResult): string {
  const h = createHash('sha256');
  const put = (x: string | Float64Array | Int32Array) => h.update(typeof x === 'string' ? x : Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  put(r.result.spikes.t_s);
  put(r.result.spikes.neuron);
  for (const p of r.result.probes) {
    put(p.t_s);
    for (const k of Object.keys(p.values).sort()) {
      put(k);
      put(p.values[k]!);
    }
  }
  for (const k of Object.keys(r.curves.columns).sort()) put(r.curves.columns[k]!);
  put(JSON.stringify(r.readout));
  const x = r.result;
  put(JSON.stringify([x.maxDev_mV, x.tagged, x.proteinSynthesis, x.steps, x.fastForwardSteps, x.fastForwardIntervals]));
  return h.digest('hex');
}

const fast = getEngine('fast');
const onThreads = (w: number): Engine => ({ ...fast, runNetwork: (spec: NetworkRunSpec) => runNetworkOnThreads(fast, spec, w) });

describe('the fast engine with one network split across worker threads', () => {
  const { description, readout } = smallWithFastForward();
  const request = { description, readout, seed: 7, dt_ms: 0.2, fastForward: true };

  it('1, 2 and 4 threads give byte-identical spikes, probes, curves and readouts, equal to the single-thread engine', () => {
    const single = runMemoryParadigm(fast, request);
    expect(single.result.fastForwardSteps).toBe(2);
    expect(single.result.spikes.t_s.length).toBeGreaterThan(1000);
    expect(single.result.tagged).toBe(true);
    const want = fingerprint(single);
    for (const w of [1, 2, 4]) {
      const split = runMemoryParadigm(onThreads(w), request);
      expect(split.result.spikes, `${w} threads`).toEqual(single.result.spikes);
      expect(split.result.probes, `${w} threads`).toEqual(single.result.probes);
      expect(fingerprint(split), `${w} threads`).toBe(want);
      expect(split.result.work, `${w} threads: the same work, however split`).toEqual(single.result.work);
    }
    expect(Object.values(single.result.work!).every((x) => x > 0)).toBe(true);
    // pinned: the single-thread engine gives exactly this run (since tags are walked through episodes,
    // episodeTags.ts; 178edd83… with the synthesis check alone; 852b1938… before, as the single-thread
    // engine before the split, 12ac244, gave)
    expect(want).toBe('04336944e536a777a288c370cb5b13aaed02a1f928a60eaa21109b6345e49bd9');
  });

  it('a network with two delays (the calcium jumps then keep their own index) is identical on 3 threads', () => {
    const { description: base } = memoryParadigm({ nExc: 80, nInh: 20, assembly: 10 });
    const d: NetworkDescription = {
      ...base, duration_s: 1.5, stimuli: [{ ...(base.stimuli[0] as Extract<NetworkDescription['stimuli'][number], { kind: 'ou-current' }>), windows: [{ onset_s: 0.2, duration_s: 0.1, count: 3, period_s: 0.5 }] }],
      projections: [...base.projections, { name: 'EE2', source: 'exc', target: 'inh', connectivity: { rule: 'fixed-probability', p: 0.2 }, plastic: true, delay_ms: 5 }],
      probes: [{ name: 's', kind: 'synapses', target: { projection: 'EE2' }, variables: ['c', 'h', 'z'], interval_s: 0.01, sample: 20 }],
    };
    const spec: NetworkRunSpec = { description: d, seed: 2, trial: 0, dt_ms: 0.2, fastForward: false };
    const one = fast.runNetwork!(spec), three = runNetworkOnThreads(fast, spec, 3);
    expect(one.spikes.t_s.length).toBeGreaterThan(300);
    expect(one.tagged).toBe(true);
    expect(three.spikes).toEqual(one.spikes);
    expect(three.probes).toEqual(one.probes);
    expect(three.maxDev_mV).toBe(one.maxDev_mV);
  });

  it('with ziggurat background Gaussians too: 2 threads equal one, and the run is another sample (other spikes)', () => {
    const spec: NetworkRunSpec = { description, seed: 7, trial: 0, dt_ms: 0.2, fastForward: true, engineOptions: { backgroundGaussians: 'ziggurat' } };
    const one = fast.runNetwork!(spec), two = runNetworkOnThreads(fast, spec, 2);
    expect(two.spikes).toEqual(one.spikes);
    expect(two.probes).toEqual(one.probes);
    const boxMuller = fast.runNetwork!({ ...spec, engineOptions: undefined });
    expect(one.spikes.t_s.length).toBeGreaterThan(0.8 * boxMuller.spikes.t_s.length);
    expect(one.spikes.t_s).not.toEqual(boxMuller.spikes.t_s);
  });

  it('a stop request stops every thread with the run\'s error, and the next run is unaffected', () => {
    const spec: NetworkRunSpec = { description, seed: 7, trial: 0, dt_ms: 0.2, fastForward: true, shouldStop: () => true };
    expect(() => runNetworkOnThreads(fast, spec, 2)).toThrow(/run stopped at t = 0\.000 s/);
    const short: NetworkDescription = { ...description, duration_s: 0.3 };
    const a = runNetworkOnThreads(fast, { ...spec, description: short, shouldStop: undefined }, 3);
    expect(a.spikes).toEqual(fast.runNetwork!({ ...spec, description: short, shouldStop: undefined }).spikes);
  });

  it('asked to stop with checkpoints, every thread saves where the run stands first, and the run resumes from there bit for bit', () => {
    const spec: NetworkRunSpec = { description: { ...description, duration_s: 2 }, seed: 7, trial: 0, dt_ms: 0.2, fastForward: false };
    const whole = fast.runNetwork!(spec);
    const saved: NetworkCheckpoint[] = [];
    let polls = 0;
    expect(() => runNetworkOnThreads(fast, { ...spec, shouldStop: () => ++polls > 1 }, 2, undefined, { every_s: 100, save: (cp) => saved.push(cp) }))
      .toThrow(/run stopped at t = 1\.000 s; its state was saved there/);
    expect(saved.map((c) => c.t_s)).toEqual([1]);
    const resumed = runNetworkOnThreads(fast, spec, 2, undefined, { resume: saved[0]! });
    expect(resumed.spikes).toEqual(whole.spikes);
    expect(resumed.probes).toEqual(whole.probes);
  });

  it('a thread that fails reports its error to the caller (no thread waits forever)', () => {
    const unknown: Engine = { ...fast, name: 'no-such-engine' };
    expect(() => runNetworkOnThreads(unknown, { description, seed: 7, trial: 0, dt_ms: 0.2, fastForward: true }, 2)).toThrow(/thread 1: .*no-such-engine/);
  });

  it('engines without a partitioned loop say so', () => {
    expect(whyEngineCannotSplit(getEngine('reference'), 2)).toMatch(/cannot split one network across threads/);
    expect(whyEngineCannotSplit(getEngine('reference'), 1)).toBeUndefined();
    expect(whyEngineCannotSplit(fast, 4)).toBeUndefined();
  });
});
