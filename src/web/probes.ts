/**
 * Probe recordings of a run folder for the dashboard: the `npy/<probe>_<protocol>_<variable>.npy`
 * files (trials × samples, float64, C order) and their `…_t_s.npy` time axis, read by window and
 * reduced to at most a given number of points (min/max per bucket), so a recording of 10⁷ samples is
 * shown whole and at full resolution once zoomed in, without loading it into memory.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { runRecordFile } from '../experiments/runRecord.js';
import { ownFile, realInside } from './confine.js';

/** One probe's recording in one protocol. */
export interface ProbeListing {
  probe: string;
  protocol: string;
  /** Sampled variables with a .npy file (spikes go to HDF5 only). */
  variables: string[];
  /** Trial number of each row. */
  trials: number[];
  samples: number;
  t_first_s: number;
  t_last_s: number;
}

interface NpyInfo {
  descr: string;
  shape: number[];
  dataOffset: number;
}

/** The header of a .npy file (versions 1–3). */
export function readNpyHeader(path: string): NpyInfo {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    if (head.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
    const major = head[6]!;
    const headerLen = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
    const start = major === 1 ? 10 : 12;
    const text = Buffer.alloc(headerLen);
    readSync(fd, text, 0, headerLen, start);
    const s = text.toString('latin1');
    const descr = /'descr':\s*'([^']+)'/.exec(s)?.[1] ?? '';
    if (/'fortran_order':\s*True/.test(s)) throw new Error(`${path}: Fortran order is not supported`);
    const shape = (/'shape':\s*\(([^)]*)\)/.exec(s)?.[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean).map(Number);
    return { descr, shape, dataOffset: start + headerLen };
  } finally {
    closeSync(fd);
  }
}

const ELEMENT: Record<string, { size: number; get: (b: Buffer, o: number) => number }> = {
  '<f8': { size: 8, get: (b, o) => b.readDoubleLE(o) },
  '<f4': { size: 4, get: (b, o) => b.readFloatLE(o) },
  '<i4': { size: 4, get: (b, o) => b.readInt32LE(o) },
  '<u4': { size: 4, get: (b, o) => b.readUInt32LE(o) },
  '<i2': { size: 2, get: (b, o) => b.readInt16LE(o) },
  '<u2': { size: 2, get: (b, o) => b.readUInt16LE(o) },
  '|i1': { size: 1, get: (b, o) => b.readInt8(o) },
  '|u1': { size: 1, get: (b, o) => b.readUInt8(o) },
  '|b1': { size: 1, get: (b, o) => b.readUInt8(o) },
  '<i8': { size: 8, get: (b, o) => Number(b.readBigInt64LE(o)) },
};

function element(descr: string, path: string) {
  const e = ELEMENT[descr];
  if (!e) throw new Error(`${path}: dtype ${descr} is not supported`);
  return e;
}

/** Lists the probe recordings of a run folder (empty when it has no npy/ folder). */
export function listProbes(runDir: string): ProbeListing[] {
  const dir = join(runDir, 'npy');
  if (!existsSync(dir) || !realInside(runDir, dir)) return [];
  // A link leading out of the run folder is left out (confine.ts).
  const files = readdirSync(dir).filter((f) => f.endsWith('.npy') && !f.includes('.tmp-') && realInside(runDir, join(dir, f)));
  let exp: { probes?: Array<{ name: string; variables?: string[]; trials?: number[] | string }>; protocols?: Array<{ name: string }> } = {};
  try {
    exp = JSON.parse(readFileSync(ownFile(runDir, runRecordFile(runDir) ?? join(runDir, 'experiment.json')), 'utf8'));
  } catch {
    /* no run record: names are split at the first '_' */
  }
  const probeNames = (exp.probes ?? []).map((p) => p.name).sort((a, b) => b.length - a.length);
  const out: ProbeListing[] = [];
  for (const f of files) {
    if (!f.endsWith('_t_s.npy')) continue;
    const prefix = f.slice(0, -'_t_s.npy'.length);
    const probe = probeNames.find((p) => prefix.startsWith(`${p}_`)) ?? prefix.split('_')[0]!;
    const protocol = prefix.slice(probe.length + 1);
    if (!protocol) continue;
    const spec = exp.probes?.find((p) => p.name === probe);
    const candidates = spec?.variables
      ? spec.variables.filter((v) => files.includes(`${prefix}_${v}.npy`))
      : files.filter((g) => g.startsWith(`${prefix}_`) && g !== f && !g.slice(prefix.length + 1, -4).includes('_')).map((g) => g.slice(prefix.length + 1, -4));
    let t: NpyInfo;
    try {
      t = readNpyHeader(join(dir, f));
    } catch {
      continue;
    }
    const samples = t.shape.reduce((a, b) => a * b, 1);
    const variables: string[] = [];
    let rows = 0;
    for (const v of candidates) {
      try {
        const h = readNpyHeader(join(dir, `${prefix}_${v}.npy`));
        const cols = h.shape[h.shape.length - 1] ?? 0;
        if (cols !== samples || !ELEMENT[h.descr]) continue;
        rows = Math.max(rows, h.shape.length > 1 ? h.shape[0]! : 1);
        variables.push(v);
      } catch {
        /* unreadable: left out */
      }
    }
    if (!variables.length || samples === 0) continue;
    const trials = Array.isArray(spec?.trials) && spec.trials.length === rows ? spec.trials : Array.from({ length: rows }, (_, i) => i);
    const tFile = join(dir, f);
    out.push({ probe, protocol, variables, trials, samples, t_first_s: readValues(tFile, t, 0, 1)[0]!, t_last_s: readValues(tFile, t, samples - 1, 1)[0]! });
  }
  return out.sort((a, b) => (a.probe + a.protocol).localeCompare(b.probe + b.protocol));
}

