/**
 * The results dashboard's server (`calcitag serve`): the Vite-built front end from dist/web and a
 * small read-only JSON API over a folder of run directories. node:http only; nothing is written.
 *
 * This module starts the server and is the entry point other code imports; the work is split by job:
 * - routes.ts   — the request handler: API routes (the API table is there) and static files
 * - catalog.ts  — finding run and hardware-study folders, and the listings the API returns
 * - csv.ts      — run CSV files as JSON columns or float64 columns
 * - probes.ts   — probe recordings (npy/) read by window
 * - network.ts, networkData.ts — network runs: summary, neuron groups, spikes, rates, weights
 * - paths.ts    — path safety: every path built from a request is checked there
 * - respond.ts  — HttpError and the JSON / float64 / file response writers
 * - options.ts  — ServeOptions and their defaults
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dashboardHandler } from './routes.js';
import type { ServeOptions } from './options.js';

export { findFolders, findRuns, findStudies, type RunListing } from './catalog.js';
export { csvToColumns, parseNumericCsv, type CsvColumns, type NumericColumns } from './csv.js';
export { defaultWebDir, type ServeOptions } from './options.js';
export { dashboardHandler } from './routes.js';

/** A listening dashboard server. */
export interface RunningServer {
  /** Address to open in a browser (a wildcard host is shown as 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Closes open connections and stops listening. */
  close(): Promise<void>;
}

/** Starts the dashboard; resolves once it listens. */
export function startServer(opts: ServeOptions): Promise<RunningServer> {
  const server = createServer(dashboardHandler(opts));
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      resolvePromise({
        url: `http://${shown}:${port}/`,
        port,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections?.();
            server.close(() => r());
          }),
      });
    });
  });
}
