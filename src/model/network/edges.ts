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

/**
 * Int32 pairs (an edge list, or spikes as step and neuron) collected with amortised doubling, so that
 * builders and parsers never go through JS arrays of numbers.
 */
export class PairBuffer {
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  length = 0;

  push(x: number, y: number): void {
    if (this.length === this.a.length) {
      const grow = (v: Int32Array) => {
        const w = new Int32Array(v.length * 2);
        w.set(v);
        return w;
      };
      this.a = grow(this.a);
      this.b = grow(this.b);
    }
    this.a[this.length] = x;
    this.b[this.length++] = y;
  }

  /** The pairs as an edge list (copies, trimmed to length). */
  finish(): EdgeList {
    return { source: this.a.slice(0, this.length), target: this.b.slice(0, this.length) };
  }
}
