/**
 * Stimulation protocols as plain data (MODEL.md §7): a presynaptic source fires during trains of
 * Poisson (or regular) spikes. Engines read only this description, never a protocol's name.
 */

/** A block of `count` identical trains, the i-th starting at `onset_s + i·period_s`. */
export interface StimulusTrain {
  /** Start of the first train, s (biological time). */
  readonly onset_s: number;
  /** Duration of each train, s. */
  readonly duration_s: number;
  /** Mean presynaptic rate during a train, Hz. */
  readonly rate_Hz: number;
  /** Number of trains in the block (default 1). */
  readonly count?: number;
  /** Onset-to-onset interval between trains, s (needed when count > 1). */
  readonly period_s?: number;
  /** 'poisson': a spike in each step with probability f·dt (the reference); 'regular': every 1/f. */
  readonly kind?: 'poisson' | 'regular';
}

/** One of the outcome classes of a single-synapse protocol. */
export type OutcomeClass = 'late-LTP' | 'early-LTP' | 'late-LTD' | 'early-LTD' | 'none';
export const OUTCOME_CLASSES: readonly OutcomeClass[] = ['late-LTP', 'early-LTP', 'late-LTD', 'early-LTD', 'none'];

export interface Protocol {
  readonly name: string;
  readonly description: string;
  readonly trains: readonly StimulusTrain[];
  /** Extra presynaptic spikes at explicit times, s. */
  readonly spikeTimes_s?: readonly number[];
  /**
   * Postsynaptic spikes forced at these times, s (pairing protocols, docs/timing.md). When given, the
   * postsynaptic neuron is driven, as a spike-train stimulus drives a network neuron: it spikes exactly
   * at these times (each adds c_post to the calcium) and never by its own membrane, which is held at
   * V_reset (no threshold, no refractoriness) so that Δt = t_post − t_pre is exact on every engine.
   */
  readonly postSpikeTimes_s?: readonly number[];
  /** Simulated duration, s. */
  readonly duration_s: number;
  /** The class the published model produces, if known. */
  readonly expected?: OutcomeClass;
}

const EIGHT_HOURS_S = 28_800;
const ONSET_S = 3_600;

/** The four classical protocols (Luboeinski & Tetzlaff 2021; Sajikumar et al.). */
export const PRESET_PROTOCOLS: Readonly<Record<'STET' | 'WTET' | 'SLFS' | 'WLFS', Protocol>> = {
  STET: {
    name: 'STET',
    description: 'strong tetanus: 3 × 1 s at 100 Hz, 10 min apart',
    trains: [{ onset_s: ONSET_S, duration_s: 1, rate_Hz: 100, count: 3, period_s: 600 }],
    duration_s: EIGHT_HOURS_S,
    expected: 'late-LTP',
  },
  WTET: {
    name: 'WTET',
    description: 'weak tetanus: 1 × 0.2 s at 100 Hz',
    trains: [{ onset_s: ONSET_S, duration_s: 0.2, rate_Hz: 100 }],
    duration_s: EIGHT_HOURS_S,
    expected: 'early-LTP',
  },
  SLFS: {
    name: 'SLFS',
    description: 'strong low-frequency stimulation: 900 bursts of 0.15 s at 20 Hz, 1.15 s apart',
    trains: [{ onset_s: ONSET_S, duration_s: 0.15, rate_Hz: 20, count: 900, period_s: 1.15 }],
    duration_s: EIGHT_HOURS_S,
    expected: 'late-LTD',
  },
  WLFS: {
    name: 'WLFS',
    description: 'weak low-frequency stimulation: 900 s at 1 Hz',
    trains: [{ onset_s: ONSET_S, duration_s: 900, rate_Hz: 1 }],
    duration_s: EIGHT_HOURS_S,
    expected: 'early-LTD',
  },
};

export type PresetName = keyof typeof PRESET_PROTOCOLS;
export const PRESET_NAMES = Object.keys(PRESET_PROTOCOLS) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESET_PROTOCOLS, name);
}

/** A stimulation interval in whole steps, [start, end), with its rate. */
export interface StepInterval {
  readonly start: number;
  readonly end: number;
  readonly rate_Hz: number;
  readonly kind: 'poisson' | 'regular';
}

/**
 * The protocol's trains as step intervals, sorted by start. Boundaries are rounded to the step grid
 * as the reference does (`round(t/dt)`).
 */
export function stimulusIntervals(protocol: Protocol, dt: number): StepInterval[] {
  const out: StepInterval[] = [];
  for (const tr of protocol.trains) {
    const count = tr.count ?? 1;
    for (let i = 0; i < count; i++) {
      const t0 = tr.onset_s + i * (tr.period_s ?? 0);
      out.push({
        start: Math.round(t0 / dt),
        end: Math.round((t0 + tr.duration_s) / dt),
        rate_Hz: tr.rate_Hz,
        kind: tr.kind ?? 'poisson',
      });
    }
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

/** Start of the first and end of the last stimulation, s (explicit spikes included). */
export function stimulationSpan(protocol: Protocol): { first_s: number; last_s: number } | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const tr of protocol.trains) {
    const count = tr.count ?? 1;
    first = Math.min(first, tr.onset_s);
    last = Math.max(last, tr.onset_s + (count - 1) * (tr.period_s ?? 0) + tr.duration_s);
  }
  for (const t of [...(protocol.spikeTimes_s ?? []), ...(protocol.postSpikeTimes_s ?? [])]) {
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  return Number.isFinite(first) ? { first_s: first, last_s: last } : undefined;
}

/** Every window in which stimulation is on, as [start_s, end_s] pairs (for plots). */
export function stimulationWindows(protocol: Protocol): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const tr of protocol.trains) {
    for (let i = 0; i < (tr.count ?? 1); i++) {
      const t0 = tr.onset_s + i * (tr.period_s ?? 0);
      out.push([t0, t0 + tr.duration_s]);
    }
  }
  return out;
}
