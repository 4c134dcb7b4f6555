/**
 * The mapper: can this network run on `chips` BrainScaleS-2 chips, and at what cost? Places neurons and
 * sources (placement.ts), sizes each processor's state and update (ppuBudget.ts), and lists every
 * constraint that breaks, the first one first, with what it needs and what the chip has.
 */
import type { NetworkDescription } from '../../../model/network/description.js';
import { DEFAULT_BSS2_CONFIG } from '../config.js';
import { DEFAULT_CHIP, type ChipResources } from './chipResources.js';
import { mappingGraph, type MappingGraph } from './graph.js';
import { hemisphereNeurons, placeNeurons, placeRows, type HemispherePlacement } from './placement.js';
import { processorBudget, type ProcessorBudget, type SolverSettings } from './ppuBudget.js';

export interface MapOptions {
  readonly seed: number;
  readonly chips: number;
  readonly resources?: Partial<ChipResources>;
  readonly solver?: Partial<SolverSettings>;
  /** A solver period to check, ms of biological time (absent: only the shortest one is reported). */
  readonly ppuPeriod_ms?: number;
  /** Analog step, ms: the period the engine uses is the shortest whole multiple of it (default 0.2). */
  readonly dt_ms?: number;
  /** Mean firing rate to size inter-chip traffic with, Hz (absent: traffic per Hz only, no link check). */
  readonly rate_Hz?: number;
  /** Largest chip count tried for `chipsNeeded` (0: not searched). */
  readonly maxChips?: number;
}

export type ConstraintName = 'neuron circuits' | 'address labels' | 'synapse rows' | 'processor memory' | 'solver period' | 'inter-chip link';

export interface Violation {
  readonly constraint: ConstraintName;
  readonly needed: number;
  readonly available: number;
  /** Where (a hemisphere, a chip), when it is not the whole system. */
  readonly where?: string;
}

export interface HemisphereReport extends Omit<HemispherePlacement, 'rowOfEdge' | 'neurons' | 'circuits'> {
  readonly neurons: number;
  readonly drivers: number;
  readonly budget: ProcessorBudget;
}

export interface MappingReport {
  readonly feasible: boolean;
  readonly chips: number;
  /** Fewest chips (up to maxChips) on which everything but the solver period fits; null if none. */
  readonly chipsNeeded: number | null;
  readonly violations: Violation[];
  readonly neurons: number;
  readonly externalSources: number;
  readonly circuitsNeeded: number;
  readonly circuitsAvailable: number;
  readonly hemispheres: HemisphereReport[];
  /** The busiest processor's state bytes (h, z, tag, protein, total) and cycles per update. */
  readonly ppuMemory: ProcessorBudget['memory'];
  readonly cyclesPerUpdate: number;
  readonly minPeriod_ms: number;
  /** The solver period a run uses: the given one, or the shortest whole multiple of dt. */
  readonly period_ms: number;
  readonly hardware_s: number;
  /** (source, other chip) pairs: spikes a source sends off its chip per spike, summed over sources. */
  readonly interchipPairs: number;
  readonly rate_Hz?: number;
  readonly solver: SolverSettings;
  readonly resources: ChipResources;
}

/** The placement and budgets for one chip count (what the engine builds its synapse table from). */
export interface Mapping {
  readonly graph: MappingGraph;
  readonly hemispheres: HemispherePlacement[];
  readonly report: MappingReport;
}

function worst(v: Violation[], c: ConstraintName, h: HemispherePlacement, needed: number, available: number, R: ChipResources): void {
  if (needed <= available) return;
  const where = R.hemispheres > 1 ? `chip ${h.chip} hemisphere ${h.hemisphere}` : `chip ${h.chip}`;
  const prev = v.findIndex((x) => x.constraint === c);
  if (prev < 0) v.push({ constraint: c, needed, available, where });
  else if (needed > v[prev]!.needed) v[prev] = { constraint: c, needed, available, where };
}

/** (source, remote chip) pairs: each spike of the source crosses to that chip once. */
function interchipPairs(g: MappingGraph, hemisphereOf: Int32Array, R: ChipResources): number {
  let pairs = 0;
  const seen = new Set<number>();
  for (let e = 0; e < g.source.length; e++) {
    if (e === 0 || g.source[e] !== g.source[e - 1]) seen.clear();
    const m = g.source[e]!;
    if (g.external[m] === 1) continue;
    const from = Math.floor(hemisphereOf[m]! / R.hemispheres), to = Math.floor(hemisphereOf[g.target[e]!]! / R.hemispheres);
    if (from !== to && !seen.has(to)) {
      seen.add(to);
      pairs++;
    }
  }
  return pairs;
}

