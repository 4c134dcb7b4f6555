import { describe, expect, it } from 'vitest';
import { seedComparisonSpec, type Columns } from './networkFigures.js';

const cols = (o: Record<string, number[]>): Columns => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Float64Array.from(v)]));
const rates = (k: number) => cols({ t_start_s: [0, 0.5], rate_assembly_Hz: [1 + k, 2 + k], rate_ctrl_Hz: [1, 1], rate_inh_Hz: [3, 3] });
const weights = (k: number) => cols({ t_s: [0, 1], h_mean_assembly_mV: [4.2, 4.2 + k], h_mean_control_mV: [4.2, 4.2], zh0_mean_assembly_mV: [0, k], zh0_mean_control_mV: [0, 0] });

describe('seedComparisonSpec', () => {
  it('draws a second set of seeds under its own label, mean ± SD over each set', () => {
    const spec = seedComparisonSpec('FF against no FF', [rates(0), rates(2)], [weights(0), weights(2)], undefined,
      { label: 'no FF (2 seeds)', rates: [rates(4), rates(6)], weights: [weights(4), weights(6)] }, 'FF (2 seeds)') as unknown as {
      data: { values: Array<Record<string, number | string>> }; title: { subtitle: string };
      vconcat: Array<{ layer: Array<{ encoding: { strokeDash?: { scale: { domain: string[] } } } }> }>;
    };
    const rows = spec.data.values;
    const at = (source: string, panel: string, series: string, t: number) => rows.find((r) => r.source === source && r.panel === panel && r.series === series && r.t === t)!;
    expect(at('FF (2 seeds)', 'h (mV)', 'assembly', 1).mean).toBeCloseTo(5.2, 12);
    expect(at('no FF (2 seeds)', 'h (mV)', 'assembly', 1).mean).toBeCloseTo(9.2, 12);
    expect(at('no FF (2 seeds)', 'rates (Hz)', 'assembly', 0.25)).toMatchObject({ mean: 6, lo: 6 - Math.SQRT2, hi: 6 + Math.SQRT2 });
    // a rate band never goes below 0 (the assembly at 1 and 21 Hz: 11 ± 14.1 Hz)
    const wide = seedComparisonSpec('t', [rates(0), rates(20)], [weights(0)]) as unknown as { data: { values: Array<Record<string, number | string>> } };
    expect(wide.data.values.find((r) => r.panel === 'rates (Hz)' && r.series === 'assembly' && r.t === 0.25)).toMatchObject({ mean: 11, lo: 0 });
    expect(spec.vconcat[0]!.layer[1]!.encoding.strokeDash!.scale.domain).toEqual(['FF (2 seeds)', 'no FF (2 seeds)']);
    expect(spec.title.subtitle).toContain('dashed: no FF (2 seeds)');
    expect(rows.some((r) => String(r.source).startsWith('C++'))).toBe(false);
  });

  it('leaves out the rates panel when no set has rate curves (a sweep\'s results keep only the weights)', async () => {
    const spec = seedComparisonSpec('FF against no FF', [], [weights(0), weights(2)], undefined, { label: 'no FF', rates: [], weights: [weights(4)] }, 'FF');
    const panels = (spec as unknown as { vconcat: Array<{ title: string }> }).vconcat.map((p) => p.title);
    expect(panels).toEqual(['h (mV)', 'z·h0 (mV)']);
    const { renderSvg } = await import('./plots.js');
    expect(await renderSvg(spec)).toMatch(/^<svg/);
  });
});
