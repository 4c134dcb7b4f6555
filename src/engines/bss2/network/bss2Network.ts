/**
 * The bss2 engine on a network description: the mapper places it on the chip(s) and sets the solver
 * period the processors' cycle budget allows; the analog network (analogNetwork.ts) runs step by step;
 * every period the processors read each plastic synapse's calcium through its column's 8-bit ADC and
 * update h, z and p in integer arithmetic (ppuArray.ts), writing 6-bit weights back. Where the reference
 * fast-forwards (the silent network after learning, MODEL.md §6), the emulation keeps the processors
 * updating at their period, as the chip does, with calcium at zero and the neurons not simulated.
 */
import { descriptionIssues } from '../../../model/network/validate.js';
import { entityStream, streamFor, type RandomStream } from '../../../random/streams.js';
import { compileNetwork, edgeKicks } from '../../network/compile.js';
import { NetworkProbes, type ProbedState } from '../../network/probes.js';
import { runSchedule } from '../../network/schedule.js';
import type { NetworkResult, NetworkRunSpec } from '../../networkTypes.js';
import { FF_STEP_S } from '../../reference/fastForward.js';
import { Cadc } from '../adc.js';
import { resolveBss2Config, type ResolvedBss2Config } from '../config.js';
import { IdealRandom, LfsrSequence, LFSR_PERIOD } from '../lfsr.js';
import { mapNetwork, type MappingReport } from '../mapping/mapper.js';
import { ppuConstants, WEIGHT_MAX_CODE } from '../ppu.js';
import { Rounder } from '../rounding.js';
import { AnalogNetwork } from './analogNetwork.js';
import { networkCircuits, type NetworkCircuits } from './circuits.js';
import { imposedSpikes, ouStimulator } from '../../network/inputs.js';
import { NetworkPpu } from './ppuArray.js';
import { networkResult } from '../../network/result.js';

/** What a bss2 network run adds to the engine-neutral result. */
export interface Bss2NetworkResult extends NetworkResult {
  readonly hardware: {
    readonly mapping: MappingReport;
    readonly period_ms: number;
    readonly ppuUpdates: number;
    readonly synapseUpdates: number;
    readonly saturations: { h: number; z: number; p: number; weight: number };
    readonly format: string;
    readonly rounding: string;
  };
}

/** Maps the description and resolves the hardware settings for a run (throws with the first broken constraint). */
export function planBss2Network(spec: Pick<NetworkRunSpec, 'description' | 'seed' | 'dt_ms'>, options: Readonly<Record<string, unknown>>): { cfg: ResolvedBss2Config; mapping: MappingReport } {
  const { chips = 1, ...rest } = options as { chips?: number } & Record<string, unknown>;
  const base = resolveBss2Config({ ...rest, ppuPeriod_ms: undefined }, spec.description.params, spec.dt_ms);
  const mapping = mapNetwork(spec.description, {
    seed: spec.seed, chips, dt_ms: spec.dt_ms, solver: { format: base.format, rounding: base.rounding, roundingBits: base.roundingBits },
    resources: { acceleration: base.acceleration },
    ...(typeof rest.ppuPeriod_ms === 'number' ? { ppuPeriod_ms: rest.ppuPeriod_ms } : {}),
  }).report;
  // allowInfeasible runs a period shorter than the cycle budget allows (for validation against the reference)
  const onlyPeriod = mapping.violations.every((v) => v.constraint === 'solver period');
  if (!mapping.feasible && !(rest.allowInfeasible === true && onlyPeriod)) {
    const v = mapping.violations[0]!;
    throw new Error(`does not fit ${chips} chip(s): ${v.constraint} needs ${v.needed}, has ${v.available}${v.where ? ` (${v.where})` : ''} (calcitag bss2 map shows the mapping)`);
  }
  return { cfg: resolveBss2Config({ ...rest, ppuPeriod_ms: mapping.period_ms, allowInfeasible: true }, spec.description.params, spec.dt_ms), mapping };
}

/** The float view of the integer state that probes read (h in mV, z, p; calcium brought to step j). */
function probedState(analog: AnalogNetwork, ppu: NetworkPpu, j: number): ProbedState {
  const k = ppu.k;
  const c = new Float64Array(ppu.H.length);
  for (let s = 0; s < c.length; s++) c[s] = analog.calcium(s, j);
  return {
    v: analog.st.v, iSyn: analog.st.iSyn, iBg: analog.st.iBg,
    p: Float64Array.from(ppu.P, (x) => x * k.lsbP), c,
    h: Float64Array.from(ppu.H, (x) => x * k.lsbH), z: Float64Array.from(ppu.Z, (x) => x * k.lsbZ),
  };
}

/** Each plastic synapse's calcium regime as its column's ADC reads it at step j. */
function readRegimes(analog: AnalogNetwork, adc: Cadc, rng: RandomStream, cir: NetworkCircuits, synPost: Int32Array, codes: { d: number; p: number }, j: number, out: Uint8Array): void {
  const lsb = adc.lsb, maxCode = adc.maxCode, noise = adc.settings.noise_lsb;
  for (let s = 0; s < out.length; s++) {
    const t = synPost[s]!;
    let x = (analog.calcium(s, j) * cir.adcGain[t]!) / lsb + cir.adcOffset_lsb[t]!;
    if (noise > 0) x += noise * rng.gaussian();
    const code = Math.max(0, Math.min(maxCode, Math.floor(x)));
    out[s] = code >= codes.p ? 2 : code >= codes.d ? 1 : 0;
  }
}

