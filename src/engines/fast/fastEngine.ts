/**
 * The `fast` engine: networks with lazily advanced synapses (fastNetwork.ts). A single synapse gains
 * nothing from laziness: its trials run the reference engine's loop (the `exact` engine is the
 * event-driven single-synapse engine).
 */
import { runReferenceTrial } from '../reference/referenceEngine.js';
import type { Engine } from '../types.js';
import { runFastNetwork, runFastNetworkPart } from './fastNetwork.js';
import { fastOptionSupport } from './options.js';

export const fastEngine: Engine = {
  name: 'fast',
  description: 'networks with lazily advanced synapses (closed forms between spikes, exact OU noise); single-synapse trials run the reference loop',
  recordsProbes: true,
  integration: 'fixed-step',
  runTrial: runReferenceTrial,
  runNetwork: runFastNetwork,
  runNetworkPart: runFastNetworkPart,
  savesNetworkState: true,
  ...fastOptionSupport,
};
