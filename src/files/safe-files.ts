/**
 * Files that hold credentials: created 0600 with O_EXCL in the directory they
 * end up in, then renamed over the old file, so a reader (or a crash) sees the
 * old file or the new one, never half of either; and never opened through a
 * symlink someone planted. What may be trusted is trust.ts's rule.
 */
import {
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import type { LocalProcess } from '../process-identity.js';
import { tempNameFor } from './private-files.js';

// Windows has neither; there the checks that need them are skipped.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** The names tempNameFor (private-files.ts) makes. */
const TEMP_PATTERN = /^\..+\.tmp-(\d+)-[0-9a-f]{12}$/;

/** A temp file whose writer is gone (killed mid-write): safe to remove. */
export function isAbandonedTemp(name: string, local: LocalProcess): boolean {
  const match = TEMP_PATTERN.exec(name);
  if (!match) return false;
  const pid = Number(match[1]);
  return pid !== local.pid && !local.isAlive(pid);
}

/**
 * Test-only hook (STSENV_TEST_PAUSE_BEFORE_RENAME=FIFO): with the new file
 * written but not yet renamed into place, write our PID to the FIFO, then
 * wait until something writes to it and closes it. Tests use it to SIGKILL
 * stsenv at the worst moment. Does nothing unless the variable is set.
 */
function pauseBeforeRenameForTests(local: LocalProcess): void {
  const fifo = local.pauseBeforeRename;
  if (!fifo) return;
  const out = openSync(fifo, 'w');
  writeSync(out, `${local.pid}\n`);
  closeSync(out);
  const input = openSync(fifo, 'r');
  const buffer = Buffer.alloc(64);
  while (readSync(input, buffer) > 0);
  closeSync(input);
}

/**
 * Writes `data` to `path` atomically with mode 0600. The temp file is
 * created with O_EXCL|O_NOFOLLOW (a planted file or link makes it fail, never
 * followed) and rename replaces a link at `path` rather than writing through it.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, local: LocalProcess): void {
  const temp = tempNameFor(path, local);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  let renamed = false;
  try {
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    pauseBeforeRenameForTests(local);
    renameSync(temp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    }
  }
}

/** lstat that says undefined for a missing path. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
