/**
 * The `bss2` engine: one single-synapse trial as the BrainScaleS-2 chip would run it (MODEL.md §9).
 *
 * The analog front end (neuron, synapse, calcium; mismatch and noise) runs in hardware time; every
 * solver period the plasticity processor reads the calcium through the 8-bit CADC, updates h, z and p
 * in integer arithmetic and writes the 6-bit weight back. The chip has no fast-forward: the processor
 * keeps updating at its period for the whole protocol, and so does the emulation. Two exact shortcuts
 * keep it fast: a quiet analog core (no input, neuron at rest) is advanced in closed form, and while the
 * calcium cannot reach θ_d the processor runs a tight loop that stops at a fixed point of its integer map
 * (after which every update would repeat itself exactly).
 */
import { classifyOutcome } from '../../model/classify.js';
import { delaySteps } from '../../model/equations.js';
import { toSeconds } from '../../model/parameters.js';
import { stimulationSpan } from '../../model/protocols.js';
import { streamFor } from '../../random/streams.js';
import { StepCalciumWindow } from '../calciumWindow.js';
import { GridRecorder } from '../gridRecorder.js';
import { forcedSpikeSteps, presynapticSpikeSteps } from '../presynapticSpikes.js';
import type { NetworkDescription } from '../../model/network/description.js';
import { asSingleSynapse } from '../../model/network/singleSynapse.js';
import type { Engine, TrialResult, TrialSpec } from '../types.js';
import { Cadc } from './adc.js';
import { AnalogFrontend, analogCircuit, effectiveMismatch } from './analogFrontend.js';
import { Bss2ConfigError, resolveBss2Config } from './config.js';
import { IdealRandom, LfsrSequence, LFSR_PERIOD } from './lfsr.js';
import { bss2OptionSupport } from './options.js';
import { planBss2Network, runBss2Network } from './network/bss2Network.js';
import { PlasticityProcessor, ppuConstants } from './ppu.js';
import { Bss2Probes } from './probes.js';
import type { RandomBits } from './rounding.js';


