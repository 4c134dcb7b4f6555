/**
 * Network scale benchmark (issue 9): `npm run bench:scale` (or `node dist/bench/networkScale.js
 * [--sizes 2000,5000,10000,20000] [--engine fast] [--in-degree K] [--seed S] [--json out.json]`).
 *
 * The memory paradigm with 10 s recall (30 s simulated, detailed to 21.35 s, then fast-forward) at each
 * size, N_E = 0.8 N and N_I = 0.2 N, p = 0.1 (or a fixed in-degree), the assembly 150 per 1600 excitatory
 * neurons, each in a child process of its own running the engine alone (no CLI, figure or HDF5
 * library loaded), so that CPU time, wall time and peak memory (maxRSS) are the run's own; bytes per
 * synapse are the peak above Node.js itself (measured in the child after its imports) over all synapses.
 * A second child per size only builds the network (compileNetwork) for the peak of construction alone.
 * Separate from `npm run bench` because 20 000 neurons take tens of minutes.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CompiledNetwork } from '../src/engines/network/compile.js';

interface ScaleRow {
  neurons: number;
  exc: number;
  inh: number;
  assembly: number;
  synapses: number;
  plastic: number;
  cpu_s: number;
  wall_s: number;
  peak_rss_mb: number;
  node_baseline_mb: number;
  compile_peak_rss_mb: number;
  compiled_mb: number;
  Q: number;
  MI: number;
}

const MB = 1048576;

/** Bytes the compiled network keeps in typed arrays. */
function compiledBytes(net: CompiledNetwork): number {
  let b = net.inStart.byteLength + net.synPre.byteLength + net.synPost.byteLength;
  for (const g of net.delays) b += g.outStart.byteLength + g.target.byteLength + g.kicks.byteLength + g.kindProjection.byteLength + g.kickOf.byteLength + g.synapse.byteLength;
  return b;
}

/** In a child: build (and with `run`, run) one size; prints one JSON line. */
async function child(n: number, engine: string, seed: number, inDegree: number | undefined, run: boolean): Promise<void> {
  const { memoryParadigm } = await import('../src/model/network/memoryParadigm.js');
  const { getEngine } = await import('../src/engines/registry.js');
  const { runMemoryParadigm } = await import('../src/experiments/network/memoryRun.js');
  const { compileNetwork } = await import('../src/engines/network/compile.js');
  const exc = Math.round(0.8 * n), inh = n - exc;
  const built = memoryParadigm({ nExc: exc, nInh: inh, ...(inDegree !== undefined ? { inDegree } : {}) });
  const base = process.resourceUsage().maxRSS / 1024;
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  if (!run) {
    const net = compileNetwork(built.description, seed, 2e-4);
    const synapses = net.delays.reduce((s, g) => s + g.target.length, 0);
    process.stdout.write(`${JSON.stringify({ compile_peak_rss_mb: process.resourceUsage().maxRSS / 1024, node_baseline_mb: base, compiled_mb: compiledBytes(net) / MB, synapses, plastic: net.nSyn, compile_cpu_s: (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6 })}\n`);
    return;
  }
  const r = runMemoryParadigm(getEngine(engine), { description: built.description, readout: built.readout, seed, dt_ms: 0.2, fastForward: true });
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({
    cpu_s: (cpu.user + cpu.system) / 1e6, wall_s: (performance.now() - t0) / 1e3, peak_rss_mb: process.resourceUsage().maxRSS / 1024, node_baseline_mb: base,
    synapses: r.result.synapses, plastic: r.result.plasticSynapses, assembly: r.assembly, Q: r.readout.Q, MI: r.readout.MI,
  })}\n`);
}

function spawnChild(args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function main(argv: string[]): void {
  const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const sizes = (opt('--sizes') ?? '2000,5000,10000,20000').split(',').map(Number);
  const engine = opt('--engine') ?? 'fast';
  const seed = Number(opt('--seed') ?? 1);
  const inDegree = opt('--in-degree');
  const common = ['--engine', engine, '--seed', String(seed), ...(inDegree ? ['--in-degree', inDegree] : [])];
  console.log(`calcitag network scale benchmark — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${loadavg()[0]!.toFixed(2)}; ` +
    `engine ${engine}, seed ${seed}, ${inDegree ? `in-degree ${inDegree}` : 'p = 0.1'}, 10 s paradigm`);
  console.log('neurons | synapses (plastic) | CPU s | wall s | peak MB | B/synapse | build: peak MB, B/synapse, arrays B/synapse | Q, MI');
  const rows: ScaleRow[] = [];
  for (const n of sizes) {
    const build = spawnChild(['--size', String(n), '--compile-only', ...common]);
    const run = spawnChild(['--size', String(n), ...common]);
    const exc = Math.round(0.8 * n);
    const row: ScaleRow = {
      neurons: n, exc, inh: n - exc, assembly: run.assembly!, synapses: run.synapses!, plastic: run.plastic!, cpu_s: run.cpu_s!, wall_s: run.wall_s!,
      peak_rss_mb: run.peak_rss_mb!, node_baseline_mb: run.node_baseline_mb!, compile_peak_rss_mb: build.compile_peak_rss_mb!, compiled_mb: build.compiled_mb!, Q: run.Q!, MI: run.MI!,
    };
    rows.push(row);
    const perSyn = (mb: number) => ((mb * MB) / row.synapses).toFixed(0);
    console.log(`${n} | ${row.synapses} (${row.plastic}) | ${row.cpu_s.toFixed(1)} | ${row.wall_s.toFixed(1)} | ${row.peak_rss_mb.toFixed(0)} | ${perSyn(row.peak_rss_mb - row.node_baseline_mb)} | ` +
      `${row.compile_peak_rss_mb.toFixed(0)}, ${perSyn(row.compile_peak_rss_mb - build.node_baseline_mb!)}, ${perSyn(row.compiled_mb)} | ${row.Q.toFixed(4)}, ${row.MI.toFixed(3)}`);
  }
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!, b = rows[i]!;
    console.log(`${a.neurons} → ${b.neurons}: synapses ×${(b.synapses / a.synapses).toFixed(2)}, CPU ×${(b.cpu_s / a.cpu_s).toFixed(2)}, peak memory above Node.js ×${((b.peak_rss_mb - b.node_baseline_mb) / (a.peak_rss_mb - a.node_baseline_mb)).toFixed(2)}`);
  }
  const jsonAt = opt('--json');
  if (jsonAt) writeFileSync(jsonAt, `${JSON.stringify({ engine, seed, in_degree: inDegree ? Number(inDegree) : null, rows }, null, 1)}\n`);
}

const argv = process.argv.slice(2);
if (argv.includes('--child')) {
  const at = (name: string) => argv[argv.indexOf(name) + 1]!;
  await child(Number(at('--size')), at('--engine'), Number(at('--seed')), argv.includes('--in-degree') ? Number(at('--in-degree')) : undefined, !argv.includes('--compile-only'));
} else {
  main(argv);
}
