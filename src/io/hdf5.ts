/**
 * HDF5 output through h5wasm (the HDF5 C library compiled to WebAssembly; in Node it reads and
 * writes the host file system directly). A thin layer: nested groups created on demand, datasets
 * with a `units` attribute, and 2-D datasets filled row by row in chunks for streamed probes.
 *
 * The file is written under a temporary name and renamed into place by {@link Hdf5Writer.close},
 * so its final name only ever holds a complete, closed file.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import h5wasm from 'h5wasm/node';

type H5File = InstanceType<typeof h5wasm.File>;
type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

/**
 * Attribute values: integers are stored as int32 and other numbers as float64 (h5wasm's guess),
 * strings as UTF-8 variable-length strings; a {@link TypedAttr} fixes the integer type (a scalar
 * for a number, 1-D for an array), as formats such as SONATA require (`magic`: uint32).
 */
export type AttrValue = number | string | number[] | string[] | TypedAttr;
export interface TypedAttr {
  readonly dtype: '<I' | '<i' | '<Q' | '<q' | '<d';
  readonly value: number | readonly number[];
}

type H5Object = H5Group | H5Dataset;

function setAttr(obj: H5Object, name: string, v: AttrValue): void {
  if (typeof v === 'object' && !Array.isArray(v)) {
    const typed = v as TypedAttr;
    const value = typeof typed.value === 'number' ? typed.value : [...typed.value];
    obj.create_attribute(name, value, typeof value === 'number' ? [] : [value.length], typed.dtype);
  } else obj.create_attribute(name, v as number | string | number[] | string[]);
}

let ready: Promise<unknown> | undefined;

/** Loads the WebAssembly module once. */
export async function hdf5Ready(): Promise<void> {
  ready ??= h5wasm.ready;
  await ready;
}

let counter = 0;

export class Hdf5Writer {
  private readonly file: H5File;
  private readonly tmp: string;
  private readonly datasets = new Map<string, H5Dataset>();
  private closed = false;

  private constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = `${path}.tmp-${process.pid}-${counter++}`;
    this.file = new h5wasm.File(this.tmp, 'w');
  }

  /** Creates a file (under a temporary name until {@link close}). */
  static async create(path: string): Promise<Hdf5Writer> {
    await hdf5Ready();
    return new Hdf5Writer(resolve(path));
  }

  /** The group at `path` ('/a/b'), created with its parents if missing. */
  group(path: string): H5Group {
    let g: H5Group = this.file;
    let sofar = '';
    for (const part of path.split('/').filter(Boolean)) {
      sofar += `/${part}`;
      const next = this.file.get(sofar);
      g = next instanceof h5wasm.Group ? next : g.create_group(part);
    }
    return g;
  }

  private split(path: string): [H5Group, string] {
    const i = path.lastIndexOf('/');
    return [this.group(path.slice(0, Math.max(0, i))), path.slice(i + 1)];
  }

  /** Writes a whole dataset; `attrs` become its attributes (e.g. `{ units: 'mV' }`). */
  dataset(path: string, data: Float64Array | Int32Array | Uint32Array | BigUint64Array | BigInt64Array | Uint8Array | string[], attrs: Record<string, AttrValue> = {}, shape?: number[]): void {
    const [g, name] = this.split(path);
    const dtype = data instanceof BigUint64Array ? '<Q' : data instanceof BigInt64Array ? '<q' : undefined;
    const ds = g.create_dataset({ name, data, ...(shape ? { shape } : {}), ...(dtype ? { dtype } : {}) });
    for (const [k, v] of Object.entries(attrs)) setAttr(ds, k, v);
  }

  /** A float64 scalar dataset. */
  scalar(path: string, value: number, attrs: Record<string, AttrValue> = {}): void {
    const [g, name] = this.split(path);
    const ds = g.create_dataset({ name, data: value, shape: [], dtype: '<d' });
    for (const [k, v] of Object.entries(attrs)) setAttr(ds, k, v);
  }

  /** Creates a float64 dataset of shape (rows, cols), chunked along rows, to be filled by {@link writeRows}. */
  streamed(path: string, rows: number, cols: number, chunkCols: number, attrs: Record<string, AttrValue> = {}): void {
    const [g, name] = this.split(path);
    const chunks = [1, Math.max(1, Math.min(cols, chunkCols))];
    const ds = g.create_dataset({ name, data: new Float64Array(0), shape: [0, cols], maxshape: [rows, cols], dtype: '<d', chunks });
    if (rows > 0) ds.resize([rows, cols]);
    for (const [k, v] of Object.entries(attrs)) setAttr(ds, k, v);
    this.datasets.set(path, ds);
  }

  /** Creates a 1-D float64 dataset of `n` values, chunked, to be filled by {@link writeRange}. */
  streamed1d(path: string, n: number, chunk: number, attrs: Record<string, AttrValue> = {}): void {
    const [g, name] = this.split(path);
    const ds = g.create_dataset({ name, data: new Float64Array(0), shape: [0], maxshape: [n], dtype: '<d', chunks: [Math.max(1, Math.min(n, chunk))] });
    if (n > 0) ds.resize([n]);
    for (const [k, v] of Object.entries(attrs)) setAttr(ds, k, v);
    this.datasets.set(path, ds);
  }

  /** Writes `values` at `offset` of a 1-D streamed dataset. */
  writeRange(path: string, offset: number, values: Float64Array): void {
    const ds = this.datasets.get(path);
    if (!ds) throw new Error(`hdf5: ${path} is not a streamed dataset`);
    ds.write_slice([[offset, offset + values.length]], values);
  }

  /** Whether an object exists at `path`. */
  has(path: string): boolean {
    try {
      return this.file.get(path) !== null;
    } catch {
      return false;
    }
  }

  /** Writes `values` into row `row`, columns `col … col + values.length − 1`, of a streamed dataset. */
  writeRow(path: string, row: number, col: number, values: Float64Array): void {
    const ds = this.datasets.get(path);
    if (!ds) throw new Error(`hdf5: ${path} is not a streamed dataset`);
    ds.write_slice([[row, row + 1], [col, col + values.length]], values);
  }

  /** Shrinks a streamed dataset to its first `rows` rows (an interrupted run). */
  truncateRows(path: string, rows: number): void {
    const ds = this.datasets.get(path);
    const shape = ds?.shape;
    if (ds && shape && shape[0]! > rows) ds.resize([rows, shape[1]!]);
  }

  /** Sets attributes on a group or dataset (created as a group if missing). */
  attrs(path: string, attrs: Record<string, AttrValue>): void {
    const found = path === '/' || path === '' ? this.file : this.file.get(path);
    const obj = found instanceof h5wasm.Group || found instanceof h5wasm.Dataset ? found : this.group(path);
    for (const [k, v] of Object.entries(attrs)) {
      if (k in obj.attrs) obj.delete_attribute(k);
      setAttr(obj, k, v);
    }
  }

  /** Closes the file and renames it into place. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.file.close();
    renameSync(this.tmp, this.path);
  }

  /** Closes and deletes the file. */
  abort(): void {
    if (!this.closed) {
      this.closed = true;
      try {
        this.file.close();
      } catch {
        // already unusable: removing it is all that is left
      }
    }
    rmSync(this.tmp, { force: true });
  }
}

