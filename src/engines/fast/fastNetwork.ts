/**
 * The fast network engine's run: neurons stepped on the grid as the reference engine steps them
 * (its stepNeurons, the same streams), plastic synapses advanced lazily (lazySynapses.ts), and a
 * fast-forward that touches only the neurons and the synapses whose tags end (fastForward.ts).
 * Within step j:
 *  1. every neuron (membrane, background, protein with Σ|h − h0| of the previous step); Λ += p·dt;
 *  2. PSPs of spikes from `delay` steps ago, with the weight of step j − 1 read from the lazy synapse;
 *  3. every neuron's Σ|h − h0| decays by e_0; calcium jumps of presynaptic spikes t_c,delay ago and of
 *     this step's postsynaptic spikes (each synapse brought to step j − 1, then c jumps); then the
 *     wake-ups due (ends of calcium episodes, ends of tags); then, for neurons whose protein
 *     synthesis is in question, their synapses in an episode brought to step j.
 *
 * A run may be split across the ranks of a Team (partition.ts, fastRank.ts): each rank does these
 * steps for its own neurons and the synapses ending on them. Step j needs other ranks' spikes only
 * from steps ≤ j − d (d the smallest synaptic or calcium delay), so the ranks meet once per d steps
 * (NEST's min-delay exchange). Every target neuron receives the same additions and draws the same
 * numbers in the same order however the network is split: results are bit-identical for any number of
 * ranks, and one rank is the single-thread engine.
 *
 * Checkpoints (fastCheckpoint.ts) are taken between chunks, where every rank has finished its steps; one
 * saved on any number of ranks resumes on any number.
 */
import { descriptionIssues } from '../../model/network/validate.js';
import { compileNetwork } from '../network/compile.js';
import { runSchedule } from '../network/schedule.js';
import { RunStopped, type NetworkCheckpointOptions, type NetworkResult, type NetworkRunSpec } from '../networkTypes.js';
import { stepCoefficients } from '../reference/detailedLoop.js';
import { networkResult } from '../network/result.js';
import { soloTeam, type Team } from '../team.js';
import { fastForwardLazy } from './fastForward.js';
import { runDigest, type CheckpointRunKey, type LoopCounters } from '../reference/networkCheckpoint.js';
import { captureFast, checkpointStage, combinedOutcome, restoreFast, stageRank, unstageRank } from './fastCheckpoint.js';
import { createRank, OUTCOME, type FastRank } from './fastRank.js';

/** Steps per chunk: progress and stop requests are looked at between chunks. */
const CHUNK = 5_000;
/** Steps between exact recomputations of the neurons' Σ|h − h0| (the incremental updates accumulate rounding). */
const RECOMPUTE_EVERY = 50_000;
const NEVER = 0x7fffffff;

/** Step 2: PSPs of the spikes `delay` steps ago onto this rank's neurons (plastic weights as of step j − 1). */
function deliverPsps(r: FastRank, j: number): void {
  const { net, syn, iSyn } = r;
  const { ring, count, size, ranks, bounds } = r.spikes;
  const rMem = net.neurons.rMem, n = net.n;
  for (let gi = 0; gi < net.delays.length; gi++) {
    const g = net.delays[gi]!;
    const sent = j - g.delaySteps;
    if (sent < 0) continue;
    const slot = sent % size;
    const { from, to } = r.psp[gi]!;
    const { target, kicks, kickOf, synapse } = g;
    // every rank's spikes of that step, in rank order: ascending neuron index, as on one thread
    for (let q0 = 0; q0 < ranks; q0++) {
      const base = slot * n + bounds[q0]!, cnt = count[slot * ranks + q0]!;
      for (let q = 0; q < cnt; q++) {
        const m = ring[base + q]!;
        for (let e = from[m]!, end = to[m]!; e < end; e++) {
          const t = target[e]!, s = synapse[e]!;
          iSyn[t] = iSyn[t]! + (s < 0 ? kicks[kickOf[e]!]! : syn.weight(s, j - 1) / rMem[t]!);
        }
      }
    }
  }
}

/** Step 3: calcium jumps of step j (presynaptic arrivals first, then postsynaptic spikes), wake-ups, the synthesis check. */
function stepSynapses(r: FastRank, j: number): void {
  const { net, syn, k } = r;
  const { ring, count, size, ranks, bounds } = r.spikes;
  const n = net.n;
  syn.step = j;
  syn.decaySums(1);
  const { from, to, synapse } = r.ca;
  const sent = j - net.caDelay;
  if (sent >= 0) {
    const slot = sent % size;
    for (let q0 = 0; q0 < ranks; q0++) {
      const base = slot * n + bounds[q0]!, cnt = count[slot * ranks + q0]!;
      for (let q = 0; q < cnt; q++) {
        const m = ring[base + q]!;
        for (let e = from[m]!, end = to[m]!; e < end; e++) {
          const s = synapse[e]!;
          if (s >= 0) syn.jump(s, j, k.cPre);
        }
      }
    }
  }
  const slot = j % size, base = slot * n + r.lo, cnt = count[slot * ranks + r.team.rank]!;
  for (let q = 0; q < cnt; q++) {
    const t = ring[base + q]!;
    for (let s = net.inStart[t]!, end = net.inStart[t + 1]!; s < end; s++) syn.jump(s, j, k.cPost);
    syn.markCurrent(t, j);
  }
  syn.wakeThrough(j);
  syn.checkSynthesis(j, net.inStart);
  if (j % RECOMPUTE_EVERY === 0) syn.recomputeSums(net.inStart);
}

