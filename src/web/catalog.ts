/**
 * What the dashboard's runs folder holds: finding run folders (summary.json) and hardware-study
 * folders (hw_study.json) a few levels down, their ids, and the listings the API returns for them
 * (run list, run detail, studies, hardware-study figures). Reads files only; HTTP is routes.ts's job.
 */
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { experimentRunConfig, resolveExperiment } from '../experiments/experiment.js';
import { readRunFolder, runRecordFile } from '../experiments/runRecord.js';
import { realInside } from './confine.js';
import { defaultParams } from '../model/parameters.js';
import { networkBrief, type NetworkBrief } from './network.js';
import { listProbes } from './probes.js';

/** Files a run folder may serve (everything a run writes, nothing executable). */
export const RUN_FILE_EXT = new Set(['.json', '.csv', '.svg', '.png', '.txt', '.h5', '.npy', '.yaml', '.yml']);
const FIGURE_EXT = new Set(['.svg', '.png']);
/**
 * File names of hardware-study figures (in docs/figures and in run folders): `hw-study*`, `hw_study*`,
 * and the study's own figure `accuracy_vs_period` (docs/figures ships it as `bss2_accuracy_vs_period`).
 */
export const HW_STUDY = /^(?:bss2[-_])?(?:hw[-_]?study.*|accuracy[-_]vs[-_]period)\.(svg|png)$/i;
const MAX_DEPTH = 4;
/**
 * Id of the runs folder itself when it is a run folder: '.' would be a dot segment that URLs drop,
 * and the search skips folders starting with '.', so no run can be named so.
 */
export const ROOT_ID = '.root';
/** The file that marks a hardware-study folder (`calcitag hw-study --out`). */
export const STUDY_MARKER = 'hw_study.json';
const SKIP_DIRS = new Set(['node_modules', '.git']);

/** One run in the list. */
export interface RunListing {
  id: string;
  name: string;
  /** 'network' for a network run (summary.json `"kind": "network"`), else 'protocols'. */
  kind: 'protocols' | 'network';
  /** A network run's size and readouts. */
  network?: NetworkBrief;
  engine: string | null;
  seed: number | null;
  trials: number | null;
  protocols: string[];
  classes: Record<string, string>;
  params_changed: Record<string, number>;
  /**
   * Set when the run was stopped before it ended (summary.json `"interrupted": true`): the protocols it
   * finished, the one it was running, those it never started.
   */
  interrupted?: { completed: string[]; partial: string | null; not_started: string[] };
  modified: string;
}

/** A hardware-study figure, wherever it was found. */
export interface FigureListing {
  source: string;
  file: string;
  url: string;
  title: string;
}

type Json = Record<string, unknown>;

/** Every folder under `root` (itself included, at most MAX_DEPTH levels down) that holds `marker`. */
export function findFolders(root: string, marker: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, marker))) {
      out.push(dir);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) walk(join(dir, e.name), depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

/** Run folders: those holding summary.json. */
export function findRuns(root: string): string[] {
  return findFolders(root, 'summary.json');
}

/** Hardware-study folders (`calcitag hw-study --out`): those holding hw_study.json. */
export function findStudies(root: string): string[] {
  return findFolders(root, STUDY_MARKER);
}

/** The id of a folder under `root`: its relative path, '/'-separated; ROOT_ID for `root` itself. */
function idOf(root: string, dir: string): string {
  const rel = relative(root, dir);
  return rel === '' ? ROOT_ID : rel.split(sep).join('/');
}

/** A JSON file's content, or null when it is missing, not JSON, or a link leading out of its folder. */
function readJson(path: string): unknown {
  if (!realInside(dirname(path), path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Figures of a folder: SVGs, and PNGs without an SVG of the same name. */
function folderFigures(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => !f.includes('.tmp-') && realInside(dir, join(dir, f))).sort();
  return files.filter((f) => f.endsWith('.svg') || (f.endsWith('.png') && !files.includes(`${f.slice(0, -4)}.svg`)));
}

/** The files of a folder that may be served (RUN_FILE_EXT, no half-written `.tmp-` files, no links out of it), sorted. */
function servableFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => RUN_FILE_EXT.has(extname(f).toLowerCase()) && !f.includes('.tmp-') && realInside(dir, join(dir, f))).sort();
}

/**
 * The run configuration of a run folder, as the front end reads it (engine, params by name, protocols as
 * data): an older folder's config.json as stored, else derived from the run record (run.json); null when
 * there is neither or the record does not resolve.
 */
export function runConfigOf(dir: string): Json | null {
  const stored = readJson(join(dir, 'config.json'));
  if (stored !== null) return stored as Json;
  const record = runRecordFile(dir);
  if (record !== undefined && !realInside(dir, record)) return null;
  try {
    const { experiment, file } = readRunFolder(dir);
    const version = (experiment as Json).calcitag_version;
    return { ...experimentRunConfig(resolveExperiment(experiment, file)), ...(typeof version === 'string' ? { version } : {}) };
  } catch {
    return null;
  }
}

/** How far an interrupted run got, from its summary.json (nothing for a complete run). */
function interruption(summary: Json): Pick<RunListing, 'interrupted'> {
  if (summary.interrupted !== true) return {};
  const p = (summary.progress ?? {}) as Json;
  const names = (x: unknown) => (Array.isArray(x) ? x.map(String) : []);
  const partial = p.partial && typeof p.partial === 'object' ? String((p.partial as Json).protocol ?? '') || null : null;
  return { interrupted: { completed: names(p.completed_protocols), partial, not_started: names(p.not_started) } };
}

/** The list entry of the run folder `dir`. */
function listing(root: string, dir: string, config: Json = runConfigOf(dir) ?? {}): RunListing {
  const summary = (readJson(join(dir, 'summary.json')) ?? {}) as Json;
  const results = Array.isArray(summary.results) ? (summary.results as Json[]) : [];
  const classes: Record<string, string> = {};
  for (const r of results) if (typeof r.protocol === 'string') classes[r.protocol] = String(r.class ?? '');
  const protocols = results.map((r) => String(r.protocol));
  return {
    id: idOf(root, dir),
    name: idOf(root, dir) === ROOT_ID ? basename(dir) || dir : idOf(root, dir),
    kind: summary.kind === 'network' ? 'network' : 'protocols',
    ...networkBrief(summary),
    engine: typeof summary.engine === 'string' ? summary.engine : typeof config.engine === 'string' ? config.engine : null,
    seed: typeof summary.seed === 'number' ? summary.seed : null,
    trials: typeof summary.trials === 'number' ? summary.trials : null,
    protocols,
    classes,
    params_changed: changedParams(config),
    ...interruption(summary),
    modified: statSync(join(dir, 'summary.json')).mtime.toISOString(),
  };
}

/** Parameters that differ from the model's defaults, so two runs can be told apart in the list. */
let defaults: Record<string, number> | undefined;
function changedParams(config: Json): Record<string, number> {
  const params = config.params as Record<string, number> | undefined;
  if (!params || typeof params !== 'object') return {};
  defaults ??= { ...defaultParams('single') };
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(params)) {
    const d = defaults[k];
    if (typeof v === 'number' && d !== undefined && Math.abs(v - d) > 1e-12 * Math.max(1, Math.abs(d))) out[k] = v;
  }
  return out;
}