/** Read access through h5wasm: group listings, attributes, and datasets as typed arrays. */
export class Hdf5Reader {
  private constructor(
    readonly path: string,
    private readonly file: H5File,
  ) {}

  static async open(path: string): Promise<Hdf5Reader> {
    await hdf5Ready();
    const abs = resolve(path);
    // h5wasm's own message for a missing file does not name it
    if (!existsSync(abs)) throw new Error(`hdf5: ${abs} not found`);
    return new Hdf5Reader(abs, new h5wasm.File(abs, 'r'));
  }

  private get(path: string): H5Group | H5Dataset | null {
    let obj: unknown;
    try {
      obj = path === '/' || path === '' ? this.file : this.file.get(path);
    } catch {
      return null; // h5wasm may throw rather than return null for a path through a missing group
    }
    return obj instanceof h5wasm.Group || obj instanceof h5wasm.Dataset ? obj : null;
  }

  /** Whether `path` is a group (false if missing or a dataset). */
  isGroup(path: string): boolean {
    return this.get(path) instanceof h5wasm.Group;
  }

  /** Whether `path` is a dataset. */
  isDataset(path: string): boolean {
    return this.get(path) instanceof h5wasm.Dataset;
  }

  /** Member names of a group ([] if `path` is not a group). */
  keys(path: string): string[] {
    const g = this.get(path);
    return g instanceof h5wasm.Group ? g.keys() : [];
  }

  /** An attribute's value (typed array, number, string, …), or undefined if absent. */
  attr(path: string, name: string): unknown {
    const obj = this.get(path);
    return obj && name in obj.attrs ? obj.get_attribute(name, false) : undefined;
  }

  private dataset(path: string): H5Dataset {
    const ds = this.get(path);
    if (!(ds instanceof h5wasm.Dataset)) throw new Error(`hdf5: ${this.path}: no dataset ${path}`);
    return ds;
  }

  /** A numeric dataset, flattened, as float64 (64-bit integers exactly up to 2^53). */
  numbers(path: string): Float64Array {
    const v = this.dataset(path).value;
    if (v instanceof Float64Array) return v;
    if (v instanceof BigUint64Array || v instanceof BigInt64Array) {
      // through 32-bit words: converting each BigInt costs ~10× more (little-endian host, as h5wasm's data)
      const lo = new Uint32Array(v.buffer, v.byteOffset, 2 * v.length);
      const hi = v instanceof BigInt64Array ? new Int32Array(v.buffer, v.byteOffset, 2 * v.length) : lo;
      const out = new Float64Array(v.length);
      for (let k = 0; k < out.length; k++) out[k] = lo[2 * k]! + hi[2 * k + 1]! * 2 ** 32;
      return out;
    }
    if (ArrayBuffer.isView(v)) return Float64Array.from(v as unknown as ArrayLike<number>);
    if (typeof v === 'number') return Float64Array.of(v);
    throw new Error(`hdf5: ${this.path}: ${path} is not numeric`);
  }

  close(): void {
    this.file.close();
  }
}
