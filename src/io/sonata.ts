/**
 * SONATA (AllenInstitute/sonata, docs/SONATA_DEVELOPER_GUIDE.md) edges, spikes and nodes files through
 * h5wasm, so networks and spike trains can be exchanged with NEST, bmtk, libsonata, …
 *
 * SONATA node ids are local to a node population; calcitag uses one global index space described by a
 * PopulationLayout, so every reader and writer here converts (local = global − population offset).
 * Files are written under a temporary name and renamed into place (Hdf5Writer).
 *
 * Layout written (all integers little-endian):
 *   / @magic uint32 0x0A7A, @version uint32 [0, 1]
 *   /edges/<name>/source_node_id, target_node_id   uint64, @node_population (string)
 *   /edges/<name>/edge_type_id int64 (projection's index in the call), edge_group_id uint32 (0),
 *                 edge_group_index uint64 (0 … n−1)
 *   /edges/<name>/0/syn_weight float64 @units "mV", 0/delay float64 @units "ms" (when given)
 *   /edges/<name>/indices/{source_to_target,target_to_source}/{node_id_to_ranges, range_to_edge_id}
 *                 uint64 (n × 2), as libsonata writes them (empty node: [offset, offset])
 *   /spikes/<pop>/timestamps float64 @units "ms", node_ids uint64, @sorting "by_time" (a string, as bmtk
 *                 writes it; the spec's HDF5 enum cannot be written through h5wasm)
 *   /nodes/<pop>/node_id, node_type_id, node_group_id, node_group_index, group 0/
 * Edges are stored sorted by (source, target), spikes by (time, node id).
 */
import type { EdgeList, PopulationLayout } from '../model/network/edges.js';
import { Hdf5Reader, Hdf5Writer, type AttrValue } from './hdf5.js';

export interface SonataProjection {
  /** Edge population name; default `<sourcePop>_to_<targetPop>`. */
  readonly name?: string;
  readonly sourcePop: string;
  readonly targetPop: string;
  /** Global neuron indices. */
  readonly edges: EdgeList;
  /** One weight per edge, or one for all (stored per edge as 0/syn_weight). */
  readonly weight_mV?: Float64Array | number;
  readonly delay_ms?: number;
}

export interface SonataProjectionRead {
  readonly name: string;
  readonly sourcePop: string;
  readonly targetPop: string;
  /** Global neuron indices, in file order. */
  readonly edges: EdgeList;
  readonly weight_mV?: Float64Array;
  /** A number when every edge has the same delay (as written here), otherwise one per edge. */
  readonly delay_ms?: number | Float64Array;
}

/** Non-negative integers below 2^32 as uint64, written as 32-bit words (no BigInt per value; little-endian). */
function uint64(values: ArrayLike<number>): BigUint64Array {
  const out = new BigUint64Array(values.length);
  const words = new Uint32Array(out.buffer);
  for (let k = 0; k < values.length; k++) words[2 * k] = values[k]!;
  return out;
}

/** out[k] = values[index[k]] (a plain loop: TypedArray.from with a map function is several times slower in V8). */
function gather<T extends Int32Array | Float64Array>(out: T, values: ArrayLike<number>, index: ArrayLike<number>): T {
  for (let k = 0; k < out.length; k++) out[k] = values[index[k]!]!;
  return out;
}

/** 0, 1, …, n − 1. */
function iota(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = k;
  return out;
}

const ROOT_ATTRS: Record<string, AttrValue> = { magic: { dtype: '<I', value: 0x0a7a }, version: { dtype: '<I', value: [0, 1] } };

function checkName(what: string, name: string): void {
  // a name is one HDF5 path component
  if (!name || name.includes('/') || name === '.' || name === '..') throw new Error(`sonata: ${what} name "${name}" must be non-empty and contain no "/"`);
}

