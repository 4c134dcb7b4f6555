/**
 * Per-neuron step coefficients of the LIF membrane, its synaptic current and its OU background
 * (MODEL.md §2), one typed array per coefficient so the neuron loop reads them without objects.
 * Populations may override neuron parameters, so coefficients are per neuron, not global.
 */
import type { NetworkDescription } from '../../model/network/description.js';
import type { PopulationLayout } from '../../model/network/edges.js';
import { backgroundDecay, backgroundNoiseGain, membraneDecay, synapticCurrentDecay } from '../../model/equations.js';
import { toSeconds, type ModelParams } from '../../model/parameters.js';

export interface MembraneCoefficients {
  /** e^{−dt/τ_mem}, e^{−dt/τ_syn}, e^{−dt/τ_OU}. */
  readonly eMem: Float64Array;
  readonly eSyn: Float64Array;
  readonly eOU: Float64Array;
  /** Per-step noise amplitude of the exact OU update, nA: σ_WN/√(2τ_OU) · √(1 − e^{−2dt/τ_OU}). */
  readonly ouNoise: Float64Array;
  readonly i0: Float64Array;
  readonly vRev: Float64Array;
  readonly vTh: Float64Array;
  readonly vReset: Float64Array;
  readonly rMem: Float64Array;
  readonly tRef: Float64Array;
}

/** The OU per-step noise amplitude for stationary SD `sd` and correlation time `tau` (s). */
export function ouStepNoise(sd: number, tau: number, dt: number): number {
  return sd * Math.sqrt(1 - Math.exp((-2 * dt) / tau));
}

export function membraneCoefficients(d: NetworkDescription, layout: readonly PopulationLayout[], popOf: Int32Array, dt: number): MembraneCoefficients {
  const per = layout.map((l) => {
    const P = { ...d.params, ...(d.populations.find((p) => p.name === l.name)?.neuron ?? {}) } as ModelParams;
    return {
      eMem: membraneDecay(P, dt),
      eSyn: synapticCurrentDecay(P, dt),
      eOU: backgroundDecay(P, dt),
      ouNoise: backgroundNoiseGain(P, dt),
      i0: P.i_0, vRev: P.v_rev, vTh: P.v_th, vReset: P.v_reset, rMem: P.r_mem, tRef: toSeconds(P, 't_ref'),
    };
  });
  const arr = (key: keyof (typeof per)[number]) => Float64Array.from(popOf, (i) => per[i]![key]);
  return {
    eMem: arr('eMem'), eSyn: arr('eSyn'), eOU: arr('eOU'), ouNoise: arr('ouNoise'), i0: arr('i0'),
    vRev: arr('vRev'), vTh: arr('vTh'), vReset: arr('vReset'), rMem: arr('rMem'), tRef: arr('tRef'),
  };
}
