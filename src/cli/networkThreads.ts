/**
 * One network run split across Node worker threads (`calcitag network --workers W`): rank 0 is the
 * calling thread, ranks 1 … W − 1 are worker threads (networkThreadWorker.ts) running the engine's
 * runNetworkPart. They meet in shared memory — a barrier and a broadcast on Atomics, no message per
 * step; the only messages are the shared buffers handed out once at set-up and a failing rank's error.
 * The calling thread waits with Atomics.wait, so the run stays synchronous for its caller.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { NetworkCheckpointOptions, NetworkResult, NetworkRunSpec } from '../engines/networkTypes.js';
import type { Team } from '../engines/team.js';
import type { Engine } from '../engines/types.js';
import { builtScript } from '../experiments/builtScript.js';

/**
 * Int32 slots of the control buffer (DONE: ranks that reported their CPU time); two Float64 broadcast slots
 * follow at byte 16, then one Float64 per rank for its thread's CPU seconds at byte 32.
 */
const ARRIVED = 0, GENERATION = 1, FAILED = 2, DONE = 3;
const controlBytes = (ranks: number) => 32 + 8 * ranks;
/** Polls of the barrier word before sleeping on it (a rank that arrives a little early skips the futex). */
const SPIN = 2000;
/**
 * A rank waiting this long at one barrier gives up: a thread that died without reporting (killed, out of
 * memory) cannot say so, and the calling thread cannot watch it while it waits.
 */
const STALL_MS = 15 * 60_000;

/** What a worker thread is started with. */
export interface ThreadJob {
  readonly engine: string;
  readonly spec: NetworkRunSpec;
  readonly rank: number;
  readonly size: number;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** Thrown in a rank whose team failed elsewhere (that rank reports the cause). */
export class TeamAborted extends Error {}

export class ThreadTeam implements Team {
  private readonly ctl: Int32Array;
  private readonly values: Float64Array;
  private casts = 0;

  /** `ports`: rank 0's ports to ranks 1 … size − 1; a worker's one port to rank 0. */
  private readonly cpu: Float64Array;

  constructor(readonly rank: number, readonly size: number, control: SharedArrayBuffer, private readonly ports: readonly MessagePort[]) {
    this.ctl = new Int32Array(control, 0, 4);
    this.values = new Float64Array(control, 16, 2);
    this.cpu = new Float64Array(control, 32, size);
  }

  /** A worker rank, after its part: records its thread's CPU seconds for rank 0. */
  reportCpu(): void {
    this.cpu[this.rank] = threadCpuSeconds() ?? NaN;
    Atomics.add(this.ctl, DONE, 1);
    Atomics.notify(this.ctl, DONE);
  }

  /** Rank 0: every thread's CPU seconds (its own given), once the workers reported (NaN if one does not within 30 s). */
  threadCpu(own: number): number[] {
    const until = Date.now() + 30_000;
    for (let done = Atomics.load(this.ctl, DONE); done < this.size - 1 && Date.now() < until; done = Atomics.load(this.ctl, DONE)) {
      Atomics.wait(this.ctl, DONE, done, 100);
    }
    const out = Array.from(this.cpu);
    out[0] = own;
    return Atomics.load(this.ctl, DONE) < this.size - 1 ? out.map((x, i) => (i === 0 ? x : NaN)) : out;
  }

  share(bytes: number): ArrayBufferLike {
    if (this.rank === 0) {
      const sab = new SharedArrayBuffer(bytes);
      for (const p of this.ports) p.postMessage(sab);
      this.barrier();
      return sab;
    }
    this.barrier();
    const got = receiveMessageOnPort(this.ports[0]!);
    if (!got || !(got.message instanceof SharedArrayBuffer)) throw new Error(`rank ${this.rank}: no shared buffer from rank 0`);
    return got.message;
  }

  shareValue<T>(value: T | undefined): T {
    if (this.rank === 0) {
      const shared = toShared(value) as T;
      for (const p of this.ports) p.postMessage({ value: shared });
      this.barrier();
      return shared;
    }
    this.barrier();
    const got = receiveMessageOnPort(this.ports[0]!);
    if (!got) throw new Error(`rank ${this.rank}: no value from rank 0`);
    return (got.message as { value: T }).value;
  }

