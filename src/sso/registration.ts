/**
 * What both sign-in flows share: the client registration, reused from the
 * cache while it has more than 15 minutes left (the AWS CLI's
 * _EXPIRY_WINDOW), and the token they end with, written where the AWS CLI
 * and the SDKs read it. A registration for the authorization code flow
 * (grantTypes authorization_code and refresh_token, the loopback redirect URI,
 * the start URL as issuer) cannot use the device grant, nor the other way
 * round: each flow reuses only its own kind, as the AWS CLI does.
 */
import type { Output } from '../context.js';
import { failure } from '../errors.js';
import type { SsoTarget } from './config.js';
import type { IssuedToken, OidcApi } from './oidc-api.js';
import {
  readRegistration,
  registrationPath,
  tokenCacheFile,
  writeRegistration,
  writeToken,
  type CacheIo,
  type ClientRegistration,
  type SsoToken,
} from './token-cache.js';

/** A registration this close to its end is replaced, as the AWS CLI does (_EXPIRY_WINDOW). */
export const REGISTRATION_MIN_REMAINING_MS = 15 * 60_000;
/** The redirect URI the authorization code client registers: any port of the loopback address is then accepted (RFC 8252 section 7.3). */
export const REDIRECT_URI = 'http://127.0.0.1/oauth/callback';
export const AUTH_CODE_GRANTS: readonly string[] = ['authorization_code', 'refresh_token'];

export interface FlowWorld extends CacheIo {
  oidc: OidcApi;
  now(): Date;
  /** Where the person reads what to do. */
  stderr: Output;
  /** Opens the page in a browser when there is one; says whether it tried. */
  openBrowser(url: string): Promise<boolean>;
  cacheDir: string;
}

export type Grant = 'device_code' | 'authorization_code';

/** The client to sign in with: the cached one when it is of the right kind and lives long enough, else a new one. */
export async function clientRegistration(
  target: SsoTarget,
  world: FlowWorld,
  grant: Grant,
  fresh: boolean,
): Promise<{ registration: ClientRegistration; reused: boolean }> {
  const path = registrationPath(world.cacheDir, target);
  if (!fresh) {
    const cached = readRegistration(path, world);
    const authCode = cached?.grantTypes?.includes('authorization_code') ?? false;
    const usable =
      cached &&
      cached.expiresAt.getTime() - world.now().getTime() >= REGISTRATION_MIN_REMAINING_MS &&
      authCode === (grant === 'authorization_code');
    if (usable) {
      world.debug(`reusing the client registration in ${path} (valid until ${cached.expiresAt.toISOString()})`);
      return { registration: cached, reused: true };
    }
  }
  // botocore's client name: the session's, or the time for the legacy format.
  const clientName = `stsenv-client-${target.sessionName ?? Math.floor(world.now().getTime() / 1000)}`;
  world.debug(
    `RegisterClient at ${world.oidc.endpoint} as ${clientName} for ${grant}${target.scopes ? ` with scopes ${target.scopes.join(',')}` : ''}`,
  );
  const authCode =
    grant === 'authorization_code'
      ? { grantTypes: [...AUTH_CODE_GRANTS], redirectUris: [REDIRECT_URI], issuerUrl: target.startUrl }
      : {};
  const answer = await world.oidc.registerClient({ clientName, scopes: target.scopes, ...authCode });
  const created: ClientRegistration = {
    clientId: answer.clientId,
    clientSecret: answer.clientSecret,
    expiresAt: new Date(answer.clientSecretExpiresAt * 1000),
    scopes: target.scopes,
    grantTypes: authCode.grantTypes,
  };
  try {
    writeRegistration(world.cacheDir, path, created, world);
  } catch (error) {
    world.warn(
      `could not keep the client registration in ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): the next sign-in registers again`,
    );
  }
  return { registration: created, reused: false };
}

/** The token of a sign-in or a refresh, in the cache file the AWS CLI and the SDKs read; returned as written. */
export function storeToken(
  target: SsoTarget,
  client: Pick<ClientRegistration, 'clientId' | 'clientSecret'> & { expiresAt?: Date },
  issued: IssuedToken,
  world: CacheIo & { now(): Date; cacheDir: string },
  signedIn = true,
): SsoToken {
  const token: SsoToken = {
    startUrl: target.startUrl,
    region: target.region,
    accessToken: issued.accessToken,
    expiresAt: new Date(world.now().getTime() + issued.expiresIn * 1000),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    registrationExpiresAt: client.expiresAt,
    refreshToken: issued.refreshToken,
  };
  const path = tokenCacheFile(world.cacheDir, target);
  try {
    writeToken(world.cacheDir, path, token, world);
  } catch (error) {
    const what = signedIn ? 'signed in' : 'refreshed the token';
    throw failure(
      `${what}, but could not write the token to ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      { hint: 'check that ~/.aws/sso/cache is yours and writable, then run stsenv sso login again' },
    );
  }
  return token;
}
