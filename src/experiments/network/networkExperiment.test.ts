import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEdgesFile } from '../../io/edgeFiles.js';
import { memoryParadigm } from '../../model/network/memoryParadigm.js';
import { ExperimentError, readExperimentFile } from '../experiment.js';
import { networkExperimentFile, resolveNetworkExperiment } from './networkExperiment.js';
import { networkJsonSchema } from './networkSchema.js';

const root = join(import.meta.dirname, '..', '..', '..');
const noFiles = () => {
  throw new Error('no edge files in this test');
};

async function issuesOf(input: unknown): Promise<string[]> {
  try {
    await resolveNetworkExperiment(input, noFiles);
  } catch (e) {
    if (e instanceof ExperimentError) return [...e.issues];
    throw e;
  }
  return [];
}

describe('network experiment files', () => {
  it('the shipped examples/memory-network.yaml is the paradigm that `calcitag network` builds', async () => {
    const exp = await resolveNetworkExperiment(readExperimentFile(join(root, 'examples', 'memory-network.yaml')), noFiles);
    const built = memoryParadigm();
    expect(exp.description).toEqual(built.description);
    expect(exp.readout).toEqual(built.readout);
    expect(exp.description.stimuli[0]).toMatchObject({ mean_nA: expect.closeTo(1050.19, 2), sd_nA: expect.closeTo(210.04, 2), tau_ms: 5 });
  });

  it('a resolved experiment written as a run record resolves to the same description', async () => {
    const exp = await resolveNetworkExperiment(readExperimentFile(join(root, 'examples', 'memory-network.yaml')), noFiles);
    const again = await resolveNetworkExperiment(JSON.parse(JSON.stringify(networkExperimentFile(exp))), noFiles);
    expect(again.description).toEqual(exp.description);
    expect(again.readout).toEqual(exp.readout);
  });

  it('docs/network.schema.json is the schema the code validates with (calcitag schema --network)', () => {
    expect(`${JSON.stringify(networkJsonSchema(), null, 2)}\n`).toBe(readFileSync(join(root, 'docs', 'network.schema.json'), 'utf8'));
  });

  it('reports every problem with its path, value and what is allowed', async () => {
    const issues = await issuesOf({
      name: 'bad', duration_s: 10,
      populations: [{ name: 'exc', size: 0 }, { name: 'inh', size: 10 }],
      projections: [
        { name: 'EE', source: 'exc', target: 'nowhere', connectivity: { rule: 'fixed-probability', p: 1.5 }, plastic: true },
        { name: 'IE', source: 'inh', target: 'exc', connectivity: { rule: 'all-to-all' }, plastic: false },
      ],
      stimuli: [{ kind: 'ou-current', name: 's', target: { population: 'exc', to: 99 }, windows: [{ onset_s: 1, duration_s: 0.1 }] }],
      params: { theta_p: 'three' },
    });
    expect(issues.join('\n')).toMatch(/populations\[0\]\.size: must be ≥ 1/);
    expect(issues.join('\n')).toMatch(/projections\[0\]\.connectivity\.p: must be ≤ 1/);
    const semantic = await issuesOf({
      name: 'bad2', duration_s: 10,
      populations: [{ name: 'exc', size: 5 }, { name: 'inh', size: 2, inhibitory: true }],
      projections: [
        { name: 'EE', source: 'exc', target: 'nowhere', connectivity: { rule: 'all-to-all' }, plastic: true },
        { name: 'IE', source: 'inh', target: 'exc', connectivity: { rule: 'all-to-all' }, plastic: false },
        { name: 'IX', source: 'inh', target: 'exc', connectivity: { rule: 'all-to-all' }, plastic: true },
      ],
      stimuli: [{ kind: 'ou-current', name: 's', target: { population: 'exc', to: 99 }, windows: [{ onset_s: 1, duration_s: 0.1 }] }],
      params: { theta_p: 'three' },
    });
    const text = semantic.join('\n');
    expect(text).toMatch(/params\.theta_p: 'three' is not a number/);
    expect(text).toMatch(/projections\[0\]\.target: unknown population 'nowhere'; allowed: exc, inh/);
    expect(text).toMatch(/projections\[1\]\.weight_mV: a static projection needs a finite weight/);
    expect(text).toMatch(/projections\[2\]\.plastic: the STC synapse is excitatory; 'inh' is inhibitory/);
    expect(text).toMatch(/stimuli\[0\]\.target: range \[0, 99\) of population 'exc' must satisfy 0 ≤ from < to ≤ 5/);
    expect(text).toMatch(/stimuli\[0\]: mean_nA and sd_nA \(or poisson_inputs\) are required/);
  });

  it('reads the published network\'s topology from the C++ simulator\'s connections.txt', async () => {
    const { description } = memoryParadigm();
    const input = {
      name: 'published-topology', duration_s: 1,
      populations: description.populations,
      projections: (['EE', 'EI', 'IE', 'II'] as const).map((name, i) => ({
        name, source: name[0] === 'E' ? 'exc' : 'inh', target: name[1] === 'E' ? 'exc' : 'inh', plastic: i === 0,
        connectivity: { rule: 'explicit', file: 'connections.txt', format: 'cpp-matrix' }, ...(i === 0 ? {} : { weight_h0: i === 1 ? 2 : 4 }),
      })),
    };
    const exp = await resolveNetworkExperiment(input, loadEdgesFile(join(root, 'reference', 'cpp-network-10s')));
    const counts = exp.description.projections.map((p) => (p.connectivity.rule === 'explicit' ? p.connectivity.edges.source.length : -1));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(399_092);
    // p = 0.1 of 1600·1599 ordered E→E pairs, within 5 SD of the binomial.
    expect(Math.abs(counts[0]! - 255_840) / Math.sqrt(255_840 * 0.9)).toBeLessThan(5);
  });
});
