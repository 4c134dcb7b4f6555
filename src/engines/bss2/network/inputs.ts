/**
 * The spike log of the emulated chip: every spike in time order, with read cursors for the delayed
 * deliveries. (What the FPGA plays in — imposed spikes and OU currents — is built as for every engine,
 * engines/network/inputs.ts, so that the chip and the reference see the same input.)
 */

/** Spikes as (step, neuron) in time order, growing; cursors read it for each delay. */
export class SpikeLog {
  step = new Int32Array(4096);
  neuron = new Int32Array(4096);
  length = 0;
  push(j: number, i: number): void {
    if (this.length === this.step.length) {
      const s = new Int32Array(this.length * 2), n = new Int32Array(this.length * 2);
      s.set(this.step);
      n.set(this.neuron);
      this.step = s;
      this.neuron = n;
    }
    this.step[this.length] = j;
    this.neuron[this.length++] = i;
  }
}
