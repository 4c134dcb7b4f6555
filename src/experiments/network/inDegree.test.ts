import { describe, expect, it } from 'vitest';
import { memoryParadigm } from '../../model/network/memoryParadigm.js';
import { ExperimentError } from '../experiment.js';
import { networkExperimentFile, resolveNetworkExperiment } from './networkExperiment.js';

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

/** The paradigm with an in-degree, as a network experiment file. */
function fileWith(inDegree: unknown): Record<string, unknown> {
  const built = memoryParadigm({ nExc: 80, nInh: 20, assembly: 20, inDegree: 10 });
  const file = networkExperimentFile({ name: 'x', seed: 1, engine: 'reference', dt_ms: 0.2, fast_forward: true, description: built.description, readout: built.readout, source: { projections: [] } as never }) as Record<string, unknown>;
  const projections = (file.projections as Array<Record<string, unknown>>).map((p, i) => (i === 0 ? { ...p, connectivity: { rule: 'fixed-in-degree', in_degree: inDegree } } : p));
  return { ...file, projections };
}

describe('fixed-in-degree in network experiment files', () => {
  it('resolves to the description the paradigm builds', async () => {
    const built = memoryParadigm({ nExc: 80, nInh: 20, assembly: 20, inDegree: 10 });
    const exp = await resolveNetworkExperiment(fileWith(8), noFiles);
    expect(exp.description.projections.map((p) => p.connectivity)).toEqual(built.description.projections.map((p) => p.connectivity));
  });

  it('refuses a negative, fractional or too large in-degree, naming field, value and what is allowed', async () => {
    expect((await issuesOf(fileWith(-1))).join('\n')).toMatch(/projections\[0\]\.connectivity\.in_degree.*must be ≥ 0/);
    expect((await issuesOf(fileWith(2.5))).join('\n')).toMatch(/projections\[0\]\.connectivity\.in_degree.*integer/);
    expect(await issuesOf(fileWith(80))).toContain("projections[0].connectivity.in_degree: must be a whole number in [0, 79] (distinct sources in 'exc', itself excluded; got 80)");
  });
});
