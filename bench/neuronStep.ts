/**
 * The fast engine's neuron step alone: `npm run bench:neurons` (or `node dist/bench/neuronStep.js
 * [--steps S] [--rounds R] [--seed S]`).
 *
 * The 2000 neurons of the memory paradigm (10 s recall) stepped S steps with the reference engine's
 * stepNeurons (reference/networkLoop.ts, one RandomStream object per neuron, as the fast engine did
 * until fastNeurons.ts) and with the fast engine's FastNeurons, alternating in R rounds in one process
 * so that both see the same machine load; CPU ns per neuron-step (median over rounds) and their ratio. Both
 * are fed the same synaptic currents (a kick to a random neuron now and then, as PSPs would), and must
 * end in the same state, bit for bit. The floor: what one background Gaussian costs by itself (half a
 * Box–Muller pair: Math.log, Math.sqrt, Math.sin and Math.cos of two xoshiro128** outputs), the numbers
 * the step must draw to stay the reference's. Third, FastNeurons with the ziggurat (engine option
 * backgroundGaussians): the same law, other numbers.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { compileNetwork } from '../src/engines/network/compile.js';
import { stepCoefficients } from '../src/engines/reference/detailedLoop.js';
import { stepNeurons, type NetworkObserver } from '../src/engines/reference/networkLoop.js';
import { createRank, type FastRank } from '../src/engines/fast/fastRank.js';
import { soloTeam } from '../src/engines/team.js';
import { memoryParadigm } from '../src/model/network/memoryParadigm.js';
import { entityStream, streamFor, type RandomStream } from '../src/random/streams.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' }, seed: { type: 'string', default: '1' } } });
const STEPS = Number(values.steps), ROUNDS = Number(values.rounds), SEED = Number(values.seed);
const DT = 2e-4;
/** This process's CPU time, ms: the machine is shared, and wall time would count other processes' turns. */
const cpuMs = () => process.cpuUsage().user / 1e3;

const { description } = memoryParadigm({ recall: '10s' });
const spec = { description, seed: SEED, trial: 0, dt_ms: 0.2, fastForward: false };
const net = compileNetwork(description, SEED, DT);
const k = stepCoefficients(description.params, DT);
/** Three ranks of one thread: stepped by the reference's stepNeurons, by FastNeurons, and by FastNeurons with the ziggurat. */
const [refRank, fastRank] = [0, 1].map(() => createRank(spec, net, k, DT, soloTeam)) as [FastRank, FastRank];
const zigRank = createRank({ ...spec, engineOptions: { backgroundGaussians: 'ziggurat' } }, net, k, DT, soloTeam);
const streams: RandomStream[] = Array.from({ length: net.n }, (_, i) => entityStream(SEED, 0, 'neuron', i, 'backgroundNoise'));
const obs: NetworkObserver = { spike: () => {}, observe: (j) => j };
const kicks = streamFor(SEED, [0x6b], 'sampling');
const kickOf = new Int32Array(STEPS * ROUNDS).map(() => Math.floor(kicks.uniform() * net.n));

function stepRef(j0: number): number {
  const { net: ln, st, lam } = refRank.local;
  const t0 = cpuMs();
  for (let j = j0; j < j0 + STEPS; j++) {
    st.iSyn[kickOf[j]!] += 0.3;
    stepNeurons(ln, k, st, j, streams, refRank.imposed, obs, lam);
    st.spiked.fill(0);
  }
  return cpuMs() - t0;
}

function stepFast(j0: number, rank = fastRank): number {
  const st = rank.local.st;
  const t0 = cpuMs();
  for (let j = j0; j < j0 + STEPS; j++) {
    st.iSyn[kickOf[j]!] += 0.3;
    rank.stepNeurons(j);
    st.spiked.fill(0);
  }
  return cpuMs() - t0;
}

/** ms for STEPS × n Gaussians, half Box–Muller pairs as RandomStream draws them. */
function gaussians(): number {
  const s = streamFor(SEED, [0x6c], 'sampling');
  let sum = 0;
  const t0 = cpuMs();
  for (let q = STEPS * net.n; q > 0; q--) sum += s.gaussian();
  const ms = cpuMs() - t0;
  if (Number.isNaN(sum)) throw new Error('NaN');
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ns = (ms: number) => (ms * 1e6) / (STEPS * net.n);
console.log(`neuron step: ${net.n} neurons, ${STEPS} steps × ${ROUNDS} rounds, seed ${SEED}; ${cpus()[0]?.model ?? '?'}; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const t = { ref: [] as number[], fast: [] as number[], zig: [] as number[], gauss: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  t.ref.push(ns(stepRef(r * STEPS)));
  t.fast.push(ns(stepFast(r * STEPS)));
  t.zig.push(ns(stepFast(r * STEPS, zigRank)));
  t.gauss.push(ns(gaussians()));
  console.log(`  round ${r + 1}: reference stepNeurons ${t.ref[r]!.toFixed(1)} ns, FastNeurons ${t.fast[r]!.toFixed(1)} ns, with the ziggurat ${t.zig[r]!.toFixed(1)} ns, one Gaussian ${t.gauss[r]!.toFixed(1)} ns per neuron-step`);
}
const a = refRank.local.st, b = fastRank.local.st;
const same = (['v', 'iSyn', 'iBg', 'p'] as const).every((key) => a[key].every((x, i) => Object.is(x, b[key][i])));
console.log(`median ns per neuron-step: reference ${median(t.ref).toFixed(1)}, FastNeurons ${median(t.fast).toFixed(1)} (${(median(t.ref) / median(t.fast)).toFixed(2)}× less), of which ≤ ${median(t.gauss).toFixed(1)} the Gaussian; same state bit for bit: ${same ? 'yes' : 'NO'}`);
console.log(`with the ziggurat (--background-gaussians ziggurat: the same law, other numbers): ${median(t.zig).toFixed(1)} ns (${(median(t.fast) / median(t.zig)).toFixed(2)}× less than FastNeurons with Box–Muller)`);
console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (!same) process.exitCode = 1;