/** Rank 0 copies the exchanged spikes of the steps after `logged` through jLast into its log. */
function logThrough(r: FastRank, jLast: number): void {
  if (r.team.rank !== 0) return;
  r.spikes.collect(r.logged + 1, jLast + 1, r.log);
  r.logged = Math.max(r.logged, jLast);
}

/** Probes at step j (every rank brings its probed synapses to j, rank 0 samples); returns the next step wanted. */
function observe(r: FastRank, j: number, sample: () => number): number {
  r.syn.step = j;
  r.syn.advanceAll(r.probed, j);
  r.team.barrier();
  let next = NEVER;
  if (r.team.rank === 0) {
    logThrough(r, j);
    if (r.cView !== r.syn.c) for (const s of r.probed) r.cView[s] = r.syn.c[s]! / r.k.eC;
    next = sample();
  }
  return r.team.broadcast(next);
}

/** Integrates steps jFrom … jTo (inclusive), all ranks in step; observes at the steps the probes ask for. */
function integrate(r: FastRank, jFrom: number, jTo: number, nextObserve: number, dt: number): void {
  const { team, local, spikes } = r;
  let nextObs = nextObserve;
  for (let j = jFrom; j <= jTo; j++) {
    if (j !== jFrom && (j - jFrom) % r.window === 0) {
      // every rank's spikes through step j − 1 are written: exchange (and log them)
      team.barrier();
      logThrough(r, j - 1);
    }
    r.stimulate(j);
    r.stepNeurons(j);
    spikes.publish(team.rank, j, local.st.ring, local.st.ringCount[0]!);
    if (r.sameStep) team.barrier();
    deliverPsps(r, j);
    stepSynapses(r, j);
    local.st.spiked.fill(0);
    if (j === nextObs) nextObs = observe(r, j, () => r.probes.atStep(r.view, j, dt, NEVER));
  }
}

/** A fast-forward stretch (all ranks): spikes logged and the exchange emptied first. */
function fastForward(r: FastRank, spec: NetworkRunSpec, from: number, to: number, dt: number): number {
  const { team, local, syn } = r;
  team.barrier();
  logThrough(r, from);
  if (team.rank === 0) r.spikes.count.fill(0);
  r.logged = to; // no spikes in a fast-forward
  team.barrier();
  return fastForwardLazy(spec.description.params, local.st, local.lam, syn, from, to, dt, (t, j) => {
    observe(r, j, () => {
      r.probes.atFastForward(r.view, t, dt);
      spec.onProgress?.(t);
      return NEVER;
    });
  });
}

/**
 * Runs rank team.rank's part of the network (every rank calls this with the same spec); rank 0
 * returns the whole run's result, the others undefined. `checkpoints` are rank 0's (the others' are
 * ignored): it saves every `every_s` of simulated time, and where it stands when spec.shouldStop stops it,
 * or resumes from `resume`.
 */
