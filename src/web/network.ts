/**
 * Network run folders for the dashboard (`summary.json` with `"kind": "network"`, written by the
 * recurrent memory-network simulation): the summary checked against the folder format, the neuron
 * groups of the raster (recalled half of the assembly, the other half, control, inhibitory), the
 * learning and recall times, and which of the run's files are there. The CSV files are read by
 * networkData.ts. Reads files only; HTTP is routes.ts's job (errors are HttpErrors with a plain message).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownFile } from './confine.js';
import { HttpError } from './respond.js';

/** A population's place in the global neuron index space. */
export interface NetworkPopulation {
  name: string;
  size: number;
  offset: number;
}

/** summary.json of a network run (the fields the dashboard reads; others pass through). */
export interface NetworkSummary {
  kind: 'network';
  calcitag_version?: string;
  name?: string;
  seed?: number;
  engine?: string;
  recall?: string;
  recall_onset_s?: number;
  assembly: number;
  neurons: number;
  synapses?: number;
  plastic_synapses?: number;
  populations: NetworkPopulation[];
  readouts?: { Q?: number; MI?: number; Q_err?: number; selfMIL?: number; selfMIR?: number; rates_Hz?: Record<string, number> };
  cpu_s?: number;
  wall_s?: number;
  peak_rss_mb?: number;
  t_max_s?: number;
  /** Not in the format's required fields: learning stimulus onsets (default: the paradigm's 10.0, 10.5, 11.0 s). */
  learning_onsets_s?: number[];
  /** Not required either: length of each learning and recall stimulus (default 0.1 s). */
  stimulus_duration_s?: number;
  [k: string]: unknown;
}

/** Neurons from … to − 1 of a raster band. */
export interface NeuronGroup {
  name: 'as' | 'ans' | 'ctrl' | 'inh' | 'other';
  label: string;
  from: number;
  to: number;
}

/** What the network view needs besides the CSV data. */
export interface NetworkOverview {
  summary: NetworkSummary;
  groups: NeuronGroup[];
  /** Stimulation intervals [start, end] in s; learning_from says where the learning times came from. */
  marks: { learning: Array<[number, number]>; recall: Array<[number, number]>; learning_from: 'summary' | 'paradigm' };
  files: { spikes: boolean; rates: boolean; weights: boolean; run_record: boolean; log: boolean };
  /** raster and weights figures: the SVG, or the PNG when there is no SVG. */
  figures: string[];
}

/** The brief shown in the run list. */
export interface NetworkBrief {
  neurons: number | null;
  assembly: number | null;
  recall: string | null;
  Q: number | null;
  MI: number | null;
}

/** The published paradigm's learning stimuli (three 0.1 s stimuli, MODEL.md §8). */
export const PARADIGM_LEARNING_ONSETS_S = [10, 10.5, 11];
const STIMULUS_S = 0.1;

export const NETWORK_FILES = { spikes: 'spikes.csv', rates: 'population_rates.csv', weights: 'weights.csv', run_record: 'run.json', log: 'log.txt' } as const;

type Json = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Whether a parsed summary.json is a network run's. */
export function isNetworkSummary(summary: unknown): boolean {
  return typeof summary === 'object' && summary !== null && (summary as Json).kind === 'network';
}

/** The run-list fields of a network run (`{}` for other runs). */
export function networkBrief(summary: Json): { network?: NetworkBrief } {
  if (!isNetworkSummary(summary)) return {};
  const r = (typeof summary.readouts === 'object' && summary.readouts !== null ? summary.readouts : {}) as Json;
  return {
    network: {
      neurons: num(summary.neurons),
      assembly: num(summary.assembly),
      recall: typeof summary.recall === 'string' ? summary.recall : null,
      Q: num(r.Q),
      MI: num(r.MI),
    },
  };
}

/**
 * summary.json of the network run in `dir`, checked.
 * @throws HttpError 404 when the run is not a network run, 422 when its summary breaks the format.
 */