export function runBss2Network(spec: NetworkRunSpec, options: Readonly<Record<string, unknown>> = {}): Bss2NetworkResult {
  const d = spec.description, P = d.params;
  const issues = descriptionIssues(d);
  if (issues.length > 0) throw new Error(`network description '${d.name}': ${issues.join('; ')}`);
  const { cfg, mapping } = planBss2Network(spec, options);
  const dt = spec.dt_ms * 1e-3;
  const net = compileNetwork(d, spec.seed, dt);
  const cir = networkCircuits(net, P, cfg, spec.seed, spec.trial, dt);
  const consts = ppuConstants(P, cfg);
  const sr = streamFor(spec.seed, [spec.trial], 'stochasticRounding');
  const rounder = new Rounder(cfg.rounding, cfg.rng === 'lfsr' ? new LfsrSequence(sr.nextUint32() % LFSR_PERIOD) : new IdealRandom(sr), cfg.roundingBits);
  const ppu = new NetworkPpu(consts, rounder, net.inStart, net.nSyn);
  const inhMax = Math.max(0, ...net.delays.flatMap((g) => Array.from(edgeKicks(g), (k, e) => (k < 0 ? -k * net.neurons.rMem[g.target[e]!]! : 0))));
  const lsbW = cfg.weightFullScale_mV / WEIGHT_MAX_CODE;
  const background = Array.from({ length: net.n }, (_, i): RandomStream => entityStream(spec.seed, spec.trial, 'neuron', i, 'backgroundNoise'));
  const analog = new AnalogNetwork(net, cir, dt, ppu.weight, lsbW, Math.max(lsbW, inhMax / WEIGHT_MAX_CODE), consts.lsbW, imposedSpikes(spec, net, dt), background);
  // the column ADCs: ideal converter settings here, each column's gain and offset in `cir`
  const adc = new Cadc({ bits: cfg.adcBits, range: cfg.adcRange, gain: 1, offset_lsb: 0, noise_lsb: cfg.adcNoise_lsb });
  const adcNoise = streamFor(spec.seed, [spec.trial, 1], 'hardwareNoise');
  const codes = { d: adc.thresholdCode(P.theta_d), p: adc.thresholdCode(P.theta_p) };
  const stimulate = ouStimulator(spec, net, analog.st.iStim, dt);
  const probes = new NetworkProbes(d, net, spec.seed, dt);
  const regime = new Uint8Array(net.nSyn);
  const m = Math.round(mapping.period_ms / spec.dt_ms); // analog steps per processor update
  const NEVER = 0x7fffffff;
  let steps = 0, ffSteps = 0, updates = 0;
  const ffIntervals: Array<[number, number]> = [];
  let nextObs = probes.nextStep(NEVER);
  for (const seg of runSchedule(d, dt, spec.fastForward)) {
    if (seg.mode === 'fast-forward') {
      ffIntervals.push([seg.from * dt, seg.to * dt]);
      analog.silence(seg.from);
      const r = silentStretch(ppu, seg.from, seg.to, m, dt, (j) => probes.atFastForward(probedState(analog, ppu, j), j * dt, dt), spec.onProgress);
      updates += r.updates;
      ffSteps += r.chunks;
      analog.silence(seg.to);
      nextObs = probes.nextStep(NEVER);
      continue;
    }
    for (let j = seg.from; j <= seg.to; j++) {
      if ((j & 0xfff) === 0) {
        if (spec.shouldStop?.()) throw new Error(`run stopped at t = ${(j * dt).toFixed(3)} s`);
        spec.onProgress?.(j * dt);
      }
      stimulate(j);
      analog.step(j);
      steps++;
      if (j > 0 && j % m === 0) {
        readRegimes(analog, adc, adcNoise, cir, net.synPost, codes, j, regime);
        ppu.update(regime);
        updates++;
      }
      if (j === nextObs) nextObs = probes.atStep(probedState(analog, ppu, j), j, dt, NEVER);
    }
  }
  const log = analog.log;
  return {
    ...networkResult(net, { step: log.step.subarray(0, log.length), neuron: log.neuron.slice(0, log.length) }, dt, probes.finish(), {
      steps, fastForwardSteps: ffSteps, fastForwardIntervals: ffIntervals, maxDev_mV: ppu.maxDev * consts.lsbH,
      tagged: ppu.tagged.some((x) => x === 1), proteinSynthesis: ppu.synthesis.some((x) => x === 1),
    }),
    hardware: {
      mapping, period_ms: mapping.period_ms, ppuUpdates: updates, synapseUpdates: ppu.computed, saturations: { ...ppu.sat },
      format: cfg.format, rounding: cfg.rounding,
    },
  };
}

/**
 * The processors' updates in a silent stretch of steps (from, to]: neuron by neuron (no calcium, so
 * neurons do not interact), in chunks that end every FF_STEP_S of biological time for the probes;
 * a neuron at a fixed point of its integer map is not updated again in this stretch.
 */
function silentStretch(ppu: NetworkPpu, from: number, to: number, m: number, dt: number, sample: (j: number) => void, progress?: (t: number) => void): { updates: number; chunks: number } {
  const n = ppu.P.length;
  const frozen = new Uint8Array(n);
  let k = Math.floor(from / m), chunks = 0;
  const kEnd = Math.floor(to / m);
  const updates = kEnd - k;
  let t = from * dt;
  while (t < to * dt - 1e-12) {
    const tNext = Math.min(Math.floor(t + FF_STEP_S), to * dt);
    const kNext = Math.min(kEnd, Math.floor(Math.round(tNext / dt) / m));
    if (kNext > k) for (let i = 0; i < n; i++) if (frozen[i] === 0 && ppu.idleNeuron(i, kNext - k)) frozen[i] = 1;
    k = kNext;
    t = tNext;
    chunks++;
    sample(Math.round(t / dt));
    progress?.(t);
  }
  return { updates, chunks };
}
