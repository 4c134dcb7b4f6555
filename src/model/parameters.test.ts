import { describe, expect, it } from 'vitest';
import { defaultParams, PARAM_NAMES, PARAM_SPECS, ParameterError, parseParamAssignment, resolveParams, toSeconds } from './parameters.js';

describe('model parameters', () => {
  it('has the MODEL.md §10 defaults for a single synapse', () => {
    const p = defaultParams();
    expect([p.tau_mem, p.r_mem, p.v_rev, p.v_th, p.v_reset, p.t_ref]).toEqual([10, 10, -65, -55, -70, 2]);
    expect([p.tau_syn, p.t_syn_delay, p.i_0, p.sigma_wn, p.tau_ou]).toEqual([5, 3, 0, 0, 5]);
    expect([p.tau_c, p.t_c_delay, p.c_pre, p.c_post, p.theta_p, p.theta_d]).toEqual([48.8, 18.8, 1.0, 0.2758, 3.0, 1.2]);
    expect([p.tau_h, p.gamma_p, p.gamma_d, p.h_max, p.sigma_pl]).toEqual([688.4, 1645.6, 313.1, 10, 2.90436]);
    expect(p.h0).toBeCloseTo(4.20075, 5);
    expect(p.theta_tag).toBeCloseTo(0.840149, 6);
    expect(p.theta_pro).toBeCloseTo(2.10037, 5);
    expect([p.tau_p, p.alpha, p.tau_z, p.z_max, p.z_min]).toEqual([3600, 1, 3600, 1, -0.5]);
  });

  it('has the network defaults where they differ', () => {
    const p = defaultParams('network');
    expect([p.i_0, p.sigma_wn, p.c_pre, p.c_post]).toEqual([0.15, 0.05, 0.6, 0.16548]);
  });

  it('documents every parameter with a unit', () => {
    expect(PARAM_SPECS.map((s) => s.name)).toEqual([...PARAM_NAMES]);
    for (const s of PARAM_SPECS) {
      expect(s.doc.length).toBeGreaterThan(5);
      expect(s.unit).toBeTruthy();
    }
  });

  it('converts ms to s and leaves slow time constants in s', () => {
    const p = defaultParams();
    expect(toSeconds(p, 'tau_c')).toBeCloseTo(0.0488, 15);
    expect(toSeconds(p, 'tau_h')).toBe(688.4);
  });

  it('overrides by name and rejects unknown names and out-of-range values with the allowed range', () => {
    expect(resolveParams({ theta_p: 2.5 }).theta_p).toBe(2.5);
    expect(() => resolveParams({ thetap: 1 })).toThrow(/unknown parameter 'thetap'; allowed: .*theta_p/);
    expect(() => resolveParams({ tau_c: 0 })).toThrow(/tau_c=0 must be > 0 ms/);
    expect(() => resolveParams({ z_min: 0.5 })).toThrow(/z_min=0.5 must be ≤ 0/);
    expect(() => resolveParams({ theta_d: 4 })).toThrow(/theta_d=4 must be ≤ theta_p=3/);
    expect(() => resolveParams({ v_reset: -50 })).toThrow(ParameterError);
  });

  it('parses name=value assignments', () => {
    expect(parseParamAssignment('theta_pro=0.840149')).toEqual(['theta_pro', 0.840149]);
    expect(parseParamAssignment(' c_pre = 0.6 '.replace(/ /g, ''))).toEqual(['c_pre', 0.6]);
    expect(() => parseParamAssignment('c_pre')).toThrow(/malformed/);
    expect(() => parseParamAssignment('c_pre=')).toThrow(ParameterError);
    expect(() => parseParamAssignment('c_pre=1e400')).toThrow(/not a finite number/);
  });
});
