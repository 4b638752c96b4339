/**
 * The keystore binding's native part inside a single executable: build-exe.mjs
 * puts the platform's .node file among the executable's assets, and Node
 * loads native code only from a file. So the first run that needs the
 * keystore writes it to a folder of the user's own beside the credential
 * cache (~/.cache/stsenv-native, %LOCALAPPDATA%\stsenv-native; never in the
 * cache itself, which --no-cache promises not to touch), named by its
 * SHA-256, and every run compares the file's bytes with the asset's before it
 * loads it: a stale, half-written or planted file is replaced, never loaded.
 *
 * Native code runs with all the user's rights, so the folder must be ours and
 * writable by no one else (0700, made so when missing), never a link, and the
 * file ours, a regular file no one else can write (0600, written to an O_EXCL
 * temp file and renamed into place). On Linux the very file descriptor that
 * was checked is what is loaded (/proc/self/fd), so nothing can swap the file
 * between the check and the load; on Windows the folder in %LOCALAPPDATA%,
 * the user's own, is what protects it, as for the credential cache.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readSync, unlinkSync } from 'node:fs';
import { dlopen } from 'node:process';
import { join } from 'node:path';
import type { SeaHost } from '../built-files.js';
import { besideCache } from '../cache/folder.js';
import type { LocalProcess } from '../context.js';
import { makePrivateFolder } from '../files/private-files.js';
import { isAbandonedTemp, writeFileAtomic } from '../files/safe-files.js';
import { fileProblem, folderStatsProblem } from '../files/trust.js';

/** The asset build-exe.mjs gives the platform's .node file of @napi-rs/keyring. */
export const NATIVE_ASSET = 'native/keyring.node';

// Windows has neither; there the folder's place in %LOCALAPPDATA% protects the file.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

type Binding = typeof import('@napi-rs/keyring');

export interface EmbeddedIo {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  local: LocalProcess;
  debug(message: string): void;
}

/** Where the executable's native part is written: beside the credential cache's folder. */
export function nativeFolder(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return besideCache(env, platform, 'stsenv-native');
}

/** The folder, made 0700 if missing; throws unless it is a folder (not a link) of ours that no one else can write. */
function ensureOwnFolder(dir: string, local: LocalProcess): void {
  const stats = makePrivateFolder(dir);
  if (stats.isSymbolicLink()) throw new Error(`${dir} is a symbolic link`);
  const problem = folderStatsProblem(stats, local);
  if (problem) throw new Error(`${dir} ${problem.why}`);
  // Not even with the sticky bit: no one else may put a file here.
  if (local.uid !== undefined && (stats.uid !== local.uid || stats.mode & 0o022))
    throw new Error(`${dir} is not a folder only you can write`);
}

/** The file opened, if it is ours, no one else's to write, and holds exactly `expected`; else undefined. */
function openIfExactly(file: string, expected: Uint8Array, local: LocalProcess): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch {
    return undefined;
  }
  let keep = false;
  try {
    const stats = fstatSync(fd);
    if (fileProblem(stats, local)?.refuse || stats.size !== expected.length) return undefined;
    const data = Buffer.allocUnsafe(expected.length + 1);
    let length = 0;
    while (length < data.length) {
      const n = readSync(fd, data, length, data.length - length, null);
      if (n <= 0) break;
      length += n;
    }
    keep = length === expected.length && data.subarray(0, length).equals(expected);
    return keep ? fd : undefined;
  } finally {
    if (!keep) closeSync(fd);
  }
}

/** Other builds' native parts and temp files a killed run left: best effort (a loaded one on Windows stays). */
function removeOthers(dir: string, name: string, local: LocalProcess): void {
  for (const other of readdirSync(dir)) {
    if (other === name || !(/^keyring-[0-9a-f]{64}\.node$/.test(other) || isAbandonedTemp(other, local))) continue;
    try {
      unlinkSync(join(dir, other));
    } catch {
      // in use, or another run removed it
    }
  }
}

/**
 * The binding, loaded from the executable's asset: written once per build of
 * the executable, checked byte for byte at every load. Throws an Error saying
 * what stood in the way.
 */
export function loadEmbeddedBinding(sea: SeaHost, io: EmbeddedIo): Binding {
  const asset = sea.asset(NATIVE_ASSET);
  if (!asset) throw new Error('this executable carries no native part for its platform');
  const name = `keyring-${createHash('sha256').update(asset).digest('hex')}.node`;
  const dir = nativeFolder(io.env, io.platform);
  const file = join(dir, name);
  ensureOwnFolder(dir, io.local);
  let fd = openIfExactly(file, asset, io.local);
  if (fd === undefined) {
    io.debug(`keystore: writing the binding's native part to ${file}`);
    try {
      writeFileAtomic(file, asset, io.local);
    } catch (error) {
      // Another run may have put the same file in place first (on Windows its rename then fails).
      fd = openIfExactly(file, asset, io.local);
      if (fd === undefined) throw error;
    }
    fd ??= openIfExactly(file, asset, io.local);
    if (fd === undefined) throw new Error(`${file} did not hold what was written to it`);
    removeOthers(dir, name, io.local);
  }
  try {
    const proc = `/proc/self/fd/${fd}`;
    const path = io.platform === 'linux' && existsSync(proc) ? proc : file;
    io.debug(`keystore: loading the binding's native part from ${file}`);
    const module = { exports: {} as Binding };
    dlopen(module, path);
    return module.exports;
  } finally {
    closeSync(fd);
  }
}
