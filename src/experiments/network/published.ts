/**
 * The published readouts of the memory paradigm (Luboeinski & Tetzlaff 2021; MODEL.md §8): mean ± SD over
 * 50 networks of the stand-alone C++ simulator, assembly 150, and the checks of a set of our runs against
 * them (each readout's mean over seeds within 2 published SD).
 */
import type { RecallReadout } from './readouts.js';

export interface MeanSd {
  readonly mean: number;
  readonly sd: number;
}

export type ReadoutName = 'v_as' | 'v_ans' | 'v_ctrl' | 'v_inh' | 'Q' | 'MI';
export const READOUT_NAMES: readonly ReadoutName[] = ['v_as', 'v_ans', 'v_ctrl', 'v_inh', 'Q', 'MI'];

export const PUBLISHED_READOUTS: Readonly<Record<'10s' | '8h', Readonly<Record<ReadoutName, MeanSd>>>> = {
  '10s': {
    v_as: { mean: 92.58, sd: 0.16 }, v_ans: { mean: 8.72, sd: 1.58 }, v_ctrl: { mean: 5.88, sd: 0.55 }, v_inh: { mean: 21.46, sd: 0.78 },
    Q: { mean: 0.0307, sd: 0.014 }, MI: { mean: 0.86, sd: 0.066 },
  },
  '8h': {
    v_as: { mean: 92.81, sd: 0.25 }, v_ans: { mean: 10.19, sd: 1.69 }, v_ctrl: { mean: 7.04, sd: 0.46 }, v_inh: { mean: 23.23, sd: 0.72 },
    Q: { mean: 0.034, sd: 0.0155 }, MI: { mean: 0.941, sd: 0.062 },
  },
};

export interface ReadoutComparison {
  readonly name: ReadoutName;
  readonly ours: MeanSd & { readonly n: number };
  readonly published: MeanSd;
  /** (our mean − published mean) / published SD. */
  readonly deviation_sd: number;
  readonly ok: boolean;
}

/** Mean and sample SD. */
export function meanSd(xs: readonly number[]): MeanSd {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) : 0;
  return { mean: m, sd: Math.sqrt(v) };
}

/** Our readouts over seeds against the published ones: each mean within `tolerance_sd` published SDs. */
export function compareWithPublished(readouts: readonly Pick<RecallReadout, ReadoutName>[], recall: '10s' | '8h', tolerance_sd = 2): ReadoutComparison[] {
  return READOUT_NAMES.map((name) => {
    const ours = meanSd(readouts.map((r) => r[name]));
    const published = PUBLISHED_READOUTS[recall][name];
    const deviation_sd = (ours.mean - published.mean) / published.sd;
    return { name, ours: { ...ours, n: readouts.length }, published, deviation_sd, ok: Math.abs(deviation_sd) <= tolerance_sd };
  });
}
