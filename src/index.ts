/**
 * calcitag's public API: one entry point.
 *
 * @example
 * ```ts
 * import { resolveRunConfig, runProtocols } from 'calcitag';
 * const cfg = resolveRunConfig({ protocols: ['STET'], trials: 10, seed: 1 });
 * const [stet] = runProtocols(cfg);
 * console.log(stet.w_rel['8h'], stet.class); // { mean: 1.76…, sd: 0.02… } 'late-LTP'
 * ```
 * @packageDocumentation
 */
export { VERSION } from './version.js';
export * from './model/parameters.js';
export * from './model/equations.js';
export * from './model/protocols.js';
export * from './model/classify.js';
export { RandomStream, streamFor, Purpose, type PurposeName } from './random/streams.js';
export type { Engine, TrialSpec, TrialResult, CalciumTrace } from './engines/types.js';
export { getEngine, engineNames, registerEngine } from './engines/registry.js';
export { runReferenceTrial, referenceEngine } from './engines/reference/referenceEngine.js';
export {
  runEnsemble, EnsembleAccumulator, CHECKPOINTS,
  type EnsembleConfig, type EnsembleResult, type TrialRow, type TrialCallback,
} from './experiments/ensemble.js';
export {
  resolveRunConfig, runProtocols, summaryJson, resolveProtocols, ConfigError,
  type RunRequest, type RunConfig,
} from './experiments/protocolRun.js';
export { compareToReference, parseReferenceSummary, type Comparison, type ReferenceTrial } from './experiments/referenceData.js';
export { RunningStat, RunningVectorStat, sampleAt, type MeanSd } from './experiments/statistics.js';