export function readNetworkSummary(dir: string, id: string): NetworkSummary {
  let s: Json;
  try {
    s = JSON.parse(readFileSync(ownFile(dir, join(dir, 'summary.json')), 'utf8')) as Json;
  } catch (e) {
    throw new HttpError(422, `summary.json of '${id}' is not valid JSON (${(e as Error).message})`);
  }
  if (!isNetworkSummary(s)) throw new HttpError(404, `'${id}' is not a network run (its summary.json has no "kind": "network")`);
  const problems: string[] = [];
  if (!isCount(s.neurons) || s.neurons === 0) problems.push('"neurons" must be a positive integer');
  if (!isCount(s.assembly)) problems.push('"assembly" must be a non-negative integer');
  const pops = Array.isArray(s.populations) ? (s.populations as Json[]) : null;
  if (!pops || !pops.length) problems.push('"populations" must be a non-empty list');
  else if (!pops.every((p) => typeof p.name === 'string' && isCount(p.size) && isCount(p.offset))) problems.push('each population needs a name, a size and an offset');
  if (problems.length) throw new HttpError(422, `summary.json of '${id}' does not follow the network run format: ${problems.join('; ')}`);
  return s as NetworkSummary;
}

/** The raster bands: as = first half of the assembly (recalled), ans = second half, ctrl = other exc, inh. */
export function neuronGroups(s: NetworkSummary): NeuronGroup[] {
  const exc = s.populations.find((p) => p.name === 'exc') ?? s.populations[0]!;
  const a = Math.min(s.assembly, exc.size);
  const half = Math.floor(a / 2);
  const groups: NeuronGroup[] = [
    { name: 'as', label: 'assembly, recalled half (as)', from: exc.offset, to: exc.offset + half },
    { name: 'ans', label: 'assembly, other half (ans)', from: exc.offset + half, to: exc.offset + a },
    { name: 'ctrl', label: 'control excitatory (ctrl)', from: exc.offset + a, to: exc.offset + exc.size },
  ];
  for (const p of s.populations) {
    if (p === exc) continue;
    groups.push({ name: p.name === 'inh' ? 'inh' : 'other', label: p.name === 'inh' ? 'inhibitory (inh)' : p.name, from: p.offset, to: p.offset + p.size });
  }
  return groups.filter((g) => g.to > g.from);
}

/** Learning and recall stimulation intervals (within [0, t_max] when t_max is known). */
export function stimulationMarks(s: NetworkSummary): NetworkOverview['marks'] {
  const d = num(s.stimulus_duration_s) ?? STIMULUS_S;
  const own = Array.isArray(s.learning_onsets_s) && s.learning_onsets_s.every((t) => num(t) !== null);
  const tMax = num(s.t_max_s) ?? Infinity;
  const spans = (onsets: number[]) => onsets.filter((t) => t < tMax).map((t): [number, number] => [t, Math.min(t + d, tMax)]);
  const recall = num(s.recall_onset_s);
  return {
    learning: spans(own ? s.learning_onsets_s! : PARADIGM_LEARNING_ONSETS_S),
    recall: recall === null ? [] : spans([recall]),
    learning_from: own ? 'summary' : 'paradigm',
  };
}

/** Everything the network view needs but the CSV data. */
export function networkOverview(dir: string, id: string): NetworkOverview {
  const summary = readNetworkSummary(dir, id);
  const has = (f: string) => existsSync(join(dir, f));
  const files = Object.fromEntries(Object.entries(NETWORK_FILES).map(([k, f]) => [k, has(f)])) as NetworkOverview['files'];
  const figures = ['raster', 'weights'].flatMap((f) => (has(`${f}.svg`) ? [`${f}.svg`] : has(`${f}.png`) ? [`${f}.png`] : []));
  return { summary, groups: neuronGroups(summary), marks: stimulationMarks(summary), files, figures };
}
