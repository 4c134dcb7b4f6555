/**
 * A network run's memory and output size, estimated from its description before anything runs (the
 * network counterpart of limits.ts's `estimateRun`): synapses from the connectivity rules, spikes from
 * the time integrated step by step (fast-forward stretches are silent) at a generous rate, probe samples
 * from their grids. Past LARGE_RUN_BYTES the CLI refuses unless --allow-large is given.
 */
import { runSchedule } from '../../engines/network/schedule.js';
import type { NetworkDescription } from '../../model/network/description.js';
import { populationLayout, resolveRange } from '../../model/network/validate.js';
import type { RunEstimate } from '../limits.js';

/**
 * Mean firing rate assumed for the estimate, Hz: 2.4 × the memory paradigm's measured mean over all
 * neurons (0.42 Hz: 0.26 Hz excitatory, 1.06 Hz inhibitory in background; the assembly's ≈ 90 Hz lasts
 * only as long as its stimuli).
 */
export const ESTIMATE_RATE_HZ = 1;
/** Engine state per synapse (h, z, calcium, tag, indices, CSR, edge list for the outputs), bytes. */
const SYNAPSE_BYTES = 120;
/** Per neuron (state, spike ring, probes' per-neuron buffers), bytes. */
const NEURON_BYTES = 2048;
/** Per recorded spike in memory (time, neuron) and in the folder (spikes.csv line, SONATA spikes.h5), bytes. */
const SPIKE_MEMORY_BYTES = 16;
const SPIKE_FILE_BYTES = 36;
/** Per synapse in the folder (edges.h5: source, target, h, z; weights.csv rows are summaries). */
const EDGE_FILE_BYTES = 32;

/** Expected number of synapses of the description (the mean for random rules). */
export function expectedSynapses(d: NetworkDescription): number {
  const size = new Map(d.populations.map((p) => [p.name, p.size]));
  let n = 0;
  for (const pr of d.projections) {
    const a = size.get(pr.source) ?? 0;
    const b = size.get(pr.target) ?? 0;
    const c = pr.connectivity;
    const pairs = pr.source === pr.target && !('autapses' in c && c.autapses) ? a * (b - 1) : a * b;
    if (c.rule === 'all-to-all') n += pairs;
    else if (c.rule === 'one-to-one') n += Math.min(a, b);
    else if (c.rule === 'fixed-probability') n += c.p * pairs;
    else if (c.rule === 'fixed-in-degree') n += c.in_degree * b;
    else n += c.edges.source.length;
  }
  return n;
}

/** Memory and output size of a network run (`dt_ms`, fast-forward as the run will use them). */
export function estimateNetworkRun(d: NetworkDescription, dt_ms: number, fastForward: boolean): RunEstimate {
  const dt = dt_ms * 1e-3;
  const neurons = d.populations.reduce((s, p) => s + p.size, 0);
  const synapses = expectedSynapses(d);
  const detailed_s = runSchedule(d, dt, fastForward).filter((s) => s.mode === 'detailed').reduce((s, g) => s + (g.to - g.from + 1) * dt, 0);
  const spikes = neurons * ESTIMATE_RATE_HZ * detailed_s;
  const layout = populationLayout(d);
  let probeBytes = 0;
  for (const p of d.probes) {
    let elements: number;
    try {
      elements = p.kind === 'neurons'
        ? (({ from, to }) => to - from)(resolveRange(layout, p.target))
        : synapses; // an upper bound: the selection is a subset of the synapses
    } catch {
      elements = neurons; // an invalid range is reported by the description's checks
    }
    if (p.sample !== undefined) elements = Math.min(elements, p.sample);
    const values = p.reduce === 'mean-sd' ? 2 : elements;
    const window_s = Math.max(0, (p.to_s ?? d.duration_s) - (p.from_s ?? 0));
    probeBytes += (Math.floor(window_s / Math.max(p.interval_s, dt)) + 1) * values * p.variables.length * 8;
  }
  const memory = 200 * 2 ** 20 + neurons * NEURON_BYTES + synapses * SYNAPSE_BYTES + spikes * SPIKE_MEMORY_BYTES + probeBytes;
  const output = spikes * SPIKE_FILE_BYTES + synapses * EDGE_FILE_BYTES + probeBytes * 2;
  return { memory_bytes: memory, output_bytes: output, spikes_per_trial: spikes };
}
