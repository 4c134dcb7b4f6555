/**
 * SONATA edges, spikes and nodes files: round trips through our own reader, and the files opened by a
 * real client, Debian's python3-h5py (installed by .ci/run; Python is only a test client here).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EdgeList, PopulationLayout } from '../model/network/edges.js';
import { loadConnectionsTxt } from './connectionsTxt.js';
import { packageRoot } from './files.js';
import { edgeIndex, projectionsByPopulation, readSonataEdges, readSonataSpikes, writeSonataEdges, writeSonataNodes, writeSonataSpikes } from './sonata.js';

const PYTHON = '/usr/bin/python3';
const hasH5py = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import h5py, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasH5py && process.env.CI) throw new Error('python3-h5py and python3-numpy are missing: .ci/run installs them');

const LAYOUT: PopulationLayout[] = [
  { name: 'exc', size: 40, offset: 0 },
  { name: 'inh', size: 10, offset: 40 },
];

function rng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Random edges over all 50 neurons, in shuffled order, with a weight each. */
function randomNetwork(seed: number): { edges: EdgeList; weight: Float64Array } {
  const rand = rng(seed);
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) if (i !== j && rand() < 0.15) pairs.push([i, j, 0.1 + rand()]);
  pairs.sort(() => rand() - 0.5);
  return { edges: { source: Int32Array.from(pairs, (p) => p[0]), target: Int32Array.from(pairs, (p) => p[1]) }, weight: Float64Array.from(pairs, (p) => p[2]) };
}

/** Edge triples sorted by (source, target), for order-free comparison. */
const triples = (e: EdgeList, w?: ArrayLike<number>) => Array.from(e.source, (s, k) => [s, e.target[k]!, w?.[k] ?? 0]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);

const tmp = () => mkdtempSync(join(tmpdir(), 'calcitag-sonata-'));

