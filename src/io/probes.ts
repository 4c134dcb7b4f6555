/**
 * Probe output: routes the chunks an engine streams for each (probe, protocol, trial) to their
 * places on disk — `/traces/<probe>/<protocol>/<variable>` (trials × samples) in the HDF5 file and
 * `npy/<probe>_<protocol>_<variable>.npy` — and gathers spikes into the SONATA layout
 * `/spikes/<protocol>_pre|_post/{timestamps, node_ids}` (node id = trial). Nothing is held in memory
 * beyond one chunk per variable, except spike times (sparse).
 */
import { join } from 'node:path';
import type { ProbeSink, ProbeSpec, ProbeTrace, SampledVariable } from '../engines/types.js';
import { PROBE_UNITS } from '../engines/types.js';
import { probeGrid } from '../engines/probeRecorder.js';
import type { ResolvedExperiment, ResolvedProbe, ResolvedProtocol } from '../experiments/experiment.js';
import { probeSpecFor } from '../experiments/experimentRun.js';
import type { Hdf5Writer } from './hdf5.js';
import { NpyStreamWriter } from './npy.js';

interface Slot {
  readonly probe: ResolvedProbe;
  readonly spec: ProbeSpec;
  readonly vars: SampledVariable[];
  readonly n: number;
  readonly first: number;
  readonly every: number;
  readonly h5Base: string;
  npy: NpyStreamWriter[];
  rowsDone: number;
}

export class ProbeOutput {
  private slots = new Map<string, Slot[]>();
  private spikes = new Map<string, { pre: Array<[number, number]>; post: Array<[number, number]> }>();
  private readonly dt: number;

  constructor(
    private readonly exp: ResolvedExperiment,
    private readonly target: { h5?: Hdf5Writer; npyDir?: string } = {},
  ) {
    this.dt = exp.dt_ms * 1e-3;
  }

  private get streaming(): boolean {
    return this.target.h5 !== undefined || this.target.npyDir !== undefined;
  }

  private slotsFor(protocol: ResolvedProtocol): Slot[] {
    let slots = this.slots.get(protocol.name);
    if (slots) return slots;
    slots = [];
    const nLast = Math.round(protocol.duration_s / this.dt);
    for (const probe of this.exp.probes) {
      if (!probe.protocols.includes(protocol.name)) continue;
      const spec = probeSpecFor(probe, protocol);
      const { first, every, n } = probeGrid(spec, this.dt, nLast);
      const vars = probe.variables.filter((v): v is SampledVariable => v !== 'spikes');
      const slot: Slot = { probe, spec, vars, n, first, every, h5Base: `/traces/${probe.name}/${protocol.name}`, npy: [], rowsDone: 0 };
      if (this.streaming && vars.length > 0) this.createStorage(slot);
      slots.push(slot);
    }
    this.slots.set(protocol.name, slots);
    return slots;
  }

  private createStorage(s: Slot): void {
    const rows = s.probe.trials.length;
    const chunk = this.exp.outputs.chunk_samples;
    const h5 = this.target.h5;
    const t = (k0: number, len: number) => {
      const out = new Float64Array(len);
      for (let i = 0; i < len; i++) out[i] = (s.first + (k0 + i) * s.every) * this.dt;
      return out;
    };
    let tNpy: NpyStreamWriter | undefined;
    if (this.target.npyDir) tNpy = new NpyStreamWriter(join(this.target.npyDir, `${s.probe.name}_${this.protoName(s)}_t_s.npy`), 1, s.n, true);
    if (h5) {
      h5.attrs(s.h5Base, {
        variables: s.vars, trials: s.probe.trials, interval_s: s.every * this.dt, from_s: s.first * this.dt,
        to_s: s.n > 0 ? (s.first + (s.n - 1) * s.every) * this.dt : s.first * this.dt, samples: s.n,
      });
      h5.dataset(`${s.h5Base}/trials`, Int32Array.from(s.probe.trials), { description: 'trial index of each row' });
      h5.streamed1d(`${s.h5Base}/t_s`, s.n, chunk, { units: 's' });
    }
    for (let k0 = 0; k0 < s.n; k0 += chunk) {
      const part = t(k0, Math.min(chunk, s.n - k0));
      h5?.writeRange(`${s.h5Base}/t_s`, k0, part);
      tNpy?.append(part);
    }
    tNpy?.finish();
    for (const v of s.vars) {
      h5?.streamed(`${s.h5Base}/${v}`, rows, s.n, chunk, { units: PROBE_UNITS[v], ...(v === 'tag' ? { description: '+1 LTP tag, -1 LTD tag, 0 none' } : {}) });
      if (this.target.npyDir) s.npy.push(new NpyStreamWriter(join(this.target.npyDir, `${s.probe.name}_${this.protoName(s)}_${v}.npy`), rows, s.n));
    }
  }

