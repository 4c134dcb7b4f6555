import { describe, expect, it } from 'vitest';
import { earlyPhaseDiffusion, latePhaseStep, type Tag } from '../../model/equations.js';
import { resolveParams } from '../../model/parameters.js';
import { streamFor } from '../../random/streams.js';
import { ouRegime } from '../exact/ornsteinUhlenbeck.js';
import { EpisodeTags } from './episodeTags.js';

const DT = 2e-4;

function setup(sigma: number) {
  const P = resolveParams({ sigma_pl: sigma });
  const ou = ([0, 1, 2] as const).map((r) => ouRegime(P, r));
  return { P, ou, tags: new EpisodeTags(P, ou, ([0, 1, 2] as const).map((r) => earlyPhaseDiffusion(P, r)), DT) };
}

describe('the tag step by step through a noisy stretch', () => {
  it('without noise: the tag changes at the step the deterministic path crosses θ_tag, and z grows over exactly the tagged steps', () => {
    const { P, ou, tags } = setup(0);
    const o = ou[1]!, k = 23, e = Math.exp(-o.k * DT);
    const ha = P.h0 + P.theta_tag + 5 * (P.h0 + P.theta_tag - o.m) * (1 - e); // ≈ 5 steps above the level, falling
    const hb = o.m + (ha - o.m) * Math.pow(e, k);
    const q = 1e-7, dLam = k * q; // constant protein: every step the same share
    tags.begin(0.1, k, dLam, q, streamFor(1, [2, 3], 'plasticityNoise'));
    tags.walk(1, ha, hb, k);
    // step by step as the reference does it: h, then the tag, then z with that tag
    let h = ha, z = 0.1, tagged = 0;
    for (let i = 1; i <= k; i++) {
      h = o.m + (h - o.m) * e;
      const tag: Tag = tags.tagOf(h);
      if (tag !== 0) tagged++;
      z = latePhaseStep(z, q, tag, 1, P);
    }
    expect(tagged).toBeGreaterThan(2);
    expect(tagged).toBeLessThan(k);
    expect(tags.bridgeSamples).toBeGreaterThan(0);
    expect(Math.abs(tags.z - z)).toBeLessThan(1e-15);
  });

  it('the protein shares of the steps add up to the stretch integral, with p linear through its end value', () => {
    const { P, tags } = setup(0);
    const n = 40, qEnd = 3e-7, dLam = 1e-5; // p rising steeply: shares far from equal
    tags.begin(0.2, n, dLam, qEnd, streamFor(1, [1], 'plasticityNoise'));
    tags.grow(1, 7);
    tags.grow(1, 33);
    expect(tags.z).toBeCloseTo(latePhaseStep(0.2, dLam, 1, 1, P), 15);
    // the first 7 steps of a rising p carry less than 7/40 of it
    tags.begin(0.2, n, dLam, qEnd, streamFor(1, [1], 'plasticityNoise'));
    tags.grow(1, 7);
    const z7 = tags.z;
    expect(z7).toBeLessThan(latePhaseStep(0.2, (7 / n) * dLam, 1, 1, P));
    expect(z7).toBeGreaterThan(0.2);
  });

  it('with noise: a stretch that ends where it started but may leave the region is sampled inside; a far one is not', () => {
    const { P, ou, tags } = setup(resolveParams().sigma_pl);
    const o = ou[2]!, level = P.h0 + P.theta_tag;
    tags.begin(0, 50, 50e-7, 1e-7, streamFor(1, [4], 'plasticityNoise'));
    tags.walk(2, level - 0.01, level - 0.01, 50); // 10 µV below θ_tag at both ends: an excursion is likely
    expect(tags.bridgeSamples).toBeGreaterThan(0);
    const { tags: far } = setup(resolveParams().sigma_pl);
    far.begin(0, 50, 50e-7, 1e-7, streamFor(1, [4], 'plasticityNoise'));
    far.walk(2, o.m, o.m, 50); // at the fixed point, ≈ 5 mV above the level
    expect(far.bridgeSamples).toBe(0);
    expect(far.z).toBeCloseTo(latePhaseStep(0, 50e-7, 1, 1, P), 15);
  });
});
