/**
 * Atomic file output: every file is written to a temporary name in the same directory and renamed
 * into place, so a reader (or an interrupted run) never sees a half-written file.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let counter = 0;

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${counter++}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Output directory of a run; created on first write, so a run that fails validation leaves nothing. */
export class RunDirectory {
  readonly path: string;
  private created = false;
  constructor(path: string) {
    this.path = resolve(path);
  }
  write(name: string, data: string | Uint8Array): string {
    if (!this.created) {
      mkdirSync(this.path, { recursive: true });
      this.created = true;
    }
    const p = join(this.path, name);
    writeFileAtomic(p, data);
    return p;
  }
  /** Whether the directory holds files from this run. */
  get exists(): boolean {
    return this.created && existsSync(this.path) && readdirSync(this.path).length > 0;
  }
}

/** The package's root folder (holds package.json and reference/). */
export function packageRoot(): string {
  // dist/src/io/files.js or src/io/files.ts → three or two levels up
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('calcitag package root not found');
}

/** Folder with the C++ reference results (`reference/cpp-2n1s`), or $CALCITAG_REFERENCE_DIR. */
export function referenceDir(): string {
  return process.env.CALCITAG_REFERENCE_DIR ?? join(packageRoot(), 'reference', 'cpp-2n1s');
}

/** A default run folder name: runs/<UTC timestamp>-<label>. */
export function defaultRunDir(label: string, now = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return join('runs', `${ts}-${label}`);
}