/** Local node ids of `pop` (as read) → global indices, each checked against the population's size. */
function toGlobal(local: Float64Array, pop: PopulationLayout, where: string): Int32Array {
  const global = new Int32Array(local.length);
  for (let k = 0; k < local.length; k++) {
    const id = local[k]!;
    if (!(Number.isInteger(id) && id >= 0 && id < pop.size)) throw new Error(`sonata: ${where}[${k}] = ${id} but "${pop.name}" has nodes 0…${pop.size - 1}`);
    global[k] = id + pop.offset;
  }
  return global;
}

function population(layout: readonly PopulationLayout[], name: string, context: string): PopulationLayout {
  const p = layout.find((q) => q.name === name);
  if (!p) throw new Error(`sonata: ${context}: node population "${name}" is not in the layout (${layout.map((q) => q.name).join(', ')})`);
  return p;
}

/** Global index → position of its population in the layout (−1 outside every population). */
function populationOf(layout: readonly PopulationLayout[]): Int32Array {
  const end = layout.reduce((n, p) => Math.max(n, p.offset + p.size), 0);
  const of = new Int32Array(end).fill(-1);
  layout.forEach((p, k) => {
    checkName('population', p.name);
    if (layout.findIndex((q) => q.name === p.name) !== k) throw new Error(`sonata: population "${p.name}" appears twice in the layout`);
    for (let i = p.offset; i < p.offset + p.size; i++) {
      if (of[i] !== -1) throw new Error(`sonata: populations "${layout[of[i]!]!.name}" and "${p.name}" overlap at neuron ${i}`);
      of[i] = k;
    }
  });
  return of;
}

/** Edge order sorted by (a, b); the identity when already sorted (the usual case). */
function sortedOrder(a: ArrayLike<number>, b: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(a.length);
  let sorted = true;
  for (let k = 0; k < a.length; k++) {
    order[k] = k;
    if (k > 0 && (a[k - 1]! > a[k]! || (a[k - 1] === a[k] && b[k - 1]! > b[k]!))) sorted = false;
  }
  if (!sorted) order.sort((x, y) => a[x]! - a[y]! || b[x]! - b[y]! || x - y);
  return order;
}

/** SONATA's optional edge index for one direction: runs of equal node ids, grouped by node (libsonata). */
export function edgeIndex(ids: ArrayLike<number>, nNodes: number): { nodeIdToRanges: BigUint64Array; rangeToEdgeId: BigUint64Array } {
  const runs = new Int32Array(nNodes);
  let nRuns = 0;
  for (let k = 0; k < ids.length; k++) {
    if (k > 0 && ids[k] === ids[k - 1]) continue;
    runs[ids[k]!]!++;
    nRuns++;
  }
  const nodeIdToRanges = new Float64Array(2 * nNodes);
  const next = new Float64Array(nNodes); // next free range row of each node
  let offset = 0;
  for (let i = 0; i < nNodes; i++) {
    next[i] = nodeIdToRanges[2 * i] = offset;
    nodeIdToRanges[2 * i + 1] = offset += runs[i]!;
  }
  const rangeToEdgeId = new Float64Array(2 * nRuns);
  for (let k = 0; k < ids.length; ) {
    let end = k + 1;
    while (end < ids.length && ids[end] === ids[k]) end++;
    const r = next[ids[k]!]!++;
    rangeToEdgeId[2 * r] = k;
    rangeToEdgeId[2 * r + 1] = end;
    k = end;
  }
  return { nodeIdToRanges: uint64(nodeIdToRanges), rangeToEdgeId: uint64(rangeToEdgeId) };
}

