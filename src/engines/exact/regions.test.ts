import { describe, expect, it } from 'vitest';
import { proteinSynthesisOn, tagState } from '../../model/equations.js';
import { defaultParams } from '../../model/parameters.js';
import { makeRegions, regionOf } from './regions.js';

describe('tag / synthesis regions', () => {
  for (const [tagT, proT] of [[0.840149, 2.10037], [2.5, 1.0], [1, 1]] as const) {
    it(`reproduce the model's inclusive tests (θ_tag ${tagT}, θ_pro ${proT})`, () => {
      const P = { ...defaultParams(), theta_tag: tagT, theta_pro: proT };
      const R = makeRegions(tagT, proT);
      const probes = [0, tagT, -tagT, proT, -proT, 3, -3, 1e-9, -1e-9];
      for (const d0 of probes) for (const eps of [0, 1e-12, -1e-12]) {
        const d = d0 + eps;
        const r = regionOf(R, d);
        expect(R.tag[r]).toBe(tagState(P.h0 + d, P) === 1 ? 1 : tagState(P.h0 + d, P) === -1 ? -1 : 0);
        expect(R.synth[r] === 1).toBe(proteinSynthesisOn(Math.abs(d), P));
      }
      expect(regionOf(R, 0)).toBe(R.center);
    });
  }
});
