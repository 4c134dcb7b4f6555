/**
 * HDF5 output through h5wasm (the HDF5 C library compiled to WebAssembly; in Node it reads and
 * writes the host file system directly). A thin layer: nested groups created on demand, datasets
 * with a `units` attribute, and 2-D datasets filled row by row in chunks for streamed probes.
 *
 * The file is written under a temporary name and renamed into place by {@link Hdf5Writer.close},
 * so its final name only ever holds a complete, closed file.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import h5wasm from 'h5wasm/node';

type H5File = InstanceType<typeof h5wasm.File>;
type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

/** Attribute values: numbers are stored as float64, strings as UTF-8 variable-length strings. */
export type AttrValue = number | string | number[] | string[];

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
  dataset(path: string, data: Float64Array | Int32Array | BigUint64Array | BigInt64Array | Uint8Array | string[], attrs: Record<string, AttrValue> = {}, shape?: number[]): void {
    const [g, name] = this.split(path);
    const dtype = data instanceof BigUint64Array ? '<Q' : data instanceof BigInt64Array ? '<q' : undefined;
    const ds = g.create_dataset({ name, data, ...(shape ? { shape } : {}), ...(dtype ? { dtype } : {}) });
    for (const [k, v] of Object.entries(attrs)) ds.create_attribute(k, v);
  }

  /** A float64 scalar dataset. */
  scalar(path: string, value: number, attrs: Record<string, AttrValue> = {}): void {
    const [g, name] = this.split(path);
    const ds = g.create_dataset({ name, data: value, shape: [], dtype: '<d' });
    for (const [k, v] of Object.entries(attrs)) ds.create_attribute(k, v);
  }

  /** Creates a float64 dataset of shape (rows, cols), chunked along rows, to be filled by {@link writeRows}. */
  streamed(path: string, rows: number, cols: number, chunkCols: number, attrs: Record<string, AttrValue> = {}): void {
    const [g, name] = this.split(path);
    const chunks = [1, Math.max(1, Math.min(cols, chunkCols))];
    const ds = g.create_dataset({ name, data: new Float64Array(0), shape: [0, cols], maxshape: [rows, cols], dtype: '<d', chunks });
    if (rows > 0) ds.resize([rows, cols]);
    for (const [k, v] of Object.entries(attrs)) ds.create_attribute(k, v);
    this.datasets.set(path, ds);
  }

  /** Creates a 1-D float64 dataset of `n` values, chunked, to be filled by {@link writeRange}. */
  streamed1d(path: string, n: number, chunk: number, attrs: Record<string, AttrValue> = {}): void {
    const [g, name] = this.split(path);
    const ds = g.create_dataset({ name, data: new Float64Array(0), shape: [0], maxshape: [n], dtype: '<d', chunks: [Math.max(1, Math.min(n, chunk))] });
    if (n > 0) ds.resize([n]);
    for (const [k, v] of Object.entries(attrs)) ds.create_attribute(k, v);
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
      obj.create_attribute(k, v);
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
