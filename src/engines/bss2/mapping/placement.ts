/**
 * Places a network on chips: neurons on neuron circuits (merging circuits where a neuron needs more
 * than one column's inputs, and sharing spare circuits out so that each neuron takes more sources per
 * row), then, per hemisphere, every presynaptic source on a synapse row and an address label. A row
 * carries one sign and up to 64 sources; a neuron takes at most one source per row and circuit, and at
 * most 64 per bus and circuit. Rows are filled first-fit, sources with the most targets first: a
 * greedy packing, not an optimum, so "rows needed" is an upper bound of what a perfect mapper needs.
 */
import type { ChipResources } from './chipResources.js';
import { rowsPerBus } from './chipResources.js';
import type { MappingGraph } from './graph.js';

/** One hemisphere's share of the network and how its synapse array is used. */
export interface HemispherePlacement {
  readonly chip: number;
  readonly hemisphere: number;
  /** Neurons placed here (global indices) and the circuits each one takes. */
  readonly neurons: Int32Array;
  readonly circuits: Int32Array;
  readonly circuitsUsed: number;
  /** Distinct sources of excitatory and inhibitory sign that project here. */
  readonly excSources: number;
  readonly inhSources: number;
  /** Rows the greedy packing used (of each sign), and those holding a plastic synapse. */
  readonly rows: number;
  readonly excRows: number;
  readonly inhRows: number;
  readonly plasticRows: number;
  /** Labels used over all rows (= sources placed), synapses placed, plastic synapses. */
  readonly labels: number;
  readonly synapses: number;
  readonly plasticSynapses: number;
  /** Neurons here with plastic inputs (each holds a protein pool on this hemisphere's processor). */
  readonly plasticTargets: number;
  /** For each edge into this hemisphere (index into the graph's edges), its row. */
  readonly rowOfEdge: Map<number, number>;
}

export interface NeuronPlacement {
  /** Hemisphere index (chip · hemispheres + hemisphere) of every neuron, −1 for FPGA sources. */
  readonly hemisphereOf: Int32Array;
  /** Circuits each neuron needs for its inputs alone (before spare circuits are shared out). */
  readonly circuitsNeeded: Int32Array;
  readonly totalCircuitsNeeded: number;
  readonly fits: boolean;
}

/** Neurons on hemispheres round-robin (so every population spreads over all processors). */
export function placeNeurons(g: MappingGraph, chips: number, r: ChipResources): NeuronPlacement {
  const H = chips * r.hemispheres, cap = r.circuitsPerHemisphere;
  const hemisphereOf = new Int32Array(g.n).fill(-1);
  const circuitsNeeded = new Int32Array(g.n);
  const used = new Int32Array(H);
  let total = 0, fits = true, k = 0;
  for (let i = 0; i < g.n; i++) {
    if (g.external[i] === 1) continue;
    const c = Math.max(1, Math.ceil(g.inDegree[i]! / r.rowsPerHemisphere));
    circuitsNeeded[i] = c;
    total += c;
    let h = -1;
    for (let tries = 0; tries < H; tries++) {
      const cand = (k + tries) % H;
      if (used[cand]! + c <= cap) {
        h = cand;
        break;
      }
    }
    k++;
    if (h < 0) {
      fits = false;
      continue;
    }
    hemisphereOf[i] = h;
    used[h] = used[h]! + c;
  }
  return { hemisphereOf, circuitsNeeded, totalCircuitsNeeded: total, fits };
}

/** Growable per-row bookkeeping of one hemisphere. */
class RowTable {
  readonly sign: number[] = [];
  readonly labels: number[] = [];
  /** perTarget[row][local target]: sources of that row the target takes. */
  readonly perTarget: Uint8Array[] = [];
  readonly plastic: boolean[] = [];
  constructor(private readonly nLocal: number) {}
  add(sign: number): number {
    this.sign.push(sign);
    this.labels.push(0);
    this.perTarget.push(new Uint8Array(this.nLocal));
    this.plastic.push(false);
    return this.sign.length - 1;
  }
}

