/**
 * What an engine can run, asked without naming the engine: callers get one line that says why not,
 * or undefined. An engine without a network loop runs only the two-neuron single-synapse description.
 */
import type { NetworkDescription } from '../model/network/description.js';
import { asSingleSynapse } from '../model/network/singleSynapse.js';
import type { Engine } from './types.js';

export function whyEngineCannotRun(engine: Engine, d: NetworkDescription): string | undefined {
  if (!engine.runNetwork) {
    const s = asSingleSynapse(d);
    if ('reason' in s) return `engine '${engine.name}' runs one plastic synapse (the two-neuron description); '${d.name}' is not one: ${s.reason}`;
  }
  const own = engine.cannotRun?.(d);
  return own ? `engine '${engine.name}' cannot run '${d.name}': ${own}` : undefined;
}
