/** Messages between the page and the simulation worker (sim.worker.ts). */
import type { Protocol } from '../../src/model/protocols.js';

export interface SimRequest {
  type: 'run';
  id: number;
  /** A preset name (STET, WTET, SLFS, WLFS) or a custom protocol as plain data. */
  protocol: string | Protocol;
  engine: string;
  trials: number;
  seed: number;
  /** Overrides of model parameters, in the units of MODEL.md §10. */
  params: Record<string, number>;
  dt_ms: number;
  fastForward: boolean;
  sampleInterval_s: number;
}

export interface TraceSet {
  h_rel: Float64Array;
  z: Float64Array;
  w_rel: Float64Array;
  p: Float64Array;
}

export interface MeanSdSet {
  h_rel: { mean: Float64Array; sd: Float64Array };
  z: { mean: Float64Array; sd: Float64Array };
  w_rel: { mean: Float64Array; sd: Float64Array };
  p: { mean: Float64Array; sd: Float64Array };
}

export type SimMessage =
  | { type: 'ready'; engines: string[]; presets: Array<{ name: string; description: string }> }
  | {
      type: 'started';
      id: number;
      protocol: Protocol;
      params: Record<string, number>;
      trials: number;
      engine: string;
      /** Time grid of the live traces (the probe's samples), s. */
      grid_t_s: Float64Array;
    }
  | {
      /** The running trial so far, streamed from the engine's probe sink while it integrates. */
      type: 'live';
      id: number;
      /** 1-based number of the running trial. */
      trial: number;
      total: number;
      /** Samples filled so far (a prefix of the grid). */
      upto: number;
      h_rel: Float64Array;
      z: Float64Array;
      w_rel: Float64Array;
      p: Float64Array;
    }
  | {
      type: 'trial';
      id: number;
      done: number;
      total: number;
      /** Grid of this trial's traces, s. */
      t_s: Float64Array;
      /** This trial's h/h0, z, w/h0, p. */
      trial: TraceSet;
      /** Mean ± SD over the trials finished so far. */
      ensemble: MeanSdSet;
      outcome: string;
      w_rel_8h: number | null;
      trial_ms: number;
      calcium?: { t_s: Float64Array; c: Float64Array; h_mV: Float64Array };
    }
  | {
      type: 'done';
      id: number;
      class: string;
      classes: Record<string, number>;
      w_rel: Record<string, { mean: number; sd: number }>;
      z: Record<string, { mean: number; sd: number }>;
      tagged: number;
      wall_ms: number;
    }
  | { type: 'error'; id: number; message: string };
