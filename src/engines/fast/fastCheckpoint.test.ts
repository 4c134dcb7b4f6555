import { describe, expect, it } from 'vitest';
import type { NetworkDescription } from '../../model/network/description.js';
import { memoryNetworkDescription } from '../../model/network/memoryParadigm.js';
import { resultBits as bits, smallCheckpointNetwork as smallNetwork } from '../../../test/networkFixtures.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../io/networkCheckpointFile.js';
import type { NetworkCheckpoint } from '../reference/networkCheckpoint.js';
import { runReferenceNetwork } from '../reference/networkEngine.js';
import { runFastNetwork } from './fastNetwork.js';

describe('network checkpoints (fast engine)', () => {
  const spec = { description: smallNetwork(), seed: 3, trial: 1, dt_ms: 0.2, fastForward: true };
  const whole = runFastNetwork(spec);

  it('a run interrupted after a checkpoint and resumed from the file gives the uninterrupted result bit for bit', () => {
    expect(whole.fastForwardIntervals.length).toBeGreaterThan(0);
    expect(whole.spikes.t_s.length).toBeGreaterThan(100);
    expect(whole.work!.ou_transitions).toBeGreaterThan(0);
    expect(whole.proteinSynthesis).toBe(true);
    const saved: NetworkCheckpoint[] = [];
    let chunks = 0;
    // the "crash": the run stops before its 15th chunk (t = 14 s), after the checkpoints at 6 s and 12 s —
    // the second after learning (10–11 s), with synapses in episodes and tagged, every stream drawn from —
    // and, asked to stop, saves where it stands (14 s) first
    expect(() => runFastNetwork({ ...spec, shouldStop: () => ++chunks > 14 }, { every_s: 6, save: (cp) => saved.push(cp) })).toThrow(/run stopped at t = 14\.000 s; its state was saved there/);
    expect(saved.map((c) => c.t_s)).toEqual([6, 12, 14]);
    expect(bits(runFastNetwork(spec, { resume: decodeCheckpoint(encodeCheckpoint(saved[2]!)) }))).toEqual(bits(whole));
    expect(saved[1]!.run.engine).toBe('fast');
    // as read from disk: a Node Buffer that is a view into a larger block of memory
    const file = Buffer.concat([Buffer.alloc(13), encodeCheckpoint(saved[1]!)]).subarray(13);
    expect(bits(runFastNetwork(spec, { resume: decodeCheckpoint(file) }))).toEqual(bits(whole));
    // and from the one taken during learning's aftermath at 6 s, with the learning stimulus still ahead
    expect(bits(runFastNetwork(spec, { resume: decodeCheckpoint(encodeCheckpoint(saved[0]!)) }))).toEqual(bits(whole));
  });

  it('borrowed checkpoints (views of the live state, written out at once) give the same files as snapshots', () => {
    const snapshots: Uint8Array[] = [], borrowed: Uint8Array[] = [];
    runFastNetwork(spec, { every_s: 6, save: (cp) => snapshots.push(encodeCheckpoint(cp)) });
    let live: NetworkCheckpoint | undefined;
    runFastNetwork(spec, { every_s: 6, borrow: true, save: (cp) => { live = cp; borrowed.push(encodeCheckpoint(cp)); } });
    expect(borrowed.length).toBeGreaterThan(2);
    expect(borrowed).toEqual(snapshots);
    // a borrowed checkpoint's arrays are the run's own: kept past the save they change with it
    expect(encodeCheckpoint(live!)).not.toEqual(borrowed[borrowed.length - 1]);
  });

  it('checkpoints across the fast-forward and within a stimulus resume bit for bit, and taking them changes nothing', () => {
    const saved: NetworkCheckpoint[] = [];
    const withCheckpoints = runFastNetwork(spec, { every_s: 7200, save: (cp) => saved.push(cp) });
    expect(bits(withCheckpoints)).toEqual(bits(whole));
    expect(saved.length).toBe(1);
    expect(saved[0]!.t_s).toBeGreaterThan(28_800);
    expect(bits(runFastNetwork(spec, { resume: decodeCheckpoint(encodeCheckpoint(saved[0]!)) }))).toEqual(bits(whole));
    // every 0.05 s: checkpoints inside the first learning stimulus (10.0–10.1 s), synapses in calcium episodes
    const dense: NetworkCheckpoint[] = [];
    expect(bits(runFastNetwork(spec, { every_s: 0.05, save: (cp) => { if (cp.t_s > 10.02 && cp.t_s < 10.18) dense.push(cp); } }))).toEqual(bits(whole));
    const during = dense.find((cp) => (cp.arrays['stage.epCount'] as Int32Array).some((a) => a > 0) && (cp.arrays['ou.on'] as Uint8Array).some((o) => o === 1));
    expect(during).toBeDefined();
    // resumed, it goes on through the same states: its own checkpoints equal the uninterrupted run's, array by array
    const again: NetworkCheckpoint[] = [];
    const resumed = runFastNetwork(spec, { resume: decodeCheckpoint(encodeCheckpoint(during!)), every_s: 0.05, save: (cp) => { if (cp.t_s < 10.18) again.push(cp); } });
    expect(bits(resumed)).toEqual(bits(whole));
    expect(again.length).toBeGreaterThan(0);
    for (const cp of again) {
      const same = dense.find((c) => c.t_s === cp.t_s)!;
      expect(Object.keys(cp.arrays)).toEqual(Object.keys(same.arrays));
      for (const key of Object.keys(cp.arrays)) expect(Buffer.from(cp.arrays[key]!.buffer).equals(Buffer.from(same.arrays[key]!.buffer)), `${key} at ${cp.t_s} s`).toBe(true);
    }
  });

  it('resumes with tags ending and synapses waking in the detailed time (no fast-forward to reset them)', () => {
    // h relaxes in seconds (τ_h 1.5 s instead of 688 s): the tags set in learning end within the run
    const d = memoryNetworkDescription({ nExc: 40, nInh: 10, assembly: 10, p: 0.3, recall: '10s', curveInterval_s: 0.5 });
    const quick = { ...spec, description: { ...d, params: { ...d.params, tau_h: 1.5 } } as NetworkDescription };
    const plain = runFastNetwork(quick);
    const saved: NetworkCheckpoint[] = [];
    expect(bits(runFastNetwork(quick, { every_s: 3, save: (cp) => saved.push(cp) }))).toEqual(bits(plain));
    const at12 = saved.find((c) => c.t_s === 12)!;
    const wake = at12.arrays['synapse.wake'] as Int32Array;
    const pending = wake.filter((w) => w > 12 / 2e-4 && w < 30 / 2e-4).length;
    expect(pending).toBeGreaterThanOrEqual(5); // tags that end between 12 s and the end at 30 s
    expect(bits(runFastNetwork(quick, { resume: decodeCheckpoint(encodeCheckpoint(at12)) }))).toEqual(bits(plain));
  });

  it('refuses a checkpoint of another run or of another engine, naming what differs', () => {
    const saved: NetworkCheckpoint[] = [];
    expect(() => runFastNetwork({ ...spec, shouldStop: () => saved.length > 0 }, { every_s: 1, save: (cp) => saved.push(cp) })).toThrow(/run stopped at t = 1\.000 s/);
    expect(() => runFastNetwork({ ...spec, seed: 4 }, { resume: saved[0]! })).toThrow(/seed is 3 there, 4 here/);
    // a changed parameter or engine option is another run too (the key holds a hash of both)
    const changed = { ...spec, description: { ...spec.description, params: { ...spec.description.params, theta_p: 3.1 } } };
    expect(() => runFastNetwork(changed, { resume: saved[0]! })).toThrow(/its network description or engine options differ/);
    expect(() => runFastNetwork({ ...spec, engineOptions: { backgroundGaussians: 'ziggurat' } }, { resume: saved[0]! })).toThrow(/engine options differ/);
    expect(() => runReferenceNetwork(spec, { resume: saved[0]! })).toThrow(/engine is fast there, reference here/);
    const ref: NetworkCheckpoint[] = [];
    expect(() => runReferenceNetwork({ ...spec, shouldStop: () => ref.length > 0 }, { every_s: 1, save: (cp) => ref.push(cp) })).toThrow(/run stopped/);
    expect(() => runFastNetwork(spec, { resume: ref[0]! })).toThrow(/engine is reference there, fast here/);
  });
});
