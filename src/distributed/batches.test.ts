import { describe, expect, it } from 'vitest';
import { planSweep, type SweepManifest } from '../experiments/sweep/plan.js';
import { batchesOf, defaultBatchSize } from './batches.js';
import { queueJobId } from './broker.js';

const stet = (side: number, trials: number, protocols = ['STET']): SweepManifest => planSweep({
  engine: 'exact', seed: 1, protocols,
  sweep: { trials, grid: { 'params.c_pre': { from: 0.5, to: 1.5, steps: side }, 'params.theta_p': { from: 2.5, to: 4.0, steps: side } } },
});

describe('queue batches', () => {
  it('groups small single-synapse jobs to about 1 000 trials, in at least 32 queue jobs', () => {
    expect(defaultBatchSize(stet(20, 100))).toBe(10); // the bench's 400 points × 100 trials: 40 queue jobs
    expect(defaultBatchSize(stet(20, 100, ['STET', 'WTET']))).toBe(5); // trials count per protocol
    expect(defaultBatchSize(stet(20, 2000))).toBe(1); // big jobs travel alone
    expect(defaultBatchSize(stet(4, 10))).toBe(1); // 16 jobs: fewer than 32 batches would leave workers idle
    expect(defaultBatchSize(stet(40, 1))).toBe(50); // 1 600 jobs of one trial: 32 batches of 50
    expect(defaultBatchSize({ ...stet(20, 1), kind: 'network' })).toBe(1);
  });

  it('cuts batches from the manifest order, so a submit of what is left finds the same queue ids', () => {
    const m = stet(3, 10); // 9 jobs
    const all = batchesOf(m, m.jobs, 4);
    expect(all.map((b) => b.map((j) => j.index))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8]]);
    // jobs 0, 1 and 5 done: batches 0 and 1 still hold jobs to run, whole
    const left = batchesOf(m, m.jobs.filter((j) => ![0, 1, 5].includes(j.index)), 4);
    expect(left).toEqual(all);
    expect(batchesOf(m, [m.jobs[8]!], 4)).toEqual([[m.jobs[8]]]);
    expect(batchesOf(m, [], 4)).toEqual([]);
    expect(() => batchesOf(m, m.jobs, 0)).toThrow('batch size 0 is invalid; allowed: an integer ≥ 1');
  });

  it('names a queue job by its sweep folder and jobs: a single job as before, a batch by its first job and size', () => {
    const m = stet(3, 10);
    const [b] = batchesOf(m, m.jobs, 4);
    expect(queueJobId('/x/s', [m.jobs[2]!])).toMatch(new RegExp(`^s[0-9a-f]{12}-${m.jobs[2]!.id}$`));
    expect(queueJobId('/x/s', b!)).toMatch(new RegExp(`^s[0-9a-f]{12}-${m.jobs[0]!.id}-x4$`));
    expect(queueJobId('/x/s', b!)).not.toBe(queueJobId('/x/t', b!));
    expect(queueJobId('/x/s', b!)).not.toBe(queueJobId('/x/s', b!.slice(0, 3)));
  });
});
