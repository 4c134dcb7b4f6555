/**
 * What the FPGA and the background sources feed the emulated chip: imposed spikes of spike-train
 * stimuli (played in by the FPGA) and OU currents (stimuli standing for Poisson inputs, and the
 * background), drawn from the same streams as the reference engine so that both see the same input.
 * The spike log keeps every spike in time order with read cursors for the delayed deliveries.
 */
import { entityStream, type RandomStream } from '../../../random/streams.js';
import type { CompiledNetwork } from '../../network/compile.js';
import { ouStepNoise } from '../../network/neuronCoefficients.js';
import type { NetworkRunSpec } from '../../networkTypes.js';
import { presynapticSpikeSteps } from '../../presynapticSpikes.js';

/** Spikes as (step, neuron) in time order, growing; cursors read it for each delay. */
export class SpikeLog {
  step = new Int32Array(4096);
  neuron = new Int32Array(4096);
  length = 0;
  push(j: number, i: number): void {
    if (this.length === this.step.length) {
      const s = new Int32Array(this.length * 2), n = new Int32Array(this.length * 2);
      s.set(this.step);
      n.set(this.neuron);
      this.step = s;
      this.neuron = n;
    }
    this.step[this.length] = j;
    this.neuron[this.length++] = i;
  }
}

/** Imposed spikes of every spike-train stimulus as (step, neuron), sorted by step then neuron. */
export function imposedSpikes(spec: NetworkRunSpec, net: CompiledNetwork, dt: number): { step: Int32Array; neuron: Int32Array } {
  const d = spec.description;
  const pairs: Array<[number, number]> = [];
  for (const st of net.spikeTrains) {
    const s = d.stimuli[st.index]!;
    if (s.kind !== 'spike-trains') continue;
    const protocol = { name: s.name, description: '', trains: s.trains, spikeTimes_s: s.spikeTimes_s, duration_s: d.duration_s };
    for (let i = st.from; i < st.to; i++) {
      for (const step of presynapticSpikeSteps(protocol, dt, entityStream(spec.seed, spec.trial, 'neuron', i, 'presynapticSpikes'))) pairs.push([step, i]);
    }
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { step: Int32Array.from(pairs, (p) => p[0]), neuron: Int32Array.from(pairs, (p) => p[1]) };
}

/** Sets iStim for step j: each OU stimulus inside its windows (starting at its mean), zero outside. */
export function ouStimuli(spec: NetworkRunSpec, net: CompiledNetwork, iStim: Float64Array, dt: number): (j: number) => void {
  const parts = net.ou.map((o) => ({
    o, e: Math.exp(-dt / o.tau_s), noise: ouStepNoise(o.sd_nA, o.tau_s, dt), value: new Float64Array(o.to - o.from),
    rng: Array.from({ length: o.to - o.from }, (_, k): RandomStream => entityStream(spec.seed, spec.trial, 'neuron', o.from + k, 'stimulus')),
  }));
  return (j: number) => {
    for (const { o } of parts) iStim.fill(0, o.from, o.to);
    for (const { o, e, noise, value, rng } of parts) {
      let start = -1;
      for (let k = 0; k < o.windows.length; k += 2) if (o.windows[k]! <= j && j < o.windows[k + 1]!) start = o.windows[k]!;
      if (start < 0) continue;
      for (let i = 0; i < value.length; i++) {
        const prev = j === start ? o.mean_nA : value[i]!;
        value[i] = (prev - o.mean_nA) * e + noise * rng[i]!.gaussian() + o.mean_nA;
        iStim[o.from + i] = iStim[o.from + i]! + value[i]!;
      }
    }
  };
}
