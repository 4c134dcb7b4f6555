/**
 * The network as the mapper sees it: neurons that need a circuit, sources that are played in from the
 * FPGA (neurons whose spikes a spike-train stimulus imposes), and every edge with its sign and whether
 * it is plastic. Drawn from the description with the same connectivity streams as every engine.
 */
import { drawProjections } from '../../../model/network/connectivity.js';
import type { NetworkDescription } from '../../../model/network/description.js';
import { populationLayout, resolveRange } from '../../../model/network/validate.js';

export interface MappingGraph {
  readonly n: number;
  /** 1 for a neuron whose spikes are imposed (an FPGA spike source: no circuit, no incoming synapses). */
  readonly external: Uint8Array;
  /** 1 for a neuron of an inhibitory population (its rows subtract). */
  readonly inhibitory: Uint8Array;
  /** Edges sorted by source: source, target, 1 if plastic. */
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly plastic: Uint8Array;
  /** Distinct sources of each neuron. */
  readonly inDegree: Int32Array;
}

export function mappingGraph(d: NetworkDescription, seed: number): MappingGraph {
  const layout = populationLayout(d);
  const n = layout.reduce((s, l) => s + l.size, 0);
  const external = new Uint8Array(n), inhibitory = new Uint8Array(n);
  for (const s of d.stimuli) {
    if (s.kind !== 'spike-trains') continue;
    const r = resolveRange(layout, s.target);
    external.fill(1, r.from, r.to);
  }
  layout.forEach((l, i) => {
    if (d.populations[i]!.inhibitory === true) inhibitory.fill(1, l.offset, l.offset + l.size);
  });
  const drawn = drawProjections(d, seed);
  const total = drawn.reduce((s, p) => s + p.edges.source.length, 0);
  const order = new Int32Array(total);
  const src = new Int32Array(total), tgt = new Int32Array(total), pl = new Uint8Array(total);
  let k = 0;
  for (const p of drawn) {
    for (let e = 0; e < p.edges.source.length; e++, k++) {
      src[k] = p.edges.source[e]!;
      tgt[k] = p.edges.target[e]!;
      pl[k] = p.spec.plastic ? 1 : 0;
      order[k] = k;
    }
  }
  order.sort((a, b) => src[a]! - src[b]! || tgt[a]! - tgt[b]!);
  const source = Int32Array.from(order, (i) => src[i]!), target = Int32Array.from(order, (i) => tgt[i]!);
  const plastic = Uint8Array.from(order, (i) => pl[i]!);
  const inDegree = new Int32Array(n);
  for (let e = 0; e < total; e++) {
    // a pair drawn by two projections is one source of that neuron
    if (e > 0 && source[e] === source[e - 1] && target[e] === target[e - 1]) continue;
    inDegree[target[e]!]++;
  }
  return { n, external, inhibitory, source, target, plastic, inDegree };
}
