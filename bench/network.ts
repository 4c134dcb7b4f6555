/**
 * Network benchmark: `npm run bench:network` (or `node dist/bench/network.js [--seed S] [--json out.json]`).
 *
 * 1. The memory paradigm with 10 s recall (2000 neurons, ≈ 400 000 synapses, 30 s simulated, detailed to
 *    21.35 s then fast-forward — the C++ simulator's schedule) on the reference engine, in a child process
 *    so that its CPU time and peak memory (maxRSS) are its own: `calcitag network --json`.
 * 2. The same paradigm on the `fast` engine (lazy synapses), in the same run: CPU against the reference
 *    engine's, the engine alone for its peak memory and bytes per synapse, and the 8 h paradigm with
 *    fast-forward (`calcitag network --engine fast --recall 8h`).
 * 3. If CALCITAG_CPP_NETWORK names an already built binary of the published C++ simulator
 *    (`net150.out` of `compile_recall_varied_size`), the same paradigm with it, timed in this run, in an
 *    empty temporary folder, with the first line of `run_recall_varied_size`. The binary is never built
 *    here. Without it, the C++ cost recorded on a 2-core machine of this kind
 *    (reference/cpp-network-10s/README.md) is printed as the comparison, marked as not measured here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** Recorded by the shared reference run (two runs on different days: the machine's speed varies ± 30 %). */
const CPP_RECORDED = { cpu_s: [1035, 1354.8], peak_rss_mb: 103.6 };
const CPP_ARGS = ['-Nl_exc=40', '-Nl_inh=20', '-t_max=30', '-N_stim=25', '-pc=0.1', '-learn=TRIPLETf100', '-recall=F100D1at20.0',
  '-w_ei=2', '-w_ie=4.0', '-w_ii=4.0', '-I_0=0.15', '-sigma_WN=0.05', '-theta_p=3.0', '-theta_d=1.2', '-purpose=bench'];

interface Measured {
  cpu_s: number;
  wall_s: number;
  peak_rss_mb: number;
}

