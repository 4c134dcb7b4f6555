/**
 * Writes a network run folder (the format docs/network.md and the dashboard read): run.json (the run
 * record that reruns it), summary.json (readouts, sizes, cost), spikes.csv and spikes.h5 (SONATA),
 * edges.h5 (SONATA edges of every projection), population_rates.csv, weights.csv, the raster and
 * weight figures, and log.txt. Every file is written atomically.
 */
import type { MemoryRunResult } from '../experiments/network/memoryRun.js';
import { VERSION } from '../version.js';
import { columnsToCsv } from './csv.js';
import { RunDirectory } from './files.js';
import { rasterFigureSpec, weightsFigureSpec } from './networkFigures.js';
import { renderSvg, svgToPng } from './plots.js';

/** What a run cost, measured by the caller (front ends own the clock and the process). */
export interface RunCost {
  readonly cpu_s: number;
  readonly wall_s: number;
  readonly peak_rss_mb: number;
}

/** The run record: everything needed to rerun the run bit for bit. */
export interface NetworkRunRecord {
  readonly kind: 'network';
  readonly calcitag_version: string;
  readonly paradigm: 'memory';
  readonly seed: number;
  readonly engine: string;
  readonly dt_ms: number;
  readonly fast_forward: boolean;
  readonly options: Readonly<Record<string, unknown>>;
  /** The fully resolved description (every parameter, population, projection, stimulus, probe). */
  readonly description: unknown;
}

/** summary.json: the readouts and the shape and cost of the run. */
export function networkSummary(run: MemoryRunResult, record: NetworkRunRecord, cost: RunCost): Record<string, unknown> {
  const r = run.readout;
  return {
    kind: 'network',
    calcitag_version: VERSION,
    name: run.description.name,
    seed: record.seed,
    engine: record.engine,
    recall: run.recall,
    recall_onset_s: run.recallOnset_s,
    assembly: run.assembly,
    neurons: run.result.neurons,
    synapses: run.result.synapses,
    plastic_synapses: run.result.plasticSynapses,
    populations: run.result.layout,
    t_max_s: run.description.duration_s,
    readouts: {
      Q: r.Q, MI: r.MI, Q_err: r.Q_err, selfMIL: r.selfMIL, selfMIR: r.selfMIR,
      rates_Hz: { as: r.v_as, ans: r.v_ans, ctrl: r.v_ctrl, inh: r.v_inh, exc: r.v_exc },
    },
    detailed_steps: run.result.steps,
    fast_forward_steps: run.result.fastForwardSteps,
    fast_forward_s: run.result.fastForwardIntervals,
    spikes: run.result.spikes.t_s.length,
    ...cost,
  };
}

function spikesCsv(run: MemoryRunResult): string {
  const { t_s, neuron } = run.result.spikes;
  const lines = ['t_s,neuron'];
  for (let k = 0; k < t_s.length; k++) lines.push(`${+t_s[k]!.toFixed(4)},${neuron[k]}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the run folder; returns the paths written. */
export async function writeNetworkRun(dir: string, run: MemoryRunResult, record: NetworkRunRecord, cost: RunCost, log: readonly string[]): Promise<string[]> {
  const out = new RunDirectory(dir);
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array) => written.push(out.write(name, data));
  put('run.json', `${JSON.stringify(record, null, 1)}\n`);
  put('spikes.csv', spikesCsv(run));
  // SONATA_OUTPUTS
  const rates = run.rates;
  put('population_rates.csv', columnsToCsv([
    ['t_start_s', rates.binStart_s],
    ['t_end_s', rates.binStart_s.map((t) => t + 0.5)],
    ...(['assembly', 'as', 'ans', 'ctrl', 'inh'] as const).map((g) => [`rate_${g}_Hz`, rates.rate_Hz[g]!] as const),
  ]));
  put('weights.csv', columnsToCsv([['t_s', run.curves.t_s], ...Object.entries(run.curves.columns)]));
  for (const [name, spec] of [['raster', rasterFigureSpec(run)], ['weights', weightsFigureSpec(run)]] as const) {
    const svg = await renderSvg(spec);
    put(`${name}.svg`, svg);
    put(`${name}.png`, svgToPng(svg));
  }
  put('summary.json', `${JSON.stringify(networkSummary(run, record, cost), null, 1)}\n`);
  put('log.txt', `${log.join('\n')}\n`);
  return written;
}
