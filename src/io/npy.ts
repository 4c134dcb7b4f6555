/**
 * NumPy `.npy` files (format version 1.0), written by hand: a 10-byte preamble, a Python-literal
 * header padded with spaces to a multiple of 64 bytes, then the raw little-endian C-order data.
 * `numpy.load(path)` reads them directly.
 *
 * {@link NpyStreamWriter} appends rows as they are produced (probe samples of a long run) and
 * renames the file into place only when it is complete.
 */
import { ftruncateSync, writeSync } from 'node:fs';
import { TempFile, writeFileAtomic } from './files.js';

export type NpyData = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | BigInt64Array | BigUint64Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The numpy dtype string of a typed array. */
export function npyDescr(data: NpyData): string {
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint32Array) return '<u4';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Uint16Array) return '<u2';
  if (data instanceof Int8Array) return '|i1';
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof BigInt64Array) return '<i8';
  return '<u8';
}

/**
 * The preamble and header for `descr` and `shape`, padded to `minLength` bytes at least (a streamed
 * file reserves room so its shape can be rewritten in place).
 */
export function npyHeader(descr: string, shape: readonly number[], minLength = 64): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let total = 10 + dict.length + 1;
  total = Math.max(minLength, Math.ceil(total / 64) * 64);
  const headerLen = total - 10;
  if (headerLen > 0xffff) throw new Error('npy header too long');
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerLen & 0xff;
  out[9] = headerLen >> 8;
  const text = dict.padEnd(headerLen - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

function bytesOf(data: NpyData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A complete .npy file in memory. */
export function encodeNpy(data: NpyData, shape: readonly number[] = [data.length]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`npy: shape (${shape.join(', ')}) does not hold ${data.length} values`);
  const header = npyHeader(npyDescr(data), shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(bytesOf(data), header.length);
  return out;
}

/** Writes one array as a .npy file, atomically. */
export function writeNpy(path: string, data: NpyData, shape?: readonly number[]): void {
  writeFileAtomic(path, encodeNpy(data, shape));
}

/** Reads a .npy file written by {@link encodeNpy} (little-endian, C order; float64, int32 or uint8 data). */
export function decodeNpy(buf: Uint8Array): { descr: string; shape: number[]; data: Float64Array | Int32Array | Uint8Array } {
  if (!MAGIC.every((b, i) => buf[i] === b)) throw new Error('not a .npy file');
  const headerLen = buf[8]! | (buf[9]! << 8);
  const text = new TextDecoder().decode(buf.subarray(10, 10 + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1] ?? '';
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(text)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = new Uint8Array(buf.subarray(10 + headerLen)); // a copy: a Buffer may be a view into a shared pool
  const data = descr === '<f8' ? new Float64Array(body.buffer) : descr === '<i4' ? new Int32Array(body.buffer) : new Uint8Array(body.buffer);
  return { descr, shape, data };
}

/**
 * A float64 .npy file of shape (rows, cols) filled row by row in chunks. It lives under a temporary
 * name until {@link finish}, which renames it into place — with the rows actually written, if fewer
 * (an interrupted run) — so the final name only ever holds a complete file.
 */
export class NpyStreamWriter {
  private readonly file: TempFile;
  private written = 0;
  private static readonly HEADER = 128;

  /** `oneD`: a 1-D array of `cols` values (`rows` must be 1). */
  constructor(readonly path: string, readonly rows: number, readonly cols: number, private readonly oneD = false) {
    this.file = new TempFile(path);
    writeSync(this.file.fd, npyHeader('<f8', this.shape(rows), NpyStreamWriter.HEADER));
  }

  private shape(rows: number): number[] {
    return this.oneD ? [rows * this.cols] : [rows, this.cols];
  }

  /** Values written so far. */
  get length(): number {
    return this.written;
  }

  /** Appends values in C order (row after row). */
  append(values: Float64Array): void {
    if (!this.file.open) throw new Error(`npy stream ${this.path} is closed`);
    writeSync(this.file.fd, bytesOf(values));
    this.written += values.length;
  }

  /** Completes the file; a partial last row is dropped and the shape reflects the complete rows. */
  finish(): void {
    if (!this.file.open) return;
    const rowsDone = this.cols > 0 ? Math.floor(this.written / this.cols) : this.rows;
    if (rowsDone !== this.rows) {
      writeSync(this.file.fd, npyHeader('<f8', this.shape(rowsDone), NpyStreamWriter.HEADER), 0, NpyStreamWriter.HEADER, 0);
      ftruncateSync(this.file.fd, NpyStreamWriter.HEADER + rowsDone * this.cols * 8);
    }
    this.file.commit();
  }

  /** Discards the file. */
  abort(): void {
    this.file.discard();
  }
}
