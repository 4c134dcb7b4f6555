import { describe, expect, it } from 'vitest';
import { resultBits as bits, smallCheckpointNetwork as smallNetwork } from '../../../test/networkFixtures.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../io/networkCheckpointFile.js';
import type { NetworkCheckpoint } from './networkCheckpoint.js';
import { runReferenceNetwork } from './networkEngine.js';

describe('network checkpoints (reference engine)', () => {
  const spec = { description: smallNetwork(), seed: 3, trial: 1, dt_ms: 0.2, fastForward: true };
  const whole = runReferenceNetwork(spec);

  it('a run interrupted after a checkpoint and resumed from the file gives the uninterrupted result bit for bit', () => {
    expect(whole.fastForwardIntervals.length).toBeGreaterThan(0);
    expect(whole.spikes.t_s.length).toBeGreaterThan(100);
    const saved: NetworkCheckpoint[] = [];
    let chunks = 0;
    // the "crash": the run stops before its 15th chunk (t = 14 s), after the checkpoints at 6 s and 12 s —
    // the second after learning (10–11 s), when every kind of stream has been drawn from
    // (asked to stop, it saves where it stands first)
    expect(() => runReferenceNetwork({ ...spec, shouldStop: () => ++chunks > 14 }, { every_s: 6, save: (cp) => saved.push(cp) })).toThrow(/run stopped at t = 14\.000 s; its state was saved there/);
    expect(saved.map((c) => c.t_s)).toEqual([6, 12, 14]);
    expect(bits(runReferenceNetwork(spec, { resume: decodeCheckpoint(encodeCheckpoint(saved[2]!)) }))).toEqual(bits(whole));
    // as read from disk: a Node Buffer that is a view into a larger block of memory
    const file = Buffer.concat([Buffer.alloc(13), encodeCheckpoint(saved[1]!)]).subarray(13);
    const resumed = runReferenceNetwork(spec, { resume: decodeCheckpoint(file) });
    expect(bits(resumed)).toEqual(bits(whole));
  });

  it('checkpoints across the fast-forward resume bit for bit, and taking them changes nothing', () => {
    const saved: NetworkCheckpoint[] = [];
    const withCheckpoints = runReferenceNetwork(spec, { every_s: 7200, save: (cp) => saved.push(cp) });
    expect(bits(withCheckpoints)).toEqual(bits(whole));
    // one at the end of the fast-forward stretch (it passes 2 h, 4 h, 6 h and 8 h at once)
    expect(saved.length).toBe(1);
    expect(saved[0]!.t_s).toBeGreaterThan(28_800);
    expect(bits(runReferenceNetwork(spec, { resume: decodeCheckpoint(encodeCheckpoint(saved[0]!)) }))).toEqual(bits(whole));
  });

  it('refuses a checkpoint of another run, naming what differs', () => {
    const saved: NetworkCheckpoint[] = [];
    expect(() => runReferenceNetwork({ ...spec, shouldStop: () => saved.length > 0 }, { every_s: 1, save: (cp) => saved.push(cp) })).toThrow(/run stopped at t = 1\.000 s/);
    expect(() => runReferenceNetwork({ ...spec, seed: 4 }, { resume: saved[0]! })).toThrow(/seed is 3 there, 4 here/);
    expect(() => decodeCheckpoint(encodeCheckpoint(saved[0]!).slice(0, 200))).toThrow(/truncated/);
  });
});
