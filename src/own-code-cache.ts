/**
 * V8 code caches of stsenv's own making, for a Node the shipped ones do not
 * fit (code-cache.ts): stsenv-code-cache/ beside the folder of the credential
 * cache (~/.cache/stsenv-code-cache, %LOCALAPPDATA%\stsenv-code-cache: never
 * in it, which --no-cache promises not to touch), one file per bundle, named by the Node version and architecture,
 * the bundle's path, then after an @ its size and time (a rebuilt or upgraded package
 * gets a new file, and the old one is removed when the new one is written).
 *
 * A code cache is code V8 runs, so it is used only from a folder that is
 * ours and writable by no one else (0700, files 0600, never through a link).
 * Everything here is best effort: a cache that cannot be read or written
 * (read-only HOME, full disk, a folder someone else owns) costs only the
 * speed it would have given, never an error or a message.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Script } from 'node:vm';
import { cacheDirectory } from './cache/folder.js';

// Windows has none; there the folder's ACL (LOCALAPPDATA is the user's own) is what protects it.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** Far above any bundle's cache (the SDK's is a few MB): anything larger is not ours. */
const MAX_BYTES = 64 * 1024 * 1024;

/** A 32-bit FNV-1a of a path, to name its cache: node:crypto stays off the start-up path. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/**
 * Ours, and writable by no one else: the only place a code cache is trusted from.
 * Windows has neither owners nor modes here (Node reports 0o666 or 0o777): there
 * LOCALAPPDATA, the user's own, is what protects it, as for the credential cache.
 */
function trusted(stats: Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  return stats.uid === uid && (stats.mode & 0o022) === 0;
}

/**
 * The cache file for a bundle on this Node; undefined when the bundle (or, in
 * a single executable, the executable) cannot be looked at.
 */
function cacheFile(filename: string, length: number): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(globalThis.__stsenvSea ? process.execPath : filename);
  } catch {
    return undefined;
  }
  const name = `${process.version}-${process.arch}-${fnv1a(filename)}@${length.toString(36)}-${stats.size.toString(36)}-${Math.floor(stats.mtimeMs).toString(36)}.cache`;
  return join(dirname(cacheDirectory(process.env, process.platform)), 'stsenv-code-cache', name);
}

/** The cache this Node made for a bundle before (`data`), and the file it belongs in (`file`). */
export function readOwnCodeCache(filename: string, length: number): { file?: string; data?: Buffer } {
  const file = cacheFile(filename, length);
  if (!file) return {};
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | O_NOFOLLOW);
  } catch {
    return { file };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || !trusted(stats) || stats.size > MAX_BYTES) return { file };
    const folder = lstatSync(dirname(file));
    if (!folder.isDirectory() || !trusted(folder)) return { file };
    const data = Buffer.allocUnsafe(stats.size);
    let offset = 0;
    while (offset < data.length) {
      const n = readSync(fd, data, offset, data.length - offset, offset);
      if (n <= 0) break;
      offset += n;
    }
    return { file, data: offset === data.length ? data : undefined };
  } catch {
    return { file };
  } finally {
    closeSync(fd);
  }
}

const pending: Array<{ script: Script; file: string }> = [];

/**
 * Writes the script's cache when the process exits: by then V8 has compiled
 * every function this run used, and the next run skips compiling them.
 */
export function saveOwnCodeCacheAtExit(script: Script, file: string | undefined): void {
  if (!file) return;
  if (pending.length === 0) process.once('exit', saveAll);
  pending.push({ script, file });
}

function saveAll(): void {
  for (const { script, file } of pending) {
    try {
      save(script, file);
    } catch {
      // Only speed is lost: the next run compiles, and tries again.
    }
  }
}

/** A folder that is ours and writable by no one else, made 0700 if missing; throws otherwise. */
function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stats = lstatSync(dir);
  if (!stats.isDirectory() || !trusted(stats)) throw new Error('not a folder of our own');
}

function save(script: Script, file: string): void {
  const dir = dirname(file);
  mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
  ensureFolder(dir);
  const data = script.createCachedData();
  // O_EXCL|O_NOFOLLOW: a planted file or link makes this fail, never followed; rename puts a whole file in place.
  const temp = join(dir, `.${basename(file)}.tmp-${process.pid}-${Math.floor(Math.random() * 2 ** 48).toString(16)}`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  try {
    try {
      let offset = 0;
      while (offset < data.length) offset += writeSync(fd, data, offset);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  // The same bundle's cache for an earlier build of it, on this Node: superseded.
  const prefix = basename(file).slice(0, basename(file).lastIndexOf('@') + 1);
  for (const name of readdirSync(dir)) {
    if (name === basename(file) || !name.startsWith(prefix) || !name.endsWith('.cache')) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // another run removed it
    }
  }
}
