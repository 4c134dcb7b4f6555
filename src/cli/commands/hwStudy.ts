/** `calcitag hw-study`: the BrainScaleS-2 hardware sweep against the reference engine. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, resolveProtocols } from '../../experiments/protocolRun.js';
import {
  DEFAULT_PERIODS_MS, hwStudyCsv, hwStudyFigureSpec, hwStudyJson, runHwStudy, summariseConfigurations, type HwStudyResult,
} from '../../experiments/hwStudy.js';
import { FORMAT_NAMES, type FormatName } from '../../engines/bss2/fixedPoint.js';
import { ROUNDING_MODES, type RoundingMode } from '../../engines/bss2/rounding.js';
import { resolveBss2Config } from '../../engines/bss2/config.js';
import { resolveParams } from '../../model/parameters.js';
import { defaultRunDir, RunDirectory } from '../../io/files.js';
import { renderSvg, svgToPng } from '../../io/plots.js';
import { outputFolder, usageError } from '../errors.js';
import { parseInteger } from './run.js';
import { MAX_TRIALS } from '../../experiments/limits.js';

interface StudyFlags {
  protocols: string[];
  trials: number;
  shortPeriodTrials: number;
  referenceTrials: number;
  seed: number;
  periods?: number[];
  formats?: FormatName[];
  roundings?: RoundingMode[];
  extras?: boolean;
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

function parseList<T extends string>(flag: string, allowed: readonly T[]) {
  return (raw: string): T[] => {
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
    for (const i of items) if (!allowed.includes(i as T)) throw new InvalidArgumentError(`${flag} '${i}' is invalid; allowed: ${allowed.join(', ')}`);
    if (items.length === 0) throw new InvalidArgumentError(`${flag} is empty; allowed: ${allowed.join(', ')}`);
    return items as T[];
  };
}

function parsePeriods(raw: string): number[] {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (items.length === 0 || items.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new InvalidArgumentError(`--periods '${raw}' is invalid; allowed: comma-separated periods in ms, each > 0 and a multiple of 0.2`);
  }
  return items;
}

function table(r: HwStudyResult): string {
  const lines = [
    'periods in ms of biological time = µs on the chip (acceleration 1000); each 8 h protocol is 28.8 s on the chip',
    `reference engine (${r.reference[0]?.trials ?? 0} trials): ` + r.reference.map((x) => `${x.protocol} ${x.w_rel_8h.mean.toFixed(4)} ± ${x.w_rel_8h.sd.toFixed(4)} (${x.class})`).join('; ')];
  const head = ['format', 'rounding', 'period ms (bio)', 'feasible', 'util.', 'worst |dev| @8h', 'classes ok', ...r.reference.map((x) => `${x.protocol} w/h0 @8h (dev)`)];
  const rows = summariseConfigurations(r).map((s) => {
    const cells = r.reference.map((ref) => {
      const x = r.rows.find((y) => y.protocol === ref.protocol && y.format === s.format && y.rounding === s.rounding && y.ppu_period_ms === s.ppu_period_ms)!;
      return `${x.w_rel_8h.mean.toFixed(3)} (${x.dev_sd_8h >= 0 ? '+' : ''}${x.dev_sd_8h.toFixed(1)})${x.class_ok ? '' : ' ✗'}`;
    });
    const util = r.rows.find((y) => y.format === s.format && y.rounding === s.rounding && y.ppu_period_ms === s.ppu_period_ms)!.utilisation;
    return [s.format, s.rounding, String(s.ppu_period_ms), s.feasible ? 'yes' : 'NO', util.toFixed(3), s.max_abs_dev_sd_8h.toFixed(1), `${s.classes_ok}/${s.protocols}`, ...cells];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ');
  lines.push(line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  if (r.variants.length > 0) {
    lines.push('', 'variants of the default configuration (w/h0 @8h, dev in reference SDs):');
    const labels = [...new Set(r.variants.map((v) => `${v.section}: ${v.label}`))];
    for (const l of labels) {
      const vs = r.variants.filter((v) => `${v.section}: ${v.label}` === l);
      lines.push(`  ${l.padEnd(36)} ` + vs.map((v) => `${v.protocol} ${v.w_rel_8h.mean.toFixed(3)} (${v.dev_sd_8h >= 0 ? '+' : ''}${v.dev_sd_8h.toFixed(1)})${v.class_ok ? '' : ' ✗'}`).join('  '));
    }
  }
  lines.push('', `${r.rows.length} rows in ${r.wall_s.toFixed(0)} s`);
  return lines.join('\n');
}

async function hwStudyCommand(flags: StudyFlags): Promise<void> {
  let protocols;
  try {
    protocols = resolveProtocols(flags.protocols);
  } catch (e) {
    if (e instanceof ConfigError) usageError(e.message);
    throw e;
  }
  const params = resolveParams({});
  const periods = flags.periods ?? [...DEFAULT_PERIODS_MS];
  for (const p of periods) {
    try {
      resolveBss2Config({ ppuPeriod_ms: p, allowInfeasible: true }, params);
    } catch (e) {
      usageError(`--periods: ${(e as Error).message}`);
    }
  }
  // the output folder is checked before the study runs: a bad one costs nothing
  const writeFiles = !flags.json || flags.out !== undefined;
  const outDir = !writeFiles ? undefined
    : flags.out !== undefined ? outputFolder(flags.out, { force: flags.force }) : outputFolder(defaultRunDir('hw-study'), { allowExisting: true });
  const chatty = !flags.json && !flags.quiet;
  const result = runHwStudy({
    protocols, trials: flags.trials, shortPeriodTrials: flags.shortPeriodTrials, referenceTrials: flags.referenceTrials,
    seed: flags.seed, periods_ms: periods, formats: flags.formats, roundings: flags.roundings, extras: flags.extras, params,
    onProgress: chatty ? (done, total, label) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}[${done}/${total}] ${label}${process.stderr.isTTY ? '' : '\n'}`) : undefined,
  });
  if (chatty && process.stderr.isTTY) process.stderr.write('\n');
  if (outDir !== undefined) {
    const dir = new RunDirectory(outDir);
    dir.write('hw_study.json', JSON.stringify(result, null, 1) + '\n');
    dir.write('hw_study_rows.csv', hwStudyCsv(result));
    const spec = hwStudyFigureSpec(result);
    dir.write('accuracy_vs_period.vl.json', JSON.stringify(spec, null, 1) + '\n');
    const svg = await renderSvg(spec);
    dir.write('accuracy_vs_period.svg', svg);
    dir.write('accuracy_vs_period.png', svgToPng(svg));
    if (!flags.json) process.stdout.write(table(result) + `\n\nresults and figure in ${dir.path}\n`);
  }
  if (flags.json) process.stdout.write(JSON.stringify(hwStudyJson(result)) + '\n');
}

export function registerHwStudy(program: Command): void {
  program
    .command('hw-study')
    .description('BrainScaleS-2 study: sweep the PPU solver period, rounding mode and number format against the reference engine')
    .option('--protocols <names...>', 'protocols (STET, WTET, SLFS, WLFS or all)', ['all'])
    .option('--trials <n>', 'bss2 trials per configuration (periods ≥ 1 ms)', parseInteger('--trials', 1, MAX_TRIALS), 3)
    .option('--short-period-trials <n>', 'bss2 trials per configuration for periods below 1 ms (infeasible on the chip, slow to emulate)', parseInteger('--short-period-trials', 1, MAX_TRIALS), 1)
    .option('--reference-trials <n>', 'reference-engine trials per protocol', parseInteger('--reference-trials', 2, MAX_TRIALS), 10)
    .option('--seed <s>', 'master seed', parseInteger('--seed', 0), 1)
    .option('--periods <ms,...>', `solver periods in ms of biological time (default ${DEFAULT_PERIODS_MS.join(',')})`, parsePeriods)
    .addOption(new Option('--formats <f,...>', `number formats (default ${FORMAT_NAMES.join(',')})`).argParser(parseList('--formats', FORMAT_NAMES)))
    .addOption(new Option('--roundings <m,...>', `rounding modes (default ${ROUNDING_MODES.join(',')})`).argParser(parseList('--roundings', ROUNDING_MODES)))
    .option('--extras', 'also run the mismatch (3 chips) and random-generator variants of the default configuration')
    .option('--out <dir>', 'output folder (default runs/<timestamp>-hw-study)')
    .option('--force', 'write into an --out folder that already holds files (files of the same name are replaced)')
    .option('--json', 'print {"rows": [...]} on stdout and nothing else')
    .option('--quiet', 'no progress output')
    .action(hwStudyCommand);
}
