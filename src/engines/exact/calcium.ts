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
