/**
 * The run folder of an experiment — the {@link ExperimentSink} that `runExperiment` writes to when given
 * `experimentFolder(dir)`: what {@link RunWriter} writes (run.json,
 * summary.json, log.txt, CSV tables, figures) plus results.h5 and npy/ — every file atomic.
 *
 * results.h5 layout (format `calcitag-results`, version 1; every dataset carries a `units` attribute):
 * ```
 * /                                 attrs: format, format_version, calcitag_version, experiment (the run record, JSON),
 *                                          engine, seed, trials, dt_ms, complete (1, or 0 if interrupted)
 * /parameters/<name>                scalar, attrs units, symbol, description
 * /ensemble/<protocol>/t_s          coarse grid, s
 * /ensemble/<protocol>/{h_rel,z,w_rel,p}_{mean,sd}   over trials (h/h0, z, w/h0, p: dimensionless)
 *                                   group attrs: trials, class, expected, classes (JSON)
 * /ensemble/<protocol>/trials/...   one value per trial: trial, outcome, tagged, w_rel_<checkpoint>, …
 * /ensemble/<protocol>/calcium/{t_s,c,h_mV}          fine trace of trial 0 around the first stimulus
 * /traces/<probe>/<protocol>/t_s    probe sample times, s
 * /traces/<probe>/<protocol>/trials trial index of each row
 * /traces/<probe>/<protocol>/<var>  (trials × samples); var ∈ V [mV], c, h [mV], z, w [mV], p, tag
 * /spikes/<protocol>_pre|_post/timestamps  SONATA: spike times in ms (attr units = ms), sorted by time
 * /spikes/<protocol>_pre|_post/node_ids    SONATA: node id = trial index (uint64)
 * ```
 */
import { join } from 'node:path';
import type { ProbeSink, ProbeTrace } from '../engines/types.js';
import { CHECKPOINTS, type EnsembleResult } from '../experiments/ensemble.js';
import type { ResolvedExperiment, ResolvedProbe, ResolvedProtocol } from '../experiments/experiment.js';
import { runRecordJson } from '../experiments/runRecord.js';
import type { ExperimentSink, ExperimentSinkFactory, RunProgressNote } from '../experiments/experimentRun.js';
import type { RunConfig } from '../experiments/protocolRun.js';
import { PARAM_SPECS } from '../model/parameters.js';
import { OUTCOME_CLASSES } from '../model/protocols.js';
import { Hdf5Writer } from './hdf5.js';
import { ProbeOutput } from './probes.js';
import { RunWriter } from './runWriter.js';

/**
 * The run folder `dir` as the sink of `runExperiment` (`{ output: experimentFolder(dir) }`): created
 * once the experiment is valid, written as the run goes.
 */
export function experimentFolder(dir: string): ExperimentSinkFactory {
  return (exp, cfg) => ExperimentOutput.open(dir, exp, cfg);
}

/** A run folder being written: the {@link ExperimentSink} of io. */
export class ExperimentOutput implements ExperimentSink {
  private constructor(
    readonly exp: ResolvedExperiment,
    readonly writer: RunWriter,
    readonly probes: ProbeOutput,
    private readonly h5?: Hdf5Writer,
  ) {}

  /** Prepares the folder (nothing is written before {@link start}, except results.h5's temporary file). */
  static async open(dir: string, exp: ResolvedExperiment, cfg: RunConfig): Promise<ExperimentOutput> {
    const writer = new RunWriter(dir, cfg, { record: runRecordJson(exp), csv: exp.outputs.csv, plots: exp.outputs.plots });
    const h5 = exp.outputs.hdf5 ? await Hdf5Writer.create(join(writer.dir.path, 'results.h5')) : undefined;
    const probes = new ProbeOutput(exp, { h5, npyDir: exp.outputs.npy ? join(writer.dir.path, 'npy') : undefined });
    return new ExperimentOutput(exp, writer, probes, h5);
  }

  get path(): string {
    return this.writer.dir.path;
  }

  get location(): string {
    return this.path;
  }

  probeSink(protocol: ResolvedProtocol, trial: number): ProbeSink | undefined {
    return this.probes.sinkFor(protocol, trial);
  }

  trialDone(protocol: ResolvedProtocol, trial: number, _probes: readonly ResolvedProbe[], traces: readonly ProbeTrace[]): void {
    this.probes.trialDone(protocol, trial, traces);
  }

