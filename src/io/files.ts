/**
 * Atomic file output: every file is written to a temporary name in the same directory and renamed
 * into place, so a reader (or an interrupted run) never sees a half-written file.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
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

/**
 * A file written in pieces under a temporary name in its final directory: {@link commit} renames it into
 * place, {@link discard} removes it. The name keeps the `.tmp-<pid>-` marker by which an interrupted run's
 * leftovers are found (cli/experimentRunner.ts).
 */
export class TempFile {
  private readonly tmp: string;
  private handle: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = `${path}.tmp-${process.pid}-${counter++}`;
    this.handle = openSync(this.tmp, 'w');
  }

  /** The open file descriptor (an error once committed or discarded). */
  get fd(): number {
    if (this.handle === undefined) throw new Error(`${this.path} is closed`);
    return this.handle;
  }

  get open(): boolean {
    return this.handle !== undefined;
  }

  /** Closes the file and renames it to its final name. */
  commit(): void {
    closeSync(this.fd);
    this.handle = undefined;
    renameSync(this.tmp, this.path);
  }

  /** Closes and removes the temporary file. */
  discard(): void {
    if (this.handle !== undefined) closeSync(this.handle);
    this.handle = undefined;
    rmSync(this.tmp, { force: true });
  }
}

/**
 * Writes `chunks` (text, or bytes) one after another to a temporary file and renames it into place: a
 * large file (a million-row table, a network checkpoint) is never one string or buffer in memory, and
 * never seen half-written.
 */
export function writeChunksAtomic(path: string, chunks: Iterable<string | Uint8Array>): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${counter++}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    for (const c of chunks) {
      if (typeof c === 'string') writeSync(fd, c);
      else for (let done = 0; done < c.length;) done += writeSync(fd, c, done, c.length - done); // a large buffer may go out in parts
    }
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
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
    const p = this.place(name);
    writeFileAtomic(p, data);
    return p;
  }
  /** Writes a file from chunks (see {@link writeChunksAtomic}). */
  writeChunks(name: string, chunks: Iterable<string>): string {
    const p = this.place(name);
    writeChunksAtomic(p, chunks);
    return p;
  }
  private place(name: string): string {
    // a run writes inside its own folder only: a name that leaves it (../x, /etc/x) is a bug, never a file
    const p = resolve(this.path, name);
    if (!p.startsWith(this.path + sep)) throw new Error(`refusing to write '${name}' outside the run folder ${this.path}`);
    if (!this.created) {
      mkdirSync(this.path, { recursive: true });
      this.created = true;
    }
    return p;
  }
  /** Whether the directory holds files from this run. */
  get exists(): boolean {
    return this.created && existsSync(this.path) && readdirSync(this.path).length > 0;
  }
}

/** Raised when an output folder cannot be used; the message is one line naming the folder and why. */
export class OutputDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputDirError';
  }
}

/** Kernel pseudo file systems: never an output folder (a recursive mkdir there can spin forever). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

export interface OutputDirOptions {
  /** Write into a folder that already holds files (files of the same name are replaced). */
  readonly force?: boolean;
  /** The folder may hold files (a resumable run, e.g. `network --seeds`): only its location is checked. */
  readonly allowExisting?: boolean;
  /** The flag that named the folder, for messages (default --out). */
  readonly flag?: string;
}

/**
 * Checks an output folder before any work is done: refuses an empty name, a path under /proc, /sys or
 * /dev, a path that is (or runs through) a file, a folder that cannot be written, and — unless
 * `force` or `allowExisting` — a folder that already holds files. Creates nothing; returns the absolute
 * path. Throws an {@link OutputDirError} with a one-line message.
 */
export function checkOutputDir(path: string, options: OutputDirOptions = {}): string {
  const flag = options.flag ?? '--out';
  if (path.trim() === '') throw new OutputDirError(`${flag} '' is invalid; allowed: a folder path`);
  const abs = resolve(path);
  if (PSEUDO_ROOTS.some((r) => abs === r || abs.startsWith(r + sep))) {
    throw new OutputDirError(`${flag} '${path}' is invalid: ${abs.split(sep).slice(0, 2).join(sep)} is a kernel file system, not a place for files`);
  }
  // the deepest part of the path that exists must be a writable folder
  let existing = abs;
  while (!existsSync(existing)) {
    const up = dirname(existing);
    if (up === existing) break;
    existing = up;
  }
  let st;
  try {
    st = statSync(existing);
  } catch (e) {
    throw new OutputDirError(`${flag} '${path}': cannot read ${existing} (${describeErrno(e)})`);
  }
  if (!st.isDirectory()) {
    throw new OutputDirError(existing === abs
      ? `${flag} '${path}' is a file, not a folder; choose a new folder name`
      : `${flag} '${path}': ${existing} is a file, not a folder`);
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    throw new OutputDirError(`${flag} '${path}': ${existing === abs ? 'the folder' : existing} is not writable (permission denied)`);
  }
  if (existing === abs && !options.force && !options.allowExisting) {
    let entries: string[];
    try {
      entries = readdirSync(abs);
    } catch (e) {
      throw new OutputDirError(`${flag} '${path}': cannot list the folder (${describeErrno(e)})`);
    }
    if (entries.length > 0) {
      throw new OutputDirError(`${flag} '${path}' already holds files (${entries.length}); choose a new folder, or give --force to write into it`);
    }
  }
  return abs;
}

/** A file-system error as a few words ("permission denied"), for one-line messages. */
export function describeErrno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOENT': return 'no such file or folder';
    case 'ENOTDIR': return 'a part of the path is a file, not a folder';
    case 'EISDIR': return 'is a folder, not a file';
    case 'EEXIST': return 'already exists';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'ENAMETOOLONG': return 'the name is too long';
    case 'ELOOP': return 'too many symbolic links';
    case 'EMFILE': case 'ENFILE': return 'too many open files';
    default: return code ?? (e instanceof Error ? e.message.split('\n')[0]! : String(e));
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