/** Sources into one hemisphere with their local targets and edges, most targets first. */
function sourcesInto(g: MappingGraph, inHemi: Int32Array): Array<{ m: number; targets: number[]; edges: number[] }> {
  const out: Array<{ m: number; targets: number[]; edges: number[] }> = [];
  for (let e = 0; e < g.source.length; e++) {
    const local = inHemi[g.target[e]!]!;
    if (local < 0) continue;
    const m = g.source[e]!;
    let last = out[out.length - 1];
    if (!last || last.m !== m) out.push((last = { m, targets: [], edges: [] }));
    if (last.targets[last.targets.length - 1] !== local) last.targets.push(local);
    last.edges.push(e);
  }
  return out.sort((a, b) => b.targets.length - a.targets.length || a.m - b.m);
}

/** Places the sources of one hemisphere on rows (first fit); rows beyond the array are counted, not refused. */
export function placeRows(g: MappingGraph, neurons: Int32Array, circuits: Int32Array, r: ChipResources, chip: number, hemisphere: number): HemispherePlacement {
  const inHemi = new Int32Array(g.n).fill(-1);
  neurons.forEach((t, i) => (inHemi[t] = i));
  const table = new RowTable(neurons.length);
  const perBus: Uint16Array[] = [];
  const busOf = (row: number) => Math.floor(row / rowsPerBus(r));
  const rowOfEdge = new Map<number, number>();
  let exc = 0, inh = 0, synapses = 0, plasticSynapses = 0;
  const plasticTarget = new Uint8Array(neurons.length);
  for (const src of sourcesInto(g, inHemi)) {
    const sign = g.inhibitory[src.m]!;
    if (sign === 1) inh++;
    else exc++;
    let row = -1;
    for (let q = 0; q < table.sign.length && row < 0; q++) {
      if (table.sign[q] !== sign || table.labels[q]! >= r.labelsPerRow) continue;
      const cnt = table.perTarget[q]!, bus = perBus[busOf(q)]!;
      if (src.targets.every((t) => cnt[t]! < circuits[t]! && bus[t]! < r.sourcesPerBusPerCircuit * circuits[t]!)) row = q;
    }
    if (row < 0) row = table.add(sign);
    const b = busOf(row);
    while (perBus.length <= b) perBus.push(new Uint16Array(neurons.length));
    table.labels[row] = table.labels[row]! + 1;
    for (const t of src.targets) {
      table.perTarget[row]![t] = table.perTarget[row]![t]! + 1;
      perBus[b]![t] = perBus[b]![t]! + 1;
    }
    for (const e of src.edges) {
      rowOfEdge.set(e, row);
      synapses++;
      if (g.plastic[e] === 1) {
        plasticSynapses++;
        table.plastic[row] = true;
        plasticTarget[inHemi[g.target[e]!]!] = 1;
      }
    }
  }
  const rows = table.sign.length;
  const inhRows = table.sign.filter((s) => s === 1).length;
  return {
    chip, hemisphere, neurons, circuits, circuitsUsed: circuits.reduce((s, c) => s + c, 0),
    excSources: exc, inhSources: inh, rows, excRows: rows - inhRows, inhRows,
    plasticRows: table.plastic.filter(Boolean).length, labels: exc + inh, synapses, plasticSynapses,
    plasticTargets: plasticTarget.reduce((s, x) => s + x, 0), rowOfEdge,
  };
}

/** The neurons of hemisphere h and their circuits, spare circuits shared out evenly. */
export function hemisphereNeurons(p: NeuronPlacement, h: number, r: ChipResources): { neurons: Int32Array; circuits: Int32Array } {
  const ids: number[] = [];
  p.hemisphereOf.forEach((x, i) => {
    if (x === h) ids.push(i);
  });
  const need = ids.reduce((s, i) => s + p.circuitsNeeded[i]!, 0);
  const factor = need > 0 ? Math.max(1, Math.floor(r.circuitsPerHemisphere / need)) : 1;
  return { neurons: Int32Array.from(ids), circuits: Int32Array.from(ids, (i) => p.circuitsNeeded[i]! * factor) };
}
