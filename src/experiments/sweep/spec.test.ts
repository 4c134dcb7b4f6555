import { describe, expect, it } from 'vitest';
import { jobId, jobSeed, planSweep } from './plan.js';
import { applyAssignments, expandSweep, parseSweepPath, SweepSpecError } from './spec.js';

const base = { engine: 'exact', seed: 3, protocols: ['STET'] };

describe('sweep spec', () => {
  it('reads paths into parameters, engine options and protocol fields, and refuses others', () => {
    expect(parseSweepPath('protocols[0].trains[1].rate_Hz')).toEqual(['protocols', 0, 'trains', 1, 'rate_Hz']);
    expect(parseSweepPath('params.c_pre')).toEqual(['params', 'c_pre']);
    expect(parseSweepPath('seed')).toEqual({ error: expect.stringContaining('cannot be swept') });
    expect(parseSweepPath('params..x')).toHaveProperty('error');
    expect(parseSweepPath('params.')).toHaveProperty('error');
  });

  it('sets a field inside a preset by turning the preset name into {preset}', () => {
    const e = applyAssignments({ protocols: ['stet'] }, { 'protocols[0].duration_s': 7200, 'params.theta_p': 2 });
    expect(e).toEqual({ protocols: [{ preset: 'STET', duration_s: 7200 }], params: { theta_p: 2 } });
    expect(() => applyAssignments({ protocols: ['STET'] }, { 'protocols[3].duration_s': 1 })).toThrow(/does not exist/);
  });

  it('expands grid × list × random, ranges with both ends, and draws random points from the master seed', () => {
    const s = expandSweep({
      grid: { 'params.c_pre': { from: 0.1, to: 0.3, steps: 3 }, 'params.tau_h_s': { from: 100, to: 10000, steps: 3, scale: 'log' } },
      list: [{ engine: 'exact' }, { engine: 'reference' }],
      random: { samples: 2, fields: { 'params.theta_p': { uniform: [2, 4] } } },
    }, 1);
    expect(s.points).toHaveLength(3 * 3 * 2 * 2);
    expect(s.fields.map((f) => f.path)).toEqual(['params.c_pre', 'params.tau_h_s', 'engine', 'params.theta_p']);
    expect(s.fields[0]!.values).toEqual([0.1, 0.2, 0.3]);
    expect(s.fields[1]!.values).toEqual([100, 1000, 10000]);
    const thetas = [...new Set(s.points.map((p) => p['params.theta_p']))];
    expect(thetas).toHaveLength(2);
    for (const t of thetas) expect(t).toBeGreaterThanOrEqual(2);
    // more samples keep the first ones; another master seed draws others
    const more = expandSweep({ random: { samples: 3, fields: { 'params.theta_p': { uniform: [2, 4] } } } }, 1);
    expect(more.points.slice(0, 2).map((p) => p['params.theta_p'])).toEqual(thetas);
    const other = expandSweep({ random: { samples: 2, fields: { 'params.theta_p': { uniform: [2, 4] } } } }, 2);
    expect(other.points[0]!['params.theta_p']).not.toBe(thetas[0]);
  });

  it('lists every problem of the section with its path', () => {
    try {
      expandSweep({ grid: { 'params.c_pre': [], 'seed': [1] }, random: { samples: 1, fields: { 'params.theta_p': { uniform: [3, 2] } } } }, 1);
      expect.unreachable();
    } catch (e) {
      const issues = (e as SweepSpecError).issues;
      expect(issues.join('\n')).toMatch(/sweep\.grid\.params\.c_pre: must list at least one value/);
    }
    expect(() => expandSweep({ grid: { seed: [1, 2] } }, 1)).toThrow(/'seed' cannot be swept/);
    expect(() => expandSweep({ random: { samples: 1, fields: { 'params.theta_p': { uniform: [3, 2] } } } }, 1)).toThrow(/upper bound must be > the lower bound/);
    expect(() => expandSweep({}, 1)).toThrow(/at least one of grid, list, random/);
  });
});

describe('sweep plan', () => {
  it('gives each point a stable id and a seed from (master seed, id); more values keep the old jobs', () => {
    const a = planSweep({ ...base, sweep: { trials: 2, grid: { 'params.theta_p': [2, 3] } } });
    const b = planSweep({ ...base, sweep: { trials: 2, grid: { 'params.theta_p': [2, 2.5, 3] } } });
    expect(a.jobs.map((j) => j.id)).toEqual([jobId({ 'params.theta_p': 2 }), jobId({ 'params.theta_p': 3 })]);
    for (const j of a.jobs) {
      const same = b.jobs.find((k) => k.id === j.id)!;
      expect(same.seed).toBe(j.seed);
      expect(same.experiment_hash).toBe(j.experiment_hash);
      expect(j.seed).toBe(jobSeed(3, j.id));
      expect(Number.isSafeInteger(j.seed)).toBe(true);
    }
    expect(new Set(b.jobs.map((j) => j.seed)).size).toBe(3);
    expect(planSweep({ ...base, seed: 4, sweep: { grid: { 'params.theta_p': [2] } } }).jobs[0]!.seed).not.toBe(a.jobs[0]!.seed);
  });

  it('refuses a point the model refuses, naming the point and the field', () => {
    expect(() => planSweep({ ...base, sweep: { grid: { 'params.theta_p': [3, 0.5] } } })).toThrow(/point 1 \(params\.theta_p=0\.5\): .*theta_d/);
    expect(() => planSweep({ ...base, sweep: { grid: { 'params.c_pre': [1, -1] } } })).toThrow(/point 1 \(params\.c_pre=-1\): params\.c_pre/);
    expect(() => planSweep({ ...base, sweep: { list: [{ 'params.theta_p': 3 }, { 'params.theta_p': 3 }] } })).toThrow(/repeats point 0/);
    expect(() => planSweep({ ...base, probes: [], sweep: { grid: { 'params.theta_p': [3] } } })).toThrow(/probes/);
    expect(() => planSweep(base)).toThrow(/sweep: is required/);
  });
});
