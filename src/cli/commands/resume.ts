/**
 * `calcitag run FILE --resume DIR`: finishes the interrupted run in DIR (Ctrl-C, SIGKILL, a crash) in
 * place. DIR must hold the run of the same experiment — FILE with the command line's overrides must
 * resolve to DIR's run.json (seed, trials, engine, parameters, protocols, probes, outputs, version).
 * The protocols DIR's `.resume/` records as finished are kept, the others run; the folder then holds
 * what an uninterrupted run writes (io/runResume.ts). A complete DIR is left untouched.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ExperimentError, experimentRunProblems, readExperimentFile, resolveExperiment, type ResolvedExperiment } from '../../experiments/experiment.js';
import { readRunFolder, RUN_RECORD, runRecordJson } from '../../experiments/runRecord.js';
import { createProgressReporter } from '../../io/progress.js';
import { hasResumeState } from '../../io/runResume.js';
import { resultsTable } from '../../io/table.js';
import { usageError } from '../errors.js';
import { watchExperiment } from '../watchExperiment.js';
import { applyOverrides, type ExperimentFlags } from './experiment.js';

/** Where two run records differ: `path: here (DIR: there)`, at most `max` of them. */
export function recordDifferences(here: unknown, there: unknown, max = 4, path = ''): string[] {
  if (JSON.stringify(here) === JSON.stringify(there)) return [];
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isMap(here) || !isMap(there) || Array.isArray(here) !== Array.isArray(there)) {
    const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v).slice(0, 60));
    return [`${path || 'the experiment'} ${show(here)} (DIR: ${show(there)})`];
  }
  const out: string[] = [];
  for (const k of new Set([...Object.keys(here), ...Object.keys(there)])) {
    const sub = Array.isArray(here) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    out.push(...recordDifferences(here[k], there[k], max - out.length, sub));
    if (out.length >= max) break;
  }
  return out;
}

/** Whether DIR's log says the run completed (its last line, written after every file was closed). */
function isComplete(dir: string): boolean {
  const log = join(dir, 'log.txt');
  if (!existsSync(log)) return false;
  const last = readFileSync(log, 'utf8').trimEnd().split('\n').pop() ?? '';
  return / complete$/.test(last);
}

/** The experiment to resume (FILE with the overrides typed), checked against DIR's record; exits 2 otherwise. */
function checkResumable(path: string, dir: string, flags: ExperimentFlags, command?: Command): { exp: ResolvedExperiment; overridden: unknown } {
  if (!existsSync(dir)) usageError(`--resume '${dir}': no such folder`);
  if (!statSync(dir).isDirectory()) usageError(`--resume '${dir}' is a file, not a run folder`);
  if (!existsSync(join(dir, RUN_RECORD))) usageError(`--resume '${dir}': not a run folder (no ${RUN_RECORD})`);
  let exp: ResolvedExperiment;
  let overridden: unknown;
  let record: unknown;
  try {
    let raw: unknown;
    if (existsSync(path) && statSync(path).isDirectory()) ({ experiment: raw } = readRunFolder(path));
    else raw = readExperimentFile(path);
    overridden = applyOverrides(raw, flags, (name) => command?.getOptionValueSource(name) === 'cli');
    exp = resolveExperiment(overridden, path);
    const problems = experimentRunProblems(exp);
    if (problems.length > 0) throw new ExperimentError(problems, path);
    record = JSON.parse(readFileSync(join(dir, RUN_RECORD), 'utf8'));
  } catch (e) {
    if (e instanceof ExperimentError || e instanceof SyntaxError) usageError(e.message.split('\n')[0]!);
    throw e;
  }
  const diff = recordDifferences(runRecordJson(exp), record);
  if (diff.length > 0) usageError(`--resume '${dir}': it holds another run than ${path}: ${diff.join('; ')}`);
  return { exp, overridden };
}

export async function resumeExperimentFile(path: string, dir: string, flags: ExperimentFlags, command?: Command): Promise<void> {
  if (flags.out !== undefined) usageError('--out: --resume finishes the run in its own folder; give one of them');
  const { exp, overridden } = checkResumable(path, dir, flags, command);
  if (isComplete(dir)) {
    process.stderr.write(`calcitag: ${dir} holds a complete run; nothing to do\n`);
    return;
  }
  if (!hasResumeState(dir)) usageError(`--resume '${dir}': the folder holds no resume state (.resume/); it was written by calcitag run with protocol names or by an older calcitag — rerun it with calcitag run ${dir} --out NEW`);
  const progress = createProgressReporter({ quiet: flags.quiet || flags.json });
  // Ctrl-C: the running trial stops and the folder stays resumable; twice: at once (.resume/ is written atomically)
  const res = await watchExperiment({
    job: { experiment: overridden, source: path, outDir: dir, resume: true }, exp, progress,
    stoppedMessage: () => `calcitag: stopped; ${dir} can be resumed again`,
  });
  const kept = res.kept ?? [];
  if (flags.json) {
    process.stdout.write(JSON.stringify({ ...res.summary, resumed: { kept }, ...(res.progress.interrupted ? { interrupted: true, progress: res.progress } : {}) }) + '\n');
  } else {
    process.stderr.write(`calcitag: resumed ${dir}: kept ${kept.join(', ') || 'no protocol'} from the interrupted run\n`);
    if (res.results.length > 0) process.stdout.write(resultsTable(res.config, res.results) + '\n');
    for (const w of res.warnings) process.stderr.write(`calcitag: warning: ${w}\n`);
    if (res.progress.interrupted) process.stdout.write(`\ninterrupted again: completed ${res.progress.completed_protocols.join(', ') || 'no protocol'}; resume it with the same command\n`);
    process.stdout.write(`\nresults in ${res.runDir ?? dir}\n`);
  }
  if (res.progress.interrupted) process.exitCode = 130;
}
