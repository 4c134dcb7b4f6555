/**
 * Draws each projection's edges from its rule, straight into typed arrays of their final size (the
 * random rules are drawn twice from the same stream, once to count and once to fill: a draw costs
 * less than the copies of a growing buffer, and the peak memory of construction is the edges alone).
 *
 * - fixed-probability (the C++ simulator's rule): every ordered pair (source m, target n), autapses
 *   excluded unless asked for, is connected with probability p, independently; drawn by geometric gaps
 *   (the same Bernoulli process, one random number per edge).
 * - fixed-in-degree: every target neuron receives exactly k edges from k distinct source neurons (itself
 *   excluded unless autapses are asked for), a uniform k-subset drawn by Floyd's algorithm, targets in
 *   order.
 *
 * Both draw from the stream (seed, projection index, 'connectivity'), so the topology depends only on
 * the seed and the description, never on the engine or the number of workers.
 */
import { entityStream, type RandomStream } from '../../random/streams.js';
import type { NetworkDescription, ProjectionSpec } from './description.js';
import type { EdgeList, PopulationLayout } from './edges.js';
import { LIMITS, populationLayout } from './validate.js';

/** A projection's edges in global neuron indices, sorted by (source, target). */
export interface DrawnProjection {
  readonly spec: ProjectionSpec;
  readonly edges: EdgeList;
}

/** Receives the edges of a rule in (source, target) order; called once to count, once to fill. */
type EdgeSink = (s: number, t: number) => void;

/** Runs `emit` twice, counting then filling arrays of the exact size. */
function collect(name: string, emit: (sink: EdgeSink) => void): EdgeList {
  let count = 0;
  emit(() => {
    count++;
  });
  if (count > LIMITS.edges) throw new Error(`projection '${name}': ${count} edges; at most ${LIMITS.edges} are allowed`);
  const source = new Int32Array(count), target = new Int32Array(count);
  let k = 0;
  emit((s, t) => {
    source[k] = s;
    target[k++] = t;
  });
  return { source, target };
}

/** Uniform integer in [0, m), m ≤ 2^32, without modulo bias. */
function below(rng: RandomStream, m: number): number {
  const limit = 4294967296 - (4294967296 % m);
  let x = rng.nextUint32();
  while (x >= limit) x = rng.nextUint32();
  return x % m;
}

/**
 * For every target t in order, a uniform k-subset of the source population by Floyd's algorithm (k
 * draws), its own index skipped when `selfAt(t)` ≥ 0; `visit(t, s)` gets each chosen source.
 */
function inDegreeSubsets(rng: RandomStream, k: number, srcSize: number, dstSize: number, selfAt: (t: number) => number, visit: (t: number, s: number) => void): void {
  const candidates = (t: number) => (selfAt(t) >= 0 ? srcSize - 1 : srcSize);
  const chosen = new Uint8Array(srcSize);
  const picked = new Int32Array(k);
  for (let t = 0; t < dstSize; t++) {
    const m = candidates(t), self = selfAt(t);
    for (let j = m - k, i = 0; j < m; j++, i++) {
      const r = below(rng, j + 1);
      const v = chosen[r] === 1 ? j : r;
      chosen[v] = 1;
      picked[i] = v;
    }
    for (let i = 0; i < k; i++) {
      const v = picked[i]!;
      chosen[v] = 0;
      visit(t, self >= 0 && v >= self ? v + 1 : v);
    }
  }
}