function readValues(path: string, info: NpyInfo, from: number, count: number, fdIn?: number): Float64Array {
  const el = element(info.descr, path);
  const fd = fdIn ?? openSync(path, 'r');
  try {
    const buf = Buffer.alloc(count * el.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, info.dataOffset + from * el.size + got);
      if (n === 0) break;
      got += n;
    }
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = i * el.size < got ? el.get(buf, i * el.size) : NaN;
    return out;
  } finally {
    if (fdIn === undefined) closeSync(fd);
  }
}

/** First index with t[i] ≥ x (sorted t, read by position). */
function lowerBound(path: string, info: NpyInfo, n: number, x: number, fd: number): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (readValues(path, info, mid, 1, fd)[0]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ProbeWindow {
  columns: string[];
  data: Float64Array[];
  rows: number;
  /** Samples in the window before reduction. */
  total: number;
  /** Samples per bucket (1: every sample). */
  bucket: number;
}

const CHUNK = 1 << 20;

/**
 * Samples of `variables` × `trials` between from_s and to_s (inclusive, one sample beyond each end so
 * lines reach the edges), reduced to at most `maxPoints` rows: each bucket of samples becomes two rows
 * (its first and last time) holding each series' minimum and maximum, so spikes survive reduction.
 */
export function readProbeWindow(
  runDir: string,
  p: ProbeListing,
  variables: readonly string[],
  trials: readonly number[],
  from_s: number,
  to_s: number,
  maxPoints: number,
): ProbeWindow {
  const dir = join(runDir, 'npy');
  const prefix = `${p.probe}_${p.protocol}`;
  const tPath = ownFile(runDir, join(dir, `${prefix}_t_s.npy`));
  const tInfo = readNpyHeader(tPath);
  const n = p.samples;
  const tfd = openSync(tPath, 'r');
  const series: Array<{ name: string; path: string; info: NpyInfo; row: number; fd: number }> = [];
  try {
    let i0 = Number.isFinite(from_s) ? lowerBound(tPath, tInfo, n, from_s, tfd) : 0;
    let i1 = Number.isFinite(to_s) ? lowerBound(tPath, tInfo, n, to_s, tfd) + 1 : n;
    i0 = Math.max(0, i0 - 1);
    i1 = Math.min(n, Math.max(i1, i0 + 1));
    const total = i1 - i0;
    for (const v of variables) {
      if (!p.variables.includes(v)) throw new Error(`probe ${p.probe} has no variable '${v}'; allowed: ${p.variables.join(', ')}`);
      const path = ownFile(runDir, join(dir, `${prefix}_${v}.npy`));
      const info = readNpyHeader(path);
      const fd = openSync(path, 'r');
      for (const trial of trials) {
        const row = p.trials.indexOf(trial);
        if (row < 0) throw new Error(`probe ${p.probe} did not record trial ${trial}; allowed: ${p.trials.join(', ')}`);
        series.push({ name: `${v}[${trial}]`, path, info, row, fd });
      }
    }
    const half = Math.max(1, Math.floor(maxPoints / 2));
    const bucket = total <= maxPoints ? 1 : Math.ceil(total / half);
    const rows = bucket === 1 ? total : 2 * Math.ceil(total / bucket);
    const t = new Float64Array(rows);
    const cols = series.map(() => new Float64Array(rows));
    const lo = series.map(() => Infinity), hi = series.map(() => -Infinity);
    let bStart = NaN, bLast = NaN, inBucket = 0, r = 0;
    for (let c0 = i0; c0 < i1; c0 += CHUNK) {
      const len = Math.min(CHUNK, i1 - c0);
      const tc = readValues(tPath, tInfo, c0, len, tfd);
      const vals = series.map((s) => readValues(s.path, s.info, s.row * n + c0, len, s.fd));
      if (bucket === 1) {
        t.set(tc, c0 - i0);
        vals.forEach((v, k) => cols[k]!.set(v, c0 - i0));
        continue;
      }
      for (let i = 0; i < len; i++) {
        if (inBucket === 0) bStart = tc[i]!;
        bLast = tc[i]!;
        for (let k = 0; k < vals.length; k++) {
          const v = vals[k]![i]!;
          if (v < lo[k]!) lo[k] = v;
          if (v > hi[k]!) hi[k] = v;
        }
        if (++inBucket === bucket) {
          r = flush(t, cols, lo, hi, r, bStart, bLast);
          inBucket = 0;
        }
      }
    }
    if (bucket > 1 && inBucket > 0) r = flush(t, cols, lo, hi, r, bStart, bLast);
    const used = bucket === 1 ? total : r;
    return { columns: ['t_s', ...series.map((s) => s.name)], data: [t.subarray(0, used), ...cols.map((c) => c.subarray(0, used))], rows: used, total, bucket };
  } finally {
    closeSync(tfd);
    for (const fd of new Set(series.map((s) => s.fd))) closeSync(fd);
  }
}

function flush(t: Float64Array, cols: Float64Array[], lo: number[], hi: number[], r: number, a: number, b: number): number {
  t[r] = a;
  t[r + 1] = b === a ? a : b;
  for (let k = 0; k < cols.length; k++) {
    cols[k]![r] = Number.isFinite(lo[k]!) ? lo[k]! : NaN;
    cols[k]![r + 1] = Number.isFinite(hi[k]!) ? hi[k]! : NaN;
    lo[k] = Infinity;
    hi[k] = -Infinity;
  }
  return r + 2;
}
