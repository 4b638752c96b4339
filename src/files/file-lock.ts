/**
 * A lock file beside a file that several stsenv processes write (the
 * credentials file, the keystore's files): taken with O_EXCL, held while one
 * writer reads and replaces the file, broken when its owner has died.
 */
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import type { LocalProcess } from '../process-identity.js';
import { failure } from '../errors.js';
import { lstatOrUndefined } from './safe-files.js';
import { MAX_BYTES, readTrusted } from './trust.js';

const LOCK_WAIT_MS = 15_000;
/** A lock whose owner we cannot check (another host) is broken after this. */
const FOREIGN_LOCK_STALE_MS = 60_000;

function ownerAlive(text: string, mtimeMs: number, local: LocalProcess): boolean {
  const [pid, host] = text.trim().split(/\s+/);
  if (host !== hostname()) return Date.now() - mtimeMs < FOREIGN_LOCK_STALE_MS;
  return local.isAlive(Number(pid));
}

function tryCreate(path: string, local: LocalProcess): boolean {
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    writeSync(fd, `${local.pid} ${hostname()}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Removes `lock` if the process that holds it is gone. Breakers take a second
 * lock first, so two of them cannot both see the dead owner and one remove
 * the fresh lock the other has just taken.
 */
function breakIfStale(lock: string, local: LocalProcess): void {
  const breaker = `${lock}.break`;
  if (!tryCreate(breaker, local)) {
    const stats = lstatOrUndefined(breaker);
    // A breaker killed between its two steps: its lock is broken by age.
    if (stats && Date.now() - stats.mtimeMs > FOREIGN_LOCK_STALE_MS) unlinkQuietly(breaker);
    return;
  }
  try {
    const mtimeMs = lstatOrUndefined(lock)?.mtimeMs;
    // Read without blocking: a FIFO in its place is refused at once, never waited on.
    const { text, problem } = readTrusted(lock, local, MAX_BYTES.lockFile);
    if (problem?.refuse)
      throw failure(`cannot take the lock ${lock}: it ${problem.why}`, { hint: 'remove it if no stsenv is running' });
    if (text === undefined || mtimeMs === undefined) return; // released meanwhile
    if (!ownerAlive(text, mtimeMs, local)) unlinkQuietly(lock);
  } finally {
    unlinkQuietly(breaker);
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}

/** Runs `run` holding the lock of `file`; `run` is synchronous, so the lock is held for all of it. */
export async function withLock<T>(file: string, local: LocalProcess, run: () => T): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let delay = 5;
  while (!tryCreate(lock, local)) {
    breakIfStale(lock, local);
    if (Date.now() > deadline) {
      throw failure(`${file} is locked by another stsenv (${lock})`, {
        hint: 'try again; remove the .lock file if no stsenv is running',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
  try {
    return run();
  } finally {
    unlinkQuietly(lock);
  }
}
