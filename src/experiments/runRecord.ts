/**
 * The run record: one file per run folder, `run.json`, holding the fully resolved experiment — calcitag
 * version, seed, engine and its options with every default filled in, every parameter (its unit in the
 * key), every protocol's trains, probes and outputs. `calcitag run <folder>` reads it back and reruns the
 * run bit for bit. It replaces the two overlapping files earlier versions wrote, `config.json` (the run
 * configuration) and `experiment.json` (the same as an experiment file); folders holding only those are
 * still read, so old runs rerun as they did.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ExperimentError, experimentToJson, readExperimentFile, type ResolvedExperiment } from './experiment.js';

/** The run record: an experiment with every default filled in (as run.json holds it, see {@link runRecordJson}). */
export type RunRecord = ResolvedExperiment;

/** The run record's file name in a run folder. */
export const RUN_RECORD = 'run.json';
/** Files that held the run in folders of earlier versions, in the order they are looked for after run.json. */
export const LEGACY_RUN_RECORDS = ['experiment.json', 'config.json'] as const;

/** The run record of a resolved experiment, as written to run.json (and to results.h5's `experiment` attribute). */
export function runRecordJson(e: RunRecord): Record<string, unknown> {
  return experimentToJson(e);
}

/** The file that holds a run folder's record (run.json, else a legacy one), or undefined if `dir` is not a run folder. */
export function runRecordFile(dir: string): string | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  for (const name of [RUN_RECORD, ...LEGACY_RUN_RECORDS]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A legacy `config.json` (the run configuration: `version`, engine, seed, …, `params` by name, the
 * protocols as engine data) as an experiment object, to be validated by `resolveExperiment` like any
 * other: the same experiment `calcitag run` of that version recorded next to it.
 */
export function experimentFromConfigJson(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const { version, protocols, ...rest } = raw;
  const drop = (o: Json) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    ...rest,
    ...(version !== undefined ? { calcitag_version: version } : {}),
    protocols: Array.isArray(protocols)
      ? protocols.map((p: unknown) => (isObject(p)
        ? drop({ name: p.name, description: p.description, duration_s: p.duration_s, trains: p.trains, spike_times_s: p.spikeTimes_s, expected: p.expected })
        : p))
      : protocols,
    outputs: { hdf5: false }, // what `calcitag run <protocols>` of those versions recorded
  };
}

/**
 * The record of the run folder `dir` as an experiment object (to be resolved), and the file it came
 * from; throws an {@link ExperimentError} when the folder holds none or it is not readable.
 */
export function readRunFolder(dir: string): { experiment: unknown; file: string } {
  const file = runRecordFile(dir);
  if (!file) throw new ExperimentError([`not a run folder: no ${[RUN_RECORD, ...LEGACY_RUN_RECORDS].join(', ')}`], dir);
  const raw = readExperimentFile(file);
  return { experiment: basename(file) === 'config.json' ? experimentFromConfigJson(raw) : raw, file };
}
