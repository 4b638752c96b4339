/**
 * The credential cache: one JSON file per request under the user's cache
 * directory, named by a hash of everything that changes STS's answer.
 * Plain node:fs and no AWS SDK: a cache hit is the fast path.
 */
import { chmodSync, lstatSync, lutimesSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalProcess } from '../context.js';
import type { Credentials } from '../credentials.js';
import { childPath } from '../files/child-path.js';
import { isAbandonedTemp, lstatOrUndefined, writeFileAtomic } from '../files/safe-files.js';
import { folderStatsProblem, MAX_BYTES, readTrusted } from '../files/trust.js';

/** What `stsenv cache list` shows of an entry: never a secret. */
export interface CacheLabel {
  operation: string;
  role?: string;
  /** Who signed the request: a profile name, an access key ID, or "default chain". */
  base: string;
  sessionName?: string;
  mfaSerial?: string;
  region?: string;
}

export interface CachedCredentials {
  credentials: Credentials & { sessionToken: string; expiration: Date };
  label: CacheLabel;
}

export interface CacheEntrySummary extends CacheLabel {
  key: string;
  expiration: Date;
}

const ENTRY_VERSION = 1;
const ENTRY_NAME = /^[0-9a-f]{64}\.json$/;

export interface CacheIo {
  warn(message: string): void;
  debug(message: string): void;
  local: LocalProcess;
}

export class CredentialCache {
  /** Set once the directory has been checked; false means the cache is off for this run. */
  private usable: boolean | undefined;

  constructor(
    readonly dir: string,
    private readonly io: CacheIo,
  ) {}

  private entryPath(key: string): string {
    return childPath(this.dir, `${key}.json`);
  }