function timeCalcitag(seed: number, engine = 'reference', recall = '10s', extra: string[] = []): Measured & { Q: number; MI: number; steps: number; synapses: number; plastic: number } {
  const r = spawnSync(process.execPath, [CLI, 'network', '--seed', String(seed), '--engine', engine, '--recall', recall, '--json', ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`calcitag network failed: ${r.stderr}`);
  const s = JSON.parse(r.stdout);
  return { cpu_s: s.cpu_s, wall_s: s.wall_s, peak_rss_mb: s.peak_rss_mb, Q: s.readouts.Q, MI: s.readouts.MI, steps: s.detailed_steps, synapses: s.synapses, plastic: s.plastic_synapses };
}

function timeCpp(bin: string): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'calcitag-cpp-net-'));
  try {
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S %e %M', bin, ...CPP_ARGS], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
    const last = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    if (last.length !== 4 || last.some((x) => !Number.isFinite(x))) throw new Error(`could not time ${bin}: ${r.stderr.slice(-300)}`);
    return { cpu_s: last[0]! + last[1]!, wall_s: last[2]!, peak_rss_mb: last[3]! / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The engine alone, in this process (started with --engine-only by the bench itself): the paradigm's
 * description run by the reference engine with no CLI, figure or HDF5 library loaded, so that its peak
 * memory is the simulation's own.
 */
async function engineOnly(seed: number, engine: string): Promise<void> {
  const { memoryParadigm } = await import('../src/model/network/memoryParadigm.js');
  const { getEngine } = await import('../src/engines/registry.js');
  const base = process.resourceUsage().maxRSS / 1024;
  const cpu0 = process.cpuUsage();
  const r = getEngine(engine).runNetwork!({ description: memoryParadigm().description, seed, trial: 0, dt_ms: 0.2, fastForward: true });
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ cpu_s: (cpu.user + cpu.system) / 1e6, peak_rss_mb: process.resourceUsage().maxRSS / 1024, node_baseline_mb: base, spikes: r.spikes.t_s.length, synapses: r.synapses, work: r.work ?? {} })}\n`);
}

function timeEngineOnly(seed: number, engine = 'reference'): { cpu_s: number; peak_rss_mb: number; node_baseline_mb: number; synapses: number; work: Record<string, number> } {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--engine-only', '--seed', String(seed), '--engine', engine], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`engine-only run failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function main(): void {
  const seedAt = argv.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(argv[seedAt + 1]) : 1;
  const jsonAt = argv.indexOf('--json');
  console.log(`calcitag network benchmark — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, load ${loadavg()[0]!.toFixed(2)}`);
  console.log('1. memory paradigm, 10 s recall, reference engine (dt 0.2 ms, fast-forward from 21.35 s)');
  const ours = timeCalcitag(seed);
  const alone = timeEngineOnly(seed);
  const synSteps = ours.plastic * ours.steps;
  console.log(`   ${ours.synapses} synapses (${ours.plastic} plastic), ${ours.steps} detailed steps: CPU ${ours.cpu_s.toFixed(1)} s, wall ${ours.wall_s.toFixed(1)} s, ` +
    `peak ${ours.peak_rss_mb.toFixed(0)} MB; ${(ours.cpu_s / 30).toFixed(2)} CPU-s per simulated s; ${((1e9 * ours.cpu_s) / synSteps).toFixed(2)} ns per plastic synapse-step; Q ${ours.Q.toFixed(4)}, MI ${ours.MI.toFixed(3)}`);
  console.log(`   the engine alone (no CLI, figure or HDF5 libraries loaded): CPU ${alone.cpu_s.toFixed(1)} s, peak ${alone.peak_rss_mb.toFixed(0)} MB (Node.js itself ${alone.node_baseline_mb.toFixed(0)} MB)`);
  console.log('2. the same paradigm on the fast engine (lazy synapses), this run');
  const fast = timeCalcitag(seed, 'fast');
  const fastAlone = timeEngineOnly(seed, 'fast');
  const bytes = ((fastAlone.peak_rss_mb - fastAlone.node_baseline_mb) * 1048576) / fastAlone.synapses;
  console.log(`   CPU ${fast.cpu_s.toFixed(1)} s, wall ${fast.wall_s.toFixed(1)} s, peak ${fast.peak_rss_mb.toFixed(0)} MB; ${(ours.cpu_s / fast.cpu_s).toFixed(1)}× less CPU than the reference engine (same run); Q ${fast.Q.toFixed(4)}, MI ${fast.MI.toFixed(3)}`);
  console.log(`   the engine alone: CPU ${fastAlone.cpu_s.toFixed(1)} s, peak ${fastAlone.peak_rss_mb.toFixed(0)} MB, ${bytes.toFixed(0)} bytes per synapse above Node.js itself (all ${fastAlone.synapses} synapses, static ones included)`);
  console.log(`   its work: ${Object.entries(fastAlone.work).map(([k, v]) => `${k.replace(/_/g, ' ')} ${v.toLocaleString('en-US')}`).join(', ')}`);
  const fast8h = timeCalcitag(seed, 'fast', '8h');
  console.log(`   8 h paradigm with fast-forward: CPU ${fast8h.cpu_s.toFixed(1)} s, wall ${fast8h.wall_s.toFixed(1)} s, peak ${fast8h.peak_rss_mb.toFixed(0)} MB; Q ${fast8h.Q.toFixed(4)}, MI ${fast8h.MI.toFixed(3)}`);
  // 8 h without fast-forward, projected: the 10 s paradigm in detail to 30 s costs the background's
  // 8.65 s more than with fast-forward from 21.35 s; 8 h of background is 28 800 s of it.
  const noFf = timeCalcitag(seed, 'fast', '10s', ['--no-fast-forward']);
  const perS = (noFf.cpu_s - fast.cpu_s) / 8.65;
  console.log(`   10 s paradigm without fast-forward: CPU ${noFf.cpu_s.toFixed(1)} s → background ${perS.toFixed(2)} CPU-s per simulated s; ` +
    `8 h without fast-forward projected ${((perS * 28800) / 3600).toFixed(1)} CPU-h on one core (not run)`);
  const bin = process.env.CALCITAG_CPP_NETWORK;
  let cpp: (Measured & { measured: boolean }) | undefined;
  if (bin) {
    console.log(`3. published C++ simulator (CALCITAG_CPP_NETWORK=${bin}), the same paradigm, timed in this run`);
    cpp = { ...timeCpp(bin), measured: true };
  } else {
    console.log('3. published C++ simulator: not timed here (set CALCITAG_CPP_NETWORK to a built net150.out); its recorded cost on a 2-core machine of this kind:');
    cpp = { cpu_s: CPP_RECORDED.cpu_s[0]!, wall_s: NaN, peak_rss_mb: CPP_RECORDED.peak_rss_mb, measured: false };
  }
  const ratios = bin
    ? `C++/calcitag CPU ${(cpp.cpu_s / ours.cpu_s).toFixed(1)}×`
    : `C++/calcitag CPU ${(CPP_RECORDED.cpu_s[0]! / ours.cpu_s).toFixed(1)}–${(CPP_RECORDED.cpu_s[1]! / ours.cpu_s).toFixed(1)}× (recorded C++ ${CPP_RECORDED.cpu_s.join('–')} CPU-s)`;
  console.log(`   C++ CPU ${cpp.cpu_s.toFixed(1)} s, peak ${cpp.peak_rss_mb.toFixed(0)} MB${cpp.measured ? '' : ' (recorded)'}; ${ratios}; memory calcitag/C++ ${(ours.peak_rss_mb / cpp.peak_rss_mb).toFixed(1)}×`);
  const fastRatio = bin ? `${(cpp.cpu_s / fast.cpu_s).toFixed(1)}×` : `${(CPP_RECORDED.cpu_s[0]! / fast.cpu_s).toFixed(1)}–${(CPP_RECORDED.cpu_s[1]! / fast.cpu_s).toFixed(1)}× (recorded C++ cost)`;
  console.log(`   fast engine: C++/fast CPU ${fastRatio} (target ≥ 100×)`);
  if (jsonAt >= 0) {
    const out = {
      calcitag: ours, engine_only: alone, fast, fast_engine_only: { ...fastAlone, bytes_per_synapse: bytes }, fast_8h: fast8h,
      fast_no_ff_10s: noFf, fast_background_cpu_s_per_s: perS, cpp, cpp_recorded: CPP_RECORDED,
    };
    writeFileSync(argv[jsonAt + 1]!, `${JSON.stringify(out, null, 1)}\n`);
  }
}

const argv = process.argv.slice(2);
if (argv.includes('--engine-only')) await engineOnly(Number(argv[argv.indexOf('--seed') + 1] ?? 1), argv.includes('--engine') ? argv[argv.indexOf('--engine') + 1]! : 'reference');
else main();