/** Maps a description onto `o.chips` chips. */
export function mapNetwork(d: NetworkDescription, o: MapOptions, graph?: MappingGraph): Mapping {
  const R: ChipResources = { ...DEFAULT_CHIP, ...(o.resources ?? {}) };
  const solver: SolverSettings = {
    format: o.solver?.format ?? DEFAULT_BSS2_CONFIG.format, rounding: o.solver?.rounding ?? DEFAULT_BSS2_CONFIG.rounding,
    roundingBits: o.solver?.roundingBits ?? DEFAULT_BSS2_CONFIG.roundingBits,
  };
  const g = graph ?? mappingGraph(d, o.seed);
  const np = placeNeurons(g, o.chips, R);
  const available = o.chips * R.hemispheres * R.circuitsPerHemisphere;
  const v: Violation[] = [];
  if (!np.fits || np.totalCircuitsNeeded > available) v.push({ constraint: 'neuron circuits', needed: np.totalCircuitsNeeded, available });
  const placed: HemispherePlacement[] = [];
  const hemis: HemisphereReport[] = [];
  if (np.fits) {
    const rowsFree = R.rowsPerHemisphere - R.inputRows;
    for (let h = 0; h < o.chips * R.hemispheres; h++) {
      const { neurons, circuits } = hemisphereNeurons(np, h, R);
      const p = placeRows(g, neurons, circuits, R, Math.floor(h / R.hemispheres), h % R.hemispheres);
      placed.push(p);
      const budget = processorBudget(p.plasticRows, p.plasticTargets, solver, R);
      const { rowOfEdge: _r, neurons: _n, circuits: _c, ...rest } = p;
      hemis.push({ ...rest, neurons: neurons.length, drivers: Math.ceil(p.rows / R.rowsPerDriver), budget });
      worst(v, 'address labels', p, p.labels, rowsFree * R.labelsPerRow, R);
      worst(v, 'synapse rows', p, p.rows, rowsFree, R);
      worst(v, 'processor memory', p, budget.memory.total, budget.memoryAvailable, R);
    }
  }
  const busiest = hemis.reduce<HemisphereReport | undefined>((b, h) => (!b || h.budget.cyclesPerUpdate > b.budget.cyclesPerUpdate ? h : b), undefined);
  const cyclesPerUpdate = busiest?.budget.cyclesPerUpdate ?? 0;
  const minPeriod_ms = busiest?.budget.minPeriod_ms ?? 0;
  const dt = o.dt_ms ?? 0.2;
  const period_ms = o.ppuPeriod_ms ?? Math.max(1, Math.ceil(minPeriod_ms / dt - 1e-9)) * dt;
  if (o.ppuPeriod_ms !== undefined && minPeriod_ms > o.ppuPeriod_ms + 1e-12) {
    v.push({ constraint: 'solver period', needed: minPeriod_ms, available: o.ppuPeriod_ms, where: busiest ? `chip ${busiest.chip} hemisphere ${busiest.hemisphere}` : undefined });
  }
  const pairs = np.fits ? interchipPairs(g, np.hemisphereOf, R) : 0;
  if (o.rate_Hz !== undefined && o.chips > 1) {
    // every crossing spike, in hardware time, over one chip's link (pairs spread evenly over chips)
    const perChip = ((pairs * o.rate_Hz) / o.chips) * R.acceleration;
    if (perChip > R.linkEvents_per_s) v.push({ constraint: 'inter-chip link', needed: perChip, available: R.linkEvents_per_s });
  }
  const ORDER: ConstraintName[] = ['neuron circuits', 'address labels', 'synapse rows', 'processor memory', 'solver period', 'inter-chip link'];
  v.sort((a, b) => ORDER.indexOf(a.constraint) - ORDER.indexOf(b.constraint));
  const report: MappingReport = {
    feasible: v.length === 0, chips: o.chips, chipsNeeded: null, violations: v,
    neurons: g.n - g.external.reduce((s, x) => s + x, 0), externalSources: g.external.reduce((s, x) => s + x, 0),
    circuitsNeeded: np.totalCircuitsNeeded, circuitsAvailable: available, hemispheres: hemis,
    ppuMemory: hemis.reduce((b, h) => (h.budget.memory.total > b.total ? h.budget.memory : b), { h: 0, z: 0, tag: 0, protein: 0, total: 0 }),
    cyclesPerUpdate, minPeriod_ms, period_ms, hardware_s: d.duration_s / R.acceleration,
    interchipPairs: pairs, ...(o.rate_Hz !== undefined ? { rate_Hz: o.rate_Hz } : {}), solver, resources: R,
  };
  return { graph: g, hemispheres: placed, report: { ...report, chipsNeeded: chipsNeeded(d, o, g, report) } };
}

/** Fewest chips on which every constraint but the solver period holds (tried upwards from the circuit bound). */
function chipsNeeded(d: NetworkDescription, o: MapOptions, g: MappingGraph, here: MappingReport): number | null {
  const fitsHere = here.violations.every((x) => x.constraint === 'solver period');
  const max = o.maxChips ?? 0;
  if (max <= 0) return fitsHere ? o.chips : null;
  const perChip = here.resources.hemispheres * here.resources.circuitsPerHemisphere;
  for (let c = Math.max(1, Math.ceil(here.circuitsNeeded / perChip)); c <= max; c++) {
    if (c === o.chips) {
      if (fitsHere) return c;
      continue;
    }
    const r = mapNetwork(d, { ...o, chips: c, maxChips: 0, ppuPeriod_ms: undefined }, g).report;
    if (r.violations.length === 0) return c;
  }
  return null;
}
