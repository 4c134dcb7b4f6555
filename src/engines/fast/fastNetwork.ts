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
 */
import { descriptionIssues } from '../../model/network/validate.js';
import { compileNetwork } from '../network/compile.js';
import { runSchedule } from '../network/schedule.js';
import type { NetworkResult, NetworkRunSpec } from '../networkTypes.js';
import { stepCoefficients } from '../reference/detailedLoop.js';
import { networkResult } from '../network/result.js';
import { soloTeam, type Team } from '../team.js';
import { fastForwardLazy } from './fastForward.js';
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
  const { ring, count, size, ranks, bounds, n } = r.spikes;
  for (let j = r.logged + 1; j <= jLast; j++) {
    const slot = j % size;
    for (let q0 = 0; q0 < ranks; q0++) {
      const base = slot * n + bounds[q0]!, cnt = count[slot * ranks + q0]!;
      for (let q = 0; q < cnt; q++) r.log.push(j, ring[base + q]!);
    }
  }
  r.logged = jLast;
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
 * returns the whole run's result, the others undefined.
 */
export function runFastNetworkPart(spec: NetworkRunSpec, team: Team): NetworkResult | undefined {
  const d = spec.description;
  const issues = descriptionIssues(d);
  if (issues.length > 0) throw new Error(`network description '${d.name}': ${issues.join('; ')}`);
  const dt = spec.dt_ms * 1e-3;
  // compiled once, by rank 0; the other ranks read its arrays in shared memory
  const net = team.shareValue(team.rank === 0 ? compileNetwork(d, spec.seed, dt) : undefined);
  const k = stepCoefficients(d.params, dt);
  const r = createRank(spec, net, k, dt, team);
  let steps = 0, ffSteps = 0;
  const ffIntervals: Array<[number, number]> = [];
  for (const seg of runSchedule(d, dt, spec.fastForward)) {
    if (seg.mode === 'fast-forward') {
      ffIntervals.push([seg.from * dt, seg.to * dt]);
      ffSteps += fastForward(r, spec, seg.from, seg.to, dt);
      continue;
    }
    r.logged = seg.from - 1;
    for (let j0 = seg.from; j0 <= seg.to; j0 += CHUNK) {
      if (team.broadcast(spec.shouldStop?.() ? 1 : 0) === 1) throw new Error(`run stopped at t = ${(j0 * dt).toFixed(3)} s`);
      logThrough(r, j0 - 1);
      const j1 = Math.min(seg.to, j0 + CHUNK - 1);
      integrate(r, j0, j1, team.broadcast(team.rank === 0 ? r.probes.nextStep(NEVER) : 0), dt);
      steps += j1 - j0 + 1;
      if (team.rank === 0) spec.onProgress?.(j1 * dt);
    }
    team.barrier();
    logThrough(r, seg.to);
  }
  const mine = r.outcome.subarray(OUTCOME * team.rank, OUTCOME * (team.rank + 1)), syn = r.syn;
  mine.set([syn.maxDev, syn.everTagged ? 1 : 0, syn.advances, syn.ouSamples, syn.bridgeSamples, syn.refreshes]);
  team.barrier();
  if (team.rank !== 0) return undefined;
  // the largest |h − h0| of all ranks (the first rank's on a tie: an exact tie of two noisy deviations is not expected)
  let maxDev = 0, tagged = false;
  const work = { synapse_advances: 0, ou_transitions: 0, bridge_samples: 0, synthesis_checks: 0 };
  for (let q = 0; q < team.size; q++) {
    const [d, t, a, o, b, c] = r.outcome.subarray(OUTCOME * q, OUTCOME * (q + 1));
    if (Math.abs(d!) > Math.abs(maxDev)) maxDev = d!;
    tagged ||= t === 1;
    work.synapse_advances += a!;
    work.ou_transitions += o!;
    work.bridge_samples += b!;
    work.synthesis_checks += c!;
  }
  const { source: step, target: neuron } = r.log.finish();
  return networkResult(net, { step, neuron }, dt, r.probes.finish(), {
    steps, fastForwardSteps: ffSteps, fastForwardIntervals: ffIntervals, maxDev_mV: maxDev,
    tagged, proteinSynthesis: r.synthesis.some((x) => x === 1), work,
  });
}

/** The fast engine on one thread. */
export function runFastNetwork(spec: NetworkRunSpec): NetworkResult {
  return runFastNetworkPart(spec, soloTeam)!;
}
