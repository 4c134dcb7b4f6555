/**
 * Connectivity as plain data: directed edges over one global neuron index space, and the layout of
 * the populations in that space. Builders (random rules, explicit lists) produce these; readers and
 * writers of exchange formats (the C++ simulator's connections.txt, SONATA edges) consume them.
 */

/** A population's place in the global neuron index space: neurons offset … offset + size − 1. */
export interface PopulationLayout {
  readonly name: string;
  readonly size: number;
  readonly offset: number;
}

/** Directed edges (source → target) in global neuron indices; edge k is (source[k], target[k]). */
export interface EdgeList {
  readonly source: Int32Array;
  readonly target: Int32Array;
}

/** Total neurons of a layout. */
export function layoutSize(layout: readonly PopulationLayout[]): number {
  let n = 0;
  for (const p of layout) n = Math.max(n, p.offset + p.size);
  return n;
}
