/**
 * The reference engine on a network description: compiles it to typed arrays, integrates it with the
 * fixed-step loop (networkLoop.ts) and the reference's fast-forward (networkFastForward.ts), records
 * spikes and probes. Random streams: background, stimulus and imposed spikes per neuron, plasticity
 * noise per target neuron, each keyed by (seed, trial, neuron, purpose).
 */
import { PairBuffer } from '../../model/network/edges.js';
import { descriptionIssues } from '../../model/network/validate.js';
import { entityStream, type RandomStream } from '../../random/streams.js';
import { compileNetwork } from '../network/compile.js';
import { NetworkProbes } from '../network/probes.js';
import { runSchedule } from '../network/schedule.js';
import { RunStopped, type NetworkCheckpointOptions, type NetworkResult, type NetworkRunSpec } from '../networkTypes.js';
import { stepCoefficients } from './detailedLoop.js';
import { fastForwardNetwork } from './networkFastForward.js';
import { initialNetworkState, integrateNetwork } from './networkLoop.js';
import { catchUp, resetRest } from './networkSynapses.js';
import { captureCheckpoint, restoreCheckpoint, runDigest, type CheckpointRunKey, type LoopCounters } from './networkCheckpoint.js';
import { imposedSpikes, ouStimulator } from '../network/inputs.js';
import { networkResult } from '../network/result.js';

/** Steps per loop call: progress and stop requests are looked at between chunks. */
const CHUNK = 5_000;

export type { NetworkCheckpointOptions } from '../networkTypes.js';

export function runReferenceNetwork(spec: NetworkRunSpec, checkpoints: NetworkCheckpointOptions = {}): NetworkResult {
  const d = spec.description;
  const issues = descriptionIssues(d);
  if (issues.length > 0) throw new Error(`network description '${d.name}': ${issues.join('; ')}`);
  const dt = spec.dt_ms * 1e-3;
  const P = d.params;
  const net = compileNetwork(d, spec.seed, dt);
  const k = stepCoefficients(P, dt);
  const st = initialNetworkState(net, k);
  const shared = entityStream(spec.seed, spec.trial, 'neuron', -1 >>> 0, 'plasticityNoise');
  const streams = {
    background: Array.from({ length: net.n }, (_, i): RandomStream => entityStream(spec.seed, spec.trial, 'neuron', i, 'backgroundNoise')),
    plasticity: Array.from({ length: net.n }, (_, i): RandomStream =>
      net.inStart[i + 1]! > net.inStart[i]! ? entityStream(spec.seed, spec.trial, 'neuron', i, 'plasticityNoise') : shared),
  };
  const imposed = imposedSpikes(spec, net, dt);
  const stimulate = ouStimulator(spec, net, st.iStim, dt);
  const probes = new NetworkProbes(d, net, spec.seed, dt);
  const log = new PairBuffer(); // (step, neuron) of every spike, in time order
  const NEVER = 0x7fffffff;
  const obs = {
    spike: (j: number, i: number) => log.push(j, i),
    observe: (j: number) => {
      catchUp(st.rest, st.c, st.h, P.h0, st.cPow, st.hPow, j);
      return probes.atStep(st, j, dt, NEVER);
    },
  };

  const parts = { st, streams, ou: stimulate.parts, imposed, probes, log };
  const runKey: CheckpointRunKey = { engine: 'reference', seed: spec.seed, trial: spec.trial, dt_ms: spec.dt_ms, fast_forward: spec.fastForward, neurons: net.n, synapses: net.nSyn, duration_s: d.duration_s, description: runDigest(spec) };
  let at = { segment: 0, step: 0 };
  let c: LoopCounters = { steps: 0, ffSteps: 0, maxDev: 0, lastStep: 0, ffIntervals: [] };
  if (checkpoints.resume) ({ position: at, counters: c } = restoreCheckpoint(checkpoints.resume, runKey, parts));
  let { steps, ffSteps, maxDev, lastStep } = c;
  const ffIntervals: Array<[number, number]> = [];
  for (let q = 0; q < c.ffIntervals.length; q += 2) ffIntervals.push([c.ffIntervals[q]!, c.ffIntervals[q + 1]!]);
  const every = checkpoints.save && checkpoints.every_s ? Math.max(1, Math.round(checkpoints.every_s / dt)) : 0;
  let nextCp = every > 0 ? (Math.floor(at.step / every) + 1) * every : Infinity;
  /** Saves a checkpoint when the run, about to continue at `step` of segment `segment`, has passed the next checkpoint time. */
  const maybeSave = (segment: number, step: number) => {
    if (step < nextCp) return;
    while (nextCp <= step) nextCp += every;
    save(segment, step);
  };
  /** Saves a checkpoint of the run about to continue at `step` of segment `segment`. */
  let savedAt = -1;
  const save = (segment: number, step: number) => {
    savedAt = step;
    const counters = { steps, ffSteps, maxDev, lastStep, ffIntervals: ffIntervals.flat() };
    checkpoints.save!(captureCheckpoint(runKey, step * dt, { segment, step }, counters, parts, checkpoints.borrow === true));
  };

  const schedule = runSchedule(d, dt, spec.fastForward);
  for (let si = at.segment; si < schedule.length; si++) {
    const seg = schedule[si]!;
    if (seg.mode === 'fast-forward') {
      ffIntervals.push([seg.from * dt, seg.to * dt]);
      catchUp(st.rest, st.c, st.h, P.h0, st.cPow, st.hPow, seg.from);
      ffSteps += fastForwardNetwork(net, P, st, seg.from * dt, seg.to * dt, (t) => {
        probes.atFastForward(st, t, dt);
        spec.onProgress?.(t);
      });
      resetRest(net, st.rest, st.h, P.h0, P.theta_tag, st.hPow, seg.to);
      lastStep = seg.to;
      if (every > 0) maybeSave(si + 1, schedule[si + 1]?.from ?? seg.to + 1);
      continue;
    }
    const start = si === at.segment ? Math.max(at.step, seg.from) : seg.from;
    for (let j0 = start; j0 <= seg.to;) {
      if (spec.shouldStop?.()) {
        if (checkpoints.save && savedAt !== j0) save(si, j0); // (unless a periodic checkpoint was just taken here)
        throw new RunStopped(j0 * dt, checkpoints.save !== undefined);
      }
      // chunks end where a checkpoint is due (chunking changes no number: the loop keeps no per-chunk state)
      const j1 = Math.min(seg.to, j0 + CHUNK - 1, nextCp > j0 ? nextCp - 1 : Infinity);
      const dev = integrateNetwork(net, k, st, j0, j1, streams, imposed, stimulate, obs, probes.nextStep(NEVER));
      if (Math.abs(dev) > Math.abs(maxDev)) maxDev = dev;
      steps += j1 - j0 + 1;
      lastStep = j1;
      spec.onProgress?.(j1 * dt);
      if (every > 0) maybeSave(j1 < seg.to ? si : si + 1, j1 < seg.to ? j1 + 1 : schedule[si + 1]?.from ?? j1 + 1);
      j0 = j1 + 1;
    }
  }

  catchUp(st.rest, st.c, st.h, P.h0, st.cPow, st.hPow, lastStep);
  const { source: step, target: neuron } = log.finish();
  return networkResult(net, { step, neuron }, dt, probes.finish(), {
    steps, fastForwardSteps: ffSteps, fastForwardIntervals: ffIntervals, maxDev_mV: maxDev,
    tagged: st.tagged.some((x) => x === 1), proteinSynthesis: st.synthesis.some((x) => x === 1),
  });
}
