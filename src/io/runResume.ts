/**
 * What lets an experiment's run folder be resumed (`calcitag run FILE --resume DIR`): `.resume/` inside
 * the folder holds, per finished protocol, everything its files were made of — the ensemble (statistics
 * and the per-trial table) and what its probes streamed — written atomically once the protocol's files
 * are written. A resumed run writes the folder again from the start: it replays the finished protocols
 * from there (no trial runs again) and runs the others, so results.h5, the CSV tables, summary.json and
 * the .npy files come out as an uninterrupted run's. The run removes `.resume/` once it is complete.
 *
 * Protocols are the unit kept: a protocol's ensemble is reduced over all its trials in order, and a run
 * stopped inside a protocol has no such reduction to keep (its trials run again — each trial's streams
 * are keyed by (seed, trial), so they give the same numbers).
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ProbeSink, ProbeTrace } from '../engines/types.js';
import { withoutRows, type EnsembleResult, type EnsembleSummary } from '../experiments/ensemble.js';
import type { ResolvedExperiment, ResolvedProbe, ResolvedProtocol } from '../experiments/experiment.js';
import type { ExperimentSink, RunProgressNote } from '../experiments/experimentRun.js';
import type { RunConfig } from '../experiments/protocolRun.js';
import { TrialTable } from '../experiments/trialTable.js';
import { ExperimentOutput } from './experimentOutput.js';
import { writeFileAtomic } from './files.js';

/** The folder inside a run folder that holds the finished protocols. */
export const RESUME_DIR = '.resume';
const FORMAT = 'calcitag-resume';
const FORMAT_VERSION = 1;

/** One probe chunk as the engine streamed it (copied: engines reuse their arrays). */
interface Chunk {
  readonly probe: number;
  readonly offset: number;
  readonly values: Float64Array[];
}

/** What one trial's probes produced. */
interface TrialProbes {
  readonly trial: number;
  readonly probes: string[];
  readonly chunks: Chunk[];
  readonly traces: readonly ProbeTrace[];
}

/** A finished protocol as `.resume/<index>.bin` holds it. */
interface SavedProtocol {
  readonly format: typeof FORMAT;
  readonly format_version: number;
  readonly protocol: string;
  readonly summary: EnsembleSummary;
  /** The per-trial table's storage (TrialTable's fields, structured-cloned). */
  readonly table: TrialTable;
  readonly probes: TrialProbes[];
}

const fileOf = (dir: string, index: number) => join(dir, RESUME_DIR, `${String(index).padStart(4, '0')}.bin`);

/** Whether `dir` holds resume state (a run that was not complete when it stopped). */
export function hasResumeState(dir: string): boolean {
  return existsSync(join(dir, RESUME_DIR));
}

/**
 * The finished protocols of `dir` that a run of `protocols` keeps: the longest prefix of them with a
 * readable record (protocols run in order, so a run stopped anywhere finished a prefix).
 */
export function readFinishedProtocols(dir: string, protocols: readonly string[]): SavedProtocol[] {
  const out: SavedProtocol[] = [];
  for (let i = 0; i < protocols.length; i++) {
    const f = fileOf(dir, i);
    if (!existsSync(f)) break;
    let saved: SavedProtocol;
    try {
      saved = deserialize(readFileSync(f)) as SavedProtocol;
    } catch {
      break; // unreadable (another Node's format, a damaged disk): that protocol runs again
    }
    if (saved.format !== FORMAT || saved.format_version !== FORMAT_VERSION || saved.protocol !== protocols[i]) break;
    out.push(saved);
  }
  return out;
}

/** The ensemble of a saved protocol, as the run made it. */
function ensembleOf(saved: SavedProtocol): EnsembleResult {
  // the table's storage came through a structured clone: give it its class back
  const table = Object.setPrototypeOf(saved.table, TrialTable.prototype) as TrialTable;
  return {
    ...saved.summary, table,
    get rows() {
      return table.rows();
    },
  };
}

/** Temporary files left by a process that was killed while writing (any process: the run is over). */
export function removeStaleTemporaries(dir: string): void {
  for (const sub of [dir, join(dir, 'npy'), join(dir, RESUME_DIR)]) {
    if (!existsSync(sub)) continue;
    for (const f of readdirSync(sub)) if (/\.tmp-\d+-\d+$/.test(f)) rmSync(join(sub, f), { force: true });
  }
}

/**
 * The run folder's sink (io's {@link ExperimentOutput}) with resume state: records every finished
 * protocol in `.resume/`, and — resuming — first replays the protocols `saved` holds. The runner may run
 * a part of the experiment (the protocols not finished); the folder is always the whole experiment's.
 */