export function runBss2Trial(spec: TrialSpec): TrialResult {
  const P = spec.params;
  const cfg = resolveBss2Config(spec.engineOptions, P, spec.dt_ms);
  if (P.sigma_wn !== 0) throw new Bss2ConfigError('--param', `the bss2 engine has no background noise source: sigma_wn must be 0 (got ${P.sigma_wn})`);
  const dt = spec.dt_ms * 1e-3;
  const m = Math.round(cfg.ppuPeriod_ms / spec.dt_ms); // analog steps per processor update
  const T = spec.protocol.duration_s;
  const nLast = Math.round(T / dt);
  const K = Math.floor(nLast / m); // processor updates in the run
  const period_s = m * dt;

  // --- hardware
  const circuit = analogCircuit(P, cfg, spec.seed, spec.trial);
  const consts = ppuConstants(P, cfg);
  const analog = new AnalogFrontend(circuit, dt, cfg.acceleration, consts.lsbW);
  const adc = new Cadc(
    { bits: cfg.adcBits, range: cfg.adcRange, gain: circuit.adcGain, offset_lsb: circuit.adcOffset_lsb, noise_lsb: cfg.adcNoise_lsb },
    streamFor(spec.seed, [spec.trial, 1], 'hardwareNoise'),
  );
  const codeD = adc.thresholdCode(P.theta_d), codeP = adc.thresholdCode(P.theta_p);
  const srStream = streamFor(spec.seed, [spec.trial], 'stochasticRounding');
  const rng: RandomBits = cfg.rng === 'lfsr' ? new LfsrSequence(srStream.nextUint32() % LFSR_PERIOD) : new IdealRandom(srStream);
  const ppu = new PlasticityProcessor(consts, cfg.rounding, rng, cfg.roundingBits);
  analog.weightCode = ppu.weightCode();

  // --- input
  const spikes = presynapticSpikeSteps(spec.protocol, dt, streamFor(spec.seed, [spec.trial], 'presynapticSpikes'));
  const nSpikes = spikes.length;
  const synDelay = delaySteps(toSeconds(P, 't_syn_delay'), dt);
  const caDelay = delaySteps(toSeconds(P, 't_c_delay'), dt);
  let iPsp = 0, iCa = 0;
  let nextPsp = nSpikes > 0 ? spikes[0]! + synDelay : Infinity;
  let nextCa = nSpikes > 0 ? spikes[0]! + caDelay : Infinity;
  // forced postsynaptic spikes (pairing protocols): the neuron is driven, it fires at these steps only
  const forced = forcedSpikeSteps(spec.protocol.postSpikeTimes_s ?? [], dt);
  analog.driven = spec.protocol.postSpikeTimes_s !== undefined;
  let iForced = 0;
  let nextForced = forced.length > 0 ? forced[0]! : Infinity;

  // --- recording
  const rec = new GridRecorder(T, spec.sampleInterval_s);
  const nextRecordK = () => Math.ceil(rec.nextTime() / period_s - 1e-9);
  const record = () => rec.put(ppu.h_mV(), ppu.z(), ppu.p());
  const span = stimulationSpan(spec.protocol);
  const caWindow = spec.recordCalcium && span ? new StepCalciumWindow(span.first_s, dt, nLast) : undefined;
  const caFrom = caWindow ? caWindow.from : Infinity, caTo = caWindow ? caWindow.to : -Infinity;
  if (rec.nextTime() <= 1e-12) record();
  // the user's probes: what the chip holds at their sample times (probes.ts)
  const probes = spec.probes && spec.probes.length > 0 ? new Bss2Probes(spec, dt, nLast, consts, analog, m) : undefined;
  if (probes?.next === 0) probes.sample(0, ppu);
  const vRest = circuit.vRest;
  const nextIdleRecord = probes ? () => Math.min(nextRecordK(), probes.nextUpdate()) : nextRecordK;
  const onIdleRecord = probes
    ? (u: number) => {
      if (u >= nextRecordK()) record();
      probes.afterUpdate(u, ppu);
    }
    : () => record();

  let analogSteps = 0;
  let k = 0;
  while (k < K) {
    const j0 = k * m, j1 = j0 + m;
    const nextEvent = Math.min(nextPsp, nextCa, nextForced);
    const inWindow = j1 >= caFrom && j0 <= caTo;
    if (!inWindow && nextEvent > j1 && analog.quiet() && adc.surelyBelow(analog.c, codeD)) {
      // Quiet stretch: no input until nextEvent, calcium below θ_d. Run the processor alone.
      let kStop = nextEvent === Infinity ? K : Math.min(K, Math.floor((nextEvent - 1) / m));
      if (caFrom !== Infinity && caFrom > j0) kStop = Math.min(kStop, Math.floor(caFrom / m));
      const n = kStop - k;
      if (n >= 1) {
        if (probes) {
          probes.quiet(j0, kStop * m, vRest);
          probes.afterUpdate(k, ppu);
        }
        const done = ppu.idle(n, k, nextIdleRecord, onIdleRecord);
        if (done < n) {
          // fixed point: every further update repeats itself exactly
          rec.hold(Math.min(T, kStop * period_s), ppu.h_mV(), ppu.z(), ppu.p());
        }
        probes?.fillQuiet(kStop * m, ppu);
        analog.decayQuiet(n * m);
        analog.weightCode = ppu.weightCode();
        k = kStop;
        continue;
      }
    }
    // Active period: step the analog core to the next update.
    if (!inWindow && nextEvent > j1 && analog.quiet()) {
      if (probes) {
        probes.quiet(j0, j1 - 1, vRest);
        probes.fillQuiet(j1 - 1, ppu);
      }
      analog.decayQuiet(m);
    } else {
      for (let j = j0 + 1; j <= j1; j++) {
        const psp = j === nextPsp;
        if (psp) {
          iPsp++;
          nextPsp = iPsp < nSpikes ? spikes[iPsp]! + synDelay : Infinity;
        }
        const ca = j === nextCa;
        if (ca) {
          iCa++;
          nextCa = iCa < nSpikes ? spikes[iCa]! + caDelay : Infinity;
        }
        const post = j === nextForced;
        if (post) nextForced = ++iForced < forced.length ? forced[iForced]! : Infinity;
        const fired = analog.step(psp, ca, post);
        analogSteps++;
        if (probes !== undefined) {
          if (fired) probes.postSpike(j);
          if (j === probes.next && j < j1) probes.sample(j, ppu);
        }
        if (caWindow?.samples(j)) caWindow.put(j, analog.c, ppu.h_mV());
      }
    }
    const code = adc.read(analog.c);
    ppu.update(code >= codeP ? 2 : code >= codeD ? 1 : 0, k + 1);
    analog.weightCode = ppu.weightCode();
    k++;
    while (k >= nextRecordK()) record();
    if (probes?.next === j1) probes.sample(j1, ppu);
  }
  rec.hold(T, ppu.h_mV(), ppu.z(), ppu.p());
  if (probes) {
    // after the last whole solver period the chip is not updated any more (see probes.ts)
    probes.quiet(K * m, nLast, analog.v);
    probes.fillQuiet(nLast, ppu);
  }

  const calcium = caWindow?.trace();
  const maxDev_mV = ppu.maxDev * consts.lsbH;
  const cy = cfg.cycles;
  return {
    trial: spec.trial,
    t_s: rec.t_s,
    h_mV: rec.h_mV,
    z: rec.z,
    p: rec.p,
    calcium,
    maxDev_mV,
    tagged: ppu.tagged,
    proteinSynthesis: ppu.proteinSynthesis,
    outcome: classifyOutcome(maxDev_mV, ppu.tagged, ppu.proteinSynthesis),
    preSpikes: nSpikes,
    postSpikes: analog.postSpikes,
    pMax: ppu.pMax * consts.lsbP,
    tPMax_s: ppu.kPMax * period_s,
    steps: analogSteps + ppu.computed,
    ...(probes ? { probes: probes.finish(spikes) } : {}),
    diagnostics: {
      biologicalTime_s: T,
      hardwareTime_s: T / cfg.acceleration,
      acceleration: cfg.acceleration,
      format: cfg.format,
      rounding: cfg.rounding,
      rng: cfg.rng,
      roundingBits: cfg.roundingBits,
      ppuPeriod_ms: cfg.ppuPeriod_ms,
      ppuPeriodHardware_us: (cfg.ppuPeriod_ms * 1000) / cfg.acceleration,
      ppuUpdates: K,
      ppuUpdatesComputed: ppu.computed,
      cyclesPerUpdate: cy.cyclesPerUpdate,
      cyclesAvailable: cy.cyclesAvailable,
      utilisation: cy.utilisation,
      minPeriod_ms: cy.minPeriod_ms,
      maxSynapses: cy.maxSynapses,
      feasible: cy.feasible,
      warnings: [...cfg.warnings, ...consts.underflows.map((u) => `coefficient of ${u} is below the format's resolution (frozen)`)].join('; '),
      mismatchEffective: effectiveMismatch(cfg),
      saturations_h: ppu.sat.h,
      saturations_z: ppu.sat.z,
      saturations_p: ppu.sat.p,
      saturations_weight: ppu.sat.weight,
      saturations_adc: adc.saturations,
      randomDraws: ppu.rounder.draws,
    },
  };
}

export const bss2Engine: Engine = {
  name: 'bss2',
  description: 'BrainScaleS-2 emulation: analog calcium and neuron with mismatch, 8-bit ADC, integer plasticity processor with rounding modes and a cycle budget',
  recordsProbes: true,
  runTrial: runBss2Trial,
  ...bss2OptionSupport,
  cannotRun: bss2CannotRun,
  runNetwork: (spec) => runBss2Network(spec, spec.engineOptions ?? {}),
};

/**
 * One synapse: no background noise source. A network: it must fit one chip with the default settings
 * (mapped with connectivity seed 1; a run maps its own seed and refuses if that one does not fit).
 */
function bss2CannotRun(d: NetworkDescription): string | undefined {
  if (!('reason' in asSingleSynapse(d))) {
    return d.params.sigma_wn !== 0 ? `the chip emulation has no background noise source (sigma_wn = ${d.params.sigma_wn}, must be 0)` : undefined;
  }
  try {
    planBss2Network({ description: d, seed: 1, dt_ms: 0.2 }, {});
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
