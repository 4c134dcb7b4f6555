/**
 * Loads the explicit edges of a projection from the exchange formats: the C++ simulator's
 * connections.txt (an N × N 0/1 matrix over every neuron of the network) or a SONATA edges file. Either
 * way the projection keeps the edges from its source population to its target population, in local
 * indices, as the description's explicit rule expects.
 */
import { isAbsolute, join } from 'node:path';
import type { EdgeList, PopulationLayout } from '../model/network/edges.js';
import type { EdgeLoader } from '../experiments/network/networkExperiment.js';
import { loadConnectionsTxt } from './connectionsTxt.js';
import { readSonataEdges } from './sonata.js';

/** Edges of `edges` (global indices) from population `source` to `target`, in local indices. */
export function localEdges(edges: EdgeList, layout: readonly PopulationLayout[], source: string, target: string): EdgeList {
  const s = layout.find((l) => l.name === source), t = layout.find((l) => l.name === target);
  if (!s || !t) throw new Error(`unknown population '${!s ? source : target}'`);
  const src: number[] = [], dst: number[] = [];
  for (let k = 0; k < edges.source.length; k++) {
    const a = edges.source[k]! - s.offset, b = edges.target[k]! - t.offset;
    if (a >= 0 && a < s.size && b >= 0 && b < t.size) {
      src.push(a);
      dst.push(b);
    }
  }
  return { source: Int32Array.from(src), target: Int32Array.from(dst) };
}

/** A loader resolving file names against `baseDir` (the experiment file's folder); reads each file once. */
export function loadEdgesFile(baseDir: string): EdgeLoader {
  const cache = new Map<string, Promise<EdgeList | Awaited<ReturnType<typeof readSonataEdges>>>>();
  return async (ref, layout) => {
    const path = isAbsolute(ref.file) ? ref.file : join(baseDir, ref.file);
    const total = layout.reduce((n, l) => Math.max(n, l.offset + l.size), 0);
    if (ref.format === 'cpp-matrix') {
      if (!cache.has(path)) cache.set(path, Promise.resolve().then(() => loadConnectionsTxt(path, total)));
      return localEdges((await cache.get(path)) as EdgeList, layout, ref.source, ref.target);
    }
    if (!cache.has(path)) cache.set(path, readSonataEdges(path, layout));
    const all = (await cache.get(path)) as Awaited<ReturnType<typeof readSonataEdges>>;
    const want = ref.edge_population ?? `${ref.source}_to_${ref.target}`;
    const pop = all.find((p) => p.name === want);
    if (!pop) throw new Error(`${ref.file} has no edge population '${want}'; it has: ${all.map((p) => p.name).join(', ') || 'none'}`);
    return localEdges(pop.edges, layout, ref.source, ref.target);
  };
}
