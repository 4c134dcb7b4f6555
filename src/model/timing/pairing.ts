/**
 * Pairing protocols as data (docs/timing.md): N pairings at frequency f, each a presynaptic spike (or
 * burst) at t_k = k/f and a forced postsynaptic spike (or burst) at t_k + Δt, Δt = t_post − t_pre
 * between the first spikes of the two bursts. Bursts make the triplet protocols (one pre and two
 * post spikes: `postBurst: { count: 2, isi_ms }`; two pre and one post: `preBurst`).
 *
 * The trains are placed so that the last spike of the protocol falls at {@link PAIRING_LAST_SPIKE_S}
 * (one second before the sample at 1 h, when calcium has long decayed below θ_d), and the run lasts
 * 8 h: the early-phase change is read at 1 h, right after the protocol, and w/h0 seven hours later.
 */
import type { Protocol } from '../protocols.js';

/** Several spikes `isi_ms` apart in place of one. */
export interface Burst {
  readonly count: number;
  /** Interval between the burst's spikes, ms. */
  readonly isi_ms: number;
}

export interface PairingSpec {
  /** Number of pairings N. */
  readonly pairs: number;
  /** Pairing frequency f, Hz. */
  readonly freq_Hz: number;
  /** Δt = t_post − t_pre, ms (between the first spikes of the bursts). */
  readonly dt_ms: number;
  readonly preBurst?: Burst;
  readonly postBurst?: Burst;
}

/** Time of the protocol's last spike, s; the early change is read one second later. */
export const PAIRING_LAST_SPIKE_S = 3599;
/** Time at which the early-phase change is read, s (a point of the 1800 s grid). */
export const PAIRING_READOUT_S = 3600;
/** Simulated time, s (8 h, as the classical protocols). */
export const PAIRING_DURATION_S = 28_800;
/** Interval of the averaged traces, s: 1 h (readout) and 8 h are grid points. */
export const PAIRING_SAMPLE_INTERVAL_S = 1800;

/** Spike times of one burst (ms offsets from its first spike). */
function burstOffsets_s(b: Burst | undefined): number[] {
  const n = b?.count ?? 1;
  return Array.from({ length: n }, (_, i) => (i * (b?.isi_ms ?? 0)) / 1000);
}

/** Pre and post spike times relative to the first pairing's presynaptic spike, s (unsorted). */
export function pairingSpikeOffsets(spec: PairingSpec): { pre: number[]; post: number[] } {
  const pre: number[] = [];
  const post: number[] = [];
  const preB = burstOffsets_s(spec.preBurst), postB = burstOffsets_s(spec.postBurst);
  for (let k = 0; k < spec.pairs; k++) {
    const t = k / spec.freq_Hz;
    for (const o of preB) pre.push(t + o);
    for (const o of postB) post.push(t + spec.dt_ms / 1000 + o);
  }
  return { pre, post };
}

/** The protocol's name: `pair 10 Hz Δt +10 ms` (with bursts `pre 1×, post 2×@10 ms`). */
export function pairingName(spec: PairingSpec): string {
  const b = (x: Burst | undefined, who: string) => (x && x.count > 1 ? ` ${who} ${x.count}×@${x.isi_ms} ms` : '');
  const dt = `${spec.dt_ms >= 0 ? '+' : ''}${spec.dt_ms}`;
  return `pair ${spec.freq_Hz} Hz Δt ${dt} ms${b(spec.preBurst, 'pre')}${b(spec.postBurst, 'post')}`;
}

/**
 * The pairing as a protocol: explicit presynaptic spikes and forced postsynaptic spikes, shifted so that
 * the last spike falls at `lastSpike_s`. Round to 1 ns so that times print and compare cleanly.
 */
export function pairingProtocol(spec: PairingSpec, lastSpike_s = PAIRING_LAST_SPIKE_S, duration_s = PAIRING_DURATION_S): Protocol {
  const { pre, post } = pairingSpikeOffsets(spec);
  const last = Math.max(...pre, ...post);
  const shift = (t: number) => Math.round((t - last + lastSpike_s) * 1e9) / 1e9;
  return {
    name: pairingName(spec),
    description: `${spec.pairs} pairings at ${spec.freq_Hz} Hz, Δt = t_post − t_pre = ${spec.dt_ms} ms`,
    trains: [],
    spikeTimes_s: pre.map(shift).sort((a, b) => a - b),
    postSpikeTimes_s: post.map(shift).sort((a, b) => a - b),
    duration_s,
  };
}

/** Length of the protocol from its first to its last spike, s. */
export function pairingSpan_s(spec: PairingSpec): number {
  const { pre, post } = pairingSpikeOffsets(spec);
  return Math.max(...pre, ...post) - Math.min(...pre, ...post);
}
