/**
 * Memory-recall readouts of the recurrent-network paradigm (Luboeinski & Tetzlaff 2021, MODEL.md §8), computed
 * from a spike raster exactly as the published analysis of jlubo/memory-consolidation-stc does it
 * (`analysis/extractParamsQMIfromSpikes.py`, `calculateQ.py`, `calculateMIa.py`; rate curves as in
 * `computeRateFromSpikes.py`). Pure functions, no Node-only APIs: runs in the browser too.
 *
 * Conventions taken over from the Python analysis (they change results, keep them):
 * - a readout window is half-open, [t − w/2, t + w/2), with the edges computed as `t - w/2` and `t + w/2`
 *   in double precision (a spike printed at exactly the upper edge, e.g. 11.25 s, is not counted);
 * - a spike inside both the reference and the recall window counts for the reference window only;
 * - "as" = the first floor(recallFraction·assembly) neurons, "ans" = the rest of the assembly,
 *   "ctrl" = every excitatory neuron outside the assembly; rates are spike count / group size / w;
 * - SDs are population SDs, sqrt(mean(ν²) − mean(ν)²);
 * - MI uses no histogram binning: the distinct per-neuron rates (spike counts) are the outcomes, all
 *   excitatory neurons (silent ones included) are the samples, entropies in bits (log2).
 */

/** Every spike of a run: spike i is neuron `neuron[i]` at time `t_s[i]` (s). Any order. */
export interface SpikeRaster {
  readonly t_s: Float64Array;
  readonly neuron: Int32Array;
}

export interface RecallReadoutSpec {
  /** Excitatory neurons, indices 0 … nExc−1. */
  nExc: number;
  /** Inhibitory neurons, indices nExc … nExc+nInh−1. */
  nInh: number;
  /** Assembly size: the first `assembly` excitatory neurons. */
  assembly: number;
  /** Fraction of the assembly stimulated at recall (0.5): the first floor(recallFraction·assembly) neurons. */
  recallFraction: number;
  /** Readout window length (s), centred on refTime_s and readoutTime_s (0.5). */
  window_s: number;
  /** Centre of the window of the reference (learning) rate distribution (s) (11.0). */
  refTime_s: number;
  /** Centre of the recall window (s): recall onset + 0.1 (pass `onset + 0.1` to get the Python's double). */
  readoutTime_s: number;
}

/** Recall readout; every v_* is a mean rate in Hz over the recall window, *_sd the population SD (Hz). */
export interface RecallReadout {
  v_exc: number; v_as: number; v_ans: number; v_ctrl: number; v_inh: number;
  v_exc_sd: number; v_as_sd: number; v_ans_sd: number; v_ctrl_sd: number;
  /** Q = (ν_ans − ν_ctrl)/ν_as and its propagated uncertainty. */
  Q: number; Q_err: number;
  /** Mutual information (bits) between the excitatory rate distributions at reference and at recall. */
  MI: number;
  /** Self-information (marginal entropy, bits) of the reference and of the recall distribution. */
  selfMIL: number; selfMIR: number;
  /** Per-excitatory-neuron rates (Hz) in the reference and the recall window. */
  rateRef_Hz: Float64Array; rateRecall_Hz: Float64Array;
}

/** A neuron group for rate curves: indices from … toExclusive−1 (half-open, like Array.prototype.slice). */
export interface NeuronGroup { name: string; from: number; toExclusive: number }

export interface PopulationRates {
  /** Start time of each bin (s); bin k is [k·bin_s, (k+1)·bin_s). */
  binStart_s: Float64Array;
  /** Mean rate per neuron of each group in each bin (Hz), keyed by group name. */
  rate_Hz: Record<string, Float64Array>;
}

function fail(field: string, value: unknown, why: string): never {
  throw new Error(`${field} = ${String(value)}: ${why}`);
}
const isCount = (x: number, min: number) => Number.isInteger(x) && x >= min;

/**
 * Parses a spike raster text: one spike per line, time then neuron index, separated by whitespace (the C++
 * simulator writes "t\t\tn", Arbor "t n" in ms: pass timeScale 1e-3). Blank lines are skipped; NULs stripped
 * as the Python does.
 */
export function parseSpikeRaster(text: string, timeScale = 1): SpikeRaster {
  const t: number[] = [];
  const n: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\0/g, '').trim();
    if (line === '') continue;
    const cells = line.split(/\s+/);
    const ti = Number(cells[0]);
    const ni = Number(cells[1]);
    if (cells.length !== 2 || !Number.isFinite(ti) || !Number.isInteger(ni)) {
      throw new Error(`spike raster line ${i + 1}: expected "time neuron", got ${JSON.stringify(lines[i])}`);
    }
    t.push(ti * timeScale);
    n.push(ni);
  }
  return { t_s: Float64Array.from(t), neuron: Int32Array.from(n) };
}