export class ResumableOutput implements ExperimentSink {
  private readonly probes = new Map<number, TrialProbes>();
  private readonly finished: string[] = [];
  private started = false;

  private constructor(
    private readonly inner: ExperimentOutput,
    private readonly exp: ResolvedExperiment,
    private readonly saved: readonly SavedProtocol[],
  ) {}

  static async open(dir: string, exp: ResolvedExperiment, cfg: RunConfig, saved: readonly SavedProtocol[] = []): Promise<ResumableOutput> {
    return new ResumableOutput(await ExperimentOutput.open(dir, exp, cfg), exp, saved);
  }

  get location(): string {
    return this.inner.location;
  }

  /** The ensembles replayed from the earlier run, in protocol order. */
  get replayed(): EnsembleResult[] {
    return this.saved.map(ensembleOf);
  }

  /** The whole experiment's protocol of the same name (the runner's may come from a part of it). */
  private protocol(p: ResolvedProtocol): ResolvedProtocol {
    return this.exp.protocols.find((q) => q.name === p.name) ?? p;
  }

  private probesOf(names: readonly string[]): ResolvedProbe[] {
    return names.map((n) => this.exp.probes.find((p) => p.name === n)!);
  }

  /** Starts the folder (once: the resuming caller starts it before handing it to the runner). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.inner.start();
  }

  /** Writes the finished protocols of the earlier run again, as they were written then (call after start). */
  async replay(): Promise<void> {
    for (const s of this.saved) {
      const protocol = this.exp.protocols.find((p) => p.name === s.protocol)!;
      for (const t of s.probes) {
        const probes = this.probesOf(t.probes);
        const sink = this.inner.probeSink(protocol, t.trial);
        if (sink) for (const c of t.chunks) sink.samples(c.probe, c.offset, c.values);
        this.inner.trialDone(protocol, t.trial, probes, t.traces);
      }
      await this.inner.protocolDone(protocol, ensembleOf(s));
      this.finished.push(s.protocol);
    }
    if (this.saved.length > 0) this.inner.note(`resumed: kept ${this.finished.join(', ')} from the interrupted run`);
  }

  probeSink(protocol: ResolvedProtocol, trial: number, probes: readonly ResolvedProbe[]): ProbeSink | undefined {
    const sink = this.inner.probeSink(this.protocol(protocol), trial);
    if (!sink) return undefined;
    const rec: TrialProbes = { trial, probes: probes.map((p) => p.name), chunks: [], traces: [] };
    this.probes.set(trial, rec);
    return {
      ...(sink.chunkSamples !== undefined ? { chunkSamples: sink.chunkSamples } : {}),
      samples: (probe, offset, values) => {
        rec.chunks.push({ probe, offset, values: values.map((v) => v.slice()) });
        sink.samples(probe, offset, values);
      },
    };
  }

  trialDone(protocol: ResolvedProtocol, trial: number, probes: readonly ResolvedProbe[], traces: readonly ProbeTrace[]): void {
    const rec = this.probes.get(trial);
    if (rec) this.probes.set(trial, { ...rec, traces });
    else this.probes.set(trial, { trial, probes: probes.map((p) => p.name), chunks: [], traces });
    this.inner.trialDone(this.protocol(protocol), trial, this.probesOf(probes.map((p) => p.name)), traces);
  }

  async protocolDone(protocol: ResolvedProtocol, result: EnsembleResult): Promise<void> {
    await this.inner.protocolDone(this.protocol(protocol), result);
    const index = this.exp.protocols.findIndex((p) => p.name === protocol.name);
    const saved: SavedProtocol = {
      format: FORMAT, format_version: FORMAT_VERSION, protocol: protocol.name, summary: withoutRows(result),
      table: result.table, probes: [...this.probes.values()].sort((a, b) => a.trial - b.trial),
    };
    writeFileAtomic(fileOf(this.location, index), serialize(saved));
    this.probes.clear();
    this.finished.push(protocol.name);
  }

  note(line: string): void {
    this.inner.note(line);
  }

  /** Ends the folder; `note` is the runner's (of the part it ran): the replayed protocols count as completed. */
  finish(note: RunProgressNote): void {
    const completed = this.exp.protocols.map((p) => p.name).filter((n) => this.finished.includes(n));
    this.inner.finish({ ...note, completed_protocols: completed });
    if (note.complete) rmSync(join(this.location, RESUME_DIR), { recursive: true, force: true });
  }

  abort(): void {
    this.inner.abort();
  }
}
