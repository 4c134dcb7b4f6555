/**
 * Would a ziggurat do for the neurons' background? `node dist/bench/neuronNoise.js [--neurons N]
 * [--seconds T] [--seed S]` (not part of `npm run bench`: a statistical study, not a timing).
 *
 * The fast engine's neuron step spends most of its time in the background's Box–Muller Gaussians
 * (BENCHMARKS.md, "The fast engine's neuron step"). A ziggurat (engines/exact/ziggurat.ts) is cheaper
 * but draws other numbers, so the engine's spikes would no longer be the reference's paired by seed;
 * it would be acceptable only if the neurons' statistics are the same. This runs unconnected LIF
 * neurons with their OU background — the memory paradigm's neuron, and the same neuron with a stronger
 * mean drive and with stronger noise (N of each) — through the reference engine's stepNeurons for T
 * seconds, once with each neuron's background stream drawing Box–Muller Gaussians and once drawing
 * ziggurat Gaussians from the same streams (independent numbers). Per neuron: firing rate, CV of the
 * inter-spike intervals, mean and SD of the membrane potential (after a 1 s warm-up). Neurons are
 * independent, so each statistic's mean over the N neurons has SE = SD/√N, and the two generators
 * differ significantly where |z| = |Δ| / √(SE₁² + SE₂²) > 2 (expected in ≈ 5 % of comparisons by chance).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { compileNetwork } from '../src/engines/network/compile.js';
import { gaussianZiggurat } from '../src/engines/exact/ziggurat.js';
import { stepCoefficients } from '../src/engines/reference/detailedLoop.js';
import { initialNetworkState, stepNeurons, type NetworkObserver } from '../src/engines/reference/networkLoop.js';
import type { NetworkDescription } from '../src/model/network/description.js';
import { memoryParadigm } from '../src/model/network/memoryParadigm.js';
import { entityStream, RandomStream } from '../src/random/streams.js';

const { values } = parseArgs({ options: { neurons: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' } } });
const N = Number(values.neurons), T = Number(values.seconds), SEED = Number(values.seed);
const DT = 2e-4, WARMUP_S = 1, V_EVERY = 5;

/** A stream that answers gaussian() with the ziggurat (its own 32-bit words, so other numbers than Box–Muller). */
class ZigguratStream extends RandomStream {
  override gaussian(): number {
    return gaussianZiggurat(this);
  }
}

const base = memoryParadigm().description;
const P = base.params;
const groups = [
  { name: 'paradigm', neuron: {} },
  { name: 'driven', neuron: { i_0: 0.7 } },
  { name: 'noisy', neuron: { sigma_wn: 0.15 } },
];
const description: NetworkDescription = {
  name: 'unconnected', params: P, duration_s: T, projections: [], stimuli: [], probes: [],
  populations: groups.map((g) => ({ name: g.name, size: N, neuron: g.neuron })),
};
const net = compileNetwork(description, SEED, DT);
const k = stepCoefficients(P, DT);

interface Stats { rate: Float64Array; cv: Float64Array; vMean: Float64Array; vSd: Float64Array }

