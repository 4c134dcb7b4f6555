/**
 * Outcome classes with the reference simulator's criteria (`getPlasticityType` in the C++ code):
 * the sign of the largest early-phase deviation decides LTP vs LTD; a tag ever set and protein
 * synthesis ever on make it late-phase.
 */
import type { OutcomeClass } from './protocols.js';

/** The reference's |max_dev| threshold for "no plasticity" (EPSILON = 10e-12). */
export const REFERENCE_EPSILON = 1e-11;

export function classifyOutcome(maxDev: number, tagged: boolean, proteinSynthesis: boolean): OutcomeClass {
  if (maxDev > REFERENCE_EPSILON) return tagged && proteinSynthesis ? 'late-LTP' : 'early-LTP';
  if (maxDev < -REFERENCE_EPSILON) return tagged && proteinSynthesis ? 'late-LTD' : 'early-LTD';
  return 'none';
}

/** The reference's numeric type code (0 ELTP, 1 ELTP-T, 2 LLTP, 3 ELTD, 4 ELTD-T, 5 LLTD, −1 none). */
export function referenceTypeCode(maxDev: number, tagged: boolean, proteinSynthesis: boolean): number {
  const base = maxDev > REFERENCE_EPSILON ? 0 : maxDev < -REFERENCE_EPSILON ? 3 : -1;
  if (base < 0) return -1;
  return base + (tagged ? (proteinSynthesis ? 2 : 1) : 0);
}
