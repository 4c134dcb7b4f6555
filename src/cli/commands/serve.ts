/** `calcitag serve`: the results dashboard on a local port (see docs/dashboard.md). */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { defaultWebDir, findRuns, startServer } from '../../web/server.js';
import { usageError } from '../errors.js';
import { parseInteger } from './run.js';

interface ServeFlags {
  port: number;
  host: string;
  allowHost: string[];
}

/** A host name a Host header may carry (DNS name, no port, no scheme); IP addresses are always allowed. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function collectHosts(value: string, previous: string[]): string[] {
  const names = value.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  for (const n of names) {
    if (!HOST_NAME.test(n)) usageError(`--allow-host '${n}' is invalid; allowed: a host name such as lab-server or lab.example.org (no port, no scheme; IP addresses need no --allow-host)`);
  }
  return [...previous, ...names];
}

async function serveCommand(dir: string | undefined, flags: ServeFlags): Promise<void> {
  const root = resolve(dir ?? 'runs');
  const isDir = existsSync(root) && statSync(root).isDirectory();
  if (!isDir && dir !== undefined) {
    usageError(`runs folder '${dir}' does not exist; allowed: a folder holding run folders (each with summary.json), e.g. the --out of calcitag run`);
  }
  if (!isDir) {
    // The default ./runs is not there yet: serve anyway (the in-browser simulation needs no runs).
    process.stderr.write(`calcitag: no runs folder at ${root} yet; runs written there appear after a reload\n`);
  }
  if (flags.port > 65535) usageError(`--port '${flags.port}' is invalid; allowed: an integer from 0 to 65535 (0: any free port)`);
  const webDir = defaultWebDir();
  if (!webDir) {
    process.stderr.write('calcitag: the dashboard front end is not built (dist/web); run `npm run build:web`. Serving the API only.\n');
  }
  let server;
  try {
    server = await startServer({ root, port: flags.port, host: flags.host, webDir, allowedHosts: flags.allowHost });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') usageError(`--port ${flags.port} is in use; allowed: a free port, or 0 for any free port`);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') usageError(`--host '${flags.host}' is not an address of this machine`);
    throw e;
  }
  const n = findRuns(root).length;
  process.stdout.write(`calcitag dashboard at ${server.url} (${n} run${n === 1 ? '' : 's'} under ${root}); Ctrl-C stops it\n`);
  // bound beyond loopback: the addresses other machines use (the warning above says who can read what)
  for (const u of server.networkUrls) process.stdout.write(`  on the network: ${u}\n`);
  if (flags.allowHost.length > 0) process.stdout.write(`  also answering to the names: ${flags.allowHost.join(', ')}\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the results dashboard: run list, traces with zoom, run comparison, in-browser simulation')
    .argument('[runs]', 'folder searched for run folders (those holding summary.json) and hw-study folders (default: runs)')
    .option('--port <n>', 'TCP port (0: any free port)', parseInteger('--port', 0), 5178)
    .option('--host <address>', 'interface to listen on; 0.0.0.0 exposes the dashboard to the network', '127.0.0.1')
    .option('--allow-host <names>', 'host names (comma-separated, repeatable) the dashboard answers to besides IP addresses, localhost and this machine\'s name, e.g. a DNS alias of a lab server; other names get 421 (DNS-rebinding guard)', collectHosts, [])
    .action(serveCommand);
}
