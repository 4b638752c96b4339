/**
 * join(dir, ...names) for the paths a cache hit makes (the cache folder, a
 * cache entry, a config check's record, ~/.aws/config): the same string,
 * without going over the whole path again when there is nothing to
 * normalize. path.join normalizes the whole of its result one character at
 * a time in JavaScript: a hit's joins went over 165 to 413 characters, and
 * with Node's own start (its main script's path) and a long HOME that made
 * V8 compile Node's normalizeString with Maglev at every run (0.6 ms of CPU
 * and 60 more page faults: docs/performance.md). Here a directory is
 * checked with the string's own searches, and only one that needs
 * normalizing goes to path.join.
 */
import { join, sep } from 'node:path';

/** A name that joins as it is: not empty, not `.` or `..`, no separator. */
function plainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\\');
}

/** An absolute POSIX path that normalizing leaves as it is: no empty, `.` or `..` part, no trailing separator. */
function normalPosixDir(dir: string): boolean {
  return (
    dir.length > 1 &&
    dir.startsWith('/') &&
    !dir.endsWith('/') &&
    !dir.endsWith('/.') &&
    !dir.endsWith('/..') &&
    !dir.includes('//') &&
    !dir.includes('/./') &&
    !dir.includes('/../')
  );
}

/** join(dir, ...names), the same string. */
export function childPath(dir: string, ...names: string[]): string {
  // Windows paths (drive letters, both separators, UNC: node:path's separator is \ there) are path.join's alone.
  if (sep !== '/' || !normalPosixDir(dir) || !names.every(plainName)) return join(dir, ...names);
  return `${dir}/${names.join('/')}`;
}