  note(line: string): void {
    this.writer.note(line);
  }

  start(): void {
    this.writer.start();
    const e = this.exp;
    if (e.probes.length > 0) this.writer.note(`probes: ${e.probes.map((p) => `${p.name} (${p.variables.join(', ')} every ${p.interval_s} s)`).join('; ')}`);
    const h5 = this.h5;
    if (!h5) return;
    h5.attrs('/', {
      format: 'calcitag-results', format_version: 1, calcitag_version: e.calcitag_version, experiment: JSON.stringify(runRecordJson(e)),
      engine: e.engine, seed: e.seed, trials: e.trials, dt_ms: e.dt_ms, complete: 0,
    });
    for (const s of PARAM_SPECS) {
      h5.scalar(`/parameters/${s.name}`, e.params[s.name], { units: s.unit, symbol: s.symbol, description: s.doc });
    }
  }

  /** Writes a finished protocol: CSV, figures, summary (RunWriter), ensemble and spikes (HDF5), npy files. */
  async protocolDone(protocol: ResolvedProtocol, res: EnsembleResult): Promise<void> {
    this.probes.protocolDone(protocol);
    const h5 = this.h5;
    if (h5) {
      const base = `/ensemble/${protocol.name}`;
      h5.dataset(`${base}/t_s`, res.t_s, { units: 's' });
      const desc = { h_rel: 'early phase h/h0', z: 'late phase z', w_rel: 'total weight w/h0 = (h + h0 z)/h0', p: 'protein amount p' };
      for (const [k, tr] of Object.entries(res.traces) as Array<[keyof typeof desc, { mean: Float64Array; sd: Float64Array }]>) {
        h5.dataset(`${base}/${k}_mean`, tr.mean, { units: '1', description: `${desc[k]}, mean over trials` });
        h5.dataset(`${base}/${k}_sd`, tr.sd, { units: '1', description: `${desc[k]}, SD over trials` });
      }
      h5.attrs(base, { trials: res.trials, class: res.class, expected: protocol.expected ?? '', classes: JSON.stringify(res.classes), tagged: res.tagged });
      const t = res.table; // compact per-trial rows: columns straight into the file
      h5.dataset(`${base}/trials/trial`, Int32Array.from(t.column('trial')));
      h5.dataset(`${base}/trials/outcome`, Array.from(t.column('outcome'), (k) => OUTCOME_CLASSES[k]!));
      h5.dataset(`${base}/trials/tagged`, Uint8Array.from(t.column('tagged')));
      h5.dataset(`${base}/trials/max_dev_mV`, t.column('maxDev_mV'), { units: 'mV' });
      h5.dataset(`${base}/trials/p_max`, t.column('pMax'), { units: '1' });
      for (const [cp] of CHECKPOINTS) {
        h5.dataset(`${base}/trials/w_rel_${cp}`, t.column(`w_rel_${cp}`), { units: '1' });
        h5.dataset(`${base}/trials/z_${cp}`, t.column(`z_${cp}`), { units: '1' });
      }
      if (res.calcium) {
        h5.dataset(`${base}/calcium/t_s`, res.calcium.t_s, { units: 's' });
        h5.dataset(`${base}/calcium/c`, res.calcium.c, { units: '1' });
        h5.dataset(`${base}/calcium/h_mV`, res.calcium.h_mV, { units: 'mV' });
      }
    }
    await this.writer.protocolDone(res);
  }

  /** Completes every file; after an interruption, notes how far the run got. */
  finish(note: RunProgressNote): void {
    if (note.interrupted) this.probes.finishInterrupted();
    if (this.h5) {
      this.h5.attrs('/', { complete: note.complete ? 1 : 0, ...(note.interrupted ? { progress: JSON.stringify(note) } : {}) });
      this.h5.close();
    }
    if (note.interrupted) {
      this.writer.finish({ interrupted: true, progress: note });
      const partial = note.partial ? `; ${note.partial.protocol}: ${note.partial.trials_done} of ${note.partial.trials} trials finished (not summarised)` : '';
      this.writer.note(`interrupted: completed ${note.completed_protocols.join(', ') || 'no protocol'}${partial}; not started: ${note.not_started.join(', ') || 'none'}`);
    } else {
      this.writer.note('complete');
    }
  }

  /** Removes unfinished files after an error. */
  abort(): void {
    this.probes.abort();
    this.h5?.abort();
  }
}
