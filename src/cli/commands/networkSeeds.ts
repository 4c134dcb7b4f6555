/**
 * `calcitag network --seeds N`: the same network experiment for N seeds (one process per seed, W at a
 * time — each network is independent, so processes scale over cores without shared state), each into
 * its own run folder, then the readouts over seeds against the published 50-network means. Seeds whose
 * folder is complete are not run again, so an interrupted set resumes where it stopped; with
 * --checkpoint-every, a seed that was cut short continues from its latest checkpoint.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareWithPublished, meanSd, READOUT_NAMES, type ReadoutComparison } from '../../experiments/network/published.js';
import { columnsToCsv } from '../../io/csv.js';
import { packageRoot, RunDirectory } from '../../io/files.js';
import { latestCheckpoint } from '../../io/networkCheckpointFile.js';
import { parseCsvColumns, seedComparisonSpec, type Columns } from '../../io/networkFigures.js';
import { renderSvg, svgToPng } from '../../io/plots.js';

interface SeedSummary {
  seed: number;
  readouts: { Q: number; MI: number; rates_Hz: { as: number; ans: number; ctrl: number; inh: number } };
  cpu_s: number;
  wall_s: number;
  peak_rss_mb: number;
}

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** The experiment of a run record, seed left out, as comparable text. */
const withoutSeed = (network: unknown) => JSON.stringify({ ...(network as Record<string, unknown>), seed: 0 });

