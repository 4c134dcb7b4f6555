/**
 * Interop: results.h5 and the .npy files opened by real clients — Debian's python3-h5py and NumPy
 * (installed by .ci/run; Python is only a test client here, never a dependency of calcitag).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../experiments/experimentRun.js';
import type { ExperimentInput } from '../experiments/experimentSchema.js';
import { experimentToJson } from '../experiments/experiment.js';
import { experimentFolder } from './experimentOutput.js';

const PYTHON = '/usr/bin/python3';
const hasH5py = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import h5py, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasH5py && process.env.CI) throw new Error('python3-h5py and python3-numpy are missing: .ci/run installs them');

const EXPERIMENT: ExperimentInput = {
  name: 'interop',
  trials: 3,
  seed: 11,
  sample_interval_s: 5,
  protocols: [
    { preset: 'WTET', name: 'WTET-short', duration_s: 3700 },
    { name: 'burst', duration_s: 60, trains: [{ onset_s: 10, duration_s: 0.3, rate_Hz: 100, kind: 'regular' }] },
  ],
  probes: [
    { name: 'fine', variables: ['V', 'c', 'h', 'w', 'tag', 'spikes'], protocols: ['burst'], trials: [0, 2], interval_s: 0.0002, from_s: 9.9, to_s: 11 },
    { name: 'slow', variables: ['h', 'z', 'p'], trials: 'all', interval_s: 1 },
  ],
  outputs: { npy: true, plots: false, chunk_samples: 1000 },
};

const SCRIPT = String.raw`
import sys, json, h5py, numpy as np
d = sys.argv[1]
out = {}
with h5py.File(d + '/results.h5', 'r') as f:
    out['root'] = {k: (v.item() if hasattr(v, 'item') else v) for k, v in f.attrs.items() if k != 'experiment'}
    out['experiment'] = json.loads(f.attrs['experiment'])
    g = f['traces/fine/burst']
    out['fine_shapes'] = {k: list(g[k].shape) for k in g.keys()}
    out['fine_units'] = {k: g[k].attrs.get('units') for k in g.keys() if 'units' in g[k].attrs}
    out['fine_trials'] = g['trials'][()].tolist()
    out['fine_t'] = [float(g['t_s'][0]), float(g['t_s'][-1])]
    out['fine_c_row1'] = g['c'][1, :].tolist()
    out['fine_h_row0_head'] = g['h'][0, :50].tolist()
    out['fine_attrs'] = {'variables': [str(x) for x in g.attrs['variables']], 'interval_s': float(g.attrs['interval_s'])}
    s = f['traces/slow/WTET-short']
    out['slow_shape'] = list(s['z'].shape)
    out['slow_z_last'] = s['z'][:, -1].tolist()
    pre = f['spikes/burst_pre']
    out['pre'] = {'t': pre['timestamps'][()].tolist(), 'n': pre['node_ids'][()].tolist(), 'units': pre['timestamps'].attrs['units'],
                  'dtype': str(pre['node_ids'].dtype), 'sorting': pre.attrs['sorting']}
    e = f['ensemble/WTET-short']
    out['ens'] = {'t_len': e['t_s'].shape[0], 'w_mean_last': float(e['w_rel_mean'][-1]), 'class': e.attrs['class'],
                  'trials': int(e.attrs['trials']), 'outcome': [x.decode() if isinstance(x, bytes) else x for x in e['trials/outcome'][()]]}
    out['tau_h'] = [float(f['parameters/tau_h'][()]), f['parameters/tau_h'].attrs['units']]
a = np.load(d + '/npy/fine_burst_c.npy')
t = np.load(d + '/npy/fine_burst_t_s.npy')
out['npy'] = {'shape': list(a.shape), 'dtype': str(a.dtype), 'row1': a[1].tolist(), 't_shape': list(t.shape)}
print(json.dumps(out))
`;

describe.skipIf(!hasH5py)('HDF5 and .npy read by h5py and NumPy', () => {
  it('have the documented layout, units and the values the library returns', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'calcitag-h5-')), 'run');
    const written = await runExperiment(EXPERIMENT, { output: experimentFolder(dir) });
    const mem = await runExperiment(EXPERIMENT); // same experiment, probes in memory
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(false);

    const py = spawnSync(PYTHON, ['-c', SCRIPT, dir], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    const r = JSON.parse(py.stdout);

    expect(r.root).toMatchObject({ format: 'calcitag-results', format_version: 1, engine: 'reference', seed: 11, trials: 3, dt_ms: 0.2, complete: 1 });
    expect(r.experiment).toEqual(JSON.parse(JSON.stringify(experimentToJson(written.experiment))));
    expect(r.experiment.params.tau_h_s).toBe(688.4);
    // 9.9 … 11 s every 0.2 ms: 5501 samples; rows = trials 0 and 2
    const n = 5501;
    expect(r.fine_shapes).toEqual({ V: [2, n], c: [2, n], h: [2, n], t_s: [n], tag: [2, n], trials: [2], w: [2, n] });
    expect(r.fine_units).toEqual({ V: 'mV', c: '1', h: 'mV', t_s: 's', tag: '1', w: 'mV' });
    expect(r.fine_trials).toEqual([0, 2]);
    expect(r.fine_t[0]).toBeCloseTo(9.9, 12);
    expect(r.fine_t[1]).toBeCloseTo(11, 12);
    expect(r.fine_attrs).toEqual({ variables: ['V', 'c', 'h', 'w', 'tag'], interval_s: expect.closeTo(0.0002, 12) });

    const memFine = (trial: number) => mem.probes.find((p) => p.probe === 'fine' && p.protocol === 'burst' && p.trial === trial)!.trace;
    expect(r.fine_c_row1).toEqual(Array.from(memFine(2).values!.c!)); // bit for bit, through h5py
    expect(r.fine_h_row0_head).toEqual(Array.from(memFine(0).values!.h!.subarray(0, 50)));
    expect(Math.max(...r.fine_c_row1)).toBeGreaterThan(3); // calcium crosses θ_p during the burst

    expect(r.slow_shape).toEqual([3, 3701]);
    expect(r.slow_z_last).toEqual([0, 1, 2].map((k) => mem.probes.find((p) => p.probe === 'slow' && p.protocol === 'WTET-short' && p.trial === k)!.trace.values!.z!.at(-1)));

    // SONATA spikes: 30 regular presynaptic spikes per recorded trial, in ms, sorted by time
    expect(r.pre.units).toBe('ms');
    expect(r.pre.dtype).toBe('uint64');
    expect(r.pre.sorting).toBe('by_time');
    expect(r.pre.t).toHaveLength(60);
    expect(r.pre.t[0]).toBeCloseTo(10_000, 6);
    expect(new Set(r.pre.n)).toEqual(new Set([0, 2]));
    expect([...r.pre.t].sort((a: number, b: number) => a - b)).toEqual(r.pre.t);

    const ens = written.results[0]!;
    expect(r.ens).toEqual({ t_len: ens.t_s.length, w_mean_last: ens.traces.w_rel.mean.at(-1), class: ens.class, trials: 3, outcome: ens.rows.map((x) => x.outcome) });
    expect(r.tau_h).toEqual([688.4, 's']);

    expect(r.npy).toEqual({ shape: [2, n], dtype: 'float64', row1: r.fine_c_row1, t_shape: [n] });
  });
});
