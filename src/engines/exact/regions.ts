/**
 * The four thresholds on d = h − h0 that switch the tag (±θ_tag) and protein synthesis (|d| ≥ θ_pro)
 * split the d axis into five regions, numbered 0..4 from below. Level i separates region i from
 * region i + 1. The inclusive tests of the model are kept: LTP tag d ≥ θ_tag, LTD tag d ≤ −θ_tag,
 * synthesis |d| ≥ θ_pro — so at a negative level the region below includes the level, at a positive
 * level the region above does.
 */

/** Levels and the tag / synthesis state of each region. */
export interface Regions {
  /** Sorted levels [−a, −b, b, a], a = max(θ_tag, θ_pro), b = min(θ_tag, θ_pro), in mV. */
  readonly levels: Float64Array;
  /** Tag of each region: −1 LTD, 0 none, +1 LTP. */
  readonly tag: Int8Array;
  /** Synthesis (1) or not (0) in each region. */
  readonly synth: Int8Array;
  /** The region that contains d = 0. */
  readonly center: number;
}

export function makeRegions(thetaTag: number, thetaPro: number): Regions {
  const a = Math.max(thetaTag, thetaPro);
  const b = Math.min(thetaTag, thetaPro);
  const levels = Float64Array.of(-a, -b, b, a);
  const tagFirst = thetaTag <= thetaPro; // inner pair is the tag
  const tag = tagFirst ? Int8Array.of(-1, -1, 0, 1, 1) : Int8Array.of(-1, 0, 0, 0, 1);
  const synth = tagFirst ? Int8Array.of(1, 0, 0, 0, 1) : Int8Array.of(1, 1, 0, 1, 1);
  return { levels, tag, synth, center: 2 };
}

/** The region of a deviation d = h − h0. */
export function regionOf(r: Regions, d: number): number {
  const L = r.levels;
  return (d > L[0]! ? 1 : 0) + (d > L[1]! ? 1 : 0) + (d >= L[2]! ? 1 : 0) + (d >= L[3]! ? 1 : 0);
}