/**
 * Spike counts per neuron (0 … nNeurons−1) in each of several half-open windows [from_s, to_s). A spike is
 * assigned to the first window containing it only (the Python analysis breaks out of its window loop).
 * Throws for a neuron index outside 0 … nNeurons−1.
 */
export function spikeCountsInWindows(
  raster: SpikeRaster, nNeurons: number, windows: ReadonlyArray<readonly [from_s: number, to_s: number]>,
): Int32Array[] {
  const counts = windows.map(() => new Int32Array(nNeurons));
  for (let i = 0; i < raster.t_s.length; i++) {
    const t = raster.t_s[i]!;
    for (let j = 0; j < windows.length; j++) {
      if (t >= windows[j]![0] && t < windows[j]![1]) {
        const n = raster.neuron[i]!;
        if (n < 0 || n >= nNeurons) fail(`raster.neuron[${i}]`, n, `outside 0…${nNeurons - 1}`);
        counts[j]![n]!++;
        break;
      }
    }
  }
  return counts;
}

/** Shannon entropy (bits) of the empirical distribution of the given outcome keys (equal keys = one outcome). */
function entropyOfKeys(keys: Iterable<string | number>): number {
  const freq = new Map<string | number, number>();
  let total = 0;
  for (const k of keys) { freq.set(k, (freq.get(k) ?? 0) + 1); total++; }
  let h = 0;
  for (const c of freq.values()) { const p = c / total; h -= p * Math.log2(p); }
  return h;
}

/** Marginal entropy (bits) of a sample: its distinct values are the outcomes, no binning (np.unique). */
export function entropyBits(values: ArrayLike<number>): number {
  return entropyOfKeys(Array.from(values));
}

/** Joint entropy (bits) of paired samples a[i], b[i]: distinct value pairs are the outcomes. */
export function jointEntropyBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) fail('b.length', b.length, `must equal a.length = ${a.length}`);
  return entropyOfKeys(Array.from(a, (x, i) => `${x},${b[i]}`));
}

/** Mutual information (bits) H(a) + H(b) − H(a, b) of paired samples, no binning. */
export function mutualInformationBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return entropyBits(a) + entropyBits(b) - jointEntropyBits(a, b);
}

/** Checks a spec; throws naming the first bad field. */
export function validateRecallSpec(s: RecallReadoutSpec): void {
  if (!isCount(s.nExc, 2)) fail('nExc', s.nExc, 'must be an integer ≥ 2');
  if (!isCount(s.nInh, 0)) fail('nInh', s.nInh, 'must be an integer ≥ 0');
  if (!isCount(s.assembly, 2) || s.assembly >= s.nExc) {
    fail('assembly', s.assembly, `must be an integer in 2…nExc−1 = ${s.nExc - 1} (control population non-empty)`);
  }
  if (!(s.recallFraction > 0 && s.recallFraction < 1)) fail('recallFraction', s.recallFraction, 'must be in (0, 1)');
  const nAs = Math.floor(s.recallFraction * s.assembly);
  if (nAs < 1 || nAs >= s.assembly) {
    fail('recallFraction', s.recallFraction, `floor(recallFraction·assembly) = ${nAs} leaves a recall half empty`);
  }
  if (!(s.window_s > 0 && Number.isFinite(s.window_s))) fail('window_s', s.window_s, 'must be finite and > 0');
  if (!Number.isFinite(s.refTime_s)) fail('refTime_s', s.refTime_s, 'must be finite');
  if (!Number.isFinite(s.readoutTime_s)) fail('readoutTime_s', s.readoutTime_s, 'must be finite');
}

/** Mean and population SD, sqrt(Σν²/n − mean²), of rates[from … to−1] given their spike count sum. */
function groupRate(rates: Float64Array, from: number, to: number, count: number, w: number): [number, number] {
  const n = to - from;
  const mean = count / n / w; // same operation order as the Python: count / size / window
  let sq = 0;
  for (let i = from; i < to; i++) sq += rates[i]! * rates[i]!;
  return [mean, Math.sqrt(sq / n - mean * mean)];
}

