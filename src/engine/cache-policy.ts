/**
 * The credential cache a request may use this run: none with --no-cache or
 * STSENV_NO_CACHE, else the user's cache directory.
 */
import { cacheDirectory } from '../cache/folder.js';
import { CredentialCache } from '../cache/store.js';
import type { Context } from '../context.js';
import type { CacheSettings } from './request.js';

export interface CachePolicy {
  cache?: CredentialCache;
  /** Whether the final request may come from the cache (false with --refresh). */
  readFinal: boolean;
  minRemainingMs: number;
}

/** STSENV_NO_CACHE=1 is --no-cache for every run (CI, tests). */
function cacheOffInEnv(env: NodeJS.ProcessEnv): boolean {
  const value = env.STSENV_NO_CACHE?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

export function cachePolicy(settings: CacheSettings, ctx: Context): CachePolicy {
  const off = !settings.enabled || cacheOffInEnv(ctx.env);
  return {
    cache: off ? undefined : openCache(ctx),
    readFinal: settings.readFinal,
    minRemainingMs: settings.minRemainingMs,
  };
}

export function openCache(ctx: Context): CredentialCache {
  return new CredentialCache(cacheDirectory(ctx.env, ctx.platform), {
    warn: ctx.warn,
    debug: ctx.debug,
    local: ctx.local,
  });
}
