/**
 * What an engine can run, asked without naming the engine: callers get one line that says why not,
 * or undefined. An engine without a network loop runs only the two-neuron single-synapse description.
 */
import type { NetworkDescription } from '../model/network/description.js';
import { asSingleSynapse } from '../model/network/singleSynapse.js';
import type { Engine, TrialResult, TrialSpec } from './types.js';

export function whyEngineCannotRun(engine: Engine, d: NetworkDescription): string | undefined {
  if (!engine.runNetwork) {
    const s = asSingleSynapse(d);
    if ('reason' in s) return `engine '${engine.name}' runs one plastic synapse (the two-neuron description); '${d.name}' is not one: ${s.reason}`;
  }
  const own = engine.cannotRun?.(d);
  return own ? `engine '${engine.name}' cannot run '${d.name}': ${own}` : undefined;
}

/** Why the engine cannot split one network across `workers` threads (undefined: it can, or one thread is asked). */
export function whyEngineCannotSplit(engine: Engine, workers: number): string | undefined {
  if (workers <= 1 || engine.runNetworkPart) return undefined;
  return `engine '${engine.name}' cannot split one network across threads (--workers ${workers})`;
}

/** Settings of one single-synapse trial besides its description (see TrialSpec). */
export type SingleSynapseSettings = Omit<TrialSpec, 'params' | 'protocol'>;

/**
 * One trial of a two-neuron single-synapse description on any engine: the description's protocol and
 * parameters go to the engine's single-synapse path, so the numbers are the engine's own for that
 * protocol, bit for bit.
 */
export function runSingleSynapse(engine: Engine, d: NetworkDescription, settings: SingleSynapseSettings): TrialResult {
  const why = whyEngineCannotRun(engine, d);
  if (why) throw new Error(why);
  const s = asSingleSynapse(d);
  if ('reason' in s) throw new Error(`'${d.name}' is not a single synapse: ${s.reason}`);
  return engine.runTrial({ ...settings, params: s.params, protocol: s.protocol });
}
