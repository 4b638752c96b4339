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
import { readdirSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Script } from 'node:vm';
import { besideCache } from './cache/folder.js';
import { fnv1a, readPrivateFile, writePrivateFile, type Keeper } from './files/private-files.js';

/** Far above any bundle's cache (the SDK's is a few MB): anything larger is not ours. */
const MAX_BYTES = 64 * 1024 * 1024;

const keeper = (): Keeper => ({ uid: process.getuid?.(), pid: process.pid });

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
  return join(besideCache(process.env, process.platform, 'stsenv-code-cache'), name);
}

/** The cache this Node made for a bundle before (`data`), and the file it belongs in (`file`). */
export function readOwnCodeCache(filename: string, length: number): { file?: string; data?: Buffer } {
  const file = cacheFile(filename, length);
  if (!file) return {};
  return { file, data: readPrivateFile(file, keeper(), MAX_BYTES) };
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

function save(script: Script, file: string): void {
  writePrivateFile(file, script.createCachedData(), keeper());
  // The same bundle's cache for an earlier build of it, on this Node: superseded.
  const dir = dirname(file);
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
