/**
 * The single synapse as the two-neuron case of the network description, as the published C++
 * simulator builds it (its 2N1S runs are its `Network` class with two neurons): a presynaptic neuron
 * whose spikes are imposed by the protocol's trains, one plastic synapse, a postsynaptic LIF neuron.
 * `asSingleSynapse` recognises that shape again, so engines specialised on one synapse (exact, bss2,
 * and the reference engine's single-synapse loop) run a description without a second code path.
 */
import type { ModelParams } from '../parameters.js';
import type { Protocol } from '../protocols.js';
import type { NetworkDescription } from './description.js';

export function singleSynapseDescription(protocol: Protocol, params: ModelParams): NetworkDescription {
  return {
    name: protocol.name,
    description: protocol.description,
    params,
    populations: [{ name: 'pre', size: 1 }, { name: 'post', size: 1 }],
    projections: [{ name: 'synapse', source: 'pre', target: 'post', connectivity: { rule: 'one-to-one' }, plastic: true }],
    stimuli: [{
      kind: 'spike-trains', name: protocol.name, target: { population: 'pre' }, trains: protocol.trains,
      ...(protocol.spikeTimes_s ? { spikeTimes_s: protocol.spikeTimes_s } : {}),
    }, ...(protocol.postSpikeTimes_s
      // forced postsynaptic spikes: the same imposed-spike stimulus, on the postsynaptic neuron
      ? [{ kind: 'spike-trains' as const, name: `${protocol.name}-post`, target: { population: 'post' }, trains: [], spikeTimes_s: protocol.postSpikeTimes_s }]
      : [])],
    probes: [],
    duration_s: protocol.duration_s,
  };
}

/** The protocol and parameters of a two-neuron, one-synapse description; otherwise why it is not one. */
export function asSingleSynapse(d: NetworkDescription): { protocol: Protocol; params: ModelParams } | { reason: string } {
  const [pre, post] = d.populations;
  if (d.populations.length !== 2 || pre!.size !== 1 || post!.size !== 1) {
    return { reason: `it has ${d.populations.length} populations of ${d.populations.map((p) => p.size).join(' + ')} neurons, not two single neurons` };
  }
  if (pre!.neuron || post!.neuron) return { reason: 'its populations override neuron parameters' };
  const pr = d.projections[0];
  if (d.projections.length !== 1 || !pr!.plastic || pr!.source !== pre!.name || pr!.target !== post!.name || pr!.delay_ms !== undefined) {
    return { reason: 'it is not one plastic synapse from the first neuron to the second with the default delay' };
  }
  const c = pr!.connectivity;
  if (c.rule === 'fixed-probability' || (c.rule === 'fixed-in-degree' && c.in_degree !== 1) || (c.rule === 'explicit' && c.edges.source.length !== 1)) return { reason: 'its one synapse is not certain to exist' };
  const s = d.stimuli[0];
  if (d.stimuli.length < 1 || d.stimuli.length > 2 || s!.kind !== 'spike-trains' || s!.target.population !== pre!.name) {
    return { reason: 'it is not driven by one spike-train stimulus of the presynaptic neuron' };
  }
  const forced = d.stimuli[1];
  if (forced && (forced.kind !== 'spike-trains' || forced.target.population !== post!.name || forced.trains.length > 0)) {
    return { reason: 'its second stimulus is not a list of forced spike times of the postsynaptic neuron' };
  }
  return {
    params: d.params,
    protocol: {
      name: d.name,
      description: d.description ?? '',
      trains: s!.trains,
      ...(s!.spikeTimes_s ? { spikeTimes_s: s!.spikeTimes_s } : {}),
      ...(forced?.kind === 'spike-trains' ? { postSpikeTimes_s: forced.spikeTimes_s ?? [] } : {}),
      duration_s: d.duration_s,
    },
  };
}
