/**
 * Two engines or settings over the same networks, paired by seed: `node dist/bench/pairedSeeds.js A B`, each
 * argument one or more folders of `calcitag network --seeds N` joined by commas (seeds.csv and seed-<s>/…), or
 * the jobs of a network sweep with one value of a swept field, `SWEEP_DIR:field=value`. For the
 * readouts (rates, Q, MI), the assembly's and control's h, z·h0 and p after learning, before the recall and at the end, and the CPU: mean ± SD of
 * each side, the difference in combined standard errors, and the paired difference ± SE with its t — the
 * tables of docs/network.md §7, e.g.
 *
 *   calcitag network --engine reference --seeds 10 --out runs/ref && calcitag network --engine fast --seeds 10 --out runs/fast
 *   node dist/bench/pairedSeeds.js runs/ref runs/fast
 *   node dist/bench/pairedSeeds.js runs/ff8h:fast_forward=true runs/ff8h:fast_forward=false   # examples/sweep-fast-forward-8h.yaml
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

/** When the paradigm's phases are: the last learning onset, the recall onset and the end of the run, s. */
interface Times { readonly lastLearning_s: number; readonly recall_onset_s: number; readonly t_max_s: number }
const timeOf = (s: Times, w: When) => (w === 'learnt' ? s.lastLearning_s + 1 : w === 'before recall' ? s.recall_onset_s - 0.1 : s.t_max_s);
/** The curve's last sample at or before t (labelled with its own time: a thinned sweep curve may have none at t). */
function atOrBefore(t_s: ArrayLike<number>, t: number): number {
  let best = 0;
  for (let i = 1; i < t_s.length && t_s[i]! <= t + 1e-6; i++) best = i;
  return best;
}

/** One network of a side: its readouts and curve values, and its curves (and rates) for the figure. */
interface Network { readonly figures: Map<string, number>; readonly weights: Columns; readonly rates?: Columns }

function curveFigures(row: Map<string, number>, w: Columns, times: Times): void {
  for (const [what, col, when] of CURVES) {
    const i = atOrBefore(w.t_s!, timeOf(times, when));
    row.set(`${what} at ${+w.t_s![i]!.toFixed(3)} s`, w[col]![i]!);
  }
}

/** Folders of `calcitag network --seeds N`: seeds.csv, and seed-<s>/weights.csv, summary.json, population_rates.csv. */
function loadRuns(folders: readonly string[]): Map<number, Network> {
  const out = new Map<number, Network>();
  for (const dir of folders) {
    const seeds = parseCsvColumns(readFileSync(join(dir, 'seeds.csv'), 'utf8'));
    seeds.seed!.forEach((s, q) => {
      const row = new Map<string, number>(READOUTS.map((k) => [k, seeds[k]![q]!]));
      const file = (f: string) => readFileSync(join(dir, `seed-${s}`, f), 'utf8');
      const w = parseCsvColumns(file('weights.csv'));
      const summary = JSON.parse(file('summary.json')) as { learning_onsets_s: number[]; recall_onset_s: number; t_max_s: number };
      const lastLearning_s = summary.learning_onsets_s[summary.learning_onsets_s.length - 1]!;
      curveFigures(row, w, { lastLearning_s, recall_onset_s: summary.recall_onset_s, t_max_s: summary.t_max_s });
      out.set(s, { figures: row, weights: w, rates: parseCsvColumns(file('population_rates.csv')) });
    });
  }
  return out;
}

/**
 * The jobs of a network sweep folder whose point has `field` = `value` (e.g. runs/ff8h:fast_forward=false):
 * readouts, thinned curves and merged rate windows from results/<id>.json; no CPU (a resumed job's wall time
 * is its last part's). Learning ends at the readout's reference time (11 s in the paradigm: its last onset).
 */
