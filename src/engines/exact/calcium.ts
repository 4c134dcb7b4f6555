/**
 * Calcium between jumps decays exponentially (MODEL.md §3): c(t) = c_j e^{−(t − t_j)/τ_c}.
 */

/**
 * Time after a jump at which c, starting from `c`, falls to `theta`: τ_c ln(c/θ) (0 if already at or
 * below θ). Calcium only jumps up, so this is the only way a regime can end.
 */
export function calciumCrossingTime(c: number, theta: number, tauC: number): number {
  return c > theta ? tauC * Math.log(c / theta) : 0;
}

/**
 * A cheap lower bound of {@link calciumCrossingTime}, τ_c (1 − θ/c) ≤ τ_c ln(c/θ): the engine schedules
 * it first and takes the logarithm only if no other event comes earlier (during a tetanus, calcium
 * jumps again long before it could fall through a threshold).
 */
export function calciumCrossingLowerBound(c: number, theta: number, tauC: number): number {
  return c > theta ? tauC * (1 - theta / c) : 0;
}
