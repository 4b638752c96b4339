/**
 * The SSO token as a command needs it: the cached one while it has more than
 * five minutes left (the SDK's EXPIRE_WINDOW_MS), else refreshed with its
 * refresh token (CreateToken, grant refresh_token) while the client
 * registration that got it lives, and written back to the cache, with no
 * browser. Only when there is nothing to refresh, or IAM Identity Center
 * refuses, does the caller send the person to `stsenv sso login`.
 */
import type { SsoTarget } from './config.js';
import type { OidcApi } from './oidc-api.js';
import { storeToken } from './registration.js';
import { readToken, ssoCacheDirectory, tokenCacheFile, type CacheIo, type SsoToken } from './token-cache.js';
import type { SsoWorld } from './world.js';

export const REFRESH_WINDOW_MS = 5 * 60_000;

export interface TokenWorld extends CacheIo {
  now(): Date;
  cacheDir: string;
  /** The SSO OIDC API of the target's region, made only when a refresh is needed (and ended by whoever made it). */
  oidc(): Promise<OidcApi>;
}

export type UsableToken = { token: SsoToken; refreshed: boolean };

/** The cached token of `target`, refreshed if it must be; undefined when a sign-in is needed. */
export async function usableToken(target: SsoTarget, world: TokenWorld): Promise<UsableToken | undefined> {
  const path = tokenCacheFile(world.cacheDir, target);
  const token = readToken(path, world);
  if (!token) {
    world.debug(`no SSO token in ${path}`);
    return undefined;
  }
  if (token.startUrl !== target.startUrl) {
    // The sso-session now names another start URL: that token belongs to a sign-in that no longer applies.
    world.debug(`the SSO token in ${path} is for ${token.startUrl}, not ${target.startUrl}`);
    return undefined;
  }
  const now = world.now().getTime();
  const left = token.expiresAt.getTime() - now;
  if (left > REFRESH_WINDOW_MS) return { token, refreshed: false };
  const stillValid = left > 0 ? { token, refreshed: false } : undefined;
  if (!token.refreshToken || !token.clientId || !token.clientSecret) {
    world.debug(`the SSO token in ${path} ${left > 0 ? 'expires soon' : 'has expired'} and has no refresh token`);
    return stillValid;
  }
  if (token.registrationExpiresAt && token.registrationExpiresAt.getTime() <= now) {
    world.debug(`the client registration of the SSO token in ${path} has expired: it cannot be refreshed`);
    return stillValid;
  }
  const oidc = await world.oidc();
  try {
    world.debug(`refreshing the SSO token in ${path} (CreateToken, grant refresh_token)`);
    const issued = await oidc.refreshToken({
      clientId: token.clientId,
      clientSecret: token.clientSecret,
      refreshToken: token.refreshToken,
    });
    if (!issued) {
      world.debug('IAM Identity Center refused the refresh token');
      return stillValid;
    }
    const client = {
      clientId: token.clientId,
      clientSecret: token.clientSecret,
      expiresAt: token.registrationExpiresAt,
    };
    const written = storeToken(
      target,
      client,
      { ...issued, refreshToken: issued.refreshToken ?? token.refreshToken },
      world,
      false,
    );
    return { token: written, refreshed: true };
  } catch (error) {
    if (stillValid) {
      world.debug(`could not refresh the SSO token (${(error as Error).message}): using it while it lasts`);
      return stillValid;
    }
    throw error;
  }
}

/** The SSO OIDC API of a region, made when first needed and destroyed by `done`. */
export function lazyOidc(world: SsoWorld, region: string, timeoutMs: number | undefined) {
  let made: Promise<OidcApi & { destroy?(): void }> | undefined;
  return {
    get: () =>
      (made ??= world.oidc
        ? world.oidc(region, timeoutMs)
        : import('./oidc.js').then(({ sdkOidcApi }) =>
            sdkOidcApi({ region, env: world.env, debug: world.debug, timeoutMs }),
          )),
    async done() {
      if (made) (await made.catch(() => undefined))?.destroy?.();
    },
  };
}

/** The token of `sso`, valid or refreshed without a browser; undefined when only a sign-in helps. */
export async function cachedSsoToken(
  sso: SsoTarget,
  world: SsoWorld,
  timeoutMs?: number,
): Promise<UsableToken | undefined> {
  const oidc = lazyOidc(world, sso.region, timeoutMs);
  try {
    return await usableToken(sso, { ...world, cacheDir: ssoCacheDirectory(world.env), oidc: oidc.get });
  } finally {
    await oidc.done();
  }
}
