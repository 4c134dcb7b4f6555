/** `calcitag bss2 map`: whether a network experiment fits BrainScaleS-2 chips, and what it costs there. */
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { FORMAT_NAMES, type FormatName } from '../../engines/bss2/fixedPoint.js';
import { mapNetwork } from '../../engines/bss2/mapping/mapper.js';
import { mappingJson, mappingText } from '../../engines/bss2/mapping/mappingReport.js';
import { ROUNDING_MODES, type RoundingMode } from '../../engines/bss2/rounding.js';
import { ExperimentError, readExperimentFile } from '../../experiments/experiment.js';
import { resolveNetworkExperiment } from '../../experiments/network/networkExperiment.js';
import { loadEdgesFile } from '../../io/edgeFiles.js';
import { VERSION } from '../../version.js';
import { usageError } from '../errors.js';
import { parseInteger, parsePositive } from './run.js';

interface MapFlags {
  chips: number;
  maxChips: number;
  seed?: number;
  format?: FormatName;
  rounding?: RoundingMode;
  ppuPeriod?: number;
  rate?: number;
  sramKib?: number;
  dramKib?: number;
  json?: boolean;
}

function parseKib(flag: string) {
  return (raw: string): number => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`${flag} '${raw}' is invalid; allowed: a size in KiB ≥ 0`);
    return v;
  };
}

async function mapCommand(file: string, flags: MapFlags): Promise<void> {
  let exp;
  try {
    exp = await resolveNetworkExperiment(readExperimentFile(file), loadEdgesFile(dirname(resolve(file))), file);
  } catch (e) {
    if (e instanceof ExperimentError) usageError(e.message);
    throw e;
  }
  const seed = flags.seed ?? exp.seed;
  const resources = {
    ...(flags.sramKib !== undefined ? { externalSramBytes: Math.round(flags.sramKib * 1024) } : {}),
    ...(flags.dramKib !== undefined ? { dramBytes: Math.round(flags.dramKib * 1024) } : {}),
  };
  const { report } = mapNetwork(exp.description, {
    seed, chips: flags.chips, maxChips: Math.max(flags.chips, flags.maxChips), dt_ms: exp.dt_ms, resources,
    solver: { ...(flags.format ? { format: flags.format } : {}), ...(flags.rounding ? { rounding: flags.rounding } : {}) },
    ...(flags.ppuPeriod !== undefined ? { ppuPeriod_ms: flags.ppuPeriod } : {}),
    ...(flags.rate !== undefined ? { rate_Hz: flags.rate } : {}),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ calcitag_version: VERSION, network: exp.name, seed, ...mappingJson(report) })}\n`);
  } else {
    process.stdout.write(`calcitag ${VERSION} bss2 map — ${exp.name}, connectivity seed ${seed}\n${mappingText(report)}\n`);
  }
}

export function registerBss2(program: Command): void {
  const bss2 = program.command('bss2').summary('BrainScaleS-2: map a network onto chips').description('BrainScaleS-2 tools for networks (see docs/bss2-network.md)');
  bss2
    .command('map <experiment>')
    .description('place a network experiment file on BrainScaleS-2 chips: feasible or the first constraint that breaks, rows, labels, drivers, processor memory and cycles, shortest solver period, hardware time')
    .option('--chips <n>', 'chips to map onto (default 1)', parseInteger('--chips', 1, 1024), 1)
    .option('--max-chips <n>', 'largest chip count tried for "fits on" (default 16)', parseInteger('--max-chips', 1, 1024), 16)
    .option('--seed <s>', "connectivity seed (default: the file's seed)", parseInteger('--seed', 0))
    .addOption(new Option('--format <f>', 'number format of h, z, p on the processors (default int16)').choices(FORMAT_NAMES))
    .addOption(new Option('--rounding <mode>', 'rounding mode (default stochastic)').choices(ROUNDING_MODES))
    .option('--ppu-period <ms>', 'check this solver period, ms of biological time', parsePositive('--ppu-period'))
    .option('--rate <Hz>', 'mean firing rate for the inter-chip link check, Hz', parsePositive('--rate'))
    .option('--sram-kib <KiB>', 'FPGA SRAM per chip for plasticity state (default 128)', parseKib('--sram-kib'))
    .option('--dram-kib <KiB>', 'FPGA DRAM per chip for plasticity state (default 0: latency not published)', parseKib('--dram-kib'))
    .option('--json', 'print one JSON object')
    .action(mapCommand);
}
