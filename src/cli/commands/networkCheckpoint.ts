/**
 * `calcitag network … --checkpoint-every <s> [--checkpoints <dir>]` and `--resume <dir>`: the network
 * command's engine with checkpoints (engines/reference/networkCheckpoint.ts). Checkpoints go to
 * `<dir>` (default `<out>/checkpoints`) as `t<ms>ms.ckpt`; a resume continues from the latest one there
 * and gives the uninterrupted run's result bit for bit. Only the reference engine can save its state.
 */
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Engine } from '../../engines/types.js';
import { runReferenceNetwork } from '../../engines/reference/networkEngine.js';
import type { NetworkCheckpoint } from '../../engines/reference/networkCheckpoint.js';
import { latestCheckpoint, readCheckpoint, writeCheckpoint } from '../../io/networkCheckpointFile.js';
import { outputFolder, usageError } from '../errors.js';

export interface CheckpointFlags {
  checkpointEvery?: number;
  checkpoints?: string;
  resume?: string;
  quiet?: boolean;
  json?: boolean;
}

/** Parses --checkpoint-every: simulated seconds > 0. */
export function parseCheckpointEvery(raw: string): number {
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`--checkpoint-every '${raw}' is invalid; allowed: seconds of simulated time > 0`);
  return v;
}

/** The engine to run with: `engine` itself without checkpoint flags, else one that saves or resumes. */
export function checkpointingEngine(engine: Engine, flags: CheckpointFlags, outDir: string | undefined): Engine {
  if (flags.checkpointEvery === undefined && flags.resume === undefined) return engine;
  // the capability, not the name: the engine must run networks with the reference engine's loop
  if (engine.runNetwork !== runReferenceNetwork) usageError(`--checkpoint-every/--resume: engine '${engine.name}' cannot save its state; allowed: --engine reference`);
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
  const save = dir ? (cp: NetworkCheckpoint) => { writeCheckpoint(dir, cp); } : undefined;
  return { ...engine, runNetwork: (spec) => runReferenceNetwork(spec, { ...(save ? { every_s: flags.checkpointEvery, save } : {}), ...(resume ? { resume } : {}) }) };
}
