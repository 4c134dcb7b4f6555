/**
 * Presynaptic spike trains on the step grid, drawn once per trial.
 *
 * The reference source fires in each step of a train with probability f·dt. Drawing the gaps between
 * spikes from the geometric distribution gives exactly that process with one random number per spike
 * instead of one per step.
 */
import type { Protocol } from '../model/protocols.js';
import { stimulusIntervals } from '../model/protocols.js';
import type { RandomStream } from '../random/streams.js';

/** Sorted, distinct step indices at which the presynaptic source spikes. */
export function presynapticSpikeSteps(protocol: Protocol, dt: number, rng: RandomStream): Int32Array {
  const steps: number[] = [];
  for (const iv of stimulusIntervals(protocol, dt)) {
    const prob = iv.rate_Hz * dt;
    if (prob <= 0) continue;
    if (iv.kind === 'regular') {
      const period = 1 / iv.rate_Hz / dt;
      for (let k = 0; ; k++) {
        const s = iv.start + Math.round(k * period);
        if (s >= iv.end) break;
        steps.push(s);
      }
    } else {
      for (let s = iv.start + rng.geometric(prob); s < iv.end; s += 1 + rng.geometric(prob)) steps.push(s);
    }
  }
  for (const t of protocol.spikeTimes_s ?? []) steps.push(Math.round(t / dt));
  steps.sort((a, b) => a - b);
  const out: number[] = [];
  for (const s of steps) if (s >= 0 && (out.length === 0 || out[out.length - 1] !== s)) out.push(s);
  return Int32Array.from(out);
}

/** Forced postsynaptic spike times (Protocol.postSpikeTimes_s) as sorted, distinct step indices ≥ 0. */
export function forcedSpikeSteps(times_s: readonly number[], dt: number): Int32Array {
  const steps = times_s.map((t) => Math.round(t / dt)).filter((s) => s >= 0).sort((a, b) => a - b);
  return Int32Array.from(steps.filter((s, i) => i === 0 || steps[i - 1] !== s));
}
