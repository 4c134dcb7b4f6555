/**
 * The simulation worker: the model and the registered engines, bundled from the library's browser entry
 * (src/browser.ts, `calcitag/browser`: no Node built-in in its import graph), run here so the page stays
 * responsive. The trials are the library's `runEnsemble`; this worker only turns its callbacks into
 * messages: one per finished trial (that trial's traces and the running mean ± SD), live chunks of the
 * running trial from a probe, and a summary at the end.
 */
import {
  engineNames, ensembleConfigs, PRESET_NAMES, PRESET_PROTOCOLS, probeGrid, resolveRunConfig, runEnsemble,
  type ProbeSink, type ProbeSpec,
} from '../../src/browser.js';
import type { MeanSdSet, SimMessage, SimRequest } from './simMessages.js';

/** Samples per probe chunk (the granularity of the live trace) and the least time between live messages. */
const LIVE_CHUNK = 4;
const LIVE_EVERY_MS = 40;

function post(msg: SimMessage, transfer: Transferable[] = []): void {
  self.postMessage(msg, { transfer });
}

function copy(a: Float64Array): Float64Array {
  return new Float64Array(a);
}

function run(req: SimRequest): void {
  const cfg = resolveRunConfig({
    protocols: [req.protocol],
    trials: req.trials,
    seed: req.seed,
    engine: req.engine,
    params: req.params,
    dt_ms: req.dt_ms,
    fastForward: req.fastForward,
    sampleInterval_s: req.sampleInterval_s,
  });
  const config = ensembleConfigs(cfg)[0]!;
  const protocol = config.protocol;
  const h0 = cfg.params.h0;
  // A probe of h, z, w on the coarse grid, streamed in small chunks while the trial runs, so the page
  // can draw the running trial as it integrates (engines without probes simply never call the sink).
  const dt = cfg.dt_ms * 1e-3;
  const live: ProbeSpec = { name: 'live', variables: ['h', 'z', 'w', 'p'], interval_s: cfg.sample_interval_s, from_s: 0, to_s: protocol.duration_s };
  const grid = probeGrid(live, dt, Math.round(protocol.duration_s / dt));
  const gridT = Float64Array.from({ length: grid.n }, (_, i) => (grid.first + i * grid.every) * dt);
  post({ type: 'started', id: req.id, protocol, params: { ...cfg.params }, trials: cfg.trials, engine: cfg.engine, grid_t_s: gridT });
  const liveSink = (trial: number): ProbeSink => {
    const hL = new Float64Array(grid.n), zL = new Float64Array(grid.n), wL = new Float64Array(grid.n), pL = new Float64Array(grid.n);
    let upto = 0, lastPost = -Infinity;
    return {
      chunkSamples: LIVE_CHUNK,
      samples: (_probe, offset, values) => {
        const [h, z, w, p] = values as [Float64Array, Float64Array, Float64Array, Float64Array];
        for (let i = 0; i < h.length; i++) {
          hL[offset + i] = h[i]! / h0;
          zL[offset + i] = z[i]!;
          wL[offset + i] = w[i]! / h0;
          pL[offset + i] = p[i]!;
        }
        upto = offset + h.length;
        const now = performance.now();
        if (now - lastPost >= LIVE_EVERY_MS || upto === grid.n) {
          lastPost = now;
          post({ type: 'live', id: req.id, trial: trial + 1, total: cfg.trials, upto, h_rel: hL.slice(0, upto), z: zL.slice(0, upto), w_rel: wL.slice(0, upto), p: pL.slice(0, upto) });
        }
      },
    };
  };
  const res = runEnsemble(config, (done, total, row, detail) => {
    const r = detail!.result;
    const n = r.t_s.length;
    const hRel = new Float64Array(n), wRel = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      hRel[i] = r.h_mV[i]! / h0;
      wRel[i] = (r.h_mV[i]! + h0 * r.z[i]!) / h0;
    }
    const ens = detail!.snapshot();
    const ensemble: MeanSdSet = {
      h_rel: { mean: copy(ens.traces.h_rel.mean), sd: ens.traces.h_rel.sd },
      z: { mean: copy(ens.traces.z.mean), sd: ens.traces.z.sd },
      w_rel: { mean: copy(ens.traces.w_rel.mean), sd: ens.traces.w_rel.sd },
      p: { mean: copy(ens.traces.p.mean), sd: ens.traces.p.sd },
    };
    const trial = { h_rel: hRel, z: copy(r.z), w_rel: wRel, p: copy(r.p) };
    const calcium = r.calcium ? { t_s: copy(r.calcium.t_s), c: copy(r.calcium.c), h_mV: copy(r.calcium.h_mV) } : undefined;
    const transfer: Transferable[] = [hRel.buffer, wRel.buffer, trial.z.buffer, trial.p.buffer];
    for (const s of Object.values(ensemble)) transfer.push(s.mean.buffer, s.sd.buffer);
    if (calcium) transfer.push(calcium.t_s.buffer, calcium.c.buffer, calcium.h_mV.buffer);
    post(
      {
        type: 'trial', id: req.id, done, total, t_s: copy(r.t_s), trial, ensemble,
        outcome: row.outcome, w_rel_8h: row.w_rel['8h'] ?? null, trial_ms: row.wall_ms, calcium,
      },
      transfer,
    );
  }, { probes: [live], probeSink: liveSink });
  post({ type: 'done', id: req.id, class: res.class, classes: res.classes as Record<string, number>, w_rel: res.w_rel, z: res.z, tagged: res.tagged, wall_ms: res.wall_ms });
}

self.onmessage = (e: MessageEvent<SimRequest>) => {
  const req = e.data;
  if (req?.type !== 'run') return;
  try {
    run(req);
  } catch (err) {
    post({ type: 'error', id: req.id, message: (err as Error).message });
  }
};

post({
  type: 'ready',
  engines: engineNames(),
  presets: PRESET_NAMES.map((n) => ({ name: n, description: PRESET_PROTOCOLS[n].description })),
});