/** The recall readout (rates, Q, MI) of one run, as the published analysis computes it. */
export function recallReadout(raster: SpikeRaster, spec: RecallReadoutSpec): RecallReadout {
  validateRecallSpec(spec);
  const { nExc, nInh, assembly, window_s: w } = spec;
  const nAs = Math.floor(spec.recallFraction * assembly);
  // Reference window first: a spike in both windows goes to the reference only (Python's first-match break).
  const windows = [spec.refTime_s, spec.readoutTime_s].map((t) => [t - w / 2, t + w / 2] as const);
  const [ref, rec] = spikeCountsInWindows(raster, nExc + nInh, windows) as [Int32Array, Int32Array];
  // Per-neuron rate distributions over the excitatory population (silent neurons included).
  const rateRef_Hz = new Float64Array(nExc);
  const rateRecall_Hz = new Float64Array(nExc);
  for (let i = 0; i < nExc; i++) { rateRef_Hz[i] = ref[i]! / w; rateRecall_Hz[i] = rec[i]! / w; }
  // Spike counts per subpopulation in the recall window.
  const sum = (from: number, to: number) => { let c = 0; for (let i = from; i < to; i++) c += rec[i]!; return c; };
  const [v_exc, v_exc_sd] = groupRate(rateRecall_Hz, 0, nExc, sum(0, nExc), w);
  const [v_as, v_as_sd] = groupRate(rateRecall_Hz, 0, nAs, sum(0, nAs), w);
  const [v_ans, v_ans_sd] = groupRate(rateRecall_Hz, nAs, assembly, sum(nAs, assembly), w);
  const [v_ctrl, v_ctrl_sd] = groupRate(rateRecall_Hz, assembly, nExc, sum(assembly, nExc), w);
  const v_inh = sum(nExc, nExc + nInh) / nInh / w; // NaN when nInh = 0
  // Q and its error propagated from the SDs of ν_as, ν_ans, ν_ctrl (calculateQ.py).
  const Q = (v_ans - v_ctrl) / v_as;
  const Q_err = Math.sqrt((v_ans_sd / v_as) ** 2 + (v_ctrl_sd / v_as) ** 2
    + (v_as_sd * (v_ans - v_ctrl) / v_as ** 2) ** 2);
  // MI from marginal and joint entropies of the unbinned rate distributions (calculateMIa.py).
  const selfMIL = entropyBits(rateRef_Hz);
  const selfMIR = entropyBits(rateRecall_Hz);
  const MI = selfMIL + selfMIR - jointEntropyBits(rateRef_Hz, rateRecall_Hz);
  return {
    v_exc, v_as, v_ans, v_ctrl, v_inh, v_exc_sd, v_as_sd, v_ans_sd, v_ctrl_sd,
    Q, Q_err, MI, selfMIL, selfMIR, rateRef_Hz, rateRecall_Hz,
  };
}

/**
 * Mean rate per neuron (Hz) of each group in consecutive bins of bin_s from 0 to t_end_s (the last bin may
 * extend past t_end_s). A spike at t goes to bin floor(t / bin_s), as computeRateFromSpikes.py does (so a
 * spike printed at 0.3 s with 0.1 s bins lands in bin 2, since 0.3/0.1 < 3 in doubles); spikes before 0 or
 * past the last bin are ignored. Groups may overlap; neurons in no group are ignored.
 */
export function populationRates(
  raster: SpikeRaster, groups: readonly NeuronGroup[], bin_s: number, t_end_s: number,
): PopulationRates {
  if (!(bin_s > 0 && Number.isFinite(bin_s))) fail('bin_s', bin_s, 'must be finite and > 0');
  if (!(t_end_s > 0 && Number.isFinite(t_end_s))) fail('t_end_s', t_end_s, 'must be finite and > 0');
  groups.forEach((g, k) => {
    if (groups.findIndex((o) => o.name === g.name) !== k) fail(`groups[${k}].name`, g.name, 'is a duplicate');
    if (!isCount(g.from, 0)) fail(`groups[${k}].from`, g.from, 'must be an integer ≥ 0');
    if (!Number.isInteger(g.toExclusive) || g.toExclusive <= g.from) {
      fail(`groups[${k}].toExclusive`, g.toExclusive, `must be an integer > from = ${g.from}`);
    }
  });
  // Tolerate t_end_s / bin_s landing a hair above an integer (e.g. 30 / 0.1).
  const nBins = Math.max(1, Math.ceil(t_end_s / bin_s - 1e-9));
  const counts = groups.map(() => new Float64Array(nBins));
  for (let i = 0; i < raster.t_s.length; i++) {
    const b = Math.floor(raster.t_s[i]! / bin_s);
    if (!(b >= 0 && b < nBins)) continue;
    const n = raster.neuron[i]!;
    groups.forEach((g, k) => { if (n >= g.from && n < g.toExclusive) counts[k]![b]!++; });
  }
  const rate_Hz: Record<string, Float64Array> = {};
  groups.forEach((g, k) => {
    const size = g.toExclusive - g.from;
    rate_Hz[g.name] = counts[k]!.map((c) => c / size / bin_s);
  });
  return { binStart_s: Float64Array.from({ length: nBins }, (_, k) => k * bin_s), rate_Hz };
}
