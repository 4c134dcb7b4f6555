/**
 * Writes a run folder: run.json (the run record: fully resolved, `calcitag run <dir>` reruns it bit for
 * bit), summary.json, trials.csv, per-protocol traces (mean ± SD on the coarse grid), one trial's calcium,
 * a figure per protocol and one of the class counts (each as SVG, PNG and its Vega-Lite spec), log.txt.
 * Each protocol's files are written as soon as it finishes, atomically.
 */
import type { EnsembleResult } from '../experiments/ensemble.js';
import { CHECKPOINTS } from '../experiments/ensemble.js';
import type { RunConfig } from '../experiments/protocolRun.js';
import { summaryJson } from '../experiments/protocolRun.js';
import { experimentFromRunConfig } from '../experiments/experiment.js';
import { RUN_RECORD, runRecordJson } from '../experiments/runRecord.js';
import { columnsToCsv, csvLine } from './csv.js';
import { RunDirectory } from './files.js';
import { classCountsSpec, protocolFigureSpec, renderSvg, svgToPng, type VegaLiteSpec } from './plots.js';

export class RunWriter {
  readonly dir: RunDirectory;
  private readonly done: EnsembleResult[] = [];
  private readonly log: string[] = [];

  constructor(
    path: string,
    private readonly cfg: RunConfig,
    /** `record`: the run record to write as run.json (default: the one equivalent to `cfg`); csv/plots default true. */
    private readonly options: { record?: object; csv?: boolean; plots?: boolean } = {},
  ) {
    this.dir = new RunDirectory(path);
  }

  start(): void {
    this.dir.write(RUN_RECORD, JSON.stringify(this.options.record ?? runRecordJson(experimentFromRunConfig(this.cfg)), null, 2) + '\n');
    this.note(`calcitag ${this.cfg.version}: engine ${this.cfg.engine}, seed ${this.cfg.seed}, ${this.cfg.trials} trials, dt ${this.cfg.dt_ms} ms`);
  }

  note(line: string): void {
    this.log.push(`${new Date().toISOString()} ${line}`);
    this.dir.write('log.txt', this.log.join('\n') + '\n');
  }

  /** Writes one finished protocol's files and refreshes the summary and the per-trial table. */
  async protocolDone(res: EnsembleResult): Promise<void> {
    this.done.push(res);
    const P = res.protocol;
    const tr = res.traces;
    if (this.options.csv !== false) this.dir.write(
      `traces_${P}.csv`,
      columnsToCsv([
        ['t_s', res.t_s],
        ['h_rel_mean', tr.h_rel.mean], ['h_rel_sd', tr.h_rel.sd],
        ['z_mean', tr.z.mean], ['z_sd', tr.z.sd],
        ['w_rel_mean', tr.w_rel.mean], ['w_rel_sd', tr.w_rel.sd],
        ['p_mean', tr.p.mean], ['p_sd', tr.p.sd],
      ]),
    );
    if (res.calcium && this.options.csv !== false) {
      this.dir.write(`calcium_${P}.csv`, columnsToCsv([['t_s', res.calcium.t_s], ['c', res.calcium.c], ['h_mV', res.calcium.h_mV]]));
    }
    const protocol = this.cfg.protocols.find((p) => p.name === P)!;
    if (this.options.plots !== false) {
      await this.figure(`figure_${P}`, protocolFigureSpec(res, protocol, this.cfg.params));
      await this.figure('figure_classes', classCountsSpec(this.done, this.cfg.protocols));
    }
    if (this.options.csv !== false) this.dir.writeChunks('trials.csv', trialsCsvChunks(this.done));
    this.dir.write('summary.json', JSON.stringify(summaryJson(this.cfg, this.done), null, 2) + '\n');
    this.note(`${P}: ${res.trials} trials in ${(res.wall_ms / 1000).toFixed(2)} s, class ${res.class}`);
  }

  /** Writes a figure as its Vega-Lite spec, SVG and PNG. */
  private async figure(name: string, spec: VegaLiteSpec): Promise<void> {
    const svg = await renderSvg(spec);
    this.dir.write(`${name}.vl.json`, JSON.stringify(spec) + '\n');
    this.dir.write(`${name}.svg`, svg);
    this.dir.write(`${name}.png`, svgToPng(svg));
  }

  /**
   * Rewrites summary.json with `extra` fields added (e.g. how far an interrupted run got), over the
   * protocols named in `only` if given (those whose files are all written).
   */
  finish(extra: Record<string, unknown>, only?: readonly string[]): void {
    const done = only ? this.done.filter((r) => only.includes(r.protocol)) : this.done;
    this.dir.write('summary.json', JSON.stringify({ ...summaryJson(this.cfg, done), ...extra }, null, 2) + '\n');
  }
}

/** Rows of trials.csv per chunk: a million-trial table is written without holding it as one string. */
const CSV_CHUNK_ROWS = 4096;

/** trials.csv, line by line in chunks: one row per trial, from each ensemble's compact table. */
export function* trialsCsvChunks(results: readonly EnsembleResult[]): Generator<string> {
  const cps = CHECKPOINTS.map(([n]) => n);
  yield csvLine([
    'protocol', 'trial', 'class', 'tagged', 'protein_synthesis', 'max_dev_h_mV',
    ...cps.map((c) => `w_rel_${c}`), ...cps.map((c) => `h_mV_${c}`), ...cps.map((c) => `z_${c}`),
    'p_max', 't_p_max_s', 'pre_spikes', 'post_spikes', 'steps', 'wall_ms',
  ]);
  for (const res of results) {
    let chunk = '';
    for (let i = 0; i < res.table.length; i++) {
      const r = res.table.row(i);
      chunk += csvLine([
        res.protocol, r.trial, r.outcome, r.tagged, r.proteinSynthesis, r.maxDev_mV,
        ...cps.map((c) => r.w_rel[c]), ...cps.map((c) => r.h_mV[c]), ...cps.map((c) => r.z[c]),
        r.pMax, r.tPMax_s, r.preSpikes, r.postSpikes, r.steps, Math.round(r.wall_ms * 1000) / 1000,
      ]);
      if ((i + 1) % CSV_CHUNK_ROWS === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
}

/** trials.csv as one string (small runs, tests). */
export function trialsCsv(results: readonly EnsembleResult[]): string {
  return [...trialsCsvChunks(results)].join('');
}
