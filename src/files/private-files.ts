/**
 * Small files stsenv keeps only for speed, in folders of its own beside the
 * credential cache's (V8 code caches, the profile names completion offers):
 * read only when the folder and the file are ours and writable by no one
 * else (0700, 0600), never through a link, never blocking on a FIFO, never
 * past a size; written whole, to an O_EXCL temporary file renamed into place.
 * Nothing here reports: a file that cannot be read is none, and a caller
 * that cannot write one loses only the speed it would have given.
 *
 * Windows has neither owners nor modes here (Node reports 0o666 or 0o777),
 * nor O_NOFOLLOW: there the folder's place in %LOCALAPPDATA%, the user's
 * own, is what protects it, as for the credential cache. This module stays
 * small and loads nothing but node:fs and node:path: the entry uses it.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Who keeps the files: the uid they must belong to (undefined on Windows), the PID that names a temporary file. */
export interface Keeper {
  uid?: number | undefined;
  pid: number;
}

/** Ours, and writable by no one else. */
export function ownedByKeeper(stats: Stats, keeper: Keeper): boolean {
  return keeper.uid === undefined || (stats.uid === keeper.uid && (stats.mode & 0o022) === 0);
}

/**
 * Uniqueness, not secrecy: the file is created with O_EXCL in a 0700
 * directory, so a guessed name gains nothing, and node:crypto stays off the
 * start-up path.
 */
function randomHex12(): string {
  return Math.floor(Math.random() * 2 ** 48)
    .toString(16)
    .padStart(12, '0');
}

/** Temp files are `.NAME.tmp-PID-RANDOM` beside NAME: the PID lets a later run remove ones a killed process left. */
export function tempNameFor(path: string, owner: { pid: number }): string {
  return join(dirname(path), `.${basename(path)}.tmp-${owner.pid}-${randomHex12()}`);
}

/** A 32-bit FNV-1a, to name a file after a path: node:crypto stays off the start-up path. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** The file's bytes when it and its folder are ours and it is a regular file of at most `maxBytes`; else undefined. */
export function readPrivateFile(file: string, keeper: Keeper, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || !ownedByKeeper(stats, keeper) || stats.size > maxBytes) return undefined;
    const folder = lstatSync(dirname(file));
    if (!folder.isDirectory() || !ownedByKeeper(folder, keeper)) return undefined;
    const data = Buffer.allocUnsafe(stats.size);
    let offset = 0;
    while (offset < data.length) {
      const n = readSync(fd, data, offset, data.length - offset, offset);
      if (n <= 0) break;
      offset += n;
    }
    // A file cut short while read is none.
    return offset === data.length ? data : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes the folder 0700 (its parent too) when it is missing, and returns what
 * it is now, not following a link: the caller says whether that will do.
 */
export function makePrivateFolder(dir: string): Stats {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return lstatSync(dir);
}

/**
 * Writes `data` whole as `file`, in a folder of our own made 0700 if missing
 * (its parent too); throws when the folder is not ours or the write fails.
 */
export function writePrivateFile(file: string, data: Uint8Array, keeper: Keeper): void {
  const folder = dirname(file);
  const stats = makePrivateFolder(folder);
  if (!stats.isDirectory() || !ownedByKeeper(stats, keeper)) throw new Error('not a folder of our own');
  // O_EXCL|O_NOFOLLOW: a planted file or link makes this fail, never followed; rename puts a whole file in place.
  const temp = tempNameFor(file, keeper);
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
}
