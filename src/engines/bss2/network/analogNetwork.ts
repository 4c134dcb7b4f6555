/**
 * The analog side of an emulated network: LIF neuron circuits (with mismatch), their synaptic inputs
 * fed by 6-bit weights, the OU background, and one calcium trace per plastic synapse. A step follows
 * the reference's order (networkLoop.ts): neurons, then the delayed PSPs, then calcium jumps (the
 * presynaptic one t_c,delay after the spike, played in by the FPGA, and the postsynaptic one now).
 * Calcium is kept lazily: each synapse's value with the step it belongs to, decayed in closed form
 * when a jump arrives or the ADC reads it.
 */
import type { RandomStream } from '../../../random/streams.js';
import { edgeKicks, type CompiledNetwork } from '../../network/compile.js';
import { WEIGHT_MAX_CODE } from '../ppu.js';
import type { NetworkCircuits } from './circuits.js';
import { SpikeLog } from './inputs.js';

const TINY = 1e-300;
const EPS = 1e-12;

export interface AnalogState {
  readonly v: Float64Array;
  readonly iSyn: Float64Array;
  readonly iBg: Float64Array;
  readonly iStim: Float64Array;
  readonly refractory: Float64Array;
  /** Calcium of each plastic synapse at step cStep[s]. */
  readonly c: Float64Array;
  readonly cStep: Int32Array;
}

export class AnalogNetwork {
  readonly st: AnalogState;
  readonly log = new SpikeLog();
  /** Read positions in the log: one per delay group (PSPs), one for presynaptic calcium. */
  private readonly pspCursor: number[];
  private caCursor = 0;
  private imposedPos = 0;
  /** Static kicks (nA) per delay group, from the quantised weights; plastic: nA per weight code. */
  private readonly kick: Float64Array[];
  private readonly nAPerCode: Float64Array;
  /** Incoming plastic synapses of every neuron are net.inStart ranges; outgoing ones by source: */
  private readonly outStart: Int32Array;
  private readonly outSyn: Int32Array;

  constructor(
    private readonly net: CompiledNetwork, private readonly cir: NetworkCircuits, private readonly dt: number,
    private readonly weight: Uint8Array, lsbExc_mV: number, lsbInh_mV: number, lsbPlastic_mV: number,
    private readonly imposed: { step: Int32Array; neuron: Int32Array }, private readonly background: readonly RandomStream[],
  ) {
    const n = net.n;
    this.st = {
      v: Float64Array.from(net.neurons.vRev), iSyn: new Float64Array(n), iBg: new Float64Array(n), iStim: new Float64Array(n),
      refractory: new Float64Array(n), c: new Float64Array(net.nSyn), cStep: new Int32Array(net.nSyn),
    };
    this.pspCursor = net.delays.map(() => 0);
    const rMem = net.neurons.rMem;
    // static weights as 6-bit codes: excitatory rows on the plastic weights' scale, inhibitory ones on their own
    this.kick = net.delays.map((g, gi) => Float64Array.from(edgeKicks(g), (k, e) => {
      if (g.synapse[e]! >= 0) return 0;
      const t = g.target[e]!, lsb = k < 0 ? lsbInh_mV : lsbExc_mV;
      const code = Math.min(WEIGHT_MAX_CODE, Math.round((Math.abs(k) * rMem[t]!) / lsb));
      return (Math.sign(k) * code * lsb * cir.staticGain[gi]![e]!) / rMem[t]!;
    }));
    this.nAPerCode = Float64Array.from(net.synPost, (t, s) => (lsbPlastic_mV * cir.gain[s]!) / rMem[t]!);
    this.outStart = new Int32Array(n + 1);
    for (const m of net.synPre) this.outStart[m + 1]++;
    for (let i = 0; i < n; i++) this.outStart[i + 1] += this.outStart[i]!;
    const fill = this.outStart.slice(0, n);
    this.outSyn = new Int32Array(net.nSyn);
    for (let s = 0; s < net.nSyn; s++) this.outSyn[fill[net.synPre[s]!]!++] = s;
  }

  /** Calcium of synapse s brought to step j. */
  calcium(s: number, j: number): number {
    const st = this.st;
    const n = j - st.cStep[s]!;
    if (n !== 0) {
      const c = st.c[s]!;
      st.c[s] = c !== 0 && c > TINY ? c * Math.exp(this.cir.lnEC[s]! * n) : 0;
      st.cStep[s] = j;
    }
    return st.c[s]!;
  }