describe('SONATA files, round trip in TypeScript', () => {
  it('edges: one population per (source, target) pair, global ids restored, weights follow their edges', async () => {
    const { edges, weight } = randomNetwork(3);
    const projections = projectionsByPopulation(LAYOUT, edges, weight).map((p) => ({ ...p, delay_ms: 1.5 }));
    expect(projections.map((p) => `${p.sourcePop}_to_${p.targetPop}`)).toEqual(['exc_to_exc', 'exc_to_inh', 'inh_to_exc', 'inh_to_inh']);
    const dir = tmp();
    await writeSonataEdges(join(dir, 'edges.h5'), LAYOUT, projections);
    expect(readdirSync(dir)).toEqual(['edges.h5']);
    const back = await readSonataEdges(join(dir, 'edges.h5'), LAYOUT);
    expect(back.map((p) => p.name).sort()).toEqual(['exc_to_exc', 'exc_to_inh', 'inh_to_exc', 'inh_to_inh']);
    for (const p of projections) {
      const r = back.find((q) => q.sourcePop === p.sourcePop && q.targetPop === p.targetPop)!;
      expect(r.name).toBe(`${p.sourcePop}_to_${p.targetPop}`);
      expect(r.delay_ms).toBe(1.5);
      // stored sorted by (source, target): the file order is the sorted order, weights carried along
      expect(triples(r.edges, r.weight_mV)).toEqual(Array.from(r.edges.source, (s, k) => [s, r.edges.target[k], r.weight_mV![k]]));
      expect(triples(r.edges, r.weight_mV)).toEqual(triples(p.edges, p.weight_mV as Float64Array));
    }
    const total = back.reduce((n, p) => n + p.edges.source.length, 0);
    expect(total).toBe(edges.source.length);
  });

  it('edges: a constant weight, no delay, and an empty projection', async () => {
    const path = join(tmp(), 'edges.h5');
    const ee = { source: Int32Array.of(2, 1), target: Int32Array.of(0, 3) };
    await writeSonataEdges(path, LAYOUT, [
      { name: 'recurrent', sourcePop: 'exc', targetPop: 'exc', edges: ee, weight_mV: 0.5 },
      { sourcePop: 'inh', targetPop: 'inh', edges: { source: new Int32Array(0), target: new Int32Array(0) } },
    ]);
    const [empty, rec] = await readSonataEdges(path, LAYOUT);
    expect(rec).toEqual({ name: 'recurrent', sourcePop: 'exc', targetPop: 'exc', edges: { source: Int32Array.of(1, 2), target: Int32Array.of(3, 0) }, weight_mV: Float64Array.of(0.5, 0.5) });
    expect(empty).toEqual({ name: 'inh_to_inh', sourcePop: 'inh', targetPop: 'inh', edges: { source: new Int32Array(0), target: new Int32Array(0) } });
  });

  it('edges: the C++ run’s 2000-neuron network (399 092 edges) survives connections.txt → SONATA → EdgeList', async () => {
    const net = loadConnectionsTxt(join(packageRoot(), 'reference', 'cpp-network-10s', 'connections.txt'), 2000);
    const layout = [
      { name: 'exc', size: 1600, offset: 0 },
      { name: 'inh', size: 400, offset: 1600 },
    ];
    const path = join(tmp(), 'edges.h5');
    await writeSonataEdges(path, layout, projectionsByPopulation(layout, net));
    const back = await readSonataEdges(path, layout);
    const src = new Int32Array(net.source.length);
    const tgt = new Int32Array(net.source.length);
    let at = 0;
    for (const p of back) {
      src.set(p.edges.source, at);
      tgt.set(p.edges.target, at);
      at += p.edges.source.length;
    }
    expect(at).toBe(399_092);
    const key = (s: Int32Array, t: Int32Array) => {
      const out = new Float64Array(s.length);
      for (let k = 0; k < s.length; k++) out[k] = s[k]! * 2000 + t[k]!;
      return out.sort();
    };
    const [got, want] = [key(src, tgt), key(net.source, net.target)];
    expect(got.findIndex((x, k) => x !== want[k])).toBe(-1); // (a deep toEqual of 400 k numbers takes seconds)
  });

  it('spikes: grouped by population with local ids, read back global and sorted by time then neuron', async () => {
    const rand = rng(5);
    const n = 500;
    const t_s = Float64Array.from({ length: n }, () => Math.round(rand() * 2000) * 2e-4 + 10); // ties on the 0.2 ms grid
    const neuron = Int32Array.from({ length: n }, () => Math.floor(rand() * 40)); // no inhibitory spikes at all
    const dir = tmp();
    await writeSonataSpikes(join(dir, 'spikes.h5'), LAYOUT, t_s, neuron);
    expect(readdirSync(dir)).toEqual(['spikes.h5']);
    const back = await readSonataSpikes(join(dir, 'spikes.h5'), LAYOUT);
    const expected = Array.from(t_s, (t, k) => [t, neuron[k]!]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(Array.from(back.neuron)).toEqual(expected.map((x) => x[1]));
    back.t_s.forEach((t, k) => expect(Math.abs(t - expected[k]![0]!)).toBeLessThanOrEqual(4e-16 * t)); // ms ↔ s: within an ulp
  });

  it('refuses what SONATA or the layout cannot hold, and leaves no file behind', async () => {
    const dir = tmp();
    const e = (s: number[], t: number[]) => ({ source: Int32Array.from(s), target: Int32Array.from(t) });
    await expect(writeSonataEdges(join(dir, 'a.h5'), LAYOUT, [{ sourcePop: 'exc', targetPop: 'inh', edges: e([0], [5]) }])).rejects.toThrow('exc_to_inh: edge 0 (0 → 5) does not run from "exc" (0…39) to "inh" (40…49)');
    await expect(writeSonataEdges(join(dir, 'a.h5'), LAYOUT, [{ sourcePop: 'exc', targetPop: 'pv', edges: e([], []) }])).rejects.toThrow('node population "pv" is not in the layout (exc, inh)');
    const ok = { sourcePop: 'exc', targetPop: 'exc', edges: e([0], [1]) };
    await expect(writeSonataEdges(join(dir, 'a.h5'), LAYOUT, [ok, ok])).rejects.toThrow('two projections are named "exc_to_exc"');
    await expect(writeSonataEdges(join(dir, 'a.h5'), LAYOUT, [{ ...ok, weight_mV: Float64Array.of(1, 2) }])).rejects.toThrow('2 weights for 1 edges');
    await expect(writeSonataSpikes(join(dir, 'a.h5'), LAYOUT, Float64Array.of(1), Int32Array.of(50))).rejects.toThrow('spike 0 is from neuron 50, outside every population');
    await expect(writeSonataSpikes(join(dir, 'a.h5'), LAYOUT, Float64Array.of(NaN), Int32Array.of(1))).rejects.toThrow('spike 0 has time NaN');
    await expect(writeSonataSpikes(join(dir, 'a.h5'), [LAYOUT[0]!, { name: 'x', size: 5, offset: 38 }], new Float64Array(0), new Int32Array(0))).rejects.toThrow('populations "exc" and "x" overlap at neuron 38');
    expect(readdirSync(dir)).toEqual([]);

    await writeSonataSpikes(join(dir, 's.h5'), LAYOUT, Float64Array.of(1), Int32Array.of(45));
    await expect(readSonataSpikes(join(dir, 's.h5'), [LAYOUT[0]!])).rejects.toThrow('node population "inh" is not in the layout (exc)');
    await expect(readSonataSpikes(join(dir, 's.h5'), [LAYOUT[0]!, { name: 'inh', size: 3, offset: 40 }])).rejects.toThrow('/spikes/inh/node_ids[0] = 5 but "inh" has nodes 0…2');
    await expect(readSonataEdges(join(dir, 's.h5'), LAYOUT)).rejects.toThrow('has no /edges group');
    await expect(readSonataSpikes(join(dir, 'missing.h5'), LAYOUT)).rejects.toThrow('missing.h5 not found');
  });

  it('builds the edge index as libsonata does: runs of equal ids, grouped by node, [offset, offset] for none', () => {
    const { nodeIdToRanges, rangeToEdgeId } = edgeIndex(Int32Array.of(2, 2, 0, 2, 3), 5);
    expect(Array.from(nodeIdToRanges, Number)).toEqual([0, 1, 1, 1, 1, 3, 3, 4, 4, 4]);
    expect(Array.from(rangeToEdgeId, Number)).toEqual([2, 3, 0, 2, 3, 4, 4, 5]);
  });
});

const SCRIPT = String.raw`
import sys, json, h5py, numpy as np
d = sys.argv[1]
out = {}
def root(f):
    return {'magic': [int(f.attrs['magic']), str(f.attrs['magic'].dtype), list(np.shape(f.attrs['magic']))],
            'version': [f.attrs['version'].tolist(), str(f.attrs['version'].dtype)]}
with h5py.File(d + '/edges.h5', 'r') as f:
    out['edges_root'] = root(f)
    pops = {}
    for name, g in f['edges'].items():
        p = {k: str(g[k].dtype) for k in ['source_node_id', 'target_node_id', 'edge_type_id', 'edge_group_id', 'edge_group_index']}
        p['node_population'] = [g['source_node_id'].attrs['node_population'], g['target_node_id'].attrs['node_population']]
        p['group0'] = {k: [str(v.dtype), v.attrs['units']] for k, v in g['0'].items()}
        p['src'] = g['source_node_id'][()].tolist()
        p['tgt'] = g['target_node_id'][()].tolist()
        p['w'] = g['0/syn_weight'][()][g['edge_group_index'][()]].tolist()
        p['delay'] = np.unique(g['0/delay'][()]).tolist()
        p['type'] = np.unique(g['edge_type_id'][()]).tolist()
        idx = {}
        for direction, ids in [('source_to_target', g['source_node_id'][()]), ('target_to_source', g['target_node_id'][()])]:
            n2r = g['indices/' + direction + '/node_id_to_ranges'][()]
            r2e = g['indices/' + direction + '/range_to_edge_id'][()]
            ok = True
            for node in range(n2r.shape[0]):  # every node's ranges hold exactly its edges
                edges = [e for a, b in r2e[n2r[node, 0]:n2r[node, 1]] for e in range(a, b)]
                ok = ok and sorted(edges) == np.flatnonzero(ids == node).tolist()
            idx[direction] = {'shape': [list(n2r.shape), list(r2e.shape)], 'dtype': [str(n2r.dtype), str(r2e.dtype)], 'consistent': bool(ok)}
        p['indices'] = idx
        pops[name] = p
    out['edges'] = pops
with h5py.File(d + '/spikes.h5', 'r') as f:
    out['spikes_root'] = root(f)
    out['spikes'] = {name: {'sorting': g.attrs['sorting'], 'units': g['timestamps'].attrs['units'],
                            'dtypes': [str(g['timestamps'].dtype), str(g['node_ids'].dtype)],
                            't': g['timestamps'][()].tolist(), 'n': g['node_ids'][()].tolist()} for name, g in f['spikes'].items()}
with h5py.File(d + '/nodes.h5', 'r') as f:
    out['nodes'] = {name: {k: [str(g[k].dtype), g[k][()].tolist()] for k in ['node_id', 'node_type_id', 'node_group_id', 'node_group_index']} | {'groups': [k for k in g.keys() if isinstance(g[k], h5py.Group)]}
                    for name, g in f['nodes'].items()}
print(json.dumps(out))
`;

describe.skipIf(!hasH5py)('SONATA files read by h5py', () => {
  it('have the documented datasets, dtypes, attributes and values', async () => {
    const dir = tmp();
    const { edges, weight } = randomNetwork(9);
    const projections = projectionsByPopulation(LAYOUT, edges, weight).map((p) => ({ ...p, delay_ms: 0.8 }));
    await writeSonataEdges(join(dir, 'edges.h5'), LAYOUT, projections);
    const t_s = Float64Array.of(0.5, 0.1, 0.1, 0.3);
    const neuron = Int32Array.of(41, 7, 3, 45);
    await writeSonataSpikes(join(dir, 'spikes.h5'), LAYOUT, t_s, neuron);
    await writeSonataNodes(join(dir, 'nodes.h5'), LAYOUT);

    const py = spawnSync(PYTHON, ['-c', SCRIPT, dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    const r = JSON.parse(py.stdout);

    const root = { magic: [0x0a7a, 'uint32', []], version: [[0, 1], 'uint32'] };
    expect(r.edges_root).toEqual(root);
    expect(r.spikes_root).toEqual(root);

    expect(Object.keys(r.edges).sort()).toEqual(['exc_to_exc', 'exc_to_inh', 'inh_to_exc', 'inh_to_inh']);
    projections.forEach((p, k) => {
      const e = r.edges[`${p.sourcePop}_to_${p.targetPop}`];
      const src = LAYOUT.find((q) => q.name === p.sourcePop)!;
      const tgt = LAYOUT.find((q) => q.name === p.targetPop)!;
      expect(e).toMatchObject({
        source_node_id: 'uint64', target_node_id: 'uint64', edge_type_id: 'int64', edge_group_id: 'uint32', edge_group_index: 'uint64',
        node_population: [p.sourcePop, p.targetPop],
        group0: { syn_weight: ['float64', 'mV'], delay: ['float64', 'ms'] },
        delay: [0.8],
        type: [k],
      });
      // local ids, sorted by (source, target), weights bit for bit
      const local = triples({ source: p.edges.source.map((s) => s - src.offset), target: p.edges.target.map((t) => t - tgt.offset) }, p.weight_mV as Float64Array);
      expect(e.src.map((s: number, i: number) => [s, e.tgt[i], e.w[i]])).toEqual(local);
      for (const [dir2, size] of [['source_to_target', src.size], ['target_to_source', tgt.size]] as const) {
        expect(e.indices[dir2]).toMatchObject({ dtype: ['uint64', 'uint64'], consistent: true });
        expect(e.indices[dir2].shape[0]).toEqual([size, 2]);
      }
      expect(e.indices.source_to_target.shape[1][0]).toBe(new Set(e.src).size); // sorted by source: one range per source node
    });

    expect(r.spikes).toEqual({
      exc: { sorting: 'by_time', units: 'ms', dtypes: ['float64', 'uint64'], t: [0.1 * 1000, 0.1 * 1000], n: [3, 7] },
      inh: { sorting: 'by_time', units: 'ms', dtypes: ['float64', 'uint64'], t: [0.3 * 1000, 0.5 * 1000], n: [5, 1] },
    });

    expect(r.nodes.inh).toEqual({
      node_id: ['uint64', [...Array(10).keys()]],
      node_type_id: ['int64', Array(10).fill(1)],
      node_group_id: ['uint32', Array(10).fill(0)],
      node_group_index: ['uint64', [...Array(10).keys()]],
      groups: ['0'],
    });
    expect(r.nodes.exc.node_id[1]).toHaveLength(40);
  });

  it('reads files h5py wrote the way other tools do: int64 ids, two edge groups, no index, unsorted spikes in s', async () => {
    const dir = tmp();
    const write = String.raw`
import sys, h5py, numpy as np
d = sys.argv[1]
with h5py.File(d + '/edges.h5', 'w') as f:
    g = f.create_group('edges/inh_exc')
    g.create_dataset('source_node_id', data=np.array([2, 0, 9], dtype='int64')).attrs['node_population'] = 'inh'
    g.create_dataset('target_node_id', data=np.array([39, 1, 0], dtype='int64')).attrs['node_population'] = 'exc'
    g.create_dataset('edge_type_id', data=np.array([7, 7, 7], dtype='int32'))
    g.create_dataset('edge_group_id', data=np.array([1, 0, 1], dtype='uint16'))
    g.create_dataset('edge_group_index', data=np.array([1, 0, 0], dtype='uint32'))
    g.create_dataset('0/syn_weight', data=[-4.0])
    g.create_dataset('0/delay', data=[2.0])
    g.create_dataset('1/syn_weight', data=[-1.0, -2.0])
    g.create_dataset('1/delay', data=[0.001, 0.003]).attrs['units'] = 's'
with h5py.File(d + '/spikes.h5', 'w') as f:
    g = f.create_group('spikes/exc')
    g.attrs['sorting'] = 'none'
    g.create_dataset('timestamps', data=[0.02, 0.01, 0.02]).attrs['units'] = 's'
    g.create_dataset('node_ids', data=np.array([39, 4, 1], dtype='int64'))
`;
    const py = spawnSync(PYTHON, ['-c', write, dir], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    expect(await readSonataEdges(join(dir, 'edges.h5'), LAYOUT)).toEqual([
      { name: 'inh_exc', sourcePop: 'inh', targetPop: 'exc', edges: { source: Int32Array.of(42, 40, 49), target: Int32Array.of(39, 1, 0) }, weight_mV: Float64Array.of(-2, -4, -1), delay_ms: Float64Array.of(3, 2, 1) },
    ]);
    expect(await readSonataSpikes(join(dir, 'spikes.h5'), LAYOUT)).toEqual({ t_s: Float64Array.of(0.01, 0.02, 0.02), neuron: Int32Array.of(4, 1, 39) });
  });
});
