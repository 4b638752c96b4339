import type { Argv } from 'yargs';
import type { Context } from '../context.js';
import { parseDurationSeconds } from '../duration.js';
import { usageError } from '../errors.js';
import { cacheDirectory, CredentialCache } from './store.js';

export interface CacheOptions {
  /** false with --no-cache: neither read nor write. */
  cache?: boolean;
  refresh?: boolean;
  minRemaining?: string;
}

export const DEFAULT_MIN_REMAINING = '5m';

export function cacheOptions(y: Argv): Argv {
  return y
    .option('cache', { type: 'boolean', describe: 'Reuse and keep credentials in the cache (--no-cache: neither)' })
    .option('refresh', { type: 'boolean', describe: 'Ask STS again even if the cache has credentials' })
    .option('min-remaining', { type: 'string', describe: `Reuse cached credentials only with more than this left (default ${DEFAULT_MIN_REMAINING})` });
}

/** STSENV_NO_CACHE=1 is --no-cache for every run (CI, tests). */
function cacheOffInEnv(env: NodeJS.ProcessEnv): boolean {
  const value = env.STSENV_NO_CACHE?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** How a command uses the cache this run; `cache` is undefined with --no-cache. */
export interface CachePolicy {
  cache?: CredentialCache;
  /** Whether the final request may come from the cache (false with --refresh). */
  readFinal: boolean;
  minRemainingMs: number;
}

export function cachePolicy(options: CacheOptions, ctx: Context): CachePolicy {
  const text = options.minRemaining ?? DEFAULT_MIN_REMAINING;
  const seconds = parseDurationSeconds(String(text));
  if (seconds === undefined || seconds > 12 * 3600) {
    throw usageError(`invalid --min-remaining '${text}'`, 'give seconds or a length such as 5m or 1h (at most 12h)');
  }
  if (options.cache === false && options.refresh) throw usageError('give --refresh or --no-cache, not both');
  return {
    cache: options.cache === false || cacheOffInEnv(ctx.env) ? undefined : new CredentialCache(cacheDirectory(ctx.env, ctx.platform), { warn: ctx.warn, debug: ctx.debug }),
    readFinal: !options.refresh,
    minRemainingMs: seconds * 1000,
  };
}
