/**
 * Where stsenv keeps what it caches: the credential cache (store.ts) and,
 * beside it, the folders of what is kept only for speed (code caches, the
 * profile names a Tab offers, the config checks, the executable's native
 * part). A module of its own so that the entry can find the code caches
 * without loading the credential cache's code.
 */
import { dirname, join } from 'node:path';
import { childPath } from '../files/child-path.js';
import { homedir } from '../lazy-os.js';

/** `stsenv` under XDG_CACHE_HOME or ~/.cache; ~/Library/Caches on macOS; %LOCALAPPDATA% on Windows. */
export function cacheDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = env.HOME || homedir();
  if (platform === 'win32')
    return join(env.LOCALAPPDATA || join(env.USERPROFILE || home, 'AppData', 'Local'), 'stsenv');
  if (platform === 'darwin') return childPath(env.XDG_CACHE_HOME || childPath(home, 'Library', 'Caches'), 'stsenv');
  return childPath(env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : childPath(home, '.cache'), 'stsenv');
}

/**
 * A folder beside the credential cache's (`stsenv-NAME`), never in it: what
 * --no-cache promises not to touch is the credential cache alone.
 */
export function besideCache(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, name: string): string {
  return childPath(dirname(cacheDirectory(env, platform)), name);
}
