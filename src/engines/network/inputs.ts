/**
 * What a network run is fed besides its own activity, built the same way by every engine (so that all
 * see the same input): the imposed spikes of spike-train stimuli, and the OU currents of OU stimuli,
 * each from its neuron's (seed, trial, neuron, purpose) stream.
 */
import { entityStream, type RandomStream } from '../../random/streams.js';
import type { NetworkRunSpec } from '../networkTypes.js';
import { presynapticSpikeSteps } from '../presynapticSpikes.js';
import type { CompiledNetwork } from './compile.js';
import { ouStepNoise } from './neuronCoefficients.js';

/** Imposed spikes as (step, neuron), sorted by step then neuron, with a read position. */
export interface ImposedSpikes {
  readonly step: Int32Array;
  readonly neuron: Int32Array;
  pos: number;
}

/** One OU stimulus process: its current values per neuron, whether its window is open, its streams. */
export interface OuPart {
  readonly value: Float64Array;
  on: boolean;
  readonly rng: RandomStream[];
}

/** The imposed spikes of every spike-train stimulus, as (step, neuron) sorted by step then neuron. */
export function imposedSpikes(spec: NetworkRunSpec, net: CompiledNetwork, dt: number): ImposedSpikes {
  const d = spec.description;
  const pairs: number[][] = [];
  for (const st of net.spikeTrains) {
    const s = d.stimuli[st.index]!;
    if (s.kind !== 'spike-trains') continue;
    const protocol = { name: s.name, description: '', trains: s.trains, spikeTimes_s: s.spikeTimes_s, duration_s: d.duration_s };
    for (let i = st.from; i < st.to; i++) {
      for (const step of presynapticSpikeSteps(protocol, dt, entityStream(spec.seed, spec.trial, 'neuron', i, 'presynapticSpikes'))) pairs.push([step, i]);
    }
  }
  pairs.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  return { step: Int32Array.from(pairs, (p) => p[0]!), neuron: Int32Array.from(pairs, (p) => p[1]!), pos: 0 };
}

/** Sets each neuron's OU stimulus current for step j (zero outside its windows). */
export function ouStimulator(spec: NetworkRunSpec, net: CompiledNetwork, iStim: Float64Array, dt: number): ((j: number) => void) & { readonly parts: OuPart[] } {
  const parts = net.ou.map((o) => ({
    o,
    e: Math.exp(-dt / o.tau_s),
    noise: ouStepNoise(o.sd_nA, o.tau_s, dt),
    value: new Float64Array(o.to - o.from),
    rng: Array.from({ length: o.to - o.from }, (_, k) => entityStream(spec.seed, spec.trial, 'neuron', o.from + k, 'stimulus')),
    on: false,
  }));
  if (parts.length === 0) return Object.assign(() => {}, { parts });
  // the processes' values and streams are exposed (`parts`) for checkpoints (reference/networkCheckpoint.ts)
  return Object.assign((j: number) => {
    for (const part of parts) {
      if (part.on) iStim.fill(0, part.o.from, part.o.to);
      part.on = false;
    }
    for (const part of parts) {
      const w = part.o.windows;
      let start = -1;
      for (let k = 0; k < w.length; k += 2) if (w[k]! <= j && j < w[k + 1]!) start = w[k]!;
      if (start < 0) continue;
      part.on = true;
      const { o, e, noise, value, rng } = part;
      for (let i = 0; i < value.length; i++) {
        // The process starts at its mean when the window opens, as in the C++ Stimulus class.
        const prev = j === start ? o.mean_nA : value[i]!;
        value[i] = (prev - o.mean_nA) * e + noise * rng[i]!.gaussian() + o.mean_nA;
        iStim[o.from + i] = iStim[o.from + i]! + value[i]!;
      }
    }
  }, { parts });
}
