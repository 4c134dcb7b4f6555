/**
 * The fast engine's wake-up calendar: a binary min-heap of (step, synapse) pairs in two typed arrays,
 * ordered by step, then synapse, so that wake-ups of one step are handled in the same order however
 * the network is split. Entries are not removed when a synapse is rescheduled: the owner keeps the
 * one valid step per synapse and skips stale entries when they come out.
 */
export class WakeQueue {
  private step = new Int32Array(1024);
  private syn = new Int32Array(1024);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  /** Refills the calendar with wake[s] for every s in [from, to) that has one (≥ 0): after a checkpoint's restore. */
  refill(wake: Int32Array, from: number, to: number): void {
    this.size = 0;
    for (let s = from; s < to; s++) if (wake[s]! >= 0) this.push(wake[s]!, s);
  }

  /** Step of the earliest entry (2^31 − 1 when empty). */
  peekStep(): number {
    return this.size > 0 ? this.step[0]! : 0x7fffffff;
  }

  /** Synapse of the earliest entry (call only when not empty). */
  peekSynapse(): number {
    return this.syn[0]!;
  }

  push(step: number, s: number): void {
    if (this.size === this.step.length) this.grow();
    const st = this.step, sy = this.syn;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const ps = st[parent]!;
      if (ps < step || (ps === step && sy[parent]! <= s)) break;
      st[i] = ps;
      sy[i] = sy[parent]!;
      i = parent;
    }
    st[i] = step;
    sy[i] = s;
  }

  /** Removes the earliest entry. */
  pop(): void {
    const st = this.step, sy = this.syn;
    const n = --this.size;
    if (n === 0) return;
    const step = st[n]!, s = sy[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (st[c + 1]! < st[c]! || (st[c + 1] === st[c] && sy[c + 1]! < sy[c]!))) c++;
      if (step < st[c]! || (step === st[c] && s <= sy[c]!)) break;
      st[i] = st[c]!;
      sy[i] = sy[c]!;
      i = c;
    }
    st[i] = step;
    sy[i] = s;
  }

  private grow(): void {
    const a = new Int32Array(this.step.length * 2), b = new Int32Array(this.syn.length * 2);
    a.set(this.step);
    b.set(this.syn);
    this.step = a;
    this.syn = b;
  }
}