function runSeed(args: readonly string[], seed: number, out: string, experiment: unknown): Promise<SeedSummary> {
  // summary.json is written last: a folder that has it is complete, so a rerun resumes after the finished
  // seeds — if that folder ran this same experiment (its run record, seed aside, is ours).
  const done = join(out, 'summary.json');
  if (existsSync(done) && existsSync(join(out, 'run.json'))) {
    const s = JSON.parse(readFileSync(done, 'utf8')) as SeedSummary;
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { network?: unknown };
    if (s.seed === seed && withoutSeed(record.network) === withoutSeed(experiment)) return Promise.resolve(s);
  }
  // a seed cut short that saved checkpoints continues from the latest (a checkpoint of another run is refused)
  const saves = args.some((a) => a.split('=')[0] === '--checkpoint-every');
  const resume = saves && latestCheckpoint(join(out, 'checkpoints')) !== undefined ? ['--resume', out] : [];
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [MAIN, 'network', ...args, ...resume, '--seed', String(seed), '--json', '--quiet', '--out', out, '--force'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`seed ${seed}: exit ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
      else resolveRun(JSON.parse(stdout) as SeedSummary);
    });
  });
}

function comparisonTable(rows: readonly ReadoutComparison[], recall: string): string {
  const lines = [`readout   ours (mean ± SD over ${rows[0]?.ours.n} seeds)   published ${recall} (50 networks)   deviation`];
  for (const r of rows) {
    lines.push(`${r.name.padEnd(8)}  ${`${r.ours.mean.toFixed(4)} ± ${r.ours.sd.toFixed(4)}`.padEnd(33)} ${`${r.published.mean} ± ${r.published.sd}`.padEnd(33)} ${r.deviation_sd >= 0 ? '+' : ''}${r.deviation_sd.toFixed(2)} SD ${r.ok ? '✓' : '✗'}`);
  }
  return lines.join('\n');
}

/** Background before learning: the mean rate over the 0.5 s bins that end by this time, s. */
const BACKGROUND_END_S = 9.5;

/** Mean of `col` over the bins ending by BACKGROUND_END_S. */
function backgroundRate(rates: Columns, col: string): number {
  const end = rates.t_end_s!, x = rates[col]!;
  let sum = 0, n = 0;
  for (let i = 0; i < end.length; i++) if (end[i]! <= BACKGROUND_END_S + 1e-9) { sum += x[i]!; n++; }
  return sum / n;
}

/** Background rates over seeds (mean ± SD) beside the C++ run's (one network). */
function backgroundRates(ours: readonly Columns[], cpp?: Columns): Record<string, { ours: { mean: number; sd: number }; cpp?: number }> {
  const groups = { assembly: ['rate_assembly_Hz', 'rate_CA_Hz'], control: ['rate_ctrl_Hz', 'rate_exc_nonCA_Hz'], inhibitory: ['rate_inh_Hz', 'rate_inh_Hz'] } as const;
  return Object.fromEntries(Object.entries(groups).map(([g, [col, cppCol]]) => {
    const xs = ours.map((r) => backgroundRate(r, col));
    const { mean, sd } = meanSd(xs);
    return [g, { ours: { mean, sd }, ...(cpp ? { cpp: backgroundRate(cpp, cppCol) } : {}) }];
  }));
}

/** The curves over seeds beside the C++ reference run (shipped for the 10 s paradigm); the background rates. */
async function comparisonFigure(dir: RunDirectory, seeds: readonly number[], recall: '10s' | '8h' | undefined): Promise<ReturnType<typeof backgroundRates>> {
  const read = (s: number, f: string) => parseCsvColumns(readFileSync(join(dir.path, `seed-${s}`, f), 'utf8'));
  const cppDir = join(packageRoot(), 'reference', 'cpp-network-10s');
  const cppRates = existsSync(join(cppDir, 'population_rates.csv')) ? parseCsvColumns(readFileSync(join(cppDir, 'population_rates.csv'), 'utf8')) : undefined;
  const cpp = recall === '10s' && cppRates && existsSync(join(cppDir, 'mean_weight.csv'))
    ? { rates: cppRates, weights: parseCsvColumns(readFileSync(join(cppDir, 'mean_weight.csv'), 'utf8')) }
    : undefined;
  const rates = seeds.map((s) => read(s, 'population_rates.csv'));
  const spec = seedComparisonSpec(cpp ? `memory paradigm, ${recall} recall: calcitag against the C++ simulator` : 'network runs over seeds', rates, seeds.map((s) => read(s, 'weights.csv')), cpp);
  const svg = await renderSvg(spec);
  dir.write('comparison.svg', svg);
  dir.write('comparison.png', svgToPng(svg));
  return backgroundRates(rates, recall ? cppRates : undefined);
}

/** Runs seeds first … first + n − 1; returns the exit code (1 when a readout misses the published mean by > 2 SD). */
export async function runNetworkSeeds(opts: { args: readonly string[]; experiment: unknown; first: number; n: number; workers: number; out: string; recall?: '10s' | '8h'; json: boolean; quiet: boolean }): Promise<number> {
  const dir = new RunDirectory(opts.out);
  const seeds = Array.from({ length: opts.n }, (_, i) => opts.first + i);
  const results: SeedSummary[] = [];
  const queue = [...seeds];
  const workers = Math.max(1, Math.min(opts.workers || availableParallelism(), seeds.length));
  await Promise.all(Array.from({ length: workers }, async () => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      const r = await runSeed(opts.args, s, join(dir.path, `seed-${s}`), opts.experiment);
      results.push(r);
      if (!opts.quiet && !opts.json) process.stderr.write(`seed ${s}: Q ${r.readouts.Q.toFixed(4)}, MI ${r.readouts.MI.toFixed(3)} (${results.length}/${seeds.length}, ${r.cpu_s.toFixed(0)} CPU-s)\n`);
    }
  }));
  results.sort((a, b) => a.seed - b.seed);
  const flat = results.map((r) => ({ v_as: r.readouts.rates_Hz.as, v_ans: r.readouts.rates_Hz.ans, v_ctrl: r.readouts.rates_Hz.ctrl, v_inh: r.readouts.rates_Hz.inh, Q: r.readouts.Q, MI: r.readouts.MI }));
  // Without a published counterpart (another size, assembly, parameter …) the readouts are summarised only.
  const comparison = opts.recall ? compareWithPublished(flat, opts.recall) : [];
  dir.write('seeds.csv', columnsToCsv([
    ['seed', results.map((r) => r.seed)],
    ...READOUT_NAMES.map((k) => [k, flat.map((f) => f[k])] as const),
    ['cpu_s', results.map((r) => r.cpu_s)], ['wall_s', results.map((r) => r.wall_s)], ['peak_rss_mb', results.map((r) => r.peak_rss_mb)],
  ]));
  const background_Hz = await comparisonFigure(dir, seeds, opts.recall);
  const readouts = Object.fromEntries(READOUT_NAMES.map((k) => [k, meanSd(flat.map((f) => f[k]))]));
  const summary = { recall: opts.recall ?? null, published_reference: opts.recall !== undefined, seeds, readouts, comparison, background_Hz, all_ok: comparison.every((c) => c.ok) };
  dir.write('validation.json', `${JSON.stringify(summary, null, 1)}\n`);
  if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const bg = Object.entries(background_Hz).map(([g, v]) => `${g} ${v.ours.mean.toFixed(2)} ± ${v.ours.sd.toFixed(2)}${v.cpp !== undefined ? ` (C++ run ${v.cpp.toFixed(2)})` : ''}`).join(', ');
    const table = opts.recall
      ? comparisonTable(comparison, opts.recall)
      : `no published readouts for this network (they exist for the published paradigm only); over ${seeds.length} seeds:\n${Object.entries(readouts).map(([k, v]) => `${k.padEnd(8)}  ${v.mean.toFixed(4)} ± ${v.sd.toFixed(4)}`).join('\n')}`;
    process.stdout.write(`${table}\nbackground rates before learning (Hz): ${bg}\nper-seed readouts in ${join(dir.path, 'seeds.csv')}, curves in comparison.png\n`);
  }
  return summary.all_ok ? 0 : 1;
}
