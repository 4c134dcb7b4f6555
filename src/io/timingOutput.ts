/**
 * The files of a timing run folder (docs/timing.md): the run record `run.json` (calcitag version, seed,
 * engines with their resolved options, every parameter, the grid), `timing.json` (every point),
 * `timing_points.csv`, and per engine the window and map figures (PNG, SVG and the Vega-Lite spec);
 * with several engines, the windows side by side. Every file is written atomically.
 */
import { OUTCOME_CLASSES } from '../model/protocols.js';
import { PAIRING_LAST_SPIKE_S, PAIRING_READOUT_S, PAIRING_DURATION_S } from '../model/timing/pairing.js';
import type { TimingGridConfig, TimingPoint, TimingResult } from '../experiments/timing/grid.js';
import { windowEdges, zeroCrossings } from '../experiments/timing/grid.js';
import { VERSION } from '../version.js';
import { toCsv } from './csv.js';
import type { RunDirectory } from './files.js';
import { renderSvg, svgToPng, type VegaLiteSpec } from './plots.js';
import { timingEnginesSpec, timingMapSpec, timingWindowSpec } from './timingFigures.js';

/** The run record: everything needed to run the same grid again. */
export function timingRunRecord(results: readonly TimingResult[]): Record<string, unknown> {
  const c = results[0]!.config;
  return {
    kind: 'timing',
    calcitag_version: VERSION,
    seed: c.seed,
    trials: c.trials,
    dt_ms: c.dt_ms,
    engines: results.map((r) => ({ name: r.config.engine, options: r.config.engineOptions ?? {} })),
    grid: {
      dt_ms: c.dts_ms, freq_Hz: c.freqs_Hz, pairs: c.pairs,
      ...(c.preBurst ? { pre_burst: c.preBurst } : {}), ...(c.postBurst ? { post_burst: c.postBurst } : {}),
      last_spike_s: PAIRING_LAST_SPIKE_S, readout_s: PAIRING_READOUT_S, duration_s: PAIRING_DURATION_S,
    },
    params: c.params,
  };
}

/** What `--json` prints and timing.json holds: per engine, every point and the zero crossings. */
export function timingJson(results: readonly TimingResult[]): Record<string, unknown> {
  return {
    ...timingRunRecord(results),
    results: results.map((r) => ({
      engine: r.config.engine,
      wall_s: r.wall_s,
      zero_crossings_ms: Object.fromEntries(r.config.freqs_Hz.map((f) => [`${f}`, { early: zeroCrossings(r.points, f, 'early'), w8h: zeroCrossings(r.points, f, 'w8h'), window_edges: windowEdges(r.points, f) }])),
      points: r.points,
    })),
  };
}

export function timingCsv(results: readonly TimingResult[]): string {
  const head = [
    'engine', 'freq_Hz', 'dt_ms', 'early_change_mean', 'early_change_sd', 'w_rel_8h_mean', 'w_rel_8h_sd', 'class',
    ...OUTCOME_CLASSES.map((c) => `fraction_${c}`), 'tagged_fraction', 'protein_fraction',
    'predicted_early_change', 'predicted_early_change_linear', 'time_above_theta_p_s', 'time_above_theta_d_s',
  ];
  const rows = results.flatMap((r) => r.points.map((p) => [
    r.config.engine, p.freq_Hz, p.dt_ms, p.early.mean, p.early.sd, p.w8h.mean, p.w8h.sd, p.class,
    ...OUTCOME_CLASSES.map((c) => p.classFractions[c] ?? 0), p.taggedFraction, p.proteinFraction,
    p.predictedEarly, p.predictedEarlyLinear, p.above_p_s, p.above_d_s,
  ]));
  return toCsv(head, rows);
}

async function writeFigure(dir: RunDirectory, name: string, spec: VegaLiteSpec): Promise<void> {
  dir.write(`${name}.vl.json`, JSON.stringify(spec, null, 1) + '\n');
  const svg = await renderSvg(spec);
  dir.write(`${name}.svg`, svg);
  dir.write(`${name}.png`, svgToPng(svg));
}

/** Writes the whole run folder; figures last, so the numbers are on disk first. */
export async function writeTimingRun(dir: RunDirectory, results: readonly TimingResult[]): Promise<void> {
  dir.write('run.json', JSON.stringify(timingRunRecord(results), null, 1) + '\n');
  dir.write('timing.json', JSON.stringify(timingJson(results), null, 1) + '\n');
  dir.write('timing_points.csv', timingCsv(results));
  const suffix = (r: TimingResult) => (results.length > 1 ? `_${r.config.engine}` : '');
  for (const r of results) {
    await writeFigure(dir, `timing_window${suffix(r)}`, timingWindowSpec(r));
    await writeFigure(dir, `timing_map${suffix(r)}`, timingMapSpec(r));
  }
  if (results.length > 1) await writeFigure(dir, 'timing_engines', timingEnginesSpec(results));
}

/**
 * An interrupted run: the run record and every point finished so far (points complete in grid order), in
 * `timing_partial.json`, so that a long run (bss2) loses no finished work. No figures.
 */
export function writeTimingPartial(dir: RunDirectory, configs: readonly TimingGridConfig[], done: ReadonlyArray<readonly TimingPoint[]>): void {
  const results = configs.map((config, i) => ({ config, points: [...(done[i] ?? [])], wall_s: NaN, trials: (done[i]?.length ?? 0) * config.trials }));
  dir.write('run.json', JSON.stringify(timingRunRecord(results), null, 1) + '\n');
  dir.write('timing_partial.json', JSON.stringify({
    complete: false, interrupted: true,
    results: results.map((r) => ({ engine: r.config.engine, points_done: r.points.length, points_total: r.config.dts_ms.length * r.config.freqs_Hz.length, points: r.points })),
  }, null, 1) + '\n');
}
