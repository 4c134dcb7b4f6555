import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionsTxtBytes, formatConnectionsTxt, loadConnectionsTxt, readConnectionsTxt, writeConnectionsTxt } from './connectionsTxt.js';
import { packageRoot } from './files.js';

const REFERENCE = join(packageRoot(), 'reference', 'cpp-network-10s', 'connections.txt');

const edges = (pairs: [number, number][]) => ({ source: Int32Array.from(pairs, (p) => p[0]), target: Int32Array.from(pairs, (p) => p[1]) });

describe('connections.txt', () => {
  it('formats like the C++ simulator: "0 "/"1 " per entry, "\\n" per row', () => {
    expect(formatConnectionsTxt(edges([[0, 1], [2, 2]]), 3)).toBe('0 1 0 \n0 0 0 \n0 0 1 \n');
    expect(formatConnectionsTxt(edges([]), 0)).toBe('');
  });

  it('round-trips edges, sorted by (source, target), and counts autapses', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 37;
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (rand() < 0.2) pairs.push([i, j]);
    const shuffled = [...pairs].sort(() => rand() - 0.5);
    const back = readConnectionsTxt(formatConnectionsTxt(edges(shuffled), n), n);
    expect(back.nNeurons).toBe(n);
    expect(Array.from(back.source)).toEqual(pairs.map((p) => p[0]));
    expect(Array.from(back.target)).toEqual(pairs.map((p) => p[1]));
    expect(back.autapses).toBe(pairs.filter(([i, j]) => i === j).length);
  });

  it('reads the C++ run’s 2000-neuron file (399 092 edges) and writes it back byte for byte', () => {
    const bytes = readFileSync(REFERENCE);
    const t0 = performance.now();
    const net = loadConnectionsTxt(REFERENCE, 2000);
    const ms = performance.now() - t0;
    expect(net.nNeurons).toBe(2000);
    expect(net.source.length).toBe(399_092);
    expect(net.autapses).toBe(0);
    for (let k = 1; k < net.source.length; k++) {
      const order = net.source[k - 1]! - net.source[k]! || net.target[k - 1]! - net.target[k]!;
      if (order >= 0) throw new Error(`edges ${k - 1}, ${k} out of order`);
    }
    expect(ms).toBeLessThan(5000); // one pass over char codes: ~tens of ms; generous for a loaded machine

    expect(Buffer.from(connectionsTxtBytes(net, 2000)).equals(bytes)).toBe(true);
    expect(formatConnectionsTxt(net, 2000)).toBe(bytes.toString('latin1'));
    const dir = mkdtempSync(join(tmpdir(), 'calcitag-conn-'));
    writeConnectionsTxt(join(dir, 'connections.txt'), net, 2000);
    expect(readFileSync(join(dir, 'connections.txt')).equals(bytes)).toBe(true);
    expect(readdirSync(dir)).toEqual(['connections.txt']); // no temporary file left behind
  });

  it('accepts other whitespace: tabs, runs of spaces, CRLF, no final newline, trailing blank lines', () => {
    for (const text of ['0\t1\n1  0', '0 1\r\n1 0\r\n', ' 0 1 \n1 0 \n\n  \n']) {
      const r = readConnectionsTxt(text);
      expect([Array.from(r.source), Array.from(r.target), r.nNeurons]).toEqual([[0, 1], [1, 0], 2]);
    }
  });

  it('names line, column and what was expected', () => {
    const err = (text: string, n?: number) => () => readConnectionsTxt(text, n);
    expect(err('0 1 \n0 2 \n')).toThrow('line 2, column 3: expected 0 or 1, found "2"');
    expect(err('0 1 \n0 01\n')).toThrow('line 2, column 4: expected a space or the end of the line after "0", found "1"');
    expect(err('0 1 \n0 0.5\n')).toThrow('line 2, column 4: expected a space or the end of the line after "0", found "."');
    expect(err('0 1 \n0 \n')).toThrow('line 2, column 3: row 1 has 1 values, expected 2 like line 1');
    expect(err('0 1 \n0 0 1\n')).toThrow('line 2, column 5: row 1 has more than 2 values');
    expect(err('0 1 \n0 0 \n1 1 \n')).toThrow('3 rows of 2 values: the matrix must be square');
    expect(err('0 1 0 \n0 0 1 \n')).toThrow('2 rows of 3 values: the matrix must be square');
    expect(err('0 1 \n1 0 \n', 3)).toThrow('line 1: 2 values, expected 3');
    expect(err('0 1 \n\n1 0 \n')).toThrow('line 2: blank line inside the matrix');
    expect(err('0 1\r0 0\n')).toThrow('line 1, column 4: "\\r" not followed by "\\n"');
    expect(err('')).toThrow('no matrix');
    expect(err(' \n\n')).toThrow('no matrix');
  });

  it('refuses to write what the matrix cannot hold', () => {
    expect(() => formatConnectionsTxt(edges([[0, 1], [0, 1]]), 2)).toThrow('edge 0 → 1 appears twice');
    expect(() => formatConnectionsTxt(edges([[0, 2]]), 2)).toThrow('edge 0 (0 → 2) lies outside neurons 0…1');
    expect(() => formatConnectionsTxt({ source: Int32Array.of(0), target: new Int32Array(0) }, 2)).toThrow('1 sources but 0 targets');
  });
});
