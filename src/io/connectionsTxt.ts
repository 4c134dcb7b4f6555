/**
 * The published C++ simulator's `connections.txt` (jlubo/memory-consolidation-stc): an N × N matrix
 * of 0/1, row = presynaptic neuron, column = postsynaptic neuron, in global neuron indices.
 *
 * Exact layout of the simulator's own file (reference/cpp-network-10s/connections.txt): every value
 * is followed by one space, including the last of a row, and each row ends in "\n" (no "\r", a final
 * newline after the last row): N · (2N + 1) bytes. {@link formatConnectionsTxt} writes exactly that.
 * The reader is lenient about whitespace (runs of spaces or tabs, "\r\n", no final newline, blank
 * lines at the end) but strict about values and shape.
 */
import { readFileSync } from 'node:fs';
import { PairBuffer, type EdgeList } from '../model/network/edges.js';
import { writeFileAtomic } from './files.js';

/** Edges read from a connections.txt, with the matrix size and the number of self-connections. */
export interface ConnectionsTxt extends EdgeList {
  readonly nNeurons: number;
  /** Diagonal entries set to 1 (i → i); kept as edges, counted because most models exclude them. */
  readonly autapses: number;
}

const ZERO = 48;
const ONE = 49;
const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;

function describe(code: number): string {
  if (Number.isNaN(code)) return 'end of text';
  if (code === CR) return '"\\r"';
  return code >= 33 && code < 127 ? `"${String.fromCharCode(code)}"` : `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Parses a connections.txt. Scans character codes once (the 2000-neuron file is 8 MB); edges come out
 * sorted by (source, target) because the matrix is read row by row. Errors name line and column
 * (1-based characters) and what was expected.
 */
export function readConnectionsTxt(text: string, expectedNeurons?: number): ConnectionsTxt {
  const out = new PairBuffer();
  let width = -1; // values per row, fixed by the first row
  let row = 0; // matrix rows completed
  let col = 0; // values read in the current row
  let line = 1;
  let lineStart = 0;
  let blankLine = 0; // first blank line (1-based), 0 if none: blank lines are only allowed at the end
  let autapses = 0;
  const len = text.length;
  const where = (i: number) => `connections.txt line ${line}, column ${i - lineStart + 1}`;

  const endRow = (i: number) => {
    if (width < 0) {
      width = col;
      if (expectedNeurons !== undefined && width !== expectedNeurons) {
        throw new Error(`connections.txt line 1: ${width} values, expected ${expectedNeurons} (one per neuron)`);
      }
    } else if (col !== width) {
      throw new Error(`${where(i)}: row ${row} has ${col} values, expected ${width} like line 1 (the matrix must be N × N)`);
    }
    row++;
    col = 0;
  };

  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === ZERO || c === ONE) {
      if (blankLine) throw new Error(`connections.txt line ${blankLine}: blank line inside the matrix`);
      const next = i + 1 < len ? text.charCodeAt(i + 1) : SPACE;
      if (next !== SPACE && next !== TAB && next !== LF && next !== CR) {
        throw new Error(`${where(i + 1)}: expected a space or the end of the line after "${String.fromCharCode(c)}", found ${describe(next)} (values must be 0 or 1)`);
      }
      if (width >= 0 && col >= width) {
        throw new Error(`${where(i)}: row ${row} has more than ${width} values, expected ${width} like line 1 (the matrix must be N × N)`);
      }
      if (c === ONE) {
        out.push(row, col);
        if (row === col) autapses++;
      }
      col++;
    } else if (c === LF) {
      if (col === 0) blankLine ||= line;
      else endRow(i);
      line++;
      lineStart = i + 1;
    } else if (c === CR) {
      if (i + 1 < len && text.charCodeAt(i + 1) !== LF) throw new Error(`${where(i)}: "\\r" not followed by "\\n"`);
    } else if (c !== SPACE && c !== TAB) {
      throw new Error(`${where(i)}: expected 0 or 1, found ${describe(c)}`);
    }
  }
  if (col > 0) endRow(len); // no final newline
  if (row === 0) throw new Error('connections.txt: no matrix (the text is empty or blank)');
  if (row !== width) throw new Error(`connections.txt: ${row} rows of ${width} values: the matrix must be square (N × N)`);

  return { ...out.finish(), nNeurons: width, autapses };
}

/** Reads a connections.txt file; errors name the file. */
export function loadConnectionsTxt(path: string, expectedNeurons?: number): ConnectionsTxt {
  const text = readFileSync(path, 'latin1'); // ASCII; latin1 skips UTF-8 decoding of 8 MB
  try {
    return readConnectionsTxt(text, expectedNeurons);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The file's bytes: a "0 " per entry, "1 " per edge, "\n" per row. */
export function connectionsTxtBytes(edges: EdgeList, nNeurons: number): Uint8Array {
  if (!Number.isInteger(nNeurons) || nNeurons < 0) throw new Error(`connections.txt: neuron count ${nNeurons} is not a non-negative integer`);
  if (edges.source.length !== edges.target.length) throw new Error(`connections.txt: ${edges.source.length} sources but ${edges.target.length} targets`);
  const stride = 2 * nNeurons + 1;
  const buf = new Uint8Array(nNeurons * stride);
  for (let r = 0; r < nNeurons; r++) {
    const base = r * stride;
    for (let j = 0; j < nNeurons; j++) {
      buf[base + 2 * j] = ZERO;
      buf[base + 2 * j + 1] = SPACE;
    }
    buf[base + stride - 1] = LF;
  }
  for (let k = 0; k < edges.source.length; k++) {
    const s = edges.source[k]!;
    const t = edges.target[k]!;
    if (s < 0 || s >= nNeurons || t < 0 || t >= nNeurons) {
      throw new Error(`connections.txt: edge ${k} (${s} → ${t}) lies outside neurons 0…${nNeurons - 1}`);
    }
    const at = s * stride + 2 * t;
    // a 0/1 matrix holds at most one edge per pair: a duplicate would be lost silently
    if (buf[at] === ONE) throw new Error(`connections.txt: edge ${s} → ${t} appears twice (edge ${k}); the matrix holds one per pair`);
    buf[at] = ONE;
  }
  return buf;
}

/** The text of a connections.txt, byte-identical to the C++ simulator's for the same edges. */
export function formatConnectionsTxt(edges: EdgeList, nNeurons: number): string {
  return Buffer.from(connectionsTxtBytes(edges, nNeurons).buffer).toString('latin1');
}

/** Writes a connections.txt atomically (temporary name, then rename). */
export function writeConnectionsTxt(path: string, edges: EdgeList, nNeurons: number): void {
  writeFileAtomic(path, connectionsTxtBytes(edges, nNeurons));
}