  /**
   * Whether the directory may hold credentials: ours, not a link, not
   * writable by others (refused), not readable by others (tightened).
   */
  private checkDir(create: boolean): boolean {
    if (this.usable !== undefined) return this.usable;
    let stats = lstatOrUndefined(this.dir);
    if (!stats && create) {
      mkdirSync(join(this.dir, '..'), { recursive: true, mode: 0o700 });
      try {
        mkdirSync(this.dir, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      stats = lstatOrUndefined(this.dir);
    }
    if (!stats) return false; // nothing cached yet; decide again when writing
    if (stats.isSymbolicLink() || !stats.isDirectory()) {
      this.io.warn(`not using the cache: ${this.dir} is not a plain directory (a symbolic link or a file); remove it`);
      this.usable = false;
      return false;
    }
    // Its own stats suffice: a folder put in its place by someone else is theirs, and refused here.
    const problem = folderStatsProblem(stats, this.io.local);
    if (problem) {
      this.io.warn(`not using the cache: ${this.dir} ${problem.why}; remove it or fix its owner and mode (chmod 700)`);
      this.usable = false;
      return false;
    }
    if (stats.mode & 0o077 && stats.uid === this.io.local.uid) {
      this.io.warn(
        `${this.dir} is readable by group or others (mode ${(stats.mode & 0o777).toString(8)}); setting it to 700`,
      );
      chmodSync(this.dir, 0o700);
    }
    this.usable = true;
    return true;
  }

  /** An entry that is still valid for more than `minRemainingMs`; anything else is a miss. */
  get(key: string, now: Date, minRemainingMs: number): CachedCredentials | undefined {
    if (!this.checkDir(false)) return undefined;
    const path = this.entryPath(key);
    const { text, problem } = readTrusted(path, this.io.local, MAX_BYTES.cacheEntry);
    if (problem) {
      // Someone else's file, one others can change, a FIFO or a huge file may hold credentials planted for us: never used.
      this.io.warn(`${problem.refuse ? 'ignoring cache entry' : 'cache entry'} ${path}: it ${problem.why}`);
      if (problem.refuse) return undefined;
    }
    if (text === undefined) return undefined;
    const entry = parseEntry(text);
    if (!entry) {
      this.io.debug(`cache entry ${key.slice(0, 12)} is unreadable: treated as a miss`);
      return undefined;
    }
    const left = entry.credentials.expiration.getTime() - now.getTime();
    if (left <= 0) {
      this.io.debug(`cache entry ${key.slice(0, 12)} has expired: removed`);
      removeQuietly(path);
      return undefined;
    }
    if (left <= minRemainingMs) {
      this.io.debug(`cache entry ${key.slice(0, 12)} has only ${Math.round(left / 1000)}s left: renewing`);
      return undefined;
    }
    return entry;
  }

  put(key: string, value: CachedCredentials, now: Date): void {
    try {
      if (!this.checkDir(true)) return;
      const document = {
        version: ENTRY_VERSION,
        label: value.label,
        credentials: {
          accessKeyId: value.credentials.accessKeyId,
          secretAccessKey: value.credentials.secretAccessKey,
          sessionToken: value.credentials.sessionToken,
          expiration: value.credentials.expiration.toISOString(),
        },
      };
      const path = this.entryPath(key);
      writeFileAtomic(path, `${JSON.stringify(document)}\n`, this.io.local);
      // Its modification time is its expiry: a sweep then needs no read to see it is still good.
      try {
        lutimesSync(path, value.credentials.expiration, value.credentials.expiration);
      } catch {
        // then sweeps read it, as any entry whose time has come
      }
      this.sweep(now);
    } catch (error) {
      // The credentials are still good: print them, say why they were not kept.
      this.io.warn(
        `could not write the cache in ${this.dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }

  /**
   * Goes over the directory once: removes expired entries and temp files
   * whose writer is gone, and returns the other entries it read. An entry
   * stsenv writes has its expiry as its modification time: one whose time
   * has not come is read only when `readAll` (cache list), so that writing
   * an entry costs little however many there are.
   */
  private sweep(now: Date, readAll = false): Array<{ name: string; entry: CachedCredentials }> {
    const kept: Array<{ name: string; entry: CachedCredentials }> = [];
    for (const name of safeReaddir(this.dir)) {
      const path = join(this.dir, name);
      if (isAbandonedTemp(name, this.io.local)) removeQuietly(path);
      if (!ENTRY_NAME.test(name)) continue;
      if (!readAll && modifiedMs(path) > now.getTime()) continue;
      const { text } = readTrusted(path, this.io.local, MAX_BYTES.cacheEntry);
      const entry = text === undefined ? undefined : parseEntry(text);
      if (entry && entry.credentials.expiration.getTime() <= now.getTime()) removeQuietly(path);
      else if (entry) kept.push({ name, entry });
    }
    return kept;
  }

  /** Every valid entry (expired ones are removed on the way). */
  list(now: Date): CacheEntrySummary[] {
    if (!this.checkDir(false)) return [];
    return this.sweep(now, true)
      .map(({ name, entry }) => ({
        ...entry.label,
        key: name.slice(0, -'.json'.length),
        expiration: entry.credentials.expiration,
      }))
      .sort((a, b) => a.expiration.getTime() - b.expiration.getTime());
  }

  /** Removes every entry and leftover temp file; returns how many entries went. */
  clear(): number {
    const stats = lstatOrUndefined(this.dir);
    if (!stats?.isDirectory()) return 0;
    let removed = 0;
    for (const name of safeReaddir(this.dir)) {
      if (ENTRY_NAME.test(name)) {
        if (removeQuietly(join(this.dir, name))) removed++;
      } else if (isAbandonedTemp(name, this.io.local)) removeQuietly(join(this.dir, name));
    }
    return removed;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** 0 when it cannot be told (the entry is then read). */
function modifiedMs(path: string): number {
  try {
    return lstatSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function removeQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A cache file as written by put(), or undefined for anything else. */
function parseEntry(text: string): CachedCredentials | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!document || typeof document !== 'object') return undefined;
  const { version, label, credentials } = document as Record<string, unknown>;
  if (
    version !== ENTRY_VERSION ||
    !label ||
    typeof label !== 'object' ||
    !credentials ||
    typeof credentials !== 'object'
  )
    return undefined;
  const c = credentials as Record<string, unknown>;
  const l = label as Record<string, unknown>;
  if (typeof l.operation !== 'string' || typeof l.base !== 'string') return undefined;
  for (const field of ['accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration']) {
    if (typeof c[field] !== 'string' || c[field] === '') return undefined;
  }
  const expiration = new Date(c.expiration as string);
  if (Number.isNaN(expiration.getTime())) return undefined;
  const optional = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    credentials: {
      accessKeyId: c.accessKeyId as string,
      secretAccessKey: c.secretAccessKey as string,
      sessionToken: c.sessionToken as string,
      expiration,
    },
    label: {
      operation: l.operation,
      base: l.base,
      role: optional(l.role),
      sessionName: optional(l.sessionName),
      mfaSerial: optional(l.mfaSerial),
      region: optional(l.region),
    },
  };
}