  barrier(): void {
    const ctl = this.ctl;
    const gen = Atomics.load(ctl, GENERATION);
    if (Atomics.add(ctl, ARRIVED, 1) === this.size - 1) {
      Atomics.store(ctl, ARRIVED, 0);
      Atomics.add(ctl, GENERATION, 1);
      Atomics.notify(ctl, GENERATION);
      return;
    }
    for (let i = 0; i < SPIN; i++) if (Atomics.load(ctl, GENERATION) !== gen) return;
    const since = Date.now();
    while (Atomics.load(ctl, GENERATION) === gen) {
      if (Atomics.load(ctl, FAILED) !== 0) throw new TeamAborted('another rank failed');
      if (Date.now() - since > STALL_MS) {
        this.fail();
        throw new Error(`thread ${this.rank}: the other threads did not reach the barrier within ${STALL_MS / 60_000} min (one of them died?)`);
      }
      Atomics.wait(ctl, GENERATION, gen, 1000);
    }
  }

  broadcast(value: number): number {
    // alternating slots: a rank cannot be two broadcasts behind (each one is a barrier)
    const slot = this.casts++ & 1;
    if (this.rank === 0) this.values[slot] = value;
    this.barrier();
    return this.values[slot]!;
  }

  /** Marks the team failed and wakes every waiting rank. */
  fail(): void {
    Atomics.store(this.ctl, FAILED, 1);
    Atomics.notify(this.ctl, GENERATION);
  }

  /** Rank 0: the errors the worker ranks reported. */
  reportedErrors(): string[] {
    const out: string[] = [];
    for (const p of this.ports) {
      for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p)) {
        const e = (m.message as { error?: string }).error;
        if (e) out.push(e);
      }
    }
    return out;
  }
}

/** A copy of plain data with every typed array in shared memory (posting it then shares, not copies, the arrays). */
function toShared(x: unknown): unknown {
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const a = x as unknown as Uint8Array;
    const Ctor = a.constructor as new (b: SharedArrayBuffer) => Uint8Array;
    const copy = new Ctor(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    return copy;
  }
  if (Array.isArray(x)) return x.map(toShared);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toShared(v)]));
  return x;
}

/** CPU seconds of the calling thread (Linux: /proc/thread-self/stat, in clock ticks of 10 ms), or undefined. */
export function threadCpuSeconds(): number | undefined {
  try {
    const f = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The worker entry: dist's when this module runs from TypeScript sources (tests), as the ensemble runner does. */
function workerUrl(): URL {
  return builtScript(import.meta.url, 'cli/networkThreadWorker.js');
}

/**
 * Runs spec on `workers` threads of this process with the engine's runNetworkPart; the result equals
 * the engine's single-thread run bit for bit (callers check whyEngineCannotSplit first). `onThreadCpu`
 * (benchmarks) receives each thread's CPU seconds for the run, rank 0's first (NaN where not known).
 * `checkpoints` stay on this thread (rank 0 saves and restores for all).
 */
export function runNetworkOnThreads(engine: Engine, spec: NetworkRunSpec, workers: number, onThreadCpu?: (cpu_s: number[]) => void, checkpoints?: NetworkCheckpointOptions): NetworkResult {
  const part = engine.runNetworkPart;
  if (!part) throw new Error(`engine '${engine.name}' cannot split a network across threads`);
  const url = workerUrl();
  if (!existsSync(fileURLToPath(url))) throw new Error(`${fileURLToPath(url)} is missing: build calcitag first (npm run build)`);
  const control = new SharedArrayBuffer(controlBytes(workers));
  const cpu0 = threadCpuSeconds();
  const { onProgress: _p, shouldStop: _s, ...plain } = spec;
  const ports: MessagePort[] = [];
  const threads: Worker[] = [];
  for (let rank = 1; rank < workers; rank++) {
    const { port1, port2 } = new MessageChannel();
    const job: ThreadJob = { engine: engine.name, spec: plain, rank, size: workers, control, port: port2 };
    threads.push(new Worker(url, { workerData: job, transferList: [port2] }));
    ports.push(port1);
  }
  const team = new ThreadTeam(0, workers, control, ports);
  try {
    const result = part(spec, team, checkpoints)!;
    onThreadCpu?.(team.threadCpu((threadCpuSeconds() ?? NaN) - (cpu0 ?? NaN)));
    return result;
  } catch (e) {
    team.fail();
    const reported = team.reportedErrors();
    if (e instanceof TeamAborted && reported.length > 0) throw new Error(reported[0]!, { cause: e });
    throw e;
  } finally {
    for (const w of threads) w.unref();
    for (const p of ports) p.close();
  }
}
