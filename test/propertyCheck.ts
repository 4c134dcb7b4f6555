/**
 * fast-check settings shared by the property tests. FC_RUNS=<n> sets the cases per property (each file has
 * its default); FC_SEED=<n> fixes the generator's seed. `.ci/run` fixes it so that CI is reproducible;
 * without it every local run explores new cases (a failure prints the seed and path to replay it).
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

/** fc.assert with the run count and seed from the environment. */
export function propertyCheck(defaultRuns: number) {
  const numRuns = Number(process.env.FC_RUNS ?? defaultRuns);
  return <T>(p: fc.IProperty<T>, extra: Partial<fc.Parameters<T>> = {}) =>
    fc.assert(p, { numRuns, ...(seed === undefined ? {} : { seed }), ...extra });
}
