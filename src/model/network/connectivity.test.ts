import { describe, expect, it } from 'vitest';
import { compileNetwork, edgeKicks } from '../../engines/network/compile.js';
import { drawProjections, sortEdges } from './connectivity.js';
import type { ConnectivityRule, NetworkDescription } from './description.js';
import { memoryParadigm, paradigmInDegreeMax } from './memoryParadigm.js';
import { descriptionIssues } from './validate.js';

/** FNV-1a over the bytes of typed arrays: a fingerprint of connectivity. */
function fingerprint(arrays: ReadonlyArray<ArrayBufferView>): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i]!, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

function withRule(d: NetworkDescription, rule: ConnectivityRule): NetworkDescription {
  return { ...d, projections: d.projections.map((p) => ({ ...p, connectivity: rule })) };
}

describe('fixed-probability connectivity', () => {
  it('draws the same edges and compiles the same network as before the count-then-fill construction (fingerprints of commit 12ac244)', () => {
    for (const [nExc, nInh, seed, counts, edges, compiled] of [
      [160, 40, 1, [2595, 622, 654, 170], '1310c22d', '3cbd4101'],
      [400, 100, 7, [16054, 3973, 4064, 980], '8031f38f', '753a80df'],
    ] as const) {
      const d = memoryParadigm({ nExc, nInh, assembly: 15 }).description;
      const drawn = drawProjections(d, seed);
      expect(drawn.map((p) => p.edges.source.length)).toEqual(counts);
      expect(fingerprint(drawn.flatMap((p) => [p.edges.source, p.edges.target]))).toBe(edges);
      const net = compileNetwork(d, seed, 2e-4);
      expect(fingerprint([net.inStart, net.synPre, net.synPost, ...net.delays.flatMap((g) => [g.outStart, g.target, edgeKicks(g), g.synapse])])).toBe(compiled);
    }
  });

  it('every edge of a delay group points at the plastic synapse with its source and target', () => {
    const net = compileNetwork(memoryParadigm({ nExc: 120, nInh: 30, assembly: 15 }).description, 3, 2e-4);
    const g = net.delays[0]!;
    let plastic = 0;
    for (let m = 0; m < net.n; m++) {
      for (let e = g.outStart[m]!; e < g.outStart[m + 1]!; e++) {
        const s = g.synapse[e]!;
        if (s < 0) continue;
        plastic++;
        expect([net.synPre[s], net.synPost[s]]).toEqual([m, g.target[e]]);
      }
    }
    expect(plastic).toBe(net.nSyn);
  });
});