/** Splits global edges into one projection per (source population, target population) pair that has edges. */
export function projectionsByPopulation(layout: readonly PopulationLayout[], edges: EdgeList, weight_mV?: Float64Array): SonataProjection[] {
  const of = populationOf(layout);
  const groups = new Map<number, number[]>(); // key: source population · P + target population
  for (let k = 0; k < edges.source.length; k++) {
    const s = of[edges.source[k]!] ?? -1;
    const t = of[edges.target[k]!] ?? -1;
    if (s < 0 || t < 0) throw new Error(`sonata: edge ${k} (${edges.source[k]} → ${edges.target[k]}) has an end outside every population`);
    const key = s * layout.length + t;
    const list = groups.get(key);
    if (list) list.push(k);
    else groups.set(key, [k]);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, ks]) => ({
      sourcePop: layout[Math.floor(key / layout.length)]!.name,
      targetPop: layout[key % layout.length]!.name,
      edges: { source: gather(new Int32Array(ks.length), edges.source, ks), target: gather(new Int32Array(ks.length), edges.target, ks) },
      ...(weight_mV ? { weight_mV: gather(new Float64Array(ks.length), weight_mV, ks) } : {}),
    }));
}

async function writeAtomically(path: string, body: (h5: Hdf5Writer) => void): Promise<void> {
  const h5 = await Hdf5Writer.create(path);
  try {
    h5.attrs('/', ROOT_ATTRS);
    body(h5);
  } catch (e) {
    h5.abort();
    throw e;
  }
  h5.close();
}

/** Writes a SONATA edges file: one edge population per projection, node ids local to their populations. */
export async function writeSonataEdges(path: string, layout: readonly PopulationLayout[], projections: readonly SonataProjection[]): Promise<void> {
  populationOf(layout); // validates the layout
  const names = new Set<string>();
  await writeAtomically(path, (h5) => {
    h5.group('/edges');
    projections.forEach((p, type) => {
      const name = p.name ?? `${p.sourcePop}_to_${p.targetPop}`;
      checkName('edge population', name);
      if (names.has(name)) throw new Error(`sonata: two projections are named "${name}"`);
      names.add(name);
      const src = population(layout, p.sourcePop, name);
      const tgt = population(layout, p.targetPop, name);
      const { source, target } = p.edges;
      const n = source.length;
      if (target.length !== n) throw new Error(`sonata: ${name}: ${n} sources but ${target.length} targets`);
      if (typeof p.weight_mV === 'object' && p.weight_mV.length !== n) throw new Error(`sonata: ${name}: ${p.weight_mV.length} weights for ${n} edges`);
      const ls = new Int32Array(n);
      const lt = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        ls[k] = source[k]! - src.offset;
        lt[k] = target[k]! - tgt.offset;
        if (!(ls[k]! >= 0 && ls[k]! < src.size && lt[k]! >= 0 && lt[k]! < tgt.size)) {
          throw new Error(`sonata: ${name}: edge ${k} (${source[k]} → ${target[k]}) does not run from "${src.name}" (${src.offset}…${src.offset + src.size - 1}) to "${tgt.name}" (${tgt.offset}…${tgt.offset + tgt.size - 1})`);
        }
      }
      const order = sortedOrder(ls, lt);
      const sIds = gather(new Int32Array(n), ls, order);
      const tIds = gather(new Int32Array(n), lt, order);
      const base = `/edges/${name}`;
      h5.dataset(`${base}/source_node_id`, uint64(sIds), { node_population: src.name });
      h5.dataset(`${base}/target_node_id`, uint64(tIds), { node_population: tgt.name });
      h5.dataset(`${base}/edge_type_id`, new BigInt64Array(n).fill(BigInt(type)));
      h5.dataset(`${base}/edge_group_id`, new Uint32Array(n));
      h5.dataset(`${base}/edge_group_index`, uint64(iota(n)));
      h5.group(`${base}/0`);
      if (p.weight_mV !== undefined) {
        const w = p.weight_mV;
        h5.dataset(`${base}/0/syn_weight`, typeof w === 'number' ? new Float64Array(n).fill(w) : gather(new Float64Array(n), w, order), { units: 'mV' });
      }
      if (p.delay_ms !== undefined) h5.dataset(`${base}/0/delay`, new Float64Array(n).fill(p.delay_ms), { units: 'ms' });
      // the index needs ids grouped by node: target_to_source gets one range per edge run of a target
      for (const [dir, ids, size] of [['source_to_target', sIds, src.size], ['target_to_source', tIds, tgt.size]] as const) {
        const { nodeIdToRanges, rangeToEdgeId } = edgeIndex(ids, size);
        h5.dataset(`${base}/indices/${dir}/node_id_to_ranges`, nodeIdToRanges, {}, [size, 2]);
        h5.dataset(`${base}/indices/${dir}/range_to_edge_id`, rangeToEdgeId, {}, [rangeToEdgeId.length / 2, 2]);
      }
    });
  });
}