/** Fixed in-degree edges sorted by (source, target): counted per source, then filled per source. */
function drawInDegree(spec: ProjectionSpec, k: number, src: PopulationLayout, dst: PopulationLayout, self: boolean, stream: () => RandomStream): EdgeList {
  if (k * dst.size > LIMITS.edges) throw new Error(`projection '${spec.name}': ${k * dst.size} edges; at most ${LIMITS.edges} are allowed`);
  const selfAt = self ? (t: number) => t : () => -1;
  const start = new Int32Array(src.size + 1);
  inDegreeSubsets(stream(), k, src.size, dst.size, selfAt, (_t, s) => start[s + 1]++);
  for (let i = 0; i < src.size; i++) start[i + 1] += start[i]!;
  const source = new Int32Array(k * dst.size), target = new Int32Array(k * dst.size);
  // Targets are visited in ascending order, so each source's slots fill with ascending targets.
  inDegreeSubsets(stream(), k, src.size, dst.size, selfAt, (t, s) => {
    const e = start[s]!++;
    source[e] = src.offset + s;
    target[e] = dst.offset + t;
  });
  return { source, target };
}

function drawOne(spec: ProjectionSpec, index: number, layout: readonly PopulationLayout[], seed: number): EdgeList {
  const src = layout.find((l) => l.name === spec.source)!;
  const dst = layout.find((l) => l.name === spec.target)!;
  const same = src.name === dst.name;
  const c = spec.connectivity;
  const stream = () => entityStream(seed, 0, 'projection', index, 'connectivity');
  switch (c.rule) {
    case 'explicit': {
      for (let k = 0; k < c.edges.source.length; k++) {
        const s = c.edges.source[k]!, t = c.edges.target[k]!;
        if (!(s >= 0 && s < src.size && t >= 0 && t < dst.size)) {
          throw new Error(`projection '${spec.name}': explicit edge ${k} (${s} → ${t}) is outside ${src.name}[0, ${src.size}) → ${dst.name}[0, ${dst.size})`);
        }
      }
      if (c.edges.source.length > LIMITS.edges) throw new Error(`projection '${spec.name}': more than ${LIMITS.edges} edges`);
      return sortEdges({ source: c.edges.source.map((s) => s + src.offset), target: c.edges.target.map((t) => t + dst.offset) });
    }
    case 'one-to-one':
      return collect(spec.name, (out) => {
        for (let i = 0; i < src.size; i++) out(src.offset + i, dst.offset + i);
      });
    case 'all-to-all':
      return collect(spec.name, (out) => {
        for (let i = 0; i < src.size; i++) {
          for (let j = 0; j < dst.size; j++) if (!same || i !== j || c.autapses) out(src.offset + i, dst.offset + j);
        }
      });
    case 'fixed-in-degree':
      return drawInDegree(spec, c.in_degree, src, dst, same && c.autapses !== true, stream);
    case 'fixed-probability':
      if (!(c.p > 0)) return { source: new Int32Array(0), target: new Int32Array(0) };
      return collect(spec.name, (out) => {
        const rng = stream();
        for (let i = 0; i < src.size; i++) {
          for (let j = rng.geometric(c.p); j < dst.size; j += 1 + rng.geometric(c.p)) {
            if (!same || i !== j || c.autapses) out(src.offset + i, dst.offset + j);
          }
        }
      });
  }
}

/** Edges sorted by (source, target): counting sort by source, then each source's targets sorted. */
export function sortEdges(e: EdgeList): EdgeList {
  let n = 0;
  for (const s of e.source) n = Math.max(n, s + 1);
  const start = new Int32Array(n + 1);
  for (const s of e.source) start[s + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i]!;
  const fill = start.slice(0, n), source = new Int32Array(e.source.length), target = new Int32Array(e.source.length);
  for (let k = 0; k < e.source.length; k++) {
    const at = fill[e.source[k]!]!++;
    source[at] = e.source[k]!;
    target[at] = e.target[k]!;
  }
  for (let m = 0; m < n; m++) target.subarray(start[m]!, start[m + 1]!).sort();
  return { source, target };
}

/** Every projection's edges for this seed. */
export function drawProjections(d: NetworkDescription, seed: number): DrawnProjection[] {
  const layout = populationLayout(d);
  return d.projections.map((spec, i) => ({ spec, edges: drawOne(spec, i, layout, seed) }));
}
