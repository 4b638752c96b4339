/**
 * `stsenv sso login` and `stsenv sso logout` as plain functions over what they
 * touch (environment, clock, stderr, the OIDC API), so tests run them in-process;
 * the entry of the sso feature bundle, so `sso populate` is reached from here too.
 * Everything for people goes to stderr: stdout stays empty.
 */
import { DEFAULT_TIMEOUT_MS } from '../aws/client-options.js';
import { isoSeconds } from '../credentials.js';
import { usageError } from '../errors.js';
import { authCodeLogin, DEFAULT_SIGN_IN_TIMEOUT_MS } from './auth-code-flow.js';
import { loadSsoConfig, resolveSsoTarget, type SsoSelection, type SsoTarget } from './config.js';
import { deviceLogin } from './device-flow.js';
import { cachedSsoToken, lazyOidc } from './refresh.js';
import { readToken, removeFile, ssoCacheDirectory, tokenCacheFile, tokenFiles } from './token-cache.js';
import type { SsoWorld } from './world.js';

export type { SsoWorld } from './world.js';
export { ssoPopulate } from './populate.js';
import { printable } from '../text/printable.js';

export interface SsoLoginOptions extends SsoSelection {
  /** false with --no-browser. */
  browser?: boolean;
  /** Seconds to wait for the sign-in in the browser (default 600, as the AWS CLI). */
  timeout?: number;
  /** Sign in even when the cached token is valid or can be refreshed. */
  force?: boolean;
  /** The device code flow instead of the authorization code flow (always so for the legacy format, as the AWS CLI). */
  useDeviceCode?: boolean;
}

export interface SsoLogoutOptions extends SsoSelection {
  all?: boolean;
}

async function target(
  selection: SsoSelection,
  env: NodeJS.ProcessEnv,
  action: 'login' | 'logout' = 'login',
): Promise<SsoTarget> {
  const { profiles, sessions } = await loadSsoConfig(env);
  return resolveSsoTarget(selection, profiles, sessions, env, action);
}

export async function ssoLogin(options: SsoLoginOptions, world: SsoWorld): Promise<number> {
  if (
    options.timeout !== undefined &&
    (!Number.isFinite(options.timeout) || options.timeout <= 0 || options.timeout > 3600)
  ) {
    throw usageError(`invalid --timeout '${options.timeout}'`, 'give seconds, more than 0 and at most 3600');
  }
  const sso = await target(options, world.env);
  const cacheDir = ssoCacheDirectory(world.env);
  const waitMs = options.timeout !== undefined ? Math.round(options.timeout * 1000) : DEFAULT_SIGN_IN_TIMEOUT_MS;
  // Each request to IAM Identity Center waits as any other request does, and never longer than the whole sign-in may.
  const requestMs = Math.min(DEFAULT_TIMEOUT_MS, waitMs);
  if (!options.force) {
    const usable = await cachedSsoToken(sso, world, requestMs);
    if (usable) {
      const how = usable.refreshed ? 'the token was refreshed without a browser' : 'the cached token is valid';
      world.stderr.write(
        `stsenv: already signed in to ${sso.startUrl} (${sso.label}) until ${isoSeconds(usable.token.expiresAt)}: ${how}; --force signs in again\n`,
      );
      return 0;
    }
  }
  const oidc = lazyOidc(world, sso.region, requestMs);
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
  const cannotOpen = noBrowserReason(world.env, world.platform);
  const openBrowser = async (url: string) => cannotOpen === undefined && opener(url);
  const deviceCode = options.useDeviceCode === true || sso.sessionName === undefined;
  world.debug(
    `signing in to ${sso.startUrl} (${sso.label}, region ${sso.region}) with the ${deviceCode ? 'device code' : 'authorization code (PKCE)'} flow`,
  );
  try {
    const flow = { ...world, oidc: await oidc.get(), openBrowser, cacheDir };
    const token = deviceCode
      ? await deviceLogin(sso, flow, options.browser === false, options.timeout !== undefined ? waitMs : undefined)
      : await authCodeLogin(sso, flow, {
          noBrowser: options.browser === false,
          noBrowserReason: cannotOpen,
          timeoutMs: waitMs,
        });
    world.stderr.write(
      `stsenv: signed in to ${printable(sso.startUrl)} (${printable(sso.label)}) until ${isoSeconds(token.expiresAt)}; the token is in ${tokenCacheFile(cacheDir, sso)}\n`,
    );
  } finally {
    await oidc.done();
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
    const logout =
      world.portalLogout ??
      (async (region: string, accessToken: string) =>
        (await import('./portal.js')).portalLogout(region, accessToken, world.env, world.debug));
    const failed = await logout(token.region, token.accessToken);
    if (failed)
      world.warn(
        `could not end the session at IAM Identity Center (${failed}); the token is removed here all the same`,
      );
  }
  return removeFile(path);
}

export async function ssoLogout(options: SsoLogoutOptions, world: SsoWorld): Promise<number> {
  const cacheDir = ssoCacheDirectory(world.env);
  const after =
    "credentials issued with it stay valid until they expire ('stsenv cache clear' forgets stsenv's copies)";
  if (options.all) {
    if (options.profile !== undefined || options.ssoSession !== undefined)
      throw usageError('give --all, or --profile / --sso-session, not both');
    const files = tokenFiles(cacheDir, world);
    for (const file of files) await signOut(file, world);
    world.stderr.write(
      `stsenv: removed ${files.length} SSO ${files.length === 1 ? 'token' : 'tokens'} from ${cacheDir}${files.length ? `; ${after}` : ''}\n`,
    );
    return 0;
  }
  // Nothing named and nothing cached: there is nothing to log out of, whatever the config says.
  if (options.profile === undefined && options.ssoSession === undefined && tokenFiles(cacheDir, world).length === 0) {
    world.stderr.write(`stsenv: nothing to log out of: no SSO token is cached in ${cacheDir}\n`);
    return 0;
  }
  const sso = await target(options, world.env, 'logout');
  const path = tokenCacheFile(cacheDir, sso);
  if (await signOut(path, world))
    world.stderr.write(
      `stsenv: signed out of ${printable(sso.startUrl)} (${printable(sso.label)}): removed ${path}; ${after}\n`,
    );
  else world.stderr.write(`stsenv: no SSO token was cached for ${printable(sso.label)} (${path})\n`);
  return 0;
}
