/**
 * IAM Identity Center sign-in with the OAuth 2.0 device authorization grant
 * (RFC 8628), step for step as the AWS CLI's SSOTokenFetcher does it:
 * RegisterClient (a public client, reused from the cache while it has more
 * than 15 minutes left), StartDeviceAuthorization, one CreateToken at once
 * (the device may be approved already), then the URL and code for the person,
 * then CreateToken every `interval` seconds until the code is approved,
 * denied or expired; `slow_down` adds 5 seconds to the interval (RFC 8628
 * section 3.5). The API is passed in (oidc.ts wraps the SDK's client), and
 * so are the clock and the waits: tests run the whole flow in-process.
 */
import type { Output } from '../context.js';
import { failure } from '../errors.js';
import { printable as printableText } from '../text/printable.js';
import type { SsoTarget } from './config.js';
import { readRegistration, registrationPath, tokenCacheFile, writeRegistration, writeToken, type CacheIo, type ClientRegistration, type SsoToken } from './token-cache.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628: the interval when the server gives none, and what slow_down adds. */
export const DEFAULT_INTERVAL_SECONDS = 5;
export const SLOW_DOWN_SECONDS = 5;
/** A registration this close to its end is replaced, as the AWS CLI does (_EXPIRY_WINDOW). */
export const REGISTRATION_MIN_REMAINING_MS = 15 * 60_000;

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
  interval?: number;
}

/** One CreateToken answer, the OAuth errors of the device grant as outcomes. */
export type TokenAttempt =
  | { outcome: 'token'; accessToken: string; expiresIn: number; refreshToken?: string }
  | { outcome: 'pending' | 'slow_down' | 'denied' | 'expired' };

/** The SSO OIDC calls the flow makes; any other error is thrown as a StsenvError. */
export interface OidcApi {
  /** The endpoint, for messages. */
  endpoint: string;
  registerClient(input: { clientName: string; scopes?: string[] }): Promise<{ clientId: string; clientSecret: string; clientSecretExpiresAt: number }>;
  /** undefined when the service no longer knows the client (InvalidClientException). */
  startDeviceAuthorization(input: { clientId: string; clientSecret: string; startUrl: string }): Promise<DeviceAuthorization | undefined>;
  createToken(input: { clientId: string; clientSecret: string; deviceCode: string }): Promise<TokenAttempt>;
}

export interface LoginWorld extends CacheIo {
  oidc: OidcApi;
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** Where the person reads the URL and the code. */
  stderr: Output;
  /** Opens the page in a browser when there is one; says whether it tried. */
  openBrowser(url: string): Promise<boolean>;
  cacheDir: string;
}

/** Server text on a terminal: one line, control characters made visible. */
const printable = (text: string) => printableText(text.trim());

