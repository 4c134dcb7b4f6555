/**
 * Statistical validation of the reference engine against the published C++ simulator
 * (reference/cpp-2n1s, 10 trials per protocol, clock-seeded): for each protocol the mean w/h0 at
 * 2 h and 8 h lies within 3 combined standard errors of the reference mean, and the majority
 * class matches. The seed is fixed, so the test is deterministic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareToReference, parseReferenceSummary, parseCsv } from '../src/experiments/referenceData.js';
import { resolveRunConfig, runProtocols } from '../src/experiments/protocolRun.js';
import { sampleAt } from '../src/experiments/statistics.js';
import { referenceDir } from '../src/io/files.js';

const ref = parseReferenceSummary(readFileSync(join(referenceDir(), 'summary_trials.csv'), 'utf8'));
const TRIALS = 20;

describe.each(['WTET', 'WLFS', 'STET', 'SLFS'])('reference engine vs C++ reference: %s', (name) => {
  const [res] = runProtocols(resolveRunConfig({ protocols: [name], trials: TRIALS, seed: 2024, engine: 'reference' }));

  it('has mean w/h0 at 2 h and 8 h within 3 combined standard errors', () => {
    const { comparisons } = compareToReference(res!, ref, ['2h', '8h']);
    for (const c of comparisons) {
      expect(c.zScore, `${c.quantity}: ours ${c.ours.mean} ± ${c.ours.sd}, reference ${c.reference.mean} ± ${c.reference.sd}`).toBeLessThanOrEqual(3);
    }
  });

  it('has the reference majority class', () => {
    const { referenceClass, classOk } = compareToReference(res!, ref);
    expect(res!.class).toBe(referenceClass);
    expect(classOk).toBe(true);
  });

  it('follows the reference mean trace within its spread every hour', () => {
    // mean_<P>_n10.csv: mean and SD over the 10 C++ trials on a 60 s grid
    const rows = parseCsv(readFileSync(join(referenceDir(), `mean_${name}_n10.csv`), 'utf8'));
    const t = rows.map((r) => Number(r.t_s));
    const m = rows.map((r) => Number(r.w_rel_mean));
    const sd = rows.map((r) => Number(r.w_rel_sd));
    for (let hour = 2; hour <= 8; hour++) {
      const ts = hour * 3600;
      const ours = sampleAt(res!.t_s, res!.traces.w_rel.mean, ts);
      const oursSd = sampleAt(res!.t_s, res!.traces.w_rel.sd, ts);
      const se = Math.sqrt(sampleAt(t, sd, ts) ** 2 / 10 + oursSd ** 2 / TRIALS);
      expect(Math.abs(ours - sampleAt(t, m, ts)), `${name} at ${hour} h`).toBeLessThanOrEqual(3.5 * se);
    }
  });
});
