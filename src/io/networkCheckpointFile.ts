/**
 * A network checkpoint (engines/reference/networkCheckpoint.ts) as one file, written atomically:
 *   8 bytes 'CTCKPT01', u32 little-endian length of a JSON header, the header, zero padding to a multiple
 *   of 8, then every state array's raw little-endian bytes at the offset the header gives.
 * Raw bytes keep every float64 bit for bit (JSON would not: −0, NaN payloads). Checkpoint folders hold
 * `t<seconds>.ckpt` files; the latest is the one a resume picks.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkCheckpoint, StateArray } from '../engines/reference/networkCheckpoint.js';
import { writeChunksAtomic } from './files.js';

const MAGIC = 'CTCKPT01';
const TYPES = { f64: Float64Array, i32: Int32Array, u8: Uint8Array } as const;
type TypeName = keyof typeof TYPES;
const typeOf = (a: StateArray): TypeName => (a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : 'u8');

if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('checkpoint files assume a little-endian machine');

type Layout = Array<{ key: string; type: TypeName; offset: number; length: number }>;
const pad8 = (n: number) => Math.ceil(n / 8) * 8;

/**
 * The file's pieces in order — magic, header length, header and padding, then each array's own bytes
 * (views, not copies) and its padding — so that a large checkpoint (≈ 1 GB at 20 000 neurons) is written
 * without ever being one buffer in memory.
 */
function* checkpointPieces(cp: NetworkCheckpoint): Generator<Uint8Array> {
  const layout: Layout = [];
  let offset = 0;
  for (const [key, a] of Object.entries(cp.arrays)) {
    layout.push({ key, type: typeOf(a), offset, length: a.length });
    offset += pad8(a.byteLength);
  }
  const { arrays: _arrays, ...rest } = cp;
  const header = new TextEncoder().encode(JSON.stringify({ ...rest, layout }));
  const head = new Uint8Array(pad8(12 + header.length));
  head.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(head.buffer).setUint32(8, header.length, true);
  head.set(header, 12);
  yield head;
  const zeros = new Uint8Array(8);
  for (const l of layout) {
    const a = cp.arrays[l.key]!;
    yield new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    if (a.byteLength % 8 !== 0) yield zeros.subarray(0, 8 - (a.byteLength % 8));
  }
}

/** The whole file as one buffer (tests, and callers that keep a checkpoint in memory). */
export function encodeCheckpoint(cp: NetworkCheckpoint): Uint8Array {
  const pieces = [...checkpointPieces(cp)];
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The header of a checkpoint whose first bytes are `head` (at least 12): its JSON length, or an error. */
function headerLength(head: Uint8Array, size: number, source: string): number {
  if (head.length < 12 || new TextDecoder().decode(head.subarray(0, 8)) !== MAGIC) throw new Error(`${source}: not a calcitag network checkpoint`);
  const n = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(8, true);
  if (12 + n > size) throw new Error(`${source}: the file is truncated`);
  return n;
}

type Header = Omit<NetworkCheckpoint, 'arrays'> & { layout: Layout };

/**
 * The arrays of a checkpoint whose header is `header` and whose data start at byte `start`, each read by
 * `read(into, at)` into an aligned buffer of its own (so a 1 GB file costs 1 GB, not twice that).
 */
function readArrays(header: Header, start: number, size: number, source: string, read: (into: Uint8Array, at: number) => void): NetworkCheckpoint {
  const arrays: Record<string, StateArray> = {};
  for (const l of header.layout) {
    const T = TYPES[l.type];
    const from = start + l.offset, bytesLen = T ? l.length * T.BYTES_PER_ELEMENT : 0;
    if (!T || from + bytesLen > size) throw new Error(`${source}: the file is truncated or damaged (array ${l.key})`);
    const own = new Uint8Array(bytesLen);
    read(own, from);
    arrays[l.key] = new T(own.buffer);
  }
  const { layout: _layout, ...rest } = header;
  return { ...rest, arrays };
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): NetworkCheckpoint {
  const n = headerLength(bytes.subarray(0, 12), bytes.length, source);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + n))) as Header;
  return readArrays(header, pad8(12 + n), bytes.length, source, (into, at) => into.set(bytes.subarray(at, at + into.length)));
}

/** File name of a checkpoint at simulated time t (sortable: zero-padded milliseconds). */
export const checkpointName = (t_s: number): string => `t${String(Math.round(t_s * 1000)).padStart(12, '0')}ms.ckpt`;

/** The simulated time of a checkpoint named by {@link checkpointName}, s. */
export const checkpointTime = (name: string): number => Number(/^t(\d{12})ms/.exec(name)?.[1] ?? NaN) / 1000;

export function writeCheckpoint(dir: string, cp: NetworkCheckpoint): string {
  const p = join(dir, checkpointName(cp.t_s));
  writeChunksAtomic(p, checkpointPieces(cp));
  return p;
}

/**
 * A `save` for NetworkCheckpointOptions: writes each checkpoint into `dir` (atomically), then keeps the
 * `keep` latest (0: all) — pruned only once the new one is complete.
 */
export function checkpointSaver(dir: string, keep: number): (cp: NetworkCheckpoint) => void {
  return (cp) => {
    writeCheckpoint(dir, cp);
    if (keep > 0) pruneCheckpoints(dir, keep);
  };
}

/** The checkpoint files in `dir`, oldest first (none when it does not exist). */
export function checkpointFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^t\d{12}ms\.ckpt$/.test(f)).sort();
}

/** The latest checkpoint file in `dir`, or undefined when there is none. */
export function latestCheckpoint(dir: string): string | undefined {
  const names = checkpointFiles(dir);
  return names.length > 0 ? join(dir, names[names.length - 1]!) : undefined;
}

/**
 * Removes all but the `keep` latest checkpoint files of `dir` (keep ≥ 1): each holds the whole run so far
 * (its spike log grows with it), so a long run that saves often would otherwise fill the disk.
 */
export function pruneCheckpoints(dir: string, keep: number): void {
  const names = checkpointFiles(dir);
  for (const f of names.slice(0, Math.max(0, names.length - keep))) rmSync(join(dir, f), { force: true });
}

/** Reads a checkpoint file: the header, then each array straight into its own buffer. */
export function readCheckpoint(path: string): NetworkCheckpoint {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const readAt = (into: Uint8Array, at: number) => {
      for (let done = 0; done < into.length;) {
        const got = readSync(fd, into, done, into.length - done, at + done);
        if (got === 0) throw new Error(`${path}: the file is truncated`);
        done += got;
      }
    };
    const head = new Uint8Array(Math.min(12, size));
    readAt(head, 0);
    const n = headerLength(head, size, path);
    const text = new Uint8Array(n);
    readAt(text, 12);
    return readArrays(JSON.parse(new TextDecoder().decode(text)) as Header, pad8(12 + n), size, path, readAt);
  } finally {
    closeSync(fd);
  }
}
