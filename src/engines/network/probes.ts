/**
 * Records a network description's probes from a running engine's state: neuron variables (V, I_syn,
 * I_bg, p, spikes) and plastic-synapse variables (c, h, z, w, tag, and p of the target neuron), per
 * element or as mean and SD over the selection, on each probe's time grid.
 */
import type { NetworkDescription, ProbeSpec } from '../../model/network/description.js';
import { resolveRange } from '../../model/network/validate.js';
import { tagState } from '../../model/equations.js';
import type { ModelParams } from '../../model/parameters.js';
import { entityStream } from '../../random/streams.js';
import type { NetworkProbeTrace } from '../networkTypes.js';
import type { CompiledNetwork } from './compile.js';

/** The state arrays probes read (a subset of every engine's state). */
export interface ProbedState {
  readonly v: Float64Array;
  readonly iSyn: Float64Array;
  readonly iBg: Float64Array;
  readonly p: Float64Array;
  readonly c: Float64Array;
  readonly h: Float64Array;
  readonly z: Float64Array;
}

const UNITS: Record<string, string> = { V: 'mV', I_syn: 'nA', I_bg: 'nA', p: '1', c: '1', h: 'mV', z: '1', w: 'mV', tag: '1' };

class Growable {
  data = new Float64Array(256);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = x;
  }
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** n of the indices 0 … total − 1, drawn without replacement from (seed, probe), sorted. */
function sampleIndices(total: number, n: number, seed: number, probe: number): Int32Array {
  const all = Int32Array.from({ length: total }, (_, i) => i);
  if (n >= total) return all;
  const rng = entityStream(seed, 0, 'probe', probe, 'sampling');
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.uniform() * (total - i));
    const tmp = all[i]!;
    all[i] = all[j]!;
    all[j] = tmp;
  }
  return all.slice(0, n).sort();
}

class ProbeRecorder {
  private readonly times = new Growable();
  private readonly series = new Map<string, Growable>();
  readonly elements: Int32Array;
  private readonly postOf?: Int32Array;
  private readonly vars: readonly string[];
  next: number;
  private readonly every: number;
  private readonly last: number;

  constructor(readonly spec: ProbeSpec, private readonly net: CompiledNetwork, private readonly P: ModelParams, d: NetworkDescription, seed: number, index: number, dt: number) {
    let ids: Int32Array;
    if (spec.kind === 'neurons') {
      const r = resolveRange(net.layout, spec.target);
      ids = Int32Array.from({ length: r.to - r.from }, (_, i) => r.from + i);
    } else {
      const src = spec.target.sources ? resolveRange(net.layout, spec.target.sources) : { from: 0, to: net.n };
      const dst = spec.target.targets ? resolveRange(net.layout, spec.target.targets) : { from: 0, to: net.n };
      const pr = d.projections.find((x) => x.name === spec.target.projection)!;
      const srcPop = net.layout.find((l) => l.name === pr.source)!, dstPop = net.layout.find((l) => l.name === pr.target)!;
      const mFrom = Math.max(src.from, srcPop.offset), mTo = Math.min(src.to, srcPop.offset + srcPop.size);
      const tFrom = Math.max(dst.from, dstPop.offset), tTo = Math.min(dst.to, dstPop.offset + dstPop.size);
      // counted, then filled: a typed array of the exact size (no JS array of 10⁷ numbers for big networks)
      const scan = (emit: (s: number) => void) => {
        for (let t = tFrom; t < tTo; t++) {
          for (let s = net.inStart[t]!, end = net.inStart[t + 1]!; s < end; s++) {
            const m = net.synPre[s]!;
            if (m >= mFrom && m < mTo) emit(s);
          }
        }
      };
      let count = 0;
      scan(() => count++);
      ids = new Int32Array(count);
      let k = 0;
      scan((s) => (ids[k++] = s));
      this.postOf = net.synPost;
    }
    if (spec.sample !== undefined) ids = Int32Array.from(sampleIndices(ids.length, spec.sample, seed, index), (i) => ids[i]!);
    this.elements = ids;
    this.vars = spec.variables.filter((v) => v !== 'spikes');
    this.every = Math.max(1, Math.round(spec.interval_s / dt));
    this.next = Math.round((spec.from_s ?? 0) / dt);
    this.last = spec.to_s !== undefined ? Math.round(spec.to_s / dt) : Number.MAX_SAFE_INTEGER;
    if (this.next > this.last) this.next = -1;
  }

