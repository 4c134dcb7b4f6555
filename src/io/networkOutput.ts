/**
 * Writes a network run folder (the format docs/network.md and the dashboard read): run.json (the run
 * record that reruns it), summary.json (readouts, sizes, cost), spikes.csv and spikes.h5 (SONATA),
 * edges.h5 (SONATA edges of every projection), population_rates.csv, weights.csv, the raster and
 * weight figures, and log.txt. Every file is written atomically.
 */
import type { MemoryRunResult } from '../experiments/network/memoryRun.js';
import { stimulusWindows } from '../model/network/description.js';
import { VERSION } from '../version.js';
import { columnsToCsv } from './csv.js';
import { RunDirectory } from './files.js';
import { rasterFigureSpec, weightsFigureSpec } from './networkFigures.js';
import { renderSvg, svgToPng } from './plots.js';
import { writeSonataEdges, writeSonataSpikes } from './sonata.js';

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
  readonly name: string;
  readonly seed: number;
  readonly engine: string;
  readonly dt_ms: number;
  readonly fast_forward: boolean;
  /** The fully resolved description (every parameter, population, projection, stimulus, probe). */
  readonly network: unknown;
  /** Where the memory readout looks. */
  readonly readout: unknown;
}

/** '10s', '8h' or the delay in seconds: how the paradigm names its recall (after the last learning stimulus). */
function recallLabel(delay_s: number): string {
  const near = (x: number) => Math.abs(delay_s - x) < 1;
  return near(9) || near(10) ? '10s' : near(28_799) || near(28_800) ? '8h' : `${delay_s}s`;
}

/** Learning onsets (windows starting by the reference time) and the stimulus length, for the dashboard's marks. */
function stimulusMarks(run: MemoryRunResult): { learning_onsets_s: number[]; stimulus_duration_s: number } {
  const windows = run.description.stimuli.flatMap((s) => stimulusWindows(s));
  const learning = windows.filter(([a]) => a <= run.readoutSpec.reference_time_s + 1e-9);
  return { learning_onsets_s: learning.map(([a]) => a), stimulus_duration_s: windows.length > 0 ? windows[0]![1] - windows[0]![0] : 0 };
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
    recall: recallLabel(run.recallDelay_s),
    recall_delay_s: run.recallDelay_s,
    ...stimulusMarks(run),
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
  await writeSonataSpikes(`${out.path}/spikes.h5`, run.result.layout, run.result.spikes.t_s, run.result.spikes.neuron);
  written.push(`${out.path}/spikes.h5`);
  const d = run.description;
  await writeSonataEdges(`${out.path}/edges.h5`, run.result.layout, d.projections.map((p, i) => ({
    name: p.name, sourcePop: p.source, targetPop: p.target, edges: run.result.edges[i]!,
    ...(p.plastic ? {} : { weight_mV: p.weight_mV! }),
    delay_ms: p.delay_ms ?? d.params.t_syn_delay,
  })));
  written.push(`${out.path}/edges.h5`);
  const rates = run.rates;
  put('population_rates.csv', columnsToCsv([
    ['t_start_s', rates.binStart_s],
    ['t_end_s', rates.binStart_s.map((t) => t + 0.5)],
    ...(['assembly', 'as', 'ans', 'ctrl', 'inh'] as const).map((g) => [`rate_${g}_Hz`, rates.rate_Hz[g]!] as const),
  ]));
  put('weights.csv', columnsToCsv([['t_s', run.curves.t_s], ...Object.entries(run.curves.columns)]));
  // The raster's SVG would hold every spike drawn (megabytes): PNG only, with the Vega-Lite spec beside it.
  for (const [name, spec, svgToo] of [['raster', rasterFigureSpec(run), false], ['weights', weightsFigureSpec(run), true]] as const) {
    const svg = await renderSvg(spec);
    if (svgToo) put(`${name}.svg`, svg);
    put(`${name}.png`, svgToPng(svg));
  }
  put('summary.json', `${JSON.stringify(networkSummary(run, record, cost), null, 1)}\n`);
  put('log.txt', `${log.join('\n')}\n`);
  return written;
}
