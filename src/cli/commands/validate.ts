/**
 * `calcitag validate`: runs protocol ensembles and compares them with the published C++ simulator's
 * results (reference/cpp-2n1s): mean w/h0 at 2 h, 4 h and 8 h in units of the combined standard
 * error, and the majority class. Exit code 0 when every check passes, 1 otherwise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { engineNames } from '../../engines/registry.js';
import { compareToReference, parseReferenceSummary } from '../../experiments/referenceData.js';
import { ConfigError, resolveRunConfig, runProtocols } from '../../experiments/protocolRun.js';
import { referenceDir } from '../../io/files.js';
import { usageError } from '../errors.js';
import { parseInteger } from './run.js';

interface ValidateFlags {
  trials: number;
  seed: number;
  engine: string;
  sigmas: number;
  json?: boolean;
}

async function validateCommand(protocols: string[], flags: ValidateFlags): Promise<void> {
  let cfg;
  try {
    cfg = resolveRunConfig({ protocols: protocols.length ? protocols : ['all'], trials: flags.trials, seed: flags.seed, engine: flags.engine });
  } catch (e) {
    if (e instanceof ConfigError) usageError(e.message);
    throw e;
  }
  const ref = parseReferenceSummary(readFileSync(join(referenceDir(), 'summary_trials.csv'), 'utf8'));
  const results = await Promise.resolve(runProtocols(cfg));
  const report = results.map((r) => {
    const c = compareToReference(r, ref, ['2h', '4h', '8h'], flags.sigmas);
    return { protocol: r.protocol, class: r.class, reference_class: c.referenceClass, class_ok: c.classOk, comparisons: c.comparisons };
  });
  const ok = report.every((r) => r.class_ok && r.comparisons.every((c) => c.pass));
  if (flags.json) {
    process.stdout.write(JSON.stringify({ engine: cfg.engine, seed: cfg.seed, trials: cfg.trials, sigmas: flags.sigmas, pass: ok, protocols: report }) + '\n');
  } else {
    const lines = [`validation of engine ${cfg.engine} (seed ${cfg.seed}, ${cfg.trials} trials) against the C++ reference (${referenceDir()})`];
    for (const r of report) {
      lines.push(`${r.protocol}: class ${r.class} (reference ${r.reference_class}) ${r.class_ok ? 'ok' : 'MISMATCH'}`);
      for (const c of r.comparisons) {
        lines.push(`  ${c.quantity.padEnd(10)} ours ${c.ours.mean.toFixed(4)} ± ${c.ours.sd.toFixed(4)}  reference ${c.reference.mean.toFixed(4)} ± ${c.reference.sd.toFixed(4)}  |Δ|/SE ${c.zScore.toFixed(2)} ${c.pass ? 'ok' : 'FAIL'}`);
      }
    }
    lines.push(ok ? 'all checks passed' : 'some checks FAILED');
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (!ok) process.exitCode = 1;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('compare protocol ensembles with the published C++ simulator (reference/cpp-2n1s)')
    .argument('[protocols...]', 'protocol names (default: all)')
    .option('--trials <n>', 'trials per protocol', parseInteger('--trials', 2), 20)
    .option('--seed <s>', 'master seed', parseInteger('--seed', 0), 1)
    .addOption(new Option('--engine <name>', 'engine to validate').default('reference').argParser((v: string) => {
      if (!engineNames().includes(v)) throw new InvalidArgumentError(`--engine '${v}' is unknown; allowed: ${engineNames().join(', ')}`);
      return v;
    }))
    .option('--sigmas <k>', 'tolerance in combined standard errors', (raw: string) => {
      const v = Number(raw);
      if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`--sigmas '${raw}' is invalid; allowed: a number > 0`);
      return v;
    }, 3)
    .option('--json', 'print one JSON object')
    .action(validateCommand);
}
