/**
 * Two engines over the same networks, paired by seed: `node dist/bench/pairedSeeds.js A[,A2…] B[,B2…]`, each
 * argument one or more folders of `calcitag network --seeds N` (seeds.csv and seed-<s>/weights.csv). For the
 * readouts (rates, Q, MI), the assembly's and control's h, z·h0 and p after learning, before the recall and at the end, and the CPU: mean ± SD of
 * each side, the difference in combined standard errors, and the paired difference ± SE with its t — the
 * tables of docs/network.md §7, e.g.
 *
 *   calcitag network --engine reference --seeds 10 --out runs/ref && calcitag network --engine fast --seeds 10 --out runs/fast
 *   node dist/bench/pairedSeeds.js runs/ref runs/fast
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsvColumns, seedComparisonSpec, type Columns } from '../src/io/networkFigures.js';
import { renderSvg, svgToPng } from '../src/io/plots.js';

const READOUTS = ['v_as', 'v_ans', 'v_ctrl', 'v_inh', 'Q', 'MI', 'cpu_s'] as const;
/**
 * Weight-curve values: [what, column of weights.csv, when] — when: 1 s after the last learning onset, 0.1 s
 * before the recall, or the end of the run (12, 19.9 and 30 s in the 10 s paradigm), from each seed's summary.json.
 */
type When = 'learnt' | 'before recall' | 'end';
const CURVES: ReadonlyArray<readonly [string, string, When]> = [
  ['h assembly', 'h_mean_assembly_mV', 'learnt'], ['h assembly', 'h_mean_assembly_mV', 'before recall'],
  ['h assembly', 'h_mean_assembly_mV', 'end'], ['h control', 'h_mean_control_mV', 'end'],
  ['p assembly', 'p_mean_assembly', 'end'], ['z·h0 assembly', 'zh0_mean_assembly_mV', 'end'],
];

interface Summary { readonly learning_onsets_s: readonly number[]; readonly recall_onset_s: number; readonly t_max_s: number }
const timeOf = (s: Summary, w: When) => (w === 'learnt' ? s.learning_onsets_s[s.learning_onsets_s.length - 1]! + 1 : w === 'before recall' ? s.recall_onset_s - 0.1 : s.t_max_s);
const curveLabel = (what: string, t: number) => `${what} at ${+t.toFixed(3)} s`;

/** Per seed, every figure of one side (folders joined); the curve labels name their times. */
function load(folders: readonly string[]): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  for (const dir of folders) {
    const seeds = parseCsvColumns(readFileSync(join(dir, 'seeds.csv'), 'utf8'));
    seeds.seed!.forEach((s, q) => {
      const row = new Map<string, number>(READOUTS.map((k) => [k, seeds[k]![q]!]));
      const w = parseCsvColumns(readFileSync(join(dir, `seed-${s}`, 'weights.csv'), 'utf8'));
      const summary = JSON.parse(readFileSync(join(dir, `seed-${s}`, 'summary.json'), 'utf8')) as Summary;
      for (const [what, col, when] of CURVES) {
        const t = timeOf(summary, when);
        let best = 0;
        w.t_s!.forEach((x, i) => { if (Math.abs(x - t) < Math.abs(w.t_s![best]! - t)) best = i; });
        row.set(curveLabel(what, t), w[col]![best]!);
      }
      out.set(s, row);
    });
  }
  return out;
}

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1));
const fmt = (x: number) => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(6) : x.toExponential(3));

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { figure: { type: 'string' }, labels: { type: 'string' }, title: { type: 'string' } } });
const [aArg, bArg] = positionals;
if (!aArg || !bArg) {
  console.error('usage: node dist/bench/pairedSeeds.js FOLDER_A[,…] FOLDER_B[,…] [--figure OUT.png --labels A,B --title T]  (folders of calcitag network --seeds N)');
  process.exit(2);
}
const A = load(aArg.split(',')), B = load(bArg.split(','));
const seeds = [...A.keys()].filter((s) => B.has(s)).sort((x, y) => x - y);
console.log(`${seeds.length} networks (seeds ${seeds.join(', ')}): ${aArg} → ${bArg}`);
console.log('| figure | A, mean ± SD | B, mean ± SD | difference / combined SE | paired by seed: difference ± SE (t) |');
console.log('|---|---|---|---|---|');
const curveKeys = [...A.get(seeds[0]!)!.keys()].filter((k) => !(READOUTS as readonly string[]).includes(k));
for (const key of [...READOUTS, ...curveKeys]) {
  const a = seeds.map((s) => A.get(s)!.get(key)!), b = seeds.map((s) => B.get(s)!.get(key)!);
  const d = seeds.map((_, i) => b[i]! - a[i]!);
  const cse = Math.sqrt((sd(a) ** 2 + sd(b) ** 2) / seeds.length), se = sd(d) / Math.sqrt(seeds.length);
  console.log(`| ${key} | ${fmt(mean(a))} ± ${fmt(sd(a))} | ${fmt(mean(b))} ± ${fmt(sd(b))} | ${((mean(b) - mean(a)) / cse).toFixed(2)} | ${fmt(mean(d))} ± ${fmt(se)} (${(mean(d) / se).toFixed(2)}) |`);
}

/** --figure: both sets' rates, h and z·h0 curves, mean ± SD over the paired seeds (A solid, B dashed), as PNG and SVG. */
async function figure(out: string): Promise<void> {
  const [la, lb] = (opts.labels ?? `${aArg},${bArg}`).split(',');
  const read = (arg: string, f: string) => seeds.map((s) => {
    const dir = arg.split(',').find((d) => existsSync(join(d, `seed-${s}`, f)))!;
    return parseCsvColumns(readFileSync(join(dir, `seed-${s}`, f), 'utf8')) as Columns;
  });
  const spec = seedComparisonSpec(opts.title ?? `${la} against ${lb}`, read(aArg!, 'population_rates.csv'), read(aArg!, 'weights.csv'), undefined,
    { label: `${lb} (${seeds.length} seeds)`, rates: read(bArg!, 'population_rates.csv'), weights: read(bArg!, 'weights.csv') }, `${la} (${seeds.length} seeds)`);
  const svg = await renderSvg(spec);
  writeFileSync(out.replace(/\.png$/, '') + '.svg', svg);
  writeFileSync(out.replace(/\.png$/, '') + '.png', svgToPng(svg));
  console.log(`figure: ${out}`);
}
if (opts.figure) await figure(opts.figure);
