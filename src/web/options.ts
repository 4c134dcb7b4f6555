/**
 * The dashboard server's options and where their defaults come from (the package's built front end
 * in dist/web, docs/figures of the package and of the working directory). Its own module so the
 * request handler (routes.ts) and the start-up (server.ts) share them without importing each other.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../io/files.js';

/** What `calcitag serve` serves and where. */
export interface ServeOptions {
  /** Folder searched (recursively, a few levels) for run folders: any folder holding summary.json. */
  readonly root: string;
  /** TCP port; 0 picks a free one. */
  readonly port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /**
   * Host names (besides IP addresses, localhost, `host` and this machine's name) that requests may
   * carry in their Host header; others get 421 (a guard against DNS rebinding).
   */
  readonly allowedHosts?: readonly string[];
  /** Built front end (index.html and assets); default dist/web of the package; null: API only. */
  readonly webDir?: string | null;
  /** Folders searched for hardware-study figures; default docs/figures of the package and of the working directory. */
  readonly figureDirs?: readonly string[];
}

/** The package's built front end, or undefined when `npm run build:web` has not run. */
export function defaultWebDir(): string | undefined {
  try {
    const dir = join(packageRoot(), 'dist', 'web');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** docs/figures of the working directory and of the package (once if they are the same). */
export function defaultFigureDirs(): string[] {
  const dirs = [resolve('docs', 'figures')];
  try {
    dirs.push(join(packageRoot(), 'docs', 'figures'));
  } catch {
    /* no package root: the working directory's docs/figures only */
  }
  return [...new Set(dirs)];
}
