import { describe, expect, it } from 'vitest';
import { runMemoryParadigm } from '../../experiments/network/memoryRun.js';
import type { NetworkDescription } from '../../model/network/description.js';
import { memoryParadigm } from '../../model/network/memoryParadigm.js';
import { getEngine } from '../registry.js';

/**
 * The memory paradigm made small for CI: 120 + 30 neurons, an assembly of 20, the learning stimulus
 * moved from 10 s to 1 s and the recall from 20 s to 2.5 s, 3.5 s in all (no fast-forward).
 */
function smallParadigm(params: Record<string, number> = {}) {
  const { description, readout } = memoryParadigm({ nExc: 120, nInh: 30, assembly: 20, params });
  const shift = (s: NetworkDescription['stimuli'][number], by: number) =>
    s.kind === 'ou-current' ? { ...s, windows: s.windows.map((w) => ({ ...w, onset_s: w.onset_s - by })) } : s;
  const d: NetworkDescription = { ...description, duration_s: 3.5, stimuli: [shift(description.stimuli[0]!, 9), shift(description.stimuli[1]!, 17.5)] };
  return { description: d, readout: { ...readout, reference_time_s: readout.reference_time_s - 9, recall_onset_s: 2.5 } };
}

/**
 * Without plasticity noise both engines draw the same numbers (neuron background, stimulus) in the same
 * order, and the fast engine passes through the reference's calcium regimes step for step: the spikes
 * are the reference's, one for one, and h agrees to rounding. (On the full 2000-neuron paradigm through
 * the recall: 80 303 identical spikes, h within 1e-11 mV; docs/network.md.) Protein synthesis and tags
 * switch at the reference's steps (lazySynapses.ts checkSynthesis, episodeTags.ts): p and z·h0 agree to
 * rounding as well (z·h0 reaches only ≈ 1e-6 mV in these 3.5 s: absolute bounds far below it).
 */
describe('fast engine against the reference engine on a small memory paradigm without plasticity noise', () => {
  it('the same spikes; h, p and z·h0 to rounding', () => {
    const { description, readout } = smallParadigm({ sigma_pl: 0 });
    const [ref, fast] = ['reference', 'fast'].map((e) => runMemoryParadigm(getEngine(e), { description, readout, seed: 3, dt_ms: 0.2, fastForward: false }));
    expect(fast!.result.spikes).toEqual(ref!.result.spikes);
    expect(ref!.result.spikes.t_s.length).toBeGreaterThan(1000);
    const a = ref!.curves.columns, b = fast!.curves.columns;
    for (const k of ['h_mean_assembly_mV', 'h_mean_control_mV', 'h_sd_assembly_mV']) {
      a[k]!.forEach((x, i) => expect(Math.abs(x - b[k]![i]!), k).toBeLessThan(1e-9));
    }
    const pa = a.p_mean_assembly!, top = Math.max(...pa);
    expect(top).toBeGreaterThan(1e-4);
    pa.forEach((x, i) => expect(Math.abs(x - b.p_mean_assembly![i]!), 'p').toBeLessThan(1e-12));
    const zh = a.zh0_mean_assembly_mV!;
    expect(Math.max(...zh)).toBeGreaterThan(1e-7);
    zh.forEach((x, i) => expect(Math.abs(x - b.zh0_mean_assembly_mV![i]!), 'z·h0').toBeLessThan(1e-13));
  });
});

/**
 * The fast and the reference engine must agree in distribution over networks: for each readout the
 * two means over 6 networks (seeds 1–6, the same connectivity for both engines) differ by at most 3
 * combined standard errors of the between-network spread (a false alarm below 0.3 % per readout for a
 * correct engine; docs/network.md compares 10 full-size networks at 2 SE).
 */
describe('fast engine against the reference engine on a small memory paradigm', () => {
  it('rates, Q, MI and the mean early- and late-phase weights of the assembly agree over 6 networks', () => {
    const { description, readout } = smallParadigm();
    const keys = ['v_as', 'v_ans', 'v_ctrl', 'v_inh', 'Q', 'MI', 'h_assembly', 'z_assembly', 'p_assembly'] as const;
    const values = { reference: new Map<string, number[]>(keys.map((k) => [k, []])), fast: new Map<string, number[]>(keys.map((k) => [k, []])) };
    for (let seed = 1; seed <= 6; seed++) {
      for (const e of ['reference', 'fast'] as const) {
        const r = runMemoryParadigm(getEngine(e), { description, readout, seed, dt_ms: 0.2, fastForward: false });
        const last = (x: Float64Array) => x[x.length - 1]!;
        const c = r.curves.columns;
        const got = { ...r.readout, h_assembly: last(c.h_mean_assembly_mV!), z_assembly: last(c.zh0_mean_assembly_mV!), p_assembly: last(c.p_mean_assembly!) };
        for (const k of keys) values[e].get(k)!.push(got[k]);
      }
    }
    const meanSe = (xs: number[]) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return [m, Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length)] as const;
    };
    for (const k of keys) {
      const [ma, sa] = meanSe(values.reference.get(k)!), [mb, sb] = meanSe(values.fast.get(k)!);
      expect(sa + sb, k).toBeGreaterThan(0);
      expect(Math.abs(ma - mb), k).toBeLessThanOrEqual(3 * Math.hypot(sa, sb));
    }
  });
});
