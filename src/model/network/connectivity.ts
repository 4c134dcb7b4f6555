/**
 * Draws each projection's edges from its rule. The random rule is the C++ simulator's: every ordered
 * pair (source m, target n), autapses excluded unless asked for, is connected with probability p,
 * independently. Drawn here by geometric gaps (the same Bernoulli process, one random number per edge)
 * from the stream (seed, projection index, 'connectivity'), so the topology depends only on the seed
 * and the description, never on the engine or the number of workers.
 */
import { entityStream } from '../../random/streams.js';
import type { NetworkDescription, ProjectionSpec } from './description.js';
import { PairBuffer, type EdgeList, type PopulationLayout } from './edges.js';
import { LIMITS, populationLayout } from './validate.js';

/** A projection's edges in global neuron indices, sorted by (source, target). */
export interface DrawnProjection {
  readonly spec: ProjectionSpec;
  readonly edges: EdgeList;
}

function drawOne(spec: ProjectionSpec, index: number, layout: readonly PopulationLayout[], seed: number): EdgeList {
  const src = layout.find((l) => l.name === spec.source)!;
  const dst = layout.find((l) => l.name === spec.target)!;
  const same = src.name === dst.name;
  const c = spec.connectivity;
  const out = new PairBuffer();
  if (c.rule === 'explicit') {
    for (let k = 0; k < c.edges.source.length; k++) {
      const s = c.edges.source[k]!, t = c.edges.target[k]!;
      if (!(s >= 0 && s < src.size && t >= 0 && t < dst.size)) {
        throw new Error(`projection '${spec.name}': explicit edge ${k} (${s} → ${t}) is outside ${src.name}[0, ${src.size}) → ${dst.name}[0, ${dst.size})`);
      }
      out.push(src.offset + s, dst.offset + t);
    }
  } else if (c.rule === 'one-to-one') {
    for (let i = 0; i < src.size; i++) out.push(src.offset + i, dst.offset + i);
  } else if (c.rule === 'all-to-all') {
    for (let i = 0; i < src.size; i++) {
      for (let j = 0; j < dst.size; j++) if (!same || i !== j || c.autapses) out.push(src.offset + i, dst.offset + j);
    }
  } else if (c.p > 0) {
    const rng = entityStream(seed, 0, 'projection', index, 'connectivity');
    for (let i = 0; i < src.size; i++) {
      for (let j = rng.geometric(c.p); j < dst.size; j += 1 + rng.geometric(c.p)) {
        if (!same || i !== j || c.autapses) out.push(src.offset + i, dst.offset + j);
      }
    }
  }
  if (out.length > LIMITS.edges) throw new Error(`projection '${spec.name}': more than ${LIMITS.edges} edges`);
  const e = out.finish();
  return c.rule === 'explicit' ? sortEdges(e) : e;
}

/** Edges sorted by (source, target). */
export function sortEdges(e: EdgeList): EdgeList {
  const order = Array.from({ length: e.source.length }, (_, k) => k);
  order.sort((a, b) => e.source[a]! - e.source[b]! || e.target[a]! - e.target[b]!);
  return { source: Int32Array.from(order, (k) => e.source[k]!), target: Int32Array.from(order, (k) => e.target[k]!) };
}

/** Every projection's edges for this seed. */
export function drawProjections(d: NetworkDescription, seed: number): DrawnProjection[] {
  const layout = populationLayout(d);
  return d.projections.map((spec, i) => ({ spec, edges: drawOne(spec, i, layout, seed) }));
}
