/**
 * stsenv's built files (dist/: bundles, their code caches, help texts, shell
 * scripts): read from disk beside the bundles in the npm package; from the
 * assets of the executable in a single executable (sea-launcher.cjs sets
 * globalThis.__stsenvSea before anything runs, so that every other start
 * pays nothing for asking).
 */
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';

/** What the single executable's launcher (sea-launcher.cjs) gives stsenv. */
export interface SeaHost {
  /** Where the bundles would be on disk: every built file's path is under it. */
  root: string;
  /** The asset of that name (a path relative to root, with '/'), or undefined. */
  asset(name: string): Buffer | undefined;
  /** The Node that made the code caches among the assets (`vVERSION-PLATFORM-ARCH`): they fit only that one. */
  codeCacheNode?: string;
}

declare global {
  // eslint-disable-next-line no-var
  var __stsenvSea: SeaHost | undefined;
}

/** What `stsenv --version` prints: the version first (scripts compare it), then which build runs on which Node. */
export function versionLine(version: string): string {
  const build = globalThis.__stsenvSea ? 'single executable' : 'npm package';
  return `${version} (${build}; Node.js ${process.version} ${process.platform}-${process.arch})`;
}

/** A built file's bytes; throws ENOENT as readFileSync does when there is no such file. */
export function readBuilt(path: string): Buffer;
export function readBuilt(path: string, encoding: 'utf8'): string;
export function readBuilt(path: string, encoding?: 'utf8'): Buffer | string {
  const sea = globalThis.__stsenvSea;
  if (!sea) return encoding ? readFileSync(path, encoding) : readFileSync(path);
  const data = sea.asset(relative(sea.root, path).split(sep).join('/'));
  if (!data)
    throw Object.assign(new Error(`ENOENT: no such file in this executable, open '${path}'`), { code: 'ENOENT' });
  return encoding ? data.toString(encoding) : data;
}
