/**
 * calcitag's public API for Node (`calcitag`): the browser-safe entry (`calcitag/browser`, src/browser.ts)
 * plus worker threads, experiment files, run folders, HDF5/.npy writers, figures and the hardware study.
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
/** Everything of the browser-safe entry (`calcitag/browser`): model, engines, ensembles in this thread. */
export * from './browser.js';
/** Ensembles on worker threads (Node), bit-identical to runEnsemble / runProtocols for any worker count. */
export {
  runEnsemblesParallel, runEnsembleParallel, runProtocolsParallel, defaultWorkerCount, type ParallelOptions,
} from './experiments/parallel.js';
export { compareToReference, parseReferenceSummary, type Comparison, type ReferenceTrial } from './experiments/referenceData.js';
/**
 * Experiments: files (YAML/JSON) validated by a zod schema, resolved to explicit experiments and run
 * with probes, progress and HDF5/.npy output. See docs/experiments.md.
 */
export {
  runExperiment, probeSpecFor, probesForTrial, type RunExperimentOptions, type ExperimentResult, type ExperimentProgress,
  type ExperimentSink, type ExperimentSinkFactory, type ProbeRecording, type RunProgressNote,
} from './experiments/experimentRun.js';
/** The run folder as an experiment's sink: `runExperiment(e, { output: experimentFolder(dir) })`. */
export { experimentFolder, ExperimentOutput } from './io/experimentOutput.js';
export {
  resolveExperiment, readExperimentFile, parseExperimentText, experimentRunConfig, experimentFromRunConfig, experimentToJson, ExperimentError,
  type ResolvedExperiment, type ResolvedProtocol, type ResolvedProbe, type ResolvedTrain, type ResolvedOutputs,
} from './experiments/experiment.js';
export { ExperimentSchema, experimentJsonSchema, type ExperimentInput } from './experiments/experimentSchema.js';
/** The run record (run.json): one fully resolved file per run folder; older folders' config.json / experiment.json are read too. */
export {
  RUN_RECORD, LEGACY_RUN_RECORDS, runRecordJson, runRecordFile, readRunFolder, experimentFromConfigJson, type RunRecord,
} from './experiments/runRecord.js';
export { createProgressReporter, protocolProgress, type ProgressReporter, type ProgressReporterOptions } from './io/progress.js';
export { encodeNpy, writeNpy, decodeNpy, NpyStreamWriter } from './io/npy.js';
export { Hdf5Writer } from './io/hdf5.js';
/**
 * BrainScaleS-2 emulation (engine `bss2`, MODEL.md §9, docs/bss2.md): the validated hardware
 * configuration, the processor's cycle budget, the integer formats, rounding modes and random
 * generators of the plasticity processor, and the hardware study (`calcitag hw-study`).
 */
export { cycleReport, groupCycles, PPU_CLOCK_HZ, PPU_COUNT, type CycleInputs, type CycleReport } from './engines/bss2/cycleModel.js';
export { FORMATS, FORMAT_NAMES, quantiseCoefficient, type FormatName, type NumberFormat, type VariableScales } from './engines/bss2/fixedPoint.js';
export { Rounder, stochasticRound, ROUNDING_MODES, type RoundingMode, type RandomBits } from './engines/bss2/rounding.js';
export { Lfsr16, LfsrSequence, IdealRandom } from './engines/bss2/lfsr.js';
export { Cadc, type AdcSettings } from './engines/bss2/adc.js';
export {
  runHwStudy, hwStudyJson, hwStudyCsv, hwStudyFigureSpec, summariseConfigurations, effectiveClass, DEFAULT_PERIODS_MS,
  type HwStudyOptions, type HwStudyResult, type HwStudyRow, type VariantRow,
} from './experiments/hwStudy.js';
/** Network experiment files and their exchange formats (docs/network.md). */
export { resolveNetworkExperiment, networkExperimentFile, type NetworkExperiment, type EdgeLoader } from './experiments/network/networkExperiment.js';
export { NetworkExperimentSchema, networkJsonSchema, type NetworkExperimentInput } from './experiments/network/networkSchema.js';
export { readConnectionsTxt, loadConnectionsTxt, writeConnectionsTxt, formatConnectionsTxt } from './io/connectionsTxt.js';
export { writeSonataEdges, readSonataEdges, writeSonataSpikes, readSonataSpikes, writeSonataNodes } from './io/sonata.js';
export { loadEdgesFile, localEdges } from './io/edgeFiles.js';
export { writeNetworkRun, networkSummary, type NetworkRunRecord, type RunCost } from './io/networkOutput.js';
/** Parameter sweeps (docs/sweeps.md): plan, run on a pool, the table; checkpoints of reference network runs. */
export { planSweep, jobExperiment, jobSeed, type SweepManifest, type SweepJob } from './experiments/sweep/plan.js';
export { runSweepJobs, runJob, type SweepRunOptions } from './experiments/sweep/run.js';
export { sweepTable, type JobResult, type SweepTable, type NetworkReadouts } from './experiments/sweep/results.js';
export { planNetworkSweep, runNetworkJob } from './experiments/sweep/network.js';
export { readManifest, writeManifest, collectResults } from './io/sweepFiles.js';
export { writeSweepTable } from './io/sweepTables.js';
export { runReferenceNetwork, type NetworkCheckpointOptions } from './engines/reference/networkEngine.js';
export { runFastNetwork } from './engines/fast/fastNetwork.js';
export type { NetworkCheckpoint } from './engines/reference/networkCheckpoint.js';
export { writeCheckpoint, readCheckpoint, latestCheckpoint, encodeCheckpoint, decodeCheckpoint } from './io/networkCheckpointFile.js';
/** Spike timing (docs/timing.md): pairing protocols, their closed form, the Δt × frequency grid. */
export { pairingProtocol, pairingName, PAIRING_READOUT_S, type PairingSpec, type Burst } from './model/timing/pairing.js';
export { predictPairing, calciumJumps, regimeStretches, timeAboveThresholds, noiseFreeEarlyPhase, type PairingPrediction } from './model/timing/closedForm.js';
export { runTimingGrid, zeroCrossings, windowEdges, type TimingGridConfig, type TimingPoint, type TimingResult } from './experiments/timing/grid.js';
export { resolveTiming, parseDtRange, TimingConfigError } from './experiments/timing/config.js';
export { lowFrequencyWindow, chipWindow, chipWindowStudy } from './experiments/timing/chipWindow.js';
export { writeTimingRun, timingJson } from './io/timingOutput.js';
