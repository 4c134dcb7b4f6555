/**
 * `calcitag network … --checkpoint-every <s> [--checkpoints <dir>]` and `--resume <dir>`: the network
 * command's engine with checkpoints (engines/reference/networkCheckpoint.ts). Checkpoints go to
 * `<dir>` (default `<out>/checkpoints`) as `t<ms>ms.ckpt`; a resume continues from the latest one there
 * and gives the uninterrupted run's result bit for bit — on any number of threads (`--workers`), whatever
 * the number the checkpoint was saved with. Engines that can save their state: reference, fast.
 */
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { NetworkCheckpointOptions } from '../../engines/networkTypes.js';
import type { Engine } from '../../engines/types.js';
import { engineNames, getEngine } from '../../engines/registry.js';
import { runNetworkOnThreads } from '../networkThreads.js';
import type { NetworkCheckpoint } from '../../engines/reference/networkCheckpoint.js';
import { checkpointSaver, latestCheckpoint, readCheckpoint } from '../../io/networkCheckpointFile.js';
import { outputFolder, usageError } from '../errors.js';

export interface CheckpointFlags {
  checkpointEvery?: number;
  checkpoints?: string;
  /** How many of the latest checkpoints to keep (0: all). */
  keepCheckpoints?: number;
  resume?: string;
  quiet?: boolean;
  json?: boolean;
}

/** Checkpoints kept by default: the latest and the two before it (each holds the whole run so far). */
export const KEEP_CHECKPOINTS = 3;

/** Parses --keep-checkpoints: an integer ≥ 0 (0 keeps every checkpoint). */
export function parseKeepCheckpoints(raw: string): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`--keep-checkpoints '${raw}' is invalid; allowed: an integer ≥ 0 (0 keeps all)`);
  return v;
}

/** Parses --checkpoint-every: simulated seconds > 0. */
export function parseCheckpointEvery(raw: string): number {
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`--checkpoint-every '${raw}' is invalid; allowed: seconds of simulated time > 0`);
  return v;
}

/**
 * The engine to run with, on `threads` threads (one network split across them): `engine` itself for one
 * thread without checkpoint flags, else one that splits, saves or resumes.
 */
export function runningEngine(engine: Engine, flags: CheckpointFlags, outDir: string | undefined, threads: number): Engine {
  const checkpoints = checkpointOptions(engine, flags, outDir);
  if (threads <= 1 && !checkpoints) return engine;
  return { ...engine, runNetwork: (spec) => (threads > 1 ? runNetworkOnThreads(engine, spec, threads, undefined, checkpoints) : engine.runNetwork!(spec, checkpoints)) };
}

/** The checkpoint options the flags ask for (undefined: none), the flags checked. */
function checkpointOptions(engine: Engine, flags: CheckpointFlags, outDir: string | undefined): NetworkCheckpointOptions | undefined {
  if (flags.keepCheckpoints !== undefined && flags.checkpointEvery === undefined) usageError('--keep-checkpoints applies to the checkpoints --checkpoint-every saves; give both');
  if (flags.checkpointEvery === undefined && flags.resume === undefined) return undefined;
  if (!engine.savesNetworkState) {
    const can = engineNames().filter((e) => getEngine(e).savesNetworkState).map((e) => `--engine ${e}`);
    usageError(`--checkpoint-every/--resume: engine '${engine.name}' cannot save its state; allowed: ${can.join(', ')}`);
  }
  let dir: string | undefined;
  if (flags.checkpointEvery !== undefined) {
    const where = flags.checkpoints ?? (outDir ? join(outDir, 'checkpoints') : undefined);
    if (!where) usageError('--checkpoint-every needs a place for the checkpoints: --checkpoints <dir> or --out <dir>');
    dir = outputFolder(where, { allowExisting: true, flag: '--checkpoints' });
  }
  let resume: NetworkCheckpoint | undefined;
  if (flags.resume !== undefined) {
    const file = latestCheckpoint(flags.resume) ?? latestCheckpoint(join(flags.resume, 'checkpoints'));
    if (!file) usageError(`--resume '${flags.resume}': no checkpoint there (t…ms.ckpt files, or a run folder with checkpoints/)`);
    try {
      resume = readCheckpoint(file);
    } catch (e) {
      usageError(`--resume: ${(e as Error).message}`);
    }
    if (!flags.quiet && !flags.json) process.stderr.write(`resuming from ${file} (t = ${resume.t_s} s)\n`);
  }
  const keep = flags.keepCheckpoints ?? KEEP_CHECKPOINTS;
  const save = dir ? checkpointSaver(dir, keep) : undefined;
  // save writes the checkpoint out before the run goes on: it may borrow the live state
  return { ...(save ? { every_s: flags.checkpointEvery, save, borrow: true } : {}), ...(resume ? { resume } : {}) };
}