describe('fixed-in-degree connectivity', () => {
  const base = memoryParadigm({ nExc: 90, nInh: 30, assembly: 15 }).description;

  it('gives every target exactly k distinct sources, never itself, edges sorted by (source, target)', () => {
    for (const autapses of [false, true]) {
      const d = withRule(base, { rule: 'fixed-in-degree', in_degree: 12, autapses });
      const drawn = drawProjections(d, 5);
      for (const { spec, edges } of drawn) {
        const src = d.populations.find((p) => p.name === spec.source)!;
        const dst = d.populations.find((p) => p.name === spec.target)!;
        expect(edges.source.length).toBe(12 * dst.size);
        const incoming = new Map<number, Set<number>>();
        for (let k = 0; k < edges.source.length; k++) {
          const s = edges.source[k]!, t = edges.target[k]!;
          if (k > 0) expect(s > edges.source[k - 1]! || (s === edges.source[k - 1]! && t > edges.target[k - 1]!)).toBe(true);
          if (!autapses && spec.source === spec.target) expect(s).not.toBe(t);
          if (!incoming.has(t)) incoming.set(t, new Set());
          incoming.get(t)!.add(s);
        }
        expect(incoming.size).toBe(dst.size);
        for (const sources of incoming.values()) expect(sources.size).toBe(12);
        expect(src.size).toBeGreaterThanOrEqual(12);
      }
    }
  });

  it('is reproducible per seed, and other seeds give other edges', () => {
    const d = withRule(base, { rule: 'fixed-in-degree', in_degree: 10 });
    const edgesOf = (seed: number) => fingerprint(drawProjections(d, seed).flatMap((p) => [p.edges.source, p.edges.target]));
    expect(edgesOf(3)).toBe(edgesOf(3));
    expect(edgesOf(3)).not.toBe(edgesOf(4));
  });

  it('draws its sources uniformly: each source is chosen about k/(N−1) of the time', () => {
    const d: NetworkDescription = { ...base, populations: [{ name: 'exc', size: 50 }], projections: [{ name: 'EE', source: 'exc', target: 'exc', connectivity: { rule: 'fixed-in-degree', in_degree: 7 }, plastic: true }], stimuli: [], probes: [] };
    const chosen = new Float64Array(50);
    const seeds = 400;
    for (let seed = 0; seed < seeds; seed++) for (const s of drawProjections(d, seed)[0]!.edges.source) chosen[s]++;
    // each source: Binomial(seeds·50 targets less itself, 7/49) → mean 2800, SD ≈ 49; 5 SD bounds
    for (const c of chosen) expect(Math.abs(c - 2800)).toBeLessThan(5 * Math.sqrt(seeds * 49 * (7 / 49) * (42 / 49)));
  });

  it('the full in-degree connects every other neuron; beyond it the description names field, value and the allowed range', () => {
    const full = withRule(base, { rule: 'fixed-in-degree', in_degree: 29 });
    expect(descriptionIssues(full)).toEqual([]);
    const ii = drawProjections({ ...full, projections: [full.projections[3]!] }, 1)[0]!.edges;
    expect(ii.source.length).toBe(30 * 29);
    const issues = descriptionIssues(withRule(base, { rule: 'fixed-in-degree', in_degree: 30 }));
    expect(issues).toEqual([
      "projections[3].connectivity.in_degree: must be a whole number in [0, 29] (distinct sources in 'inh', itself excluded; got 30)",
    ]);
    expect(descriptionIssues(withRule(base, { rule: 'fixed-in-degree', in_degree: 2.5 }))[0]).toMatch(/in_degree: must be a whole number in \[0, 89\].*got 2\.5/);
  });
});

describe('the paradigm with an in-degree', () => {
  it('splits k between exc and inh by their sizes and checks k against the largest split', () => {
    const { description } = memoryParadigm({ nExc: 160, nInh: 40, assembly: 16, inDegree: 20 });
    expect(description.projections.map((p) => p.connectivity)).toEqual([
      { rule: 'fixed-in-degree', in_degree: 16 }, { rule: 'fixed-in-degree', in_degree: 16 },
      { rule: 'fixed-in-degree', in_degree: 4 }, { rule: 'fixed-in-degree', in_degree: 4 },
    ]);
    expect(descriptionIssues(description)).toEqual([]);
    const most = paradigmInDegreeMax(160, 40);
    expect(descriptionIssues(memoryParadigm({ nExc: 160, nInh: 40, assembly: 16, inDegree: most }).description)).toEqual([]);
    expect(() => memoryParadigm({ nExc: 160, nInh: 40, assembly: 16, inDegree: most + 1 })).toThrow(`in-degree = ${most + 1}: must be a whole number in [1, ${most}]`);
  });

  it('the assembly scales with the excitatory population by default (150 per 1600)', () => {
    expect([1600, 4000, 8000, 16000].map((nExc) => memoryParadigm({ nExc, nInh: nExc / 4 }).readout.assembly)).toEqual([150, 375, 750, 1500]);
  });

  it('weight curves average every synapse up to the cap, a sample beyond it', () => {
    const probes = (o: object) => memoryParadigm({ nExc: 400, nInh: 100, assembly: 40, ...o }).description.probes;
    expect(probes({}).map((p) => p.sample)).toEqual([undefined, undefined, undefined, undefined]);
    expect(probes({ curveSynapses: 5000 }).map((p) => p.sample)).toEqual([undefined, 5000, undefined, undefined]);
    expect(memoryParadigm().description.probes.every((p) => p.sample === undefined)).toBe(true);
  });
});

describe('sortEdges', () => {
  it('sorts by source, then target', () => {
    const e = sortEdges({ source: Int32Array.of(3, 1, 3, 0, 1), target: Int32Array.of(2, 5, 1, 4, 0) });
    expect([...e.source]).toEqual([0, 1, 1, 3, 3]);
    expect([...e.target]).toEqual([4, 0, 5, 1, 2]);
  });
});