function unitsFactor(h5: Hdf5Reader, path: string, factors: Record<string, number>): number {
  const units = h5.attr(path, 'units');
  if (units === undefined) return 1; // SONATA leaves units to the application: assume ours
  const f = factors[String(units)];
  if (f === undefined) throw new Error(`sonata: ${h5.path}: ${path} is in "${String(units)}", expected ${Object.keys(factors).join(' or ')}`);
  return f;
}

/** Reads every edge population of a SONATA edges file, node ids made global through the layout. */
export async function readSonataEdges(path: string, layout: readonly PopulationLayout[]): Promise<SonataProjectionRead[]> {
  populationOf(layout);
  const h5 = await Hdf5Reader.open(path);
  try {
    if (!h5.isGroup('/edges')) throw new Error(`sonata: ${h5.path} has no /edges group`);
    return h5.keys('/edges').map((name) => {
      const base = `/edges/${name}`;
      const end = (which: 'source' | 'target') => {
        const ds = `${base}/${which}_node_id`;
        const pop = population(layout, String(h5.attr(ds, 'node_population') ?? ''), `${h5.path}: ${ds}`);
        return { pop, global: toGlobal(h5.numbers(ds), pop, `${h5.path}: ${ds}`) };
      };
      const s = end('source');
      const t = end('target');
      const n = s.global.length;
      if (t.global.length !== n) throw new Error(`sonata: ${h5.path}: ${base} has ${n} sources but ${t.global.length} targets`);
      // per-edge attributes live in groups: value of edge k = group[edge_group_id[k]][edge_group_index[k]]
      const gid = h5.isDataset(`${base}/edge_group_id`) ? h5.numbers(`${base}/edge_group_id`) : new Float64Array(n);
      const gidx = h5.isDataset(`${base}/edge_group_index`) ? h5.numbers(`${base}/edge_group_index`) : iota(n);
      const attribute = (attr: string, factors: Record<string, number>): Float64Array | undefined => {
        const groups = new Map<number, Float64Array>();
        for (const g of n > 0 ? new Set(gid) : [0]) {
          const ds = `${base}/${g}/${attr}`;
          if (!h5.isDataset(ds)) return undefined; // some group lacks it: no per-edge value to report
          const f = unitsFactor(h5, ds, factors);
          groups.set(g, h5.numbers(ds).map((v) => v * f));
        }
        const out = new Float64Array(n);
        for (let k = 0; k < n; k++) out[k] = groups.get(gid[k]!)![gidx[k]!]!;
        return out;
      };
      const weight = attribute('syn_weight', { mV: 1 });
      const delay = attribute('delay', { ms: 1, s: 1000 });
      const constantDelay = delay && delay.length > 0 && delay.every((d) => d === delay[0]) ? delay[0]! : delay;
      return {
        name,
        sourcePop: s.pop.name,
        targetPop: t.pop.name,
        edges: { source: s.global, target: t.global },
        ...(weight ? { weight_mV: weight } : {}),
        ...(constantDelay !== undefined ? { delay_ms: constantDelay } : {}),
      };
    });
  } finally {
    h5.close();
  }
}

