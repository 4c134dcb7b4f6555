/**
 * A network checkpoint (engines/reference/networkCheckpoint.ts) as one file, written atomically:
 *   8 bytes 'CTCKPT01', u32 little-endian length of a JSON header, the header, zero padding to a multiple
 *   of 8, then every state array's raw little-endian bytes at the offset the header gives.
 * Raw bytes keep every float64 bit for bit (JSON would not: −0, NaN payloads). Checkpoint folders hold
 * `t<seconds>.ckpt` files; the latest is the one a resume picks.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkCheckpoint, StateArray } from '../engines/reference/networkCheckpoint.js';
import { writeFileAtomic } from './files.js';

const MAGIC = 'CTCKPT01';
const TYPES = { f64: Float64Array, i32: Int32Array, u8: Uint8Array } as const;
type TypeName = keyof typeof TYPES;
const typeOf = (a: StateArray): TypeName => (a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : 'u8');

if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('checkpoint files assume a little-endian machine');

export function encodeCheckpoint(cp: NetworkCheckpoint): Uint8Array {
  const layout: Array<{ key: string; type: TypeName; offset: number; length: number }> = [];
  let offset = 0;
  for (const [key, a] of Object.entries(cp.arrays)) {
    layout.push({ key, type: typeOf(a), offset, length: a.length });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const { arrays: _arrays, ...rest } = cp;
  const header = new TextEncoder().encode(JSON.stringify({ ...rest, layout }));
  const start = Math.ceil((12 + header.length) / 8) * 8;
  const out = new Uint8Array(start + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  for (const l of layout) {
    const a = cp.arrays[l.key]!;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), start + l.offset);
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): NetworkCheckpoint {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new Error(`${source}: not a calcitag network checkpoint`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + n > bytes.length) throw new Error(`${source}: the file is truncated`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + n))) as Omit<NetworkCheckpoint, 'arrays'> & { layout: Array<{ key: string; type: TypeName; offset: number; length: number }> };
  const start = Math.ceil((12 + n) / 8) * 8;
  const arrays: Record<string, StateArray> = {};
  for (const l of header.layout) {
    const T = TYPES[l.type];
    const from = start + l.offset, bytesLen = l.length * T.BYTES_PER_ELEMENT;
    if (!T || from + bytesLen > bytes.length) throw new Error(`${source}: the file is truncated or damaged (array ${l.key})`);
    // copied into an aligned buffer of its own (a Node Buffer's slice would share the whole pool's memory)
    const own = new Uint8Array(bytesLen);
    own.set(bytes.subarray(from, from + bytesLen));
    arrays[l.key] = new T(own.buffer);
  }
  const { layout: _layout, ...rest } = header;
  return { ...rest, arrays };
}

/** File name of a checkpoint at simulated time t (sortable: zero-padded milliseconds). */
export const checkpointName = (t_s: number): string => `t${String(Math.round(t_s * 1000)).padStart(12, '0')}ms.ckpt`;

export function writeCheckpoint(dir: string, cp: NetworkCheckpoint): string {
  const p = join(dir, checkpointName(cp.t_s));
  writeFileAtomic(p, encodeCheckpoint(cp));
  return p;
}

/** The checkpoint files in `dir`, oldest first (none when it does not exist). */
function checkpointFiles(dir: string): string[] {
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

export function readCheckpoint(path: string): NetworkCheckpoint {
  return decodeCheckpoint(readFileSync(path), path);
}
