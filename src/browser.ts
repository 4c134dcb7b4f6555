/**
 * calcitag's browser-safe entry point (`calcitag/browser`): the model, the registered engines and trial
 * ensembles, with no Node-only import anywhere in its import graph (test/browser.test.ts checks it), so
 * it bundles for a page or a Web Worker as it is. The Node entry (`calcitag`) re-exports all of it and
 * adds files, worker threads, experiment files and figures.
 *
 * @example
 * ```ts
 * import { resolveRunConfig, runProtocols } from 'calcitag/browser';
 * const [wtet] = runProtocols(resolveRunConfig({ protocols: ['WTET'], trials: 5 }));
 * console.log(wtet.class); // 'early-LTP'
 * ```
 * @packageDocumentation
 */
export { VERSION } from './version.js';
export * from './model/parameters.js';
export * from './model/equations.js';
export * from './model/protocols.js';
export * from './model/classify.js';
export { RandomStream, streamFor, Purpose, type PurposeName } from './random/streams.js';
export type {
  Engine, EngineOption, EngineOptionContext, EngineReport, TrialSpec, TrialResult, CalciumTrace, ProbeSpec, ProbeSink, ProbeTrace, ProbeVariable, SampledVariable,
} from './engines/types.js';
export { PROBE_VARIABLES, PROBE_UNITS, SAMPLED_VARIABLES } from './engines/types.js';
export { getEngine, engineNames, registerEngine } from './engines/registry.js';
/** Engine options: each engine declares and resolves its own; errors name the field, value and what is allowed. */
export { EngineOptionError, resolveEngineOptions, nonDefaultOptions, checkDeclaredOptions } from './engines/options.js';
export { probeGrid } from './engines/probeRecorder.js';
export { runReferenceTrial, referenceEngine } from './engines/reference/referenceEngine.js';
/** The event-driven `exact` engine: closed form between events, OU-sampled early phase (no time step). */
export {
  runExactTrial, exactEngine, exactOptions, DEFAULT_MAX_NOISY_STEP_S, type ExactEngineOptions,
} from './engines/exact/exactEngine.js';
/** The BrainScaleS-2 emulator (engine `bss2`) and its hardware configuration. */
export { runBss2Trial, bss2Engine } from './engines/bss2/bss2Engine.js';
export {
  resolveBss2Config, DEFAULT_BSS2_CONFIG, Bss2ConfigError, RNG_NAMES,
  type Bss2Config, type ResolvedBss2Config, type RngName,
} from './engines/bss2/config.js';
export { bss2Summary, bss2SummaryText, type Bss2Summary } from './engines/bss2/report.js';
/** Trial ensembles in this thread: mean ± SD traces, checkpoints and classes, trial by trial. */
export {
  runEnsemble, EnsembleAccumulator, CHECKPOINTS, type TrialScalars, type EnsembleConfig, type EnsembleResult,
  type EnsembleRunOptions, type TrialRow, type TrialCallback, type TrialDetail,
} from './experiments/ensemble.js';
export {
  resolveRunConfig, runProtocols, summaryJson, resolveProtocols, ensembleConfigs, ConfigError,
  type RunRequest, type RunConfig,
} from './experiments/protocolRun.js';
export { RunningStat, sampleAt, type MeanSd } from './experiments/statistics.js';
/** Networks: the description as data, the memory paradigm, what engines can run, readouts Q and MI. */
export * from './model/network/description.js';
export { PairBuffer, layoutSize, type EdgeList, type PopulationLayout } from './model/network/edges.js';
export { descriptionIssues, populationLayout, resolveRange, LIMITS as NETWORK_LIMITS } from './model/network/validate.js';
export { drawProjections, type DrawnProjection } from './model/network/connectivity.js';
export { singleSynapseDescription, asSingleSynapse } from './model/network/singleSynapse.js';
export {
  memoryParadigm, memoryNetworkDescription, memoryParadigmDefaults, poissonInputCurrent, RECALL_TIMES, LEARNING_ONSETS_S,
  type MemoryParadigmOptions, type MemoryReadoutSpec, type RecallDelay,
} from './model/network/memoryParadigm.js';
export { entityStream, EntityKind, type EntityKindName } from './random/streams.js';
export type { NetworkRunSpec, NetworkResult, NetworkProbeTrace } from './engines/networkTypes.js';
export { whyEngineCannotRun, runSingleSynapse, type SingleSynapseSettings } from './engines/capabilities.js';
export { runReferenceNetwork } from './engines/reference/networkEngine.js';
export { runMemoryParadigm, type MemoryRunRequest, type MemoryRunResult, type WeightCurves } from './experiments/network/memoryRun.js';
export { recallReadout, populationRates, parseSpikeRaster, mutualInformationBits, type SpikeRaster, type RecallReadout, type RecallReadoutSpec } from './experiments/network/readouts.js';
export { PUBLISHED_READOUTS, compareWithPublished, type ReadoutComparison } from './experiments/network/published.js';
