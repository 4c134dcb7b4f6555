/**
 * The user's probes (`TrialSpec.probes`) on the emulated BrainScaleS-2 chip: what the chip holds at each
 * sample time t_j = j·dt (biological time; the emulation steps on the same grid, in hardware time).
 *
 *   V, c   the analog membrane and calcium trace as the emulator models them (with the circuit's
 *          mismatch and trial-to-trial variation; c before the CADC, not its 8-bit code), after step j;
 *          where the emulator advances a quiet core in closed form (V at rest, calcium decaying), that
 *          closed form at t_j;
 *   h, z, p the plasticity processor's integer H, Z, P × their LSB, as they stand after the last update
 *          at or before step j (updates come every solver period, at steps k·m);
 *   w, tag w = h + h0·z and the tag |H − H0| ≥ TAG with the processor's own integer h0 and threshold
 *          (H0·LSB_h, TAG·LSB_h): the tag the processor applies. (The synapse itself receives w as a
 *          6-bit code, a coarser value than this w.)
 *   spikes the presynaptic spike steps the FPGA plays in, and the analog neuron's spikes.
 * After the last whole solver period of a run the chip is not updated any more: h, z, p stay, V is held
 * and calcium decays.
 */
import { ProbeRecorder } from '../probeRecorder.js';
import type { ProbeTrace, TrialSpec } from '../types.js';
import type { AnalogFrontend } from './analogFrontend.js';
import type { PlasticityProcessor, PpuConstants } from './ppu.js';

export class Bss2Probes {
  private readonly rec: ProbeRecorder;
  /** Step of the next sample, or −1. */
  next: number;
  // a stretch in which the analog core is quiet: V constant, c = c0·e_C^(j − j0), up to step jEnd
  private j0 = 0;
  private c0 = 0;
  private v = 0;
  private jEnd = -1;

  /**
   * @param m analog steps per processor update
   */
  constructor(spec: TrialSpec, dt: number, nLast: number, k: PpuConstants, private readonly analog: AnalogFrontend, private readonly m: number) {
    this.rec = new ProbeRecorder(spec.probes!, dt, nLast, k.H0 * k.lsbH, k.TAG * k.lsbH, spec.probeSink);
    this.next = this.rec.next;
  }

  /** Records step j (= `next`) with the analog core's and the processor's current state. */
  sample(j: number, ppu: PlasticityProcessor): void {
    this.next = this.rec.sample(j, this.analog.v, this.analog.c, ppu.h_mV(), ppu.z(), ppu.p());
  }

  /** Starts a quiet stretch from step j0 (calcium now) to step jEnd, with the membrane at v. */
  quiet(j0: number, jEnd: number, v: number): void {
    this.j0 = j0;
    this.c0 = this.analog.c;
    this.v = v;
    this.jEnd = jEnd;
  }

  /** Records every sample of the quiet stretch up to step `jLast` with the processor's current state. */
  fillQuiet(jLast: number, ppu: PlasticityProcessor): void {
    const last = jLast < this.jEnd ? jLast : this.jEnd;
    if (this.next < 0 || this.next > last) return;
    const h = ppu.h_mV(), z = ppu.z(), p = ppu.p(), eC = this.analog.eC;
    while (this.next >= 0 && this.next <= last) {
      const j = this.next;
      this.next = this.rec.sample(j, this.v, this.c0 * eC ** (j - this.j0), h, z, p);
    }
  }

  /** During `ppu.idle` in a quiet stretch: the next update after which a sample is due (Infinity: none). */
  nextUpdate(): number {
    return this.next >= 0 && this.next <= this.jEnd ? Math.floor(this.next / this.m) : Infinity;
  }

  /** After update u in a quiet stretch: the samples up to the next update hold the processor's state. */
  afterUpdate(u: number, ppu: PlasticityProcessor): void {
    this.fillQuiet((u + 1) * this.m - 1, ppu);
  }

  postSpike(j: number): void {
    this.rec.postSpike(j);
  }

  finish(preSteps: ArrayLike<number>): ProbeTrace[] {
    return this.rec.finish(preSteps);
  }
}