export function runFastNetworkPart(spec: NetworkRunSpec, team: Team, checkpoints: NetworkCheckpointOptions = {}): NetworkResult | undefined {
  const d = spec.description;
  const issues = descriptionIssues(d);
  if (issues.length > 0) throw new Error(`network description '${d.name}': ${issues.join('; ')}`);
  const dt = spec.dt_ms * 1e-3;
  // compiled once, by rank 0; the other ranks read its arrays in shared memory
  const net = team.shareValue(team.rank === 0 ? compileNetwork(d, spec.seed, dt) : undefined);
  const k = stepCoefficients(d.params, dt);
  const r = createRank(spec, net, k, dt, team);
  const runKey: CheckpointRunKey = { engine: 'fast', seed: spec.seed, trial: spec.trial, dt_ms: spec.dt_ms, fast_forward: spec.fastForward, neurons: net.n, synapses: net.nSyn, duration_s: d.duration_s, description: runDigest(spec) };
  // every rank learns rank 0's checkpoint interval (steps) and whether it resumes (each a barrier: all ranks are set up)
  const every = team.broadcast(checkpoints.save && checkpoints.every_s ? Math.max(1, Math.round(checkpoints.every_s / dt)) : 0);
  const resuming = team.broadcast(checkpoints.resume ? 1 : 0) === 1;
  // whether a stopped run saves where it stands (a collective step: every rank must agree)
  const saves = team.broadcast(checkpoints.save ? 1 : 0) === 1;
  const stage = every > 0 || resuming || saves ? checkpointStage(team, net) : undefined;
  let c: LoopCounters = { steps: 0, ffSteps: 0, maxDev: 0, lastStep: 0, ffIntervals: [] };
  let at = { segment: 0, step: 0 };
  if (resuming) {
    const outcome = team.rank === 0 ? restoreFast(checkpoints.resume!, r, stage!, runKey) : new Float64Array(OUTCOME);
    at = { segment: team.broadcast(checkpoints.resume?.position.segment ?? 0), step: team.broadcast(checkpoints.resume?.position.step ?? 0) };
    unstageRank(r, stage!, outcome);
    if (team.rank === 0) c = checkpoints.resume!.counters;
  }
  let { steps, ffSteps } = c;
  const ffIntervals: Array<[number, number]> = [];
  for (let q = 0; q < c.ffIntervals.length; q += 2) ffIntervals.push([c.ffIntervals[q]!, c.ffIntervals[q + 1]!]);
  let nextCp = every > 0 ? (Math.floor(at.step / every) + 1) * every : Infinity;
  /** Collective: a checkpoint when the run, about to continue at `step` of segment `segment`, has passed the next checkpoint time. */
  const maybeSave = (segment: number, step: number) => {
    if (step < nextCp) return;
    while (nextCp <= step) nextCp += every;
    save(segment, step);
  };
  /** Collective: a checkpoint of the run about to continue at `step` of segment `segment`. */
  let savedAt = -1;
  const save = (segment: number, step: number) => {
    savedAt = step;
    team.barrier();
    logThrough(r, step - 1);
    stageRank(r, stage!);
    team.barrier();
    if (team.rank === 0) {
      const counters = { steps, ffSteps, maxDev: 0, lastStep: step - 1, ffIntervals: ffIntervals.flat() };
      checkpoints.save!(captureFast(r, stage!, runKey, { segment, step }, counters, dt, checkpoints.borrow === true));
    }
    team.barrier();
  };
  const schedule = runSchedule(d, dt, spec.fastForward);
  for (let si = at.segment; si < schedule.length; si++) {
    const seg = schedule[si]!, next = schedule[si + 1]?.from ?? seg.to + 1;
    if (seg.mode === 'fast-forward') {
      ffIntervals.push([seg.from * dt, seg.to * dt]);
      ffSteps += fastForward(r, spec, seg.from, seg.to, dt);
      maybeSave(si + 1, next);
      continue;
    }
    const start = si === at.segment ? Math.max(at.step, seg.from) : seg.from;
    r.logged = start - 1;
    for (let j0 = start; j0 <= seg.to;) {
      if (team.broadcast(spec.shouldStop?.() ? 1 : 0) === 1) {
        if (saves && savedAt !== j0) save(si, j0); // (unless a periodic checkpoint was just taken here)
        throw new RunStopped(j0 * dt, saves);
      }
      logThrough(r, j0 - 1);
      // chunks end where a checkpoint is due (chunking changes no number)
      const j1 = Math.min(seg.to, j0 + CHUNK - 1, nextCp > j0 ? nextCp - 1 : Infinity);
      integrate(r, j0, j1, team.broadcast(team.rank === 0 ? r.probes.nextStep(NEVER) : 0), dt);
      steps += j1 - j0 + 1;
      if (team.rank === 0) spec.onProgress?.(j1 * dt);
      if (j1 < seg.to) maybeSave(si, j1 + 1);
      j0 = j1 + 1;
    }
    team.barrier();
    logThrough(r, seg.to);
    maybeSave(si + 1, next);
  }
  r.outcome.set(r.syn.outcome(), OUTCOME * team.rank);
  team.barrier();
  if (team.rank !== 0) return undefined;
  const [maxDev, tagged, advances, ouSamples, bridgeSamples, refreshes] = combinedOutcome(r) as [number, number, number, number, number, number];
  const work = { synapse_advances: advances, ou_transitions: ouSamples, bridge_samples: bridgeSamples, synthesis_checks: refreshes };
  const { source: step, target: neuron } = r.log.finish();
  return networkResult(net, { step, neuron }, dt, r.probes.finish(), {
    steps, fastForwardSteps: ffSteps, fastForwardIntervals: ffIntervals, maxDev_mV: maxDev,
    tagged: tagged === 1, proteinSynthesis: r.synthesis.some((x) => x === 1), work,
  });
}

/** The fast engine on one thread. */
export function runFastNetwork(spec: NetworkRunSpec, checkpoints: NetworkCheckpointOptions = {}): NetworkResult {
  return runFastNetworkPart(spec, soloTeam, checkpoints)!;
}
