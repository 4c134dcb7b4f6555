/**
 * Records probes (MODEL.md variables chosen by the user) on their own time grids and streams them
 * to a {@link ProbeSink} in fixed-size chunks, so an 8-hour run sampled every step does not have to
 * fit in memory.
 *
 * An engine keeps one integer — the next step at which any probe samples — and calls
 * {@link ProbeRecorder.sample} only when its step counter reaches it, exactly like the coarse grid's
 * `nextSample`. Stretches the engine does not integrate step by step are filled by {@link hold}
 * (state constant) and {@link interpolate} (fast-forward, linear between its steps).
 */
import type { GridRecorder } from './gridRecorder.js';
import type { ProbeSink, ProbeSpec, ProbeTrace, SampledVariable } from './types.js';
import { SAMPLED_VARIABLES } from './types.js';

/** Default samples per chunk handed to a sink (per variable: 64 Ki float64 = 512 KiB). */
export const DEFAULT_PROBE_CHUNK = 65_536;

const V = 0, C = 1, H = 2, Z = 3, W = 4, P = 5, TAG = 6;
const VAR_INDEX: Readonly<Record<SampledVariable, number>> = { V, c: C, h: H, z: Z, w: W, p: P, tag: TAG };

/** The step grid of one probe: samples at steps first + k·every, k = 0 … n − 1. */
export interface ProbeGrid {
  readonly first: number;
  readonly every: number;
  readonly n: number;
}

/** Step grid of a probe for integration step `dt` (s) in a run whose last step is `nLast`. */
export function probeGrid(spec: ProbeSpec, dt: number, nLast: number): ProbeGrid {
  const first = Math.max(0, Math.round(spec.from_s / dt));
  const every = Math.max(1, Math.round(spec.interval_s / dt));
  const last = Math.min(nLast, Math.round(spec.to_s / dt));
  const n = last >= first ? Math.floor((last - first) / every) + 1 : 0;
  return { first, every, n };
}

interface ProbeState {
  readonly spec: ProbeSpec;
  readonly grid: ProbeGrid;
  /** Indices (V, C, …) of the sampled variables, in the order of `spec.variables`. */
  readonly vars: Int32Array;
  readonly buffers: Float64Array[];
  /** Samples taken so far. */
  k: number;
  /** Samples in the buffers not yet handed to the sink. */
  fill: number;
  /** Step of the next sample, or −1 when done. */
  next: number;
  readonly spikes: boolean;
}

export class ProbeRecorder {
  private readonly probes: ProbeState[];
  private readonly postSteps: number[] = [];
  private readonly recordPost: boolean;
  /** Step of the next sample of any probe, or −1 when none is left. */
  next = -1;
  /**
   * The state a sample records, [V, c, h, z, p]: an engine that fills it and calls {@link sampleValues}
   * passes no double through a call (a double argument of a call that is not inlined costs a heap number).
   */
  readonly values = new Float64Array(5);

  /**
   * @param dt integration step, s
   * @param nLast index of the run's last step
   * @param h0 early-phase resting weight, mV (for w and tag)
   * @param thetaTag tagging threshold, mV
   * @param sink where chunks go; without one every sample is kept and returned by {@link finish}
   */
  constructor(
    specs: readonly ProbeSpec[],
    private readonly dt: number,
    nLast: number,
    private readonly h0: number,
    private readonly thetaTag: number,
    private readonly sink?: ProbeSink,
    chunk = sink?.chunkSamples ?? DEFAULT_PROBE_CHUNK,
  ) {
    this.probes = specs.map((spec) => {
      const grid = probeGrid(spec, dt, nLast);
      const sampled = spec.variables.filter((v): v is SampledVariable => v !== 'spikes');
      const vars = Int32Array.from(sampled.map((v) => VAR_INDEX[v]));
      const len = sink ? Math.min(chunk, grid.n) : grid.n;
      return {
        spec, grid, vars, buffers: sampled.map(() => new Float64Array(len)), k: 0, fill: 0,
        next: grid.n > 0 && vars.length > 0 ? grid.first : -1, spikes: spec.variables.includes('spikes'),
      };
    });
    this.recordPost = this.probes.some((s) => s.spikes);
    this.updateNext();
  }

  private updateNext(): number {
    let m = -1;
    for (const s of this.probes) if (s.next >= 0 && (m < 0 || s.next < m)) m = s.next;
    this.next = m;
    return m;
  }

  private set(v: number, c: number, h: number, z: number, p: number): void {
    const x = this.values;
    x[0] = v;
    x[1] = c;
    x[2] = h;
    x[3] = z;
    x[4] = p;
  }

  /** Puts `values` as the next sample of probe s. */
  private put(s: ProbeState, idx: number): void {
    const state = this.values;
    const h = state[2]!, z = state[3]!;
    const dev = h - this.h0;
    const vars = s.vars;
    for (let i = 0; i < vars.length; i++) {
      let x: number;
      switch (vars[i]) {
        case V: x = state[0]!; break;
        case C: x = state[1]!; break;
        case H: x = h; break;
        case Z: x = z; break;
        case W: x = h + this.h0 * z; break;
        case P: x = state[4]!; break;
        default: x = dev >= this.thetaTag ? 1 : -dev >= this.thetaTag ? -1 : 0;
      }
      s.buffers[i]![s.fill] = x;
    }
    s.fill++;
    s.k++;
    s.next = s.k < s.grid.n ? s.grid.first + s.k * s.grid.every : -1;
    if (this.sink && (s.fill === s.buffers[0]!.length || s.next < 0)) this.flush(s, idx);
  }