  private protoName(s: Slot): string {
    return s.h5Base.slice(s.h5Base.lastIndexOf('/') + 1);
  }

  /**
   * The sink that stores the chunks of the probes recording `trial` of `protocol` (in the order of
   * `probesForTrial`), or undefined when there are none or no file to store them in.
   */
  sinkFor(protocol: ResolvedProtocol, trial: number): ProbeSink | undefined {
    const slots = this.slotsFor(protocol).filter((s) => s.probe.trials.includes(trial));
    if (slots.length === 0 || !this.streaming) return undefined;
    const h5 = this.target.h5;
    const sink: ProbeSink = {
      chunkSamples: this.exp.outputs.chunk_samples,
      samples: (probe, offset, values) => {
        const s = slots[probe]!;
        const row = s.probe.trials.indexOf(trial);
        for (let i = 0; i < s.vars.length; i++) {
          h5?.writeRow(`${s.h5Base}/${s.vars[i]}`, row, offset, values[i]!);
          s.npy[i]?.append(values[i]!);
        }
      },
    };
    return sink;
  }

  /** Takes what a trial's probes returned (spike times; the samples were streamed). */
  trialDone(protocol: ResolvedProtocol, trial: number, traces: readonly ProbeTrace[]): void {
    const slots = this.slotsFor(protocol).filter((s) => s.probe.trials.includes(trial));
    traces.forEach((trace, i) => {
      const s = slots[i];
      if (!s) return;
      if (s.vars.length > 0) s.rowsDone++;
      if (trace.preSpikes_s || trace.postSpikes_s) {
        let sp = this.spikes.get(protocol.name);
        if (!sp) this.spikes.set(protocol.name, (sp = { pre: [], post: [] }));
        for (const t of trace.preSpikes_s ?? []) sp.pre.push([t, trial]);
        for (const t of trace.postSpikes_s ?? []) sp.post.push([t, trial]);
      }
    });
  }

  /** Writes the protocol's spikes and completes its .npy files. */
  protocolDone(protocol: ResolvedProtocol): void {
    const h5 = this.target.h5;
    const sp = this.spikes.get(protocol.name);
    if (h5 && sp) {
      for (const [which, list, what] of [['pre', sp.pre, 'presynaptic source'], ['post', sp.post, 'postsynaptic LIF neuron']] as const) {
        const uniq = [...new Map(list.map(([t, n]) => [`${n}:${t}`, [t, n] as const])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const pop = `/spikes/${protocol.name}_${which}`;
        h5.dataset(`${pop}/timestamps`, Float64Array.from(uniq, ([t]) => t * 1000), { units: 'ms' });
        h5.dataset(`${pop}/node_ids`, BigUint64Array.from(uniq, ([, n]) => BigInt(n)), { description: 'trial index' });
        h5.attrs(pop, { sorting: 'by_time', description: `${what} of protocol ${protocol.name}; node id = trial` });
      }
    }
    for (const s of this.slots.get(protocol.name) ?? []) {
      for (const w of s.npy) w.finish();
      s.npy = [];
    }
  }

  /** After an interruption: shrinks unfinished datasets to the trials that completed and closes files. */
  finishInterrupted(): void {
    for (const [name, slots] of this.slots) {
      for (const s of slots) {
        for (const v of s.vars) this.target.h5?.truncateRows(`${s.h5Base}/${v}`, s.rowsDone);
        for (const w of s.npy) w.finish();
        s.npy = [];
      }
      const protocol = this.exp.protocols.find((p) => p.name === name);
      if (protocol && this.spikes.has(name) && !this.target.h5?.has(`/spikes/${name}_pre`)) this.protocolDone(protocol);
    }
  }

  /** Deletes unfinished .npy files. */
  abort(): void {
    for (const slots of this.slots.values()) for (const s of slots) for (const w of s.npy) w.abort();
  }
}