function isWebUrl(text: string | undefined): text is string {
  if (!text) return false;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

async function registration(target: SsoTarget, world: LoginWorld, fresh: boolean): Promise<{ registration: ClientRegistration; reused: boolean }> {
  const path = registrationPath(world.cacheDir, target);
  if (!fresh) {
    const cached = readRegistration(path, world);
    const usable = cached && cached.expiresAt.getTime() - world.now().getTime() >= REGISTRATION_MIN_REMAINING_MS && !cached.grantTypes?.includes('authorization_code');
    if (usable) {
      world.debug(`reusing the client registration in ${path} (valid until ${cached.expiresAt.toISOString()})`);
      return { registration: cached, reused: true };
    }
  }
  // botocore's client name: the session's, or the time for the legacy format.
  const clientName = `stsenv-client-${target.sessionName ?? Math.floor(world.now().getTime() / 1000)}`;
  world.debug(`RegisterClient at ${world.oidc.endpoint} as ${clientName}${target.scopes ? ` with scopes ${target.scopes.join(',')}` : ''}`);
  const answer = await world.oidc.registerClient({ clientName, scopes: target.scopes });
  const created: ClientRegistration = { clientId: answer.clientId, clientSecret: answer.clientSecret, expiresAt: new Date(answer.clientSecretExpiresAt * 1000), scopes: target.scopes };
  try {
    writeRegistration(world.cacheDir, path, created, world);
  } catch (error) {
    world.warn(`could not keep the client registration in ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): the next sign-in registers again`);
  }
  return { registration: created, reused: false };
}

function showCode(target: SsoTarget, authorization: DeviceAuthorization, opening: boolean, stderr: Output): void {
  const uri = printable(authorization.verificationUri);
  const complete = authorization.verificationUriComplete && printable(authorization.verificationUriComplete);
  const lines = [
    `stsenv: to sign in to ${printable(target.startUrl)} (${target.label}), open this page:`,
    '',
    `    ${uri}`,
    '',
    'and enter the code:',
    '',
    `    ${printable(authorization.userCode)}`,
    '',
  ];
  if (opening) lines.push('Opening it in your browser now.');
  if (complete && complete !== uri) lines.push(`${opening ? 'Or' : 'Or open'} ${complete}, which fills in the code.`);
  lines.push('Waiting for you to approve the request...');
  stderr.write(`${lines.join('\n')}\n`);
}

/**
 * Signs in and caches the token; returns it. Throws a StsenvError when the
 * request is denied, the code expires, or a call fails.
 */
export async function deviceLogin(target: SsoTarget, world: LoginWorld, noBrowser: boolean): Promise<SsoToken> {
  let { registration: client, reused } = await registration(target, world, false);
  let authorization = await world.oidc.startDeviceAuthorization({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: target.startUrl });
  if (!authorization && reused) {
    world.debug('the cached client registration was refused: registering again');
    client = (await registration(target, world, true)).registration;
    authorization = await world.oidc.startDeviceAuthorization({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: target.startUrl });
  }
  if (!authorization) throw failure(`StartDeviceAuthorization failed: ${world.oidc.endpoint} refused the new client registration (InvalidClientException)`, { code: 'InvalidClient', hint: 'check sso_region and the endpoint, then run stsenv sso login again' });

  const started = world.now().getTime();
  const deadline = started + authorization.expiresIn * 1000;
  let interval = authorization.interval ?? DEFAULT_INTERVAL_SECONDS;
  const input = { clientId: client.clientId, clientSecret: client.clientSecret, deviceCode: authorization.deviceCode };
  // The device may be approved already: one attempt before anything is shown (as the AWS CLI).
  let attempt = await world.oidc.createToken(input);
  if (attempt.outcome === 'pending' || attempt.outcome === 'slow_down') {
    const page = isWebUrl(authorization.verificationUriComplete) ? authorization.verificationUriComplete : authorization.verificationUri;
    const opening = !noBrowser && isWebUrl(page) && (await world.openBrowser(page));
    showCode(target, authorization, opening, world.stderr);
  }
  for (;;) {
    switch (attempt.outcome) {
      case 'token': {
        const token: SsoToken = {
          startUrl: target.startUrl,
          region: target.region,
          accessToken: attempt.accessToken,
          expiresAt: new Date(world.now().getTime() + attempt.expiresIn * 1000),
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          registrationExpiresAt: client.expiresAt,
          refreshToken: attempt.refreshToken,
        };
        const path = tokenCacheFile(world.cacheDir, target);
        try {
          writeToken(world.cacheDir, path, token, world);
        } catch (error) {
          throw failure(`signed in, but could not write the token to ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { hint: 'check that ~/.aws/sso/cache is yours and writable, then run stsenv sso login again' });
        }
        return token;
      }
      case 'denied':
        throw failure(`the sign-in request was denied in the browser (AccessDeniedException)`, { code: 'AccessDenied', hint: 'run stsenv sso login again and approve the request, after checking that the code matches' });
      case 'expired':
        throw failure('the code expired before the request was approved (ExpiredTokenException)', { code: 'ExpiredToken', hint: 'run stsenv sso login again and approve the request within the time given' });
      case 'slow_down':
        interval += SLOW_DOWN_SECONDS;
        world.debug(`slow_down: polling every ${interval}s`);
        break;
      case 'pending':
        break;
    }
    if (world.now().getTime() + interval * 1000 > deadline) attempt = { outcome: 'expired' };
    else {
      await world.sleep(interval * 1000);
      attempt = await world.oidc.createToken(input);
    }
  }
}