/** Every run under `root`, newest first (ties by id). */
export function listRuns(root: string): RunListing[] {
  return findRuns(root)
    .map((d) => listing(root, d))
    .sort((a, b) => (a.modified < b.modified ? 1 : a.modified > b.modified ? -1 : a.id.localeCompare(b.id)));
}

/** The detail of the run folder `dir` (which must hold summary.json): listing, summary, config, files. */
export function runDetail(root: string, dir: string) {
  const files = servableFiles(dir);
  const protocols = files.filter((f) => /^traces_.+\.csv$/.test(f)).map((f) => f.slice(7, -4));
  const config = runConfigOf(dir);
  return {
    ...listing(root, dir, config ?? {}),
    summary: readJson(join(dir, 'summary.json')),
    config,
    files,
    protocols_with_traces: protocols,
    calcium: files.filter((f) => /^calcium_.+\.csv$/.test(f)).map((f) => f.slice(8, -4)),
    figures: files.filter((f) => FIGURE_EXT.has(extname(f).toLowerCase())),
    probes: listProbes(dir),
  };
}

/** Hardware-study folders with their reference results and figures (rows via …/csv/hw_study_rows.csv), newest first. */
export function listStudies(root: string) {
  return findStudies(root)
    .map((dir) => {
      const json = (readJson(join(dir, STUDY_MARKER)) ?? {}) as Json;
      return {
        id: idOf(root, dir),
        modified: statSync(join(dir, STUDY_MARKER)).mtime.toISOString(),
        seed: json.seed ?? null,
        trials: json.trials ?? null,
        reference: Array.isArray(json.reference) ? json.reference : [],
        rows: Array.isArray(json.rows) ? json.rows.length : null,
        figures: folderFigures(dir),
        files: servableFiles(dir),
      };
    })
    .sort((a, b) => (a.modified < b.modified ? 1 : -1));
}

/**
 * Hardware-study figures: `hw*study*` SVG/PNG files of each of `figureDirs` (source `docs<i>`) and of
 * each run folder, then every figure of each hardware-study folder.
 */
export function listFigures(root: string, figureDirs: readonly string[]): FigureListing[] {
  const out: FigureListing[] = [];
  figureDirs.forEach((d, i) => {
    if (!existsSync(d)) return;
    for (const f of folderFigures(d)) {
      if (HW_STUDY.test(f)) out.push({ source: `docs${i}`, file: f, url: `/api/figures/docs${i}/${encodeURIComponent(f)}`, title: `docs/figures/${f}` });
    }
  });
  for (const dir of findRuns(root)) {
    const id = idOf(root, dir);
    for (const f of readdirSync(dir).sort()) {
      if (HW_STUDY.test(f)) out.push({ source: `run:${id}`, file: f, url: `/api/runs/${encodeURIComponent(id)}/files/${encodeURIComponent(f)}`, title: `${id}/${f}` });
    }
  }
  for (const dir of findStudies(root)) {
    const id = idOf(root, dir);
    for (const f of folderFigures(dir)) out.push({ source: `study:${id}`, file: f, url: `/api/runs/${encodeURIComponent(id)}/files/${encodeURIComponent(f)}`, title: `${id}/${f}` });
  }
  return out;
}