  private flush(s: ProbeState, idx: number): void {
    if (!this.sink || s.fill === 0) return;
    const out = s.fill === s.buffers[0]!.length ? s.buffers : s.buffers.map((b) => b.subarray(0, s.fill));
    this.sink.samples(idx, s.k - s.fill, out);
    s.fill = 0;
  }

  /**
   * The first sample step of any probe after step `j`, or −1 (does not record anything). An engine that
   * has to complete a sample later (the exact engine inside a noisy stretch) schedules its next sample
   * with this while `next` still names the pending one.
   */
  nextAfter(j: number): number {
    let m = -1;
    for (const s of this.probes) {
      if (s.vars.length === 0) continue;
      const { first, every, n } = s.grid;
      const k = j < first ? 0 : Math.floor((j - first) / every) + 1;
      if (k < n && (m < 0 || first + k * every < m)) m = first + k * every;
    }
    return m;
  }

  /** Records the state after step `j` (= the engine's `next`); returns the new `next`. */
  sample(j: number, v: number, c: number, h: number, z: number, p: number): number {
    this.set(v, c, h, z, p);
    return this.sampleValues(j);
  }

  /** Records {@link values} as the state after step `j` (= `next`); returns the new `next`. */
  sampleValues(j: number): number {
    for (let i = 0; i < this.probes.length; i++) {
      const s = this.probes[i]!;
      if (s.next === j) this.put(s, i);
    }
    return this.updateNext();
  }

  /** Records one constant state at every sample step up to and including `jLast` (a stretch the engine skipped). */
  hold(jLast: number, v: number, c: number, h: number, z: number, p: number): number {
    this.set(v, c, h, z, p);
    for (let i = 0; i < this.probes.length; i++) {
      const s = this.probes[i]!;
      while (s.next >= 0 && s.next <= jLast) this.put(s, i);
    }
    return this.updateNext();
  }

  /**
   * Fills every sample in (t0, t1] (s) by linear interpolation of h, z and p between two states of
   * a regime without spiking (fast-forward): V is reported at `vRest`, calcium as 0.
   */
  interpolate(vRest: number, t0: number, h0: number, z0: number, p0: number, t1: number, h1: number, z1: number, p1: number): void {
    const j1 = Math.round(t1 / this.dt);
    const span = t1 - t0;
    for (let i = 0; i < this.probes.length; i++) {
      const s = this.probes[i]!;
      while (s.next >= 0 && s.next <= j1) {
        const a = span > 0 ? Math.min(1, Math.max(0, (s.next * this.dt - t0) / span)) : 1;
        this.set(vRest, 0, h0 + a * (h1 - h0), z0 + a * (z1 - z0), p0 + a * (p1 - p0));
        this.put(s, i);
      }
    }
    this.updateNext();
  }

  /**
   * Makes `grid.interpolate` (called by a fast-forward regime) also fill the probes, with V at
   * `vRest`. Lives here, not in the engine, so that no engine variable is captured by a closure
   * (captured variables would be context-allocated and slow the engine's hot loop).
   */
  followGrid(grid: GridRecorder, vRest: number): void {
    const gridInterpolate = grid.interpolate.bind(grid);
    grid.interpolate = (t0, ha, za, pa, t1, hb, zb, pb) => {
      gridInterpolate(t0, ha, za, pa, t1, hb, zb, pb);
      this.interpolate(vRest, t0, ha, za, pa, t1, hb, zb, pb);
    };
  }

  /**
   * Notes a postsynaptic spike in step `j` (called only on spikes, never per step) — or at time `j` in
   * seconds, for an engine whose spikes are not on the step grid (see {@link finish}).
   */
  postSpike(j: number): void {
    if (this.recordPost) this.postSteps.push(j);
  }

  /**
   * Flushes what is left and returns each probe's trace. `preSteps` are the presynaptic spikes as sorted
   * steps; with `inSeconds` they and the postsynaptic spikes are times in s (event-driven engines), kept
   * as they are and counted in a probe's window when their nearest step is.
   */
  finish(preSteps: ArrayLike<number>, inSeconds = false): ProbeTrace[] {
    const dt = this.dt;
    return this.probes.map((s, idx) => {
      this.flush(s, idx);
      const { first, every, n } = s.grid;
      const trace: {
        name: string; samples: number; first_s: number; interval_s: number; t_s?: Float64Array;
        values?: Partial<Record<SampledVariable, Float64Array>>; preSpikes_s?: Float64Array; postSpikes_s?: Float64Array;
      } = { name: s.spec.name, samples: s.k, first_s: first * dt, interval_s: every * dt };
      if (!this.sink) {
        const t_s = new Float64Array(n);
        for (let k = 0; k < n; k++) t_s[k] = (first + k * every) * dt;
        trace.t_s = t_s;
      }
      if (!this.sink && s.vars.length > 0) {
        const values: Partial<Record<SampledVariable, Float64Array>> = {};
        s.vars.forEach((vi, i) => {
          values[SAMPLED_VARIABLES[vi]!] = s.buffers[i]!.subarray(0, s.k);
        });
        trace.values = values;
      }
      if (s.spikes) {
        const lo = Math.max(0, Math.round(s.spec.from_s / dt));
        const hi = Math.round(s.spec.to_s / dt);
        const inWindow = (steps: ArrayLike<number>) => {
          const out: number[] = [];
          for (let i = 0; i < steps.length; i++) {
            const j = inSeconds ? Math.round(steps[i]! / dt) : steps[i]!;
            if (j >= lo && j <= hi) out.push(inSeconds ? steps[i]! : j * dt);
          }
          return Float64Array.from(out);
        };
        trace.preSpikes_s = inWindow(preSteps);
        trace.postSpikes_s = inWindow(this.postSteps);
      }
      return trace;
    });
  }
}