  /** One detailed step j (stimulus currents already set in st.iStim). */
  step(j: number): void {
    this.neurons(j);
    this.deliverPsps(j);
    this.calciumJumps(j);
  }

  private neurons(j: number): void {
    const { eOU, ouNoise, i0, vRev, rMem } = this.net.neurons;
    const { eMem, eSyn, vTh, vReset, tRef } = this.cir;
    const { v, iSyn, iBg, iStim, refractory } = this.st;
    const driven = this.net.driven, imp = this.imposed, dt = this.dt;
    while (this.imposedPos < imp.step.length && imp.step[this.imposedPos]! < j) this.imposedPos++;
    for (let i = 0, n = this.net.n; i < n; i++) {
      let fire = false;
      if (driven[i] === 1) {
        v[i] = vReset[i]!;
        while (this.imposedPos < imp.step.length && imp.step[this.imposedPos] === j && imp.neuron[this.imposedPos] === i) {
          fire = true;
          this.imposedPos++;
        }
      } else {
        const noise = ouNoise[i]!;
        if (noise > 0 || iBg[i] !== i0[i]) iBg[i] = (iBg[i]! - i0[i]!) * eOU[i]! + (noise > 0 ? noise * this.background[i]!.gaussian() : 0) + i0[i]!;
        const e = eMem[i]!;
        let vi = v[i]! * e + (vRev[i]! + rMem[i]! * (iBg[i]! + iSyn[i]! + iStim[i]!)) * (1 - e);
        if (refractory[i]! > EPS) {
          vi = vReset[i]!;
          refractory[i] = refractory[i]! - dt;
        } else if (vi >= vTh[i]!) {
          vi = vReset[i]!;
          refractory[i] = tRef[i]!;
          fire = true;
        }
        v[i] = vi;
      }
      let cur = iSyn[i]! * eSyn[i]!;
      if (cur < TINY && cur > -TINY) cur = 0;
      iSyn[i] = cur;
      if (fire) this.log.push(j, i);
    }
  }

  private deliverPsps(j: number): void {
    const log = this.log, iSyn = this.st.iSyn, w = this.weight, perCode = this.nAPerCode;
    this.net.delays.forEach((g, gi) => {
      const from = j - g.delaySteps, kick = this.kick[gi]!;
      let q = this.pspCursor[gi]!;
      while (q < log.length && log.step[q]! < from) q++;
      for (; q < log.length && log.step[q] === from; q++) {
        const m = log.neuron[q]!;
        for (let e = g.outStart[m]!, end = g.outStart[m + 1]!; e < end; e++) {
          const s = g.synapse[e]!, t = g.target[e]!;
          iSyn[t] = iSyn[t]! + (s < 0 ? kick[e]! : w[s]! * perCode[s]!);
        }
      }
      this.pspCursor[gi] = q;
    });
  }

  private calciumJumps(j: number): void {
    const log = this.log, net = this.net, c = this.st.c, cir = this.cir;
    const from = j - net.caDelay;
    let q = this.caCursor;
    while (q < log.length && log.step[q]! < from) q++;
    for (; q < log.length && log.step[q] === from; q++) {
      const m = log.neuron[q]!;
      for (let k = this.outStart[m]!, end = this.outStart[m + 1]!; k < end; k++) {
        const s = this.outSyn[k]!;
        c[s] = this.calcium(s, j) + cir.cPre[s]!;
      }
    }
    this.caCursor = q;
    // postsynaptic spikes of this step: the tail of the log
    for (let r = log.length - 1; r >= 0 && log.step[r] === j; r--) {
      const t = log.neuron[r]!;
      for (let s = net.inStart[t]!, end = net.inStart[t + 1]!; s < end; s++) c[s] = this.calcium(s, j) + cir.cPost[s]!;
    }
  }

  /** A silent stretch up to step j (the reference's fast-forward): calcium zero, queued spikes dropped. */
  silence(j: number): void {
    this.st.c.fill(0);
    this.st.cStep.fill(j);
    this.pspCursor.fill(this.log.length);
    this.caCursor = this.log.length;
  }
}
