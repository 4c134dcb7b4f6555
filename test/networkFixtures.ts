/** Networks and comparisons shared by the checkpoint tests of the reference and fast engines. */
import type { NetworkDescription } from '../src/model/network/description.js';
import { memoryNetworkDescription } from '../src/model/network/memoryParadigm.js';
import type { NetworkResult } from '../src/engines/networkTypes.js';

/**
 * A small memory network (40 + 10 neurons) with everything that has state: background and plasticity
 * noise, calcium episodes and tags, protein synthesis, OU stimulus currents (learning and recall),
 * imposed Poisson spike trains on some inhibitory neurons, probes, and the fast-forward of the 8-hour recall.
 */
export function smallCheckpointNetwork(): NetworkDescription {
  const d = memoryNetworkDescription({ nExc: 40, nInh: 10, assembly: 10, p: 0.3, recall: '8h', curveInterval_s: 0.5 });
  return {
    ...d,
    stimuli: [...d.stimuli, { kind: 'spike-trains', name: 'drive', target: { population: 'inh', from: 0, to: 4 }, trains: [{ onset_s: 2, duration_s: 3, rate_Hz: 30, count: 1, period_s: 0, kind: 'poisson' }] }],
  } as NetworkDescription;
}

/** Every typed array of a result as raw bytes, every other field as is: equality here is bit for bit. */
export function resultBits(r: NetworkResult): unknown {
  return JSON.parse(JSON.stringify(r, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v)));
}
