/**
 * The kinds of a compiled network's edges — a (projection, PSP kick) pair each, a handful per network — so
 * that an edge stores a 1-byte kind instead of an 8-byte kick, and the projections' edge lists (8 bytes
 * per edge) need not be kept through a run: `projectionEdges` rebuilds them from the delay groups, in the
 * order they were drawn, when the output is written.
 */
import type { EdgeList } from '../../model/network/edges.js';

/** Per-edge indices into a kind table: as narrow as the table's size allows. */
export type KickIndex = Uint8Array | Uint16Array | Uint32Array;

export interface EdgeKinds {
  /** Each kind's kick, nA (each double bit for bit as computed, −0 apart from 0). */
  readonly kicks: Float64Array;
  /** Each kind's projection. */
  readonly projection: Int32Array;
  /** The kind of projection p's edge with kick k (a kind the table holds). */
  indexOf(p: number, k: number): number;
  /** A zeroed per-edge kind array of the narrowest type for this table. */
  indexArray(length: number): KickIndex;
}

/** Map key of a kick: −0 kept apart from 0 (a Map identifies them). */
const kickKey = (p: number, k: number) => `${p}:${Object.is(k, -0) ? '-0' : k}`;

/**
 * The kinds of the projections' edges: projection p's edge to target t has the kick `kick(t)`. The lookup
 * remembers the last kind (a projection's edges nearly always share theirs), so it is a compare per edge.
 */
export function edgeKinds(projections: ReadonlyArray<{ readonly targets: Int32Array; readonly kick: (t: number) => number }>): EdgeKinds {
  const index = new Map<string, number>();
  const kicks: number[] = [], projection: number[] = [];
  projections.forEach(({ targets, kick }, p) => {
    let last = 0, seen = false;
    for (let e = 0; e < targets.length; e++) {
      const k = kick(targets[e]!);
      if (seen && Object.is(k, last)) continue;
      if (!index.has(kickKey(p, k))) {
        index.set(kickKey(p, k), kicks.length);
        kicks.push(k);
        projection.push(p);
      }
      last = k;
      seen = true;
    }
  });
  let lastP = -1, lastK = 0, lastIndex = -1;
  const size = kicks.length;
  return {
    kicks: Float64Array.from(kicks),
    projection: Int32Array.from(projection),
    indexOf(p: number, k: number): number {
      if (p === lastP && Object.is(k, lastK)) return lastIndex;
      const i = index.get(kickKey(p, k));
      if (i === undefined) throw new Error(`internal: projection ${p}'s kick ${k} nA is not in the kind table`);
      lastP = p;
      lastK = k;
      lastIndex = i;
      return i;
    },
    indexArray: (length: number) => (size <= 0x100 ? new Uint8Array(length) : size <= 0x10000 ? new Uint16Array(length) : new Uint32Array(length)),
  };
}

/** What `projectionEdges` reads of a compiled network. */
interface KindedGroups {
  readonly n: number;
  readonly projections: readonly string[];
  readonly delays: ReadonlyArray<{ readonly outStart: Int32Array; readonly target: Int32Array; readonly kindProjection: Int32Array; readonly kickOf: KickIndex }>;
}

/**
 * Every projection's edges in global indices, as drawn: sorted by source, then target. A group holds each
 * source's edges sorted by target (a stable sort of the drawn order), so walking it by source and picking
 * one projection's kinds gives that projection's drawn list back, value for value.
 */
export function projectionEdges(net: KindedGroups): Array<{ name: string } & EdgeList> {
  const count = new Float64Array(net.projections.length);
  for (const g of net.delays) for (let e = 0; e < g.kickOf.length; e++) count[g.kindProjection[g.kickOf[e]!]!]++;
  const out = net.projections.map((name, p) => ({ name, source: new Int32Array(count[p]!), target: new Int32Array(count[p]!) }));
  const fill = new Float64Array(net.projections.length);
  for (const g of net.delays) {
    for (let m = 0; m < net.n; m++) {
      for (let e = g.outStart[m]!, end = g.outStart[m + 1]!; e < end; e++) {
        const p = g.kindProjection[g.kickOf[e]!]!, k = fill[p]!++;
        out[p]!.source[k] = m;
        out[p]!.target[k] = g.target[e]!;
      }
    }
  }
  return out;
}

/** All edges of the compiled network (static and plastic). */
export function edgeCount(net: Pick<KindedGroups, 'delays'>): number {
  return net.delays.reduce((s, g) => s + g.target.length, 0);
}