/** T seconds of every neuron; per-neuron statistics after the warm-up. */
function run(ziggurat: boolean): Stats & { cpu_s: number } {
  const st = initialNetworkState(net, k);
  const streams = Array.from({ length: net.n }, (_, i) =>
    ziggurat ? Object.setPrototypeOf(entityStream(SEED, 0, 'neuron', i, 'backgroundNoise'), ZigguratStream.prototype) as RandomStream : entityStream(SEED, 0, 'neuron', i, 'backgroundNoise'));
  const last = new Float64Array(net.n).fill(NaN), isiSum = new Float64Array(net.n), isiSq = new Float64Array(net.n), isiN = new Float64Array(net.n);
  const count = new Float64Array(net.n), vSum = new Float64Array(net.n), vSq = new Float64Array(net.n);
  const obs: NetworkObserver = { spike: () => {}, observe: (j) => j };
  const imposed = { step: new Int32Array(0), neuron: new Int32Array(0), pos: 0 };
  const warm = Math.round(WARMUP_S / DT), steps = Math.round(T / DT);
  let samples = 0;
  const cpu0 = process.cpuUsage();
  for (let j = 0; j < steps; j++) {
    stepNeurons(net, k, st, j, streams, imposed, obs);
    if (j < warm) {
      st.spiked.fill(0);
      continue;
    }
    for (let q = 0, c = st.ringCount[j % st.ringSize]!; q < c; q++) {
      const i = st.ring[(j % st.ringSize) * net.n + q]!;
      count[i]++;
      if (last[i] === last[i]) {
        const isi = (j - last[i]!) * DT;
        isiSum[i] += isi;
        isiSq[i] += isi * isi;
        isiN[i]++;
      }
      last[i] = j;
    }
    st.spiked.fill(0);
    if (j % V_EVERY === 0) {
      samples++;
      for (let i = 0; i < net.n; i++) {
        vSum[i] += st.v[i]!;
        vSq[i] += st.v[i]! * st.v[i]!;
      }
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (steps - warm) * DT;
  const cv = new Float64Array(net.n).map((_, i) => {
    if (isiN[i]! < 3) return NaN;
    const m = isiSum[i]! / isiN[i]!;
    return Math.sqrt(Math.max(0, isiSq[i]! / isiN[i]! - m * m)) / m;
  });
  const vMean = vSum.map((s) => s / samples);
  return {
    rate: count.map((c) => c / seconds), cv, vMean, vSd: vSq.map((s, i) => Math.sqrt(Math.max(0, s / samples - vMean[i]! ** 2))),
    cpu_s: (cpu.user + cpu.system) / 1e6,
  };
}

/** Mean and SE over the neurons [from, to) with a finite value. */
function meanSe(x: Float64Array, from: number, to: number): { mean: number; se: number; n: number } {
  const xs = Array.from(x.subarray(from, to)).filter((v) => Number.isFinite(v));
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1));
  return { mean: m, se: sd / Math.sqrt(xs.length), n: xs.length };
}

console.log(`neuron noise: ${groups.length} × ${N} unconnected neurons, ${T} s (${WARMUP_S} s warm-up), seed ${SEED}; ${cpus()[0]?.model ?? '?'}; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const bm = run(false), zg = run(true);
console.log(`CPU: Box–Muller ${bm.cpu_s.toFixed(1)} s, ziggurat ${zg.cpu_s.toFixed(1)} s (reference stepNeurons, one RandomStream per neuron)`);
let significant = 0, tests = 0;
for (const [g, grp] of groups.entries()) {
  const from = g * N, to = from + N;
  for (const [key, unit] of [['rate', 'Hz'], ['cv', ''], ['vMean', 'mV'], ['vSd', 'mV']] as const) {
    const a = meanSe(bm[key], from, to), b = meanSe(zg[key], from, to);
    if (a.n < 10 || b.n < 10) {
      console.log(`  ${grp.name.padEnd(8)} ${key.padEnd(5)}: too few neurons with a value (${a.n}, ${b.n})`);
      continue;
    }
    const z = (b.mean - a.mean) / Math.hypot(a.se, b.se);
    tests++;
    if (Math.abs(z) > 2) significant++;
    const f = (s: { mean: number; se: number; n: number }) => `${s.mean.toPrecision(6)} ± ${s.se.toPrecision(2)}${unit ? ` ${unit}` : ''} (n ${s.n})`;
    console.log(`  ${grp.name.padEnd(8)} ${key.padEnd(5)}: Box–Muller ${f(a)}, ziggurat ${f(b)}, z = ${z.toFixed(2)}`);
  }
}
console.log(`${significant} of ${tests} comparisons with |z| > 2 (≈ ${(0.05 * tests).toFixed(1)} expected by chance); load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
