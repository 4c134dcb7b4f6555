/**
 * How the dashboard's server answers: the HttpError that routes throw, the MIME table, and the three
 * response writers (JSON, raw float64 columns, a file as stored). Kept apart from the routing so every
 * answer gets the same headers (cache-control, nosniff, content-length) and HEAD handling.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname } from 'node:path';
import type { NumericColumns } from './csv.js';

/** An error answered with its HTTP status and `{ error: message }` (anything else is a 500). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Content types by lower-case file extension; others are sent as application/octet-stream. */
export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.h5': 'application/x-hdf5',
  '.npy': 'application/octet-stream',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
};

/** Sends `body` as JSON (not cached); HEAD gets the headers only. */
export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': MIME['.json']!, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/**
 * Columns as raw little-endian float64, column after column (`?format=f64`): the column names are in
 * the `x-columns` header (comma-separated), the row count in `x-rows`; missing cells are NaN.
 */
export function sendColumnsF64(res: ServerResponse, n: NumericColumns, extra: Record<string, string> = {}): void {
  const body = Buffer.alloc(n.rows * n.columns.length * 8);
  n.data.forEach((col, c) => {
    const view = new DataView(body.buffer, body.byteOffset + c * n.rows * 8, n.rows * 8);
    for (let i = 0; i < n.rows; i++) view.setFloat64(i * 8, col[i]!, true);
  });
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-store',
    'x-columns': n.columns.map((c) => encodeURIComponent(c)).join(','),
    'x-rows': String(n.rows),
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Sends a file as stored, typed by its extension; `immutable` for hashed build assets. */
export function sendFile(res: ServerResponse, path: string, immutable = false): void {
  const data = readFileSync(path);
  res.writeHead(200, {
    'content-type': MIME[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': data.length,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : data);
}