/** Writes a SONATA spikes file: one group per population of the layout (empty ones too), sorted by time. */
export async function writeSonataSpikes(path: string, layout: readonly PopulationLayout[], t_s: Float64Array, neuron: Int32Array): Promise<void> {
  const of = populationOf(layout);
  if (t_s.length !== neuron.length) throw new Error(`sonata: ${t_s.length} spike times but ${neuron.length} neuron indices`);
  for (let k = 0; k < t_s.length; k++) {
    if (!Number.isFinite(t_s[k]!)) throw new Error(`sonata: spike ${k} has time ${t_s[k]}`);
    if (!((of[neuron[k]!] ?? -1) >= 0)) throw new Error(`sonata: spike ${k} is from neuron ${neuron[k]}, outside every population`);
  }
  const order = sortedOrder(t_s, neuron);
  await writeAtomically(path, (h5) => {
    h5.group('/spikes');
    layout.forEach((p, k) => {
      const mine = order.filter((i) => of[neuron[i]!] === k);
      const ms = gather(new Float64Array(mine.length), t_s, mine);
      const local = gather(new Int32Array(mine.length), neuron, mine);
      for (let i = 0; i < mine.length; i++) {
        ms[i]! *= 1000;
        local[i]! -= p.offset;
      }
      h5.dataset(`/spikes/${p.name}/timestamps`, ms, { units: 'ms' });
      h5.dataset(`/spikes/${p.name}/node_ids`, uint64(local));
      h5.attrs(`/spikes/${p.name}`, { sorting: 'by_time' });
    });
  });
}

/** Reads a SONATA spikes file: times in s, global neuron indices, sorted by time then neuron. */
export async function readSonataSpikes(path: string, layout: readonly PopulationLayout[]): Promise<{ t_s: Float64Array; neuron: Int32Array }> {
  populationOf(layout);
  const h5 = await Hdf5Reader.open(path);
  try {
    if (!h5.isGroup('/spikes')) throw new Error(`sonata: ${h5.path} has no /spikes group`);
    const parts = h5.keys('/spikes').map((name) => {
      const pop = population(layout, name, `${h5.path}: /spikes/${name}`);
      const ts = `/spikes/${name}/timestamps`;
      const inMs = unitsFactor(h5, ts, { ms: 1e-3, s: 1 }) !== 1;
      const t = h5.numbers(ts);
      const ids = toGlobal(h5.numbers(`/spikes/${name}/node_ids`), pop, `${h5.path}: /spikes/${name}/node_ids`);
      if (ids.length !== t.length) throw new Error(`sonata: ${h5.path}: /spikes/${name} has ${t.length} timestamps but ${ids.length} node ids`);
      // ÷ 1000 rather than × 1e-3 (not exact in binary): undoes the writer's × 1000 to within an ulp
      return { t: inMs ? t.map((v) => v / 1000) : t, ids };
    });
    const allT = new Float64Array(parts.reduce((n, p) => n + p.t.length, 0));
    const allN = new Int32Array(allT.length);
    let at = 0;
    for (const p of parts) {
      allT.set(p.t, at);
      allN.set(p.ids, at);
      at += p.t.length;
    }
    const order = sortedOrder(allT, allN);
    return { t_s: gather(new Float64Array(order.length), allT, order), neuron: gather(new Int32Array(order.length), allN, order) };
  } finally {
    h5.close();
  }
}

/** Writes a minimal SONATA nodes file: every population, node_type_id = its index in the layout. */
export async function writeSonataNodes(path: string, layout: readonly PopulationLayout[]): Promise<void> {
  populationOf(layout);
  await writeAtomically(path, (h5) => {
    h5.group('/nodes');
    layout.forEach((p, k) => {
      const ids = uint64(iota(p.size));
      h5.dataset(`/nodes/${p.name}/node_id`, ids);
      h5.dataset(`/nodes/${p.name}/node_type_id`, new BigInt64Array(p.size).fill(BigInt(k)));
      h5.dataset(`/nodes/${p.name}/node_group_id`, new Uint32Array(p.size));
      h5.dataset(`/nodes/${p.name}/node_group_index`, ids);
      h5.group(`/nodes/${p.name}/0`);
    });
  });
}
