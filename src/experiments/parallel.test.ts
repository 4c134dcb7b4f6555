import { execFileSync, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnsembleConfig, EnsembleResult } from './ensemble.js';

// Workers load the compiled modules (dist/), so the test builds first and compares against the
// single-threaded runEnsemble of the same build.
const root = new URL('../../', import.meta.url);
type Dist = {
  parallel: typeof import('./parallel.js');
  ensemble: typeof import('./ensemble.js');
  params: typeof import('../model/parameters.js');
  protocols: typeof import('../model/protocols.js');
};
let D: Dist;

beforeAll(async () => {
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'pipe' });
  } catch {
    // type errors elsewhere in the tree do not stop tsc from emitting
  }
  const load = (p: string) => import(new URL(`dist/src/${p}`, root).href);
  D = {
    parallel: await load('experiments/parallel.js'),
    ensemble: await load('experiments/ensemble.js'),
    params: await load('model/parameters.js'),
    protocols: await load('model/protocols.js'),
  };
}, 300_000);

/** Everything of an ensemble result except wall-clock times. */
function strip(r: EnsembleResult): unknown {
  return {
    ...r, wall_ms: 0, table: undefined, rows: r.rows.map((row) => ({ ...row, wall_ms: 0 })), // the table's rows are compared as objects
    traces: Object.fromEntries(Object.entries(r.traces).map(([k, v]) => [k, { mean: Array.from(v.mean), sd: Array.from(v.sd) }])),
    t_s: Array.from(r.t_s),
    calcium: r.calcium && { t: Array.from(r.calcium.t_s), c: Array.from(r.calcium.c), h: Array.from(r.calcium.h_mV) },
  };
}

describe('parallel ensembles', () => {
  it('are bit-identical for 1, 2 and 4 workers, any chunking, and the single-threaded runner', async () => {
    const params = D.params.resolveParams();
    const configs: EnsembleConfig[] = (['STET', 'WLFS'] as const).map((name) => ({
      protocol: D.protocols.PRESET_PROTOCOLS[name], engine: 'exact', trials: 40, seed: 17, params, dt_ms: 0.2,
      fastForward: true, sampleInterval_s: 60,
    }));
    const serial = configs.map((c) => strip(D.ensemble.runEnsemble(c)));
    const seen: number[][] = [];
    for (const [workers, chunkSize] of [[1, 5], [2, 3], [4, undefined], [4, 1], [2, 24]] as const) {
      const order: number[] = [];
      const res = await D.parallel.runEnsemblesParallel(configs, {
        workers, chunkSize, onTrial: (e) => (done) => { if (e === 0) order.push(done); },
      });
      expect(res.map(strip)).toEqual(serial);
      seen.push(order);
    }
    // progress is reported in trial order
    for (const order of seen) expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('runs a resolved run configuration like runProtocols, and reports worker failures', async () => {
    const { resolveRunConfig, runProtocols, ensembleConfigs } = await import(new URL('dist/src/experiments/protocolRun.js', root).href) as typeof import('./protocolRun.js');
    const cfg = resolveRunConfig({ protocols: ['WTET'], trials: 6, seed: 2, engine: 'exact' });
    const [a] = await D.parallel.runProtocolsParallel(cfg, { workers: 2 });
    const [b] = runProtocols(cfg);
    expect(strip(a!)).toEqual(strip(b!));
    const bad = { ...ensembleConfigs(cfg)[0]!, engine: 'no-such-engine' };
    await expect(D.parallel.runEnsemblesParallel([bad], { workers: 1 })).rejects.toThrow(/no-such-engine/);
  });

  it('stops on a non-finite state found in a worker with the same NonFiniteStateError as runEnsemble', async () => {
    // values beyond the documented ranges (the CLI refuses them), set directly to force NaN / ∞
    for (const [k, v] of [['sigma_pl', 1e200], ['c_pre', 1e308]] as const) {
      const cfg: EnsembleConfig = {
        protocol: D.protocols.PRESET_PROTOCOLS.WTET, engine: 'exact', trials: 20, seed: 3, params: { ...D.params.resolveParams(), [k]: v },
        dt_ms: 0.2, fastForward: true, sampleInterval_s: 60,
      };
      let serial: Error | undefined;
      try {
        D.ensemble.runEnsemble(cfg);
      } catch (e) {
        serial = e as Error;
      }
      expect(serial).toBeInstanceOf(D.ensemble.NonFiniteStateError);
      const parallel = await D.parallel.runEnsemblesParallel([cfg], { workers: 2 }).then(() => undefined, (e: Error) => e);
      expect(parallel).toBeInstanceOf(D.ensemble.NonFiniteStateError);
      expect(parallel!.message).toBe(serial!.message);
    }
  });

  it('calcitag run --workers N gives the same JSON summary for 0 (main thread), 1 and 3 workers', () => {
    const cli = new URL('dist/src/cli/main.js', root).pathname;
    const run = (w: number) => {
      const r = spawnSync(process.execPath, [cli, 'run', 'WTET', 'SLFS', '--trials', '5', '--seed', '4', '--json', '--workers', String(w)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      for (const res of out.results) delete res.wall_ms_per_trial;
      return out;
    };
    const a = run(0);
    expect(a.engine).toBe('exact');
    expect(run(1)).toEqual(a);
    expect(run(3)).toEqual(a);
  });
});
