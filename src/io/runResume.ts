/**
 * What lets an experiment's run folder be resumed (`calcitag run FILE --resume DIR`): `.resume/` inside
 * the folder holds, per finished protocol, everything its files were made of — the ensemble (statistics
 * and the per-trial table) and what its probes streamed — written atomically once the protocol's files
 * are written (probe chunks are appended to a file as they come). A resumed run writes the folder again from the start: it replays the finished protocols
 * from there (no trial runs again) and runs the others, so results.h5, the CSV tables, summary.json and
 * the .npy files come out as an uninterrupted run's. The run removes `.resume/` once it is complete.
 *
 * Protocols are the unit kept: a protocol's ensemble is reduced over all its trials in order, and a run
 * stopped inside a protocol has no such reduction to keep (its trials run again — each trial's streams
 * are keyed by (seed, trial), so they give the same numbers).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ProbeSink, ProbeTrace } from '../engines/types.js';
import { withoutRows, type EnsembleResult, type EnsembleSummary } from '../experiments/ensemble.js';
import type { ResolvedExperiment, ResolvedProbe, ResolvedProtocol } from '../experiments/experiment.js';
import type { ExperimentSink, RunProgressNote } from '../experiments/experimentRun.js';
import type { RunConfig } from '../experiments/protocolRun.js';
import { TrialTable } from '../experiments/trialTable.js';
import { ExperimentOutput } from './experimentOutput.js';
import { TempFile, writeFileAtomic } from './files.js';

/** The folder inside a run folder that holds the finished protocols. */
export const RESUME_DIR = '.resume';
const FORMAT = 'calcitag-resume';
const FORMAT_VERSION = 1;

/**
 * What a protocol's probes did, in order, as `.resume/<index>.probes` holds it: appended as the run goes
 * (a probe chunk is on disk, not in memory, once the engine has handed it over) and renamed into place
 * when the protocol is complete. Replaying the records gives the folder's sink the same calls.
 */
type ProbeRecord =
  | { readonly kind: 'sink'; readonly trial: number }
  | { readonly kind: 'samples'; readonly probe: number; readonly offset: number; readonly values: readonly Float64Array[] }
  | { readonly kind: 'trial'; readonly trial: number; readonly probes: readonly string[]; readonly traces: readonly ProbeTrace[] };

/** Appends length-prefixed records (v8 serialisation: every float64 kept) to a temporary file. */
class ProbeLogWriter {
  private readonly file: TempFile;

  constructor(readonly path: string) {
    this.file = new TempFile(path);
  }

  append(r: ProbeRecord): void {
    const body = serialize(r);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length);
    writeSync(this.file.fd, head);
    writeSync(this.file.fd, body);
  }

  finish(): void {
    this.file.commit();
  }

  abort(): void {
    this.file.discard();
  }
}

function* readProbeLog(path: string): Generator<ProbeRecord> {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    while (readSync(fd, head, 0, 4, null) === 4) {
      const body = Buffer.alloc(head.readUInt32LE(0));
      if (readSync(fd, body, 0, body.length, null) !== body.length) throw new Error(`${path} is truncated`);
      yield deserialize(body) as ProbeRecord;
    }
  } finally {
    closeSync(fd);
  }
}

/** A finished protocol as `.resume/<index>.bin` holds it. */
interface SavedProtocol {
  readonly format: typeof FORMAT;
  readonly format_version: number;
  readonly protocol: string;
  readonly summary: EnsembleSummary;
  /** The per-trial table's storage (TrialTable's fields, structured-cloned). */
  readonly table: TrialTable;
  /** Whether `<index>.probes` holds its probes' records. */
  readonly probeLog: boolean;
}

const fileOf = (dir: string, index: number, ext = 'bin') => join(dir, RESUME_DIR, `${String(index).padStart(4, '0')}.${ext}`);

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
    if (saved.probeLog && !existsSync(fileOf(dir, i, 'probes'))) break;
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
  private log: ProbeLogWriter | undefined;
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
    // the folder is resumable from its start (a run killed in its first protocol keeps nothing, but resumes)
    mkdirSync(join(this.location, RESUME_DIR), { recursive: true });
  }

  /** Writes the finished protocols of the earlier run again, as they were written then (call after start). */
  async replay(): Promise<void> {
    for (const [index, s] of this.saved.entries()) {
      const protocol = this.exp.protocols[index]!;
      if (s.probeLog) {
        let sink: ProbeSink | undefined;
        for (const r of readProbeLog(fileOf(this.location, index, 'probes'))) {
          if (r.kind === 'sink') sink = this.inner.probeSink(protocol, r.trial);
          else if (r.kind === 'samples') sink?.samples(r.probe, r.offset, r.values);
          else this.inner.trialDone(protocol, r.trial, this.probesOf(r.probes), r.traces);
        }
      }
      await this.inner.protocolDone(protocol, ensembleOf(s));
      this.finished.push(s.protocol);
    }
    if (this.saved.length > 0) this.inner.note(`resumed: kept ${this.finished.join(', ')} from the interrupted run`);
  }

  /** The log of the running protocol's probes (opened on its first record). */
  private record(protocol: ResolvedProtocol, r: ProbeRecord): void {
    this.log ??= new ProbeLogWriter(fileOf(this.location, this.exp.protocols.findIndex((p) => p.name === protocol.name), 'probes'));
    this.log.append(r);
  }

  probeSink(protocol: ResolvedProtocol, trial: number): ProbeSink | undefined {
    const sink = this.inner.probeSink(this.protocol(protocol), trial);
    if (!sink) return undefined;
    this.record(protocol, { kind: 'sink', trial });
    return {
      ...(sink.chunkSamples !== undefined ? { chunkSamples: sink.chunkSamples } : {}),
      samples: (probe, offset, values) => {
        this.record(protocol, { kind: 'samples', probe, offset, values });
        sink.samples(probe, offset, values);
      },
    };
  }

  trialDone(protocol: ResolvedProtocol, trial: number, probes: readonly ResolvedProbe[], traces: readonly ProbeTrace[]): void {
    const names = probes.map((p) => p.name);
    this.record(protocol, { kind: 'trial', trial, probes: names, traces });
    this.inner.trialDone(this.protocol(protocol), trial, this.probesOf(names), traces);
  }

  async protocolDone(protocol: ResolvedProtocol, result: EnsembleResult): Promise<void> {
    await this.inner.protocolDone(this.protocol(protocol), result);
    const index = this.exp.protocols.findIndex((p) => p.name === protocol.name);
    // the probe records first: a protocol's record names a complete log
    this.log?.finish();
    const saved: SavedProtocol = {
      format: FORMAT, format_version: FORMAT_VERSION, protocol: protocol.name, summary: withoutRows(result), table: result.table, probeLog: this.log !== undefined,
    };
    this.log = undefined;
    writeFileAtomic(fileOf(this.location, index), serialize(saved));
    this.finished.push(protocol.name);
  }

  note(line: string): void {
    this.inner.note(line);
  }

  /** Ends the folder; `note` is the runner's (of the part it ran): the replayed protocols count as completed. */
  finish(note: RunProgressNote): void {
    this.log?.abort(); // an unfinished protocol's records: it runs again from its first trial
    this.log = undefined;
    const completed = this.exp.protocols.map((p) => p.name).filter((n) => this.finished.includes(n));
    this.inner.finish({ ...note, completed_protocols: completed });
    if (note.complete) rmSync(join(this.location, RESUME_DIR), { recursive: true, force: true });
  }

  abort(): void {
    this.log?.abort();
    this.log = undefined;
    this.inner.abort();
  }
}
