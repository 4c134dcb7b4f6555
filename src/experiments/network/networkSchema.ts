/**
 * Network experiment files (YAML or JSON) as a zod schema: the model description as data —
 * parameters with units, populations, projections (rules or explicit edges from a file), stimuli,
 * probes — plus the run settings and the memory readout. `calcitag schema --network` prints it as
 * JSON Schema. Validation reports every violation with its path.
 */
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { NEURON_PARAM_NAMES, NEURON_VARIABLES, SYNAPSE_VARIABLES } from '../../model/network/description.js';
import { ParamsSchema, TrainSchema } from '../experimentSchema.js';

const finite = () => z.number({ invalid_type_error: 'must be a number', required_error: 'is required' }).finite({ message: 'must be finite' });
const positive = () => finite().gt(0, { message: 'must be > 0' });
const nonNegative = () => finite().gte(0, { message: 'must be ≥ 0' });
const count = () => finite().int({ message: 'must be an integer' });
const name = () => z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { message: 'must be a name (letters, digits, _ and -, not starting with a digit)' });

const Range = z.object({
  population: name().describe('population name'),
  from: count().gte(0).optional().describe('first neuron (local index, default 0)'),
  to: count().gte(1).optional().describe('one past the last neuron (default: the population size)'),
}).strict();

const Population = z.object({
  name: name(),
  size: count().gte(1, { message: 'must be ≥ 1' }).describe('number of LIF neurons'),
  inhibitory: z.boolean().optional().describe('outgoing synapses subtract (default false)'),
  neuron: z.object(Object.fromEntries(NEURON_PARAM_NAMES.map((n) => [n, finite().optional()]))).strict().optional()
    .describe('neuron and OU-background parameters of this population, in the units of MODEL.md §10'),
}).strict();

const Connectivity = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('all-to-all'), autapses: z.boolean().optional() }).strict(),
  z.object({ rule: z.literal('one-to-one') }).strict(),
  z.object({ rule: z.literal('fixed-probability'), p: finite().gte(0).lte(1, { message: 'must be ≤ 1' }), autapses: z.boolean().optional() }).strict(),
  z.object({
    rule: z.literal('fixed-in-degree'),
    in_degree: count().gte(0, { message: 'must be ≥ 0' }).describe('edges onto every target neuron, from distinct source neurons (at most the source population\'s size, less one onto itself without autapses)'),
    autapses: z.boolean().optional(),
  }).strict(),
  z.object({
    rule: z.literal('explicit'),
    file: z.string().min(1).describe('edges file, relative to the experiment file'),
    format: z.enum(['cpp-matrix', 'sonata']).describe("'cpp-matrix': the C++ simulator's connections.txt (N × N 0/1 over all neurons); 'sonata': a SONATA edges HDF5 file"),
    edge_population: z.string().optional().describe('SONATA edge population to read (default: <source>_to_<target>)'),
  }).strict(),
]);

const Projection = z.object({
  name: name(),
  source: name(),
  target: name(),
  connectivity: Connectivity,
  plastic: z.boolean().describe('STC synapses (calcium, h, tag, z; w = h + h0 z) or static ones'),
  weight_mV: finite().optional().describe('PSP size of a static synapse, mV'),
  weight_h0: finite().optional().describe('PSP size of a static synapse in units of h0 (alternative to weight_mV)'),
  delay_ms: nonNegative().optional().describe('transmission delay, ms (default t_syn_delay)'),
}).strict();

const Window = z.object({
  onset_s: nonNegative(),
  duration_s: positive(),
  count: count().gte(1).optional(),
  period_s: nonNegative().optional(),
}).strict();

const Stimulus = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('spike-trains'), name: name(), target: Range,
    trains: z.array(TrainSchema).default([]),
    spike_times_s: z.array(nonNegative()).optional(),
  }).strict().describe('imposed spikes: the target neurons fire at the trains\' times instead of by their membrane'),
  z.object({
    kind: z.literal('ou-current'), name: name(), target: Range, windows: z.array(Window).min(1),
    mean_nA: finite().optional(), sd_nA: nonNegative().optional(), tau_ms: positive().optional().describe('default τ_syn'),
    poisson_inputs: z.object({ count: count().gte(1), rate_Hz: positive(), weight_h0: positive().default(1) }).strict().optional()
      .describe('instead of mean_nA/sd_nA: the OU current standing for these Poisson inputs, as the C++ simulator computes it'),
  }).strict().describe('an Ornstein–Uhlenbeck current to every target neuron inside each window'),
]);

const Probe = z.object({
  name: name(),
  kind: z.enum(['neurons', 'synapses']),
  target: z.object({ population: name().optional(), from: count().gte(0).optional(), to: count().gte(1).optional(), projection: name().optional(), sources: Range.optional(), targets: Range.optional() }).strict(),
  variables: z.array(z.enum([...NEURON_VARIABLES, ...SYNAPSE_VARIABLES])).min(1),
  interval_s: positive(),
  from_s: nonNegative().optional(),
  to_s: nonNegative().optional(),
  reduce: z.enum(['none', 'mean-sd']).optional(),
  sample: count().gte(1).optional(),
}).strict();

export const NetworkExperimentSchema = z.object({
  name: name(),
  description: z.string().optional(),
  seed: count().gte(0).optional().describe('master seed (default 1)'),
  engine: z.string().optional().describe('engine (default reference)'),
  engine_options: z.record(z.string(), z.unknown()).optional().describe("the engine's settings, as in single-synapse experiment files (e.g. bss2: format, rounding); flags on the command line override them"),
  dt_ms: positive().optional().describe('integration step, ms (default 0.2)'),
  fast_forward: z.boolean().optional().describe('the reference fast-forward after each stimulus block (default true)'),
  params: ParamsSchema.optional().describe('overrides of the network defaults (MODEL.md §10)'),
  duration_s: positive().describe('simulated time, s'),
  populations: z.array(Population).min(1),
  projections: z.array(Projection).default([]),
  stimuli: z.array(Stimulus).default([]),
  probes: z.array(Probe).default([]),
  readout: z.object({
    kind: z.literal('memory-recall'),
    excitatory: name(), inhibitory: name(),
    assembly: count().gte(2), recall_fraction: finite().gt(0).lt(1),
    reference_time_s: nonNegative(), recall_onset_s: nonNegative(),
  }).strict().optional().describe('the memory readout: Q, MI and rates at recall (MODEL.md §8)'),
}).strict();

export type NetworkExperimentInput = z.input<typeof NetworkExperimentSchema>;
export type NetworkExperimentParsed = z.output<typeof NetworkExperimentSchema>;

export function networkJsonSchema(): unknown {
  return zodToJsonSchema(NetworkExperimentSchema, { name: 'CalcitagNetworkExperiment' });
}