function loadSweep(dir: string, field: string, value: string): Map<number, Network> {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    base: { duration_s: number; readout: { reference_time_s: number; recall_onset_s: number } };
    jobs: Array<{ id: string; seed: number; point: Record<string, unknown> }>;
  };
  const out = new Map<number, Network>();
  for (const job of m.jobs.filter((j) => String(j.point[field]) === value)) {
    const path = join(dir, 'results', `${job.id}.json`);
    if (!existsSync(path)) continue;
    const r = JSON.parse(readFileSync(path, 'utf8')) as {
      network: Record<string, number>; curves?: { t_s: number[]; columns: Record<string, Array<number | null>> };
      rates?: { t_start_s: number[]; t_end_s: number[]; columns: Record<string, number[]> };
    };
    if (!r.curves) continue;
    const at = (key: string, fallback: number) => (typeof job.point[key] === 'number' ? (job.point[key] as number) : fallback);
    const row = new Map<string, number>(READOUTS.map((k) => [k, k === 'cpu_s' ? NaN : r.network[k === 'Q' || k === 'MI' ? k : `${k}_Hz`]!]));
    const w: Columns = Object.fromEntries([
      ['t_s', Float64Array.from(r.curves.t_s)],
      ...Object.entries(r.curves.columns).map(([k, v]) => [k, Float64Array.from(v, (x) => x ?? NaN)]),
    ]);
    curveFigures(row, w, {
      lastLearning_s: at('readout.reference_time_s', m.base.readout.reference_time_s),
      recall_onset_s: at('readout.recall_onset_s', m.base.readout.recall_onset_s), t_max_s: at('duration_s', m.base.duration_s),
    });
    // merged rate windows, plotted at their middles
    const rates: Columns | undefined = r.rates && Object.fromEntries([
      ['t', Float64Array.from(r.rates.t_start_s, (t0, i) => (t0 + r.rates!.t_end_s[i]!) / 2)],
      ...Object.entries(r.rates.columns).map(([k, v]) => [k, Float64Array.from(v)]),
    ]);
    out.set(job.seed, { figures: row, weights: w, ...(rates ? { rates } : {}) });
  }
  return out;
}

/** A side: run folders joined by commas, or SWEEP_DIR:field=value. */
function load(arg: string): Map<number, Network> {
  const sweep = /^(.*):([^:=]+)=([^:=]*)$/.exec(arg);
  return sweep && existsSync(join(sweep[1]!, 'manifest.json')) ? loadSweep(sweep[1]!, sweep[2]!, sweep[3]!) : loadRuns(arg.split(','));
}

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1));
const fmt = (x: number) => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(6) : x.toExponential(3));

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { figure: { type: 'string' }, labels: { type: 'string' }, title: { type: 'string' } } });
const [aArg, bArg] = positionals;
if (!aArg || !bArg) {
  console.error('usage: node dist/bench/pairedSeeds.js A B [--figure OUT.png --labels A,B --title T]; A, B: folders of calcitag network --seeds N (joined by commas), or SWEEP_DIR:field=value (a network sweep\'s jobs with that value)');
  process.exit(2);
}
const A = load(aArg), B = load(bArg);
const seeds = [...A.keys()].filter((s) => B.has(s)).sort((x, y) => x - y);
console.log(`${seeds.length} networks (seeds ${seeds.join(', ')}): ${aArg} → ${bArg}`);
console.log('| figure | A, mean ± SD | B, mean ± SD | difference / combined SE | paired by seed: difference ± SE (t) |');
console.log('|---|---|---|---|---|');
const curveKeys = [...A.get(seeds[0]!)!.figures.keys()].filter((k) => !(READOUTS as readonly string[]).includes(k));
for (const key of [...READOUTS, ...curveKeys]) {
  const a = seeds.map((s) => A.get(s)!.figures.get(key)!), b = seeds.map((s) => B.get(s)!.figures.get(key)!);
  if (![...a, ...b].some(Number.isFinite)) continue; // e.g. the CPU of sweep jobs
  const d = seeds.map((_, i) => b[i]! - a[i]!);
  const cse = Math.sqrt((sd(a) ** 2 + sd(b) ** 2) / seeds.length), se = sd(d) / Math.sqrt(seeds.length);
  console.log(`| ${key} | ${fmt(mean(a))} ± ${fmt(sd(a))} | ${fmt(mean(b))} ± ${fmt(sd(b))} | ${((mean(b) - mean(a)) / cse).toFixed(2)} | ${fmt(mean(d))} ± ${fmt(se)} (${(mean(d) / se).toFixed(2)}) |`);
}

/** --figure: both sets' rates, h and z·h0 curves, mean ± SD over the paired seeds (A solid, B dashed), as PNG and SVG. */
async function figure(out: string): Promise<void> {
  const [la, lb] = (opts.labels ?? `${aArg},${bArg}`).split(',');
  // rates only when every network of both sides has them (results of older sweeps keep none)
  const withRates = seeds.every((s) => A.get(s)!.rates && B.get(s)!.rates);
  const rates = (side: Map<number, Network>) => (withRates ? seeds.map((s) => side.get(s)!.rates!) : []);
  const weights = (side: Map<number, Network>) => seeds.map((s) => side.get(s)!.weights);
  const spec = seedComparisonSpec(opts.title ?? `${la} against ${lb}`, rates(A), weights(A), undefined,
    { label: `${lb} (${seeds.length} seeds)`, rates: rates(B), weights: weights(B) }, `${la} (${seeds.length} seeds)`);
  const svg = await renderSvg(spec);
  writeFileSync(out.replace(/\.png$/, '') + '.svg', svg);
  writeFileSync(out.replace(/\.png$/, '') + '.png', svgToPng(svg));
  console.log(`figure: ${out}`);
}
if (opts.figure) await figure(opts.figure);
