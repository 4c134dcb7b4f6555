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
import { isIP, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { dashboardHandler } from './routes.js';
import type { ServeOptions } from './options.js';

export { findFolders, findRuns, findStudies, type RunListing } from './catalog.js';
export { csvToColumns, parseNumericCsv, type CsvColumns, type NumericColumns } from './csv.js';
export { defaultWebDir, type ServeOptions } from './options.js';
export { dashboardHandler } from './routes.js';

/** Whether `host` is a loopback interface only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.')) || h === '::ffff:127.0.0.1';
}

/** A listening dashboard server. */
export interface RunningServer {
  /** Address to open on this machine (a wildcard host is shown as 127.0.0.1). */
  readonly url: string;
  /** Addresses other machines reach it by: empty when it listens on loopback only. */
  readonly networkUrls: readonly string[];
  /**
   * Set when the server listens beyond loopback: who can now read the runs folder, and how to stop
   * that. startServer writes it to stderr too (unless `quiet`).
   */
  readonly warning?: string;
  readonly port: number;
  readonly server: Server;
  /** Closes open connections and stops listening. */
  close(): Promise<void>;
}

/** The URLs of the non-loopback addresses that `host` (a wildcard or one address) listens on. */
function networkUrlsOf(host: string, port: number): string[] {
  if (isLoopback(host)) return [];
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const addrs = wildcard
    ? Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => !a.internal && (host !== '0.0.0.0' || a.family === 'IPv4')).map((a) => a.address)
    : [host];
  return addrs.map((a) => `http://${a.includes(':') ? `[${a}]` : a}:${port}/`);
}

/** Starts the dashboard; resolves once it listens. `quiet`: do not write the exposure warning to stderr. */
export function startServer(opts: ServeOptions & { readonly quiet?: boolean }): Promise<RunningServer> {
  const server = createServer(dashboardHandler(opts));
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const shown = host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      const networkUrls = networkUrlsOf(host, port);
      const warning = isLoopback(host)
        ? undefined
        : `WARNING: --host ${host} exposes the dashboard beyond this machine: anyone who can reach ` +
          `${networkUrls.length ? networkUrls.join(', ') : `port ${port}`} can read every run under ${resolve(opts.root)} ` +
          `(no password, no encryption). Use the default --host 127.0.0.1 unless that is what you want; see SECURITY.md.`;
      if (warning && !opts.quiet) process.stderr.write(`calcitag: ${warning}\n`);
      resolvePromise({
        url: `http://${shown}:${port}/`,
        networkUrls,
        ...(warning ? { warning } : {}),
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
