import { describe, expect, it } from 'vitest';
import { runMemoryParadigm } from '../../experiments/network/memoryRun.js';
import type { NetworkDescription } from '../../model/network/description.js';
import { memoryParadigm } from '../../model/network/memoryParadigm.js';
import { getEngine } from '../registry.js';

/**
 * The memory paradigm made small for CI: 120 + 30 neurons, an assembly of 20, the learning stimulus
 * moved from 10 s to 1 s and the recall from 20 s to 2.5 s, 3.5 s in all (no fast-forward).
 */
function smallParadigm() {
  const { description, readout } = memoryParadigm({ nExc: 120, nInh: 30, assembly: 20 });
  const shift = (s: NetworkDescription['stimuli'][number], by: number) =>
    s.kind === 'ou-current' ? { ...s, windows: s.windows.map((w) => ({ ...w, onset_s: w.onset_s - by })) } : s;
  const d: NetworkDescription = { ...description, duration_s: 3.5, stimuli: [shift(description.stimuli[0]!, 9), shift(description.stimuli[1]!, 17.5)] };
  return { description: d, readout: { ...readout, reference_time_s: readout.reference_time_s - 9, recall_onset_s: 2.5 } };
}

/**
 * The fast and the reference engine must agree in distribution over networks: for each readout the
 * two means over 6 networks (seeds 1–6, the same connectivity for both engines) differ by at most 3
 * combined standard errors of the between-network spread (a false alarm below 0.3 % per readout for a
 * correct engine; docs/network.md compares 10 full-size networks at 2 SE). Paired by seed the fast
 * engine's protein and z are lower by 0.03–0.2 % here (synthesis starts a few ms later, see
 * docs/network.md), far below the spread between networks.
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
