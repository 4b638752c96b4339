/**
 * What a file is now, as a key that changes whenever its content may have:
 * device, inode, size, modification and change times. What stsenv keeps
 * between runs about a file of the user's (the profile names a Tab offers,
 * that a large config was checked) is kept under this key, and used only
 * while the file still has it.
 */
import { statSync, type Stats } from 'node:fs';

export interface FileState {
  key: string;
  /** Whether a change could still go unseen: then nothing is kept under the key. */
  racy: boolean;
}

/** A file that is not there: it has a state too (one that appears is a change). */
export const MISSING: FileState = { key: 'none', racy: false };

/**
 * A change within the same tick of the file system's clock as the last one,
 * keeping the size, would leave the key as it was: a state is trusted only
 * when the file had not changed for longer than a tick when it was looked
 * at. A time in whole seconds says a clock of seconds (FAT counts two).
 */
function tickOf(changedMs: number): number {
  return changedMs % 1000 === 0 ? 2000 : 100;
}

/** The state of a file from its stats (fstat of the opened file, or stat). */
export function stateOf(stats: Stats): FileState {
  const changed = Math.max(stats.mtimeMs, stats.ctimeMs);
  return {
    key: `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`,
    racy: Date.now() - changed < tickOf(changed),
  };
}

/** The state of the file at `path`; undefined when it cannot be looked at (then nothing kept is trusted). */
export function fileState(path: string): FileState | undefined {
  let stats: Stats | undefined;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  return stats ? stateOf(stats) : MISSING;
}
