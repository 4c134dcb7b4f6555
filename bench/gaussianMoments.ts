/**
 * Is the ziggurat a standard Gaussian at the precision a network can feel? `node dist/bench/gaussianMoments.js
 * [--samples N] [--seed S] [--sampler ziggurat|box-muller]` (not part of `npm run bench`: a statistical check,
 * not a timing; 2·10⁸ samples take ≈ 10 s).
 *
 * Draws N samples from one stream (seed S, the neurons' background purpose) and prints mean, variance − 1,
 * skewness, kurtosis − 3, P(|x| > 1, 2, 3) and the lag-1 correlation, each with its z against the exact
 * standard normal (the statistic's own sampling SD: √(1/N), √(2/N), √(15/N), √(96/N), √(P(1 − P)/N),
 * √(1/N)); |z| > 2 is expected in ≈ 5 % of the lines by chance.
 */
import { parseArgs } from 'node:util';
import { gaussianZiggurat } from '../src/engines/exact/ziggurat.js';
import { streamFor } from '../src/random/streams.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '200000000' }, seed: { type: 'string', default: '7' }, sampler: { type: 'string', default: 'ziggurat' } } });
const n = Number(values.samples), seed = Number(values.seed);
if (!(Number.isInteger(n) && n >= 1000)) throw new Error(`--samples ${values.samples}: a whole number ≥ 1000`);
if (values.sampler !== 'ziggurat' && values.sampler !== 'box-muller') throw new Error(`--sampler ${values.sampler}: ziggurat or box-muller`);
const rng = streamFor(seed, [1], 'backgroundNoise');
const zig = values.sampler === 'ziggurat';

let m1 = 0, m2 = 0, m3 = 0, m4 = 0, lag = 0, prev = 0;
const over = [0, 0, 0];
for (let i = 0; i < n; i++) {
  const x = zig ? gaussianZiggurat(rng) : rng.gaussian();
  const x2 = x * x;
  m1 += x; m2 += x2; m3 += x2 * x; m4 += x2 * x2;
  const a = x < 0 ? -x : x;
  if (a > 1) over[0]++;
  if (a > 2) over[1]++;
  if (a > 3) over[2]++;
  lag += x * prev;
  prev = x;
}
m1 /= n; m2 /= n; m3 /= n; m4 /= n; lag /= n;
const line = (what: string, value: number, exact: number, variance: number) =>
  console.log(`${what.padEnd(16)} ${value.toExponential(4).padStart(12)}  (exact ${exact})  z ${((value - exact) / Math.sqrt(variance / n)).toFixed(2)}`);
console.log(`${values.sampler}, ${n} samples, seed ${seed}`);
line('mean', m1, 0, 1);
line('variance', m2, 1, 2);
line('skewness', m3, 0, 15);
line('kurtosis', m4, 3, 96);
[0.31731050786291415, 0.04550026389635842, 0.0026997960632601866].forEach((P, k) => line(`P(|x| > ${k + 1})`, over[k]! / n, P, P * (1 - P)));
line('lag-1 corr.', lag, 0, 1);
