/**
 * `stsenv sso login` and `stsenv sso logout` as plain functions over what they
 * touch (environment, clock, stderr, the OIDC API), so tests run them in-process.
 * Everything for people goes to stderr: stdout stays empty.
 */
import type { LocalProcess, Output } from '../context.js';
import { usageError } from '../errors.js';
import { loadSsoConfig, resolveSsoTarget, type SsoSelection, type SsoTarget } from './config.js';
import { deviceLogin, type OidcApi } from './device-flow.js';
import { readToken, removeFile, ssoCacheDirectory, tokenCacheFile, tokenFiles } from './token-cache.js';
import { isoSeconds } from '../credentials.js';

export interface SsoLoginOptions extends SsoSelection {
  /** false with --no-browser. */
  browser?: boolean;
  /** Seconds allowed for each request. */
  timeout?: number;
}

export interface SsoLogoutOptions extends SsoSelection {
  all?: boolean;
}

export interface SsoWorld {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** This process, for the cache files. */
  local: LocalProcess;
  stderr: Output;
  now(): Date;
  debug(message: string): void;
  warn(message: string): void;
  sleep(ms: number): Promise<void>;
  /** The SSO OIDC API for a region (default: the SDK's client, oidc.ts). */
  oidc?(region: string, timeoutMs: number | undefined): Promise<OidcApi & { destroy?(): void }>;
  /** Ends a session at the SSO portal; says why not, if it could not (default: the SDK's client, portal.ts). */
  portalLogout?(region: string, accessToken: string): Promise<string | undefined>;
  /** Opens a page in a browser, where noBrowserReason allows (default: the `open` package). */
  openBrowser?(url: string): Promise<boolean>;
}

async function target(selection: SsoSelection, env: NodeJS.ProcessEnv, action: 'login' | 'logout' = 'login'): Promise<SsoTarget> {
  const { profiles, sessions } = await loadSsoConfig(env);
  return resolveSsoTarget(selection, profiles, sessions, env, action);
}

export async function ssoLogin(options: SsoLoginOptions, world: SsoWorld): Promise<number> {
  if (options.timeout !== undefined && (!Number.isFinite(options.timeout) || options.timeout <= 0 || options.timeout > 3600)) {
    throw usageError(`invalid --timeout '${options.timeout}'`, 'give seconds, more than 0 and at most 3600');
  }
  const sso = await target(options, world.env);
  const timeoutMs = options.timeout !== undefined ? Math.round(options.timeout * 1000) : undefined;
  const oidc = world.oidc
    ? await world.oidc(sso.region, timeoutMs)
    : await (await import('./oidc.js')).sdkOidcApi({ region: sso.region, env: world.env, debug: world.debug, timeoutMs });
  const { noBrowserReason, launchBrowser } = await import('../browser.js');
  const opener =
    world.openBrowser ??
    (async (url: string) => {
      try {
        await launchBrowser(url);
        return true;
      } catch (error) {
        world.debug(`could not start a browser: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        return false;
      }
    });
  const openBrowser = async (url: string) => noBrowserReason(world.env, world.platform) === undefined && opener(url);
  const cacheDir = ssoCacheDirectory(world.env);
  world.debug(`signing in to ${sso.startUrl} (${sso.label}, region ${sso.region})`);
  try {
    const token = await deviceLogin(sso, { ...world, oidc, openBrowser, cacheDir }, options.browser === false);
    world.stderr.write(`stsenv: signed in to ${sso.startUrl} (${sso.label}) until ${isoSeconds(token.expiresAt)}; the token is in ${tokenCacheFile(cacheDir, sso)}\n`);
  } finally {
    oidc.destroy?.();
  }
  return 0;
}

/**
 * Ends the session at IAM Identity Center (best effort, as the AWS CLI) and
 * removes the token file; false when there was no file.
 */
async function signOut(path: string, world: SsoWorld): Promise<boolean> {
  const token = readToken(path, world);
  if (token && token.expiresAt.getTime() > world.now().getTime()) {
    const logout = world.portalLogout ?? (async (region: string, accessToken: string) => (await import('./portal.js')).portalLogout(region, accessToken, world.env, world.debug));
    const failed = await logout(token.region, token.accessToken);
    if (failed) world.warn(`could not end the session at IAM Identity Center (${failed}); the token is removed here all the same`);
  }
  return removeFile(path);
}

export async function ssoLogout(options: SsoLogoutOptions, world: SsoWorld): Promise<number> {
  const cacheDir = ssoCacheDirectory(world.env);
  const after = "credentials issued with it stay valid until they expire ('stsenv cache clear' forgets stsenv's copies)";
  if (options.all) {
    if (options.profile !== undefined || options.ssoSession !== undefined) throw usageError('give --all, or --profile / --sso-session, not both');
    const files = tokenFiles(cacheDir, world);
    for (const file of files) await signOut(file, world);
    world.stderr.write(`stsenv: removed ${files.length} SSO ${files.length === 1 ? 'token' : 'tokens'} from ${cacheDir}${files.length ? `; ${after}` : ''}\n`);
    return 0;
  }
  // Nothing named and nothing cached: there is nothing to log out of, whatever the config says.
  if (options.profile === undefined && options.ssoSession === undefined && tokenFiles(cacheDir, world).length === 0) {
    world.stderr.write(`stsenv: nothing to log out of: no SSO token is cached in ${cacheDir}\n`);
    return 0;
  }
  const sso = await target(options, world.env, 'logout');
  const path = tokenCacheFile(cacheDir, sso);
  if (await signOut(path, world)) world.stderr.write(`stsenv: signed out of ${sso.startUrl} (${sso.label}): removed ${path}; ${after}\n`);
  else world.stderr.write(`stsenv: no SSO token was cached for ${sso.label} (${path})\n`);
  return 0;
}
