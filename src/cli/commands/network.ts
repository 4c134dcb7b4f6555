/**
 * `calcitag network`: the memory formation, consolidation and recall paradigm (MODEL.md §8) on a
 * recurrent network — readouts, run folder, figures. Any engine that can run the description.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { getEngine, engineNames } from '../../engines/registry.js';
import { runMemoryParadigm, type MemoryRunResult } from '../../experiments/network/memoryRun.js';
import { memoryNetworkDescription, type MemoryParadigmOptions, type RecallDelay } from '../../model/network/memoryParadigm.js';
import { descriptionIssues } from '../../model/network/validate.js';
import { parseParamAssignment } from '../../model/parameters.js';
import { defaultRunDir } from '../../io/files.js';
import { networkSummary, writeNetworkRun, type NetworkRunRecord, type RunCost } from '../../io/networkOutput.js';
import { VERSION } from '../../version.js';
import { usageError } from '../errors.js';
import { parseInteger } from './run.js';

interface NetworkFlags {
  assembly: number;
  recall: RecallDelay;
  seed: number;
  engine: string;
  neuronsExc: number;
  neuronsInh: number;
  p: number;
  dt: number;
  fastForward: boolean;
  param: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

function parseProbability(raw: string): number {
  const v = Number(raw);
  if (!(v > 0 && v <= 1)) throw new InvalidArgumentError(`--p '${raw}' is invalid; allowed: a connection probability in (0, 1]`);
  return v;
}

function parseDt(raw: string): number {
  const v = Number(raw);
  if (!(v > 0 && v <= 1)) throw new InvalidArgumentError(`--dt '${raw}' is invalid; allowed: a step in ms in (0, 1]`);
  return v;
}

function readoutLine(run: MemoryRunResult, cost: RunCost): string {
  const r = run.readout;
  return [
    `Q = ${r.Q.toFixed(4)} ± ${r.Q_err.toFixed(4)}   MI = ${r.MI.toFixed(3)} bits`,
    `rates at recall (Hz): as ${r.v_as.toFixed(2)}  ans ${r.v_ans.toFixed(2)}  ctrl ${r.v_ctrl.toFixed(2)}  inh ${r.v_inh.toFixed(2)}`,
    `${run.result.neurons} neurons, ${run.result.synapses} synapses (${run.result.plasticSynapses} plastic), ${run.result.spikes.t_s.length} spikes; ` +
      `${run.result.steps} detailed steps; CPU ${cost.cpu_s.toFixed(1)} s, wall ${cost.wall_s.toFixed(1)} s, peak ${cost.peak_rss_mb.toFixed(0)} MB`,
  ].join('\n');
}

async function networkCommand(flags: NetworkFlags): Promise<void> {
  if (!engineNames().includes(flags.engine)) usageError(`--engine '${flags.engine}' is unknown; allowed: ${engineNames().join(', ')}`);
  const params: Record<string, number> = {};
  for (const a of flags.param) {
    try {
      const [name, value] = parseParamAssignment(a);
      params[name] = value;
    } catch (e) {
      usageError((e as Error).message);
    }
  }
  const paradigm: MemoryParadigmOptions = {
    nExc: flags.neuronsExc, nInh: flags.neuronsInh, assembly: flags.assembly, p: flags.p, recall: flags.recall, params,
  };
  let description;
  try {
    description = memoryNetworkDescription(paradigm);
  } catch (e) {
    usageError(`--assembly/--param: ${(e as Error).message}`);
  }
  const issues = descriptionIssues(description);
  if (issues.length > 0) usageError(issues[0]!);
  const engine = getEngine(flags.engine);
  const chatty = !flags.json && !flags.quiet;
  const log: string[] = [`calcitag ${VERSION} network — engine ${engine.name}, seed ${flags.seed}, dt ${flags.dt} ms, fast-forward ${flags.fastForward ? 'on' : 'off'}`, description.description ?? ''];
  if (chatty) process.stderr.write(`${log.join('\n')}\n`);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let lastShown = -1;
  let run: MemoryRunResult;
  try {
    run = runMemoryParadigm(engine, {
      paradigm, seed: flags.seed, dt_ms: flags.dt, fastForward: flags.fastForward,
      onProgress: chatty ? (t, end) => {
        const pct = Math.floor((100 * t) / end);
        if (pct !== lastShown) {
          lastShown = pct;
          process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}t = ${t.toFixed(1)} s of ${end} s (${pct} %)${process.stderr.isTTY ? '' : '\n'}`);
        }
      } : undefined,
    });
  } catch (e) {
    const msg = (e as Error).message;
    if (/^engine '/.test(msg)) usageError(`--engine: ${msg}`);
    throw e;
  }
  if (chatty && process.stderr.isTTY) process.stderr.write('\n');
  const cpu = process.cpuUsage(cpu0);
  const cost: RunCost = {
    cpu_s: (cpu.user + cpu.system) / 1e6,
    wall_s: (performance.now() - wall0) / 1e3,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  };
  const record: NetworkRunRecord = {
    kind: 'network', calcitag_version: VERSION, paradigm: 'memory', seed: flags.seed, engine: engine.name, dt_ms: flags.dt,
    fast_forward: flags.fastForward, options: { ...paradigm }, description: run.description,
  };
  log.push(readoutLine(run, cost));
  const writeFiles = !flags.json || flags.out !== undefined;
  if (writeFiles) {
    const dir = flags.out ?? defaultRunDir(`network-${flags.recall}`);
    await writeNetworkRun(dir, run, record, cost, log);
    if (!flags.json) process.stdout.write(`${readoutLine(run, cost)}\nresults and figures in ${dir}\n`);
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(networkSummary(run, record, cost))}\n`);
}

export function registerNetwork(program: Command): void {
  program
    .command('network')
    .description('the memory paradigm on a recurrent network: learn an assembly, consolidate, recall; Q, MI, rates, weights, figures')
    .option('--assembly <n>', 'assembly size (the first n excitatory neurons)', parseInteger('--assembly', 2), 150)
    .addOption(new Option('--recall <delay>', 'recall 10 s or 8 h after learning').choices(['10s', '8h']).default('10s'))
    .option('--seed <s>', 'master seed (connectivity and every noise source)', parseInteger('--seed', 0), 1)
    .option('--engine <name>', 'engine (one that runs networks)', 'reference')
    .option('--neurons-exc <n>', 'excitatory neurons', parseInteger('--neurons-exc', 3), 1600)
    .option('--neurons-inh <n>', 'inhibitory neurons', parseInteger('--neurons-inh', 1), 400)
    .option('--p <prob>', 'connection probability of every projection', parseProbability, 0.1)
    .option('--dt <ms>', 'integration step, ms', parseDt, 0.2)
    .option('--no-fast-forward', 'integrate every step (no fast-forward after learning)')
    .option('--param <name=value>', 'model parameter override (repeatable), e.g. --param theta_pro=2.1', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--out <dir>', 'output folder (default runs/<timestamp>-network-<recall>)')
    .option('--json', 'print the summary as one JSON object on stdout (and write files only with --out)')
    .option('--quiet', 'no progress output')
    .action(networkCommand);
}