  private value(st: ProbedState, v: string, e: number): number {
    switch (v) {
      case 'V': return st.v[e]!;
      case 'I_syn': return st.iSyn[e]!;
      case 'I_bg': return st.iBg[e]!;
      case 'p': return st.p[this.postOf ? this.postOf[e]! : e]!;
      case 'c': return st.c[e]!;
      case 'h': return st.h[e]!;
      case 'z': return st.z[e]!;
      case 'w': return st.h[e]! + this.P.h0 * st.z[e]!;
      default: return tagState(st.h[e]!, this.P);
    }
  }

  private put(key: string, x: number): void {
    let g = this.series.get(key);
    if (!g) this.series.set(key, (g = new Growable()));
    g.push(x);
  }

  /** Records the state at time t_s (s). */
  sample(st: ProbedState, t_s: number): void {
    this.times.push(t_s);
    const mean = this.spec.reduce === 'mean-sd';
    for (const v of this.vars) {
      let sum = 0, sum2 = 0;
      for (const e of this.elements) {
        const x = this.value(st, v, e);
        if (mean) {
          sum += x;
          sum2 += x * x;
        } else {
          this.put(v, x);
        }
      }
      if (mean) {
        const n = this.elements.length;
        const m = n > 0 ? sum / n : NaN;
        this.put(`${v}_mean`, m);
        this.put(`${v}_sd`, n > 0 ? Math.sqrt(Math.max(0, sum2 / n - m * m)) : NaN);
      }
    }
  }

  /** After a detailed-step sample at step j: the next grid step, or −1. */
  advance(j: number): void {
    const nxt = j + this.every;
    this.next = nxt <= this.last ? nxt : -1;
  }

  /** Skips grid steps before j (after a fast-forward). */
  skipTo(j: number): void {
    if (this.next < 0) return;
    while (this.next >= 0 && this.next < j) this.advance(this.next);
  }

  finish(): NetworkProbeTrace {
    const values: Record<string, Float64Array> = {};
    const units: Record<string, string> = {};
    for (const [k, g] of this.series) {
      values[k] = g.finish();
      units[k] = UNITS[k.replace(/_(mean|sd)$/, '')] ?? '1';
    }
    const base = { name: this.spec.name, kind: this.spec.kind, reduce: this.spec.reduce ?? 'none', t_s: this.times.finish(), values, units } as const;
    if (this.spec.kind === 'neurons') return { ...base, neurons: this.elements };
    return {
      ...base,
      sources: Int32Array.from(this.elements, (s) => this.net.synPre[s]!),
      targets: Int32Array.from(this.elements, (s) => this.net.synPost[s]!),
    };
  }
}

/** All probes of a description; `nextStep` says when any of them wants a sample. */
export class NetworkProbes {
  private readonly recorders: ProbeRecorder[];

  constructor(d: NetworkDescription, net: CompiledNetwork, seed: number, dt: number) {
    this.recorders = d.probes.map((p, i) => new ProbeRecorder(p, net, d.params, d, seed, i, dt));
  }

  /** The plastic synapses some probe samples (sorted, distinct): a lazy engine brings only these up to date. */
  probedSynapses(): Int32Array {
    // typed arrays throughout: a Set holds at most 2^24 entries, and a probe may list every synapse
    const lists = this.recorders.filter((r) => r.spec.kind === 'synapses').map((r) => r.elements);
    const all = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
    let at = 0;
    for (const l of lists) {
      all.set(l, at);
      at += l.length;
    }
    all.sort();
    let kept = 0;
    for (let q = 0; q < all.length; q++) if (q === 0 || all[q] !== all[q - 1]) all[kept++] = all[q]!;
    return all.slice(0, kept);
  }

  /** Whether some synapse probe records variable `v`. */
  probesSynapseVariable(v: string): boolean {
    return this.recorders.some((r) => r.spec.kind === 'synapses' && r.spec.variables.includes(v as never));
  }

  nextStep(never: number): number {
    let m = never;
    for (const r of this.recorders) if (r.next >= 0 && r.next < m) m = r.next;
    return m;
  }

  /** Samples the probes due at detailed step j; returns the next step wanted. */
  atStep(st: ProbedState, j: number, dt: number, never: number): number {
    for (const r of this.recorders) {
      if (r.next === j) {
        r.sample(st, j * dt);
        r.advance(j);
      }
    }
    return this.nextStep(never);
  }

  /** Samples every active probe at a fast-forward step ending at t_s, and skips grid points passed. */
  atFastForward(st: ProbedState, t_s: number, dt: number): void {
    const j = Math.round(t_s / dt);
    for (const r of this.recorders) {
      if (r.next >= 0 && r.next <= j) {
        r.sample(st, t_s);
        r.skipTo(j + 1);
      }
    }
  }

  finish(): NetworkProbeTrace[] {
    return this.recorders.map((r) => r.finish());
  }
}
