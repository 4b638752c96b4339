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
import { failure, type StsenvError } from '../errors.js';
import { printable as printableText } from '../text/printable.js';
import type { SsoTarget } from './config.js';
import { clientRegistration, storeToken, type FlowWorld } from './registration.js';
import type { DeviceAuthorization } from './oidc-api.js';

export type { DeviceAuthorization, IssuedToken, OidcApi, RegisterClientInput, TokenAttempt } from './oidc-api.js';
import type { SsoToken } from './token-cache.js';

export { REGISTRATION_MIN_REMAINING_MS } from './registration.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628: the interval when the server gives none, and what slow_down adds. */
export const DEFAULT_INTERVAL_SECONDS = 5;
export const SLOW_DOWN_SECONDS = 5;

export interface LoginWorld extends FlowWorld {
  sleep(ms: number): Promise<void>;
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

/** The one line a sign-in ends with when --timeout passes first. */
export function timedOut(timeoutMs: number): StsenvError {
  return failure(`no sign-in within ${Math.round(timeoutMs / 1000)} seconds: stopped waiting (--timeout)`, {
    code: 'SignInTimeout',
    hint: 'run stsenv sso login again, with a longer --timeout if you need more time',
  });
}

/**
 * Signs in and caches the token; returns it. Throws a StsenvError when the
 * request is denied, the code expires, or a call fails.
 */
export async function deviceLogin(
  target: SsoTarget,
  world: LoginWorld,
  noBrowser: boolean,
  timeoutMs?: number,
): Promise<SsoToken> {
  let { registration: client, reused } = await clientRegistration(target, world, 'device_code', false);
  let authorization = await world.oidc.startDeviceAuthorization({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    startUrl: target.startUrl,
  });
  if (!authorization && reused) {
    world.debug('the cached client registration was refused: registering again');
    client = (await clientRegistration(target, world, 'device_code', true)).registration;
    authorization = await world.oidc.startDeviceAuthorization({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      startUrl: target.startUrl,
    });
  }
  if (!authorization)
    throw failure(
      `StartDeviceAuthorization failed: ${world.oidc.endpoint} refused the new client registration (InvalidClientException)`,
      { code: 'InvalidClient', hint: 'check sso_region and the endpoint, then run stsenv sso login again' },
    );

  const started = world.now().getTime();
  const codeExpires = started + authorization.expiresIn * 1000;
  const limited = timeoutMs !== undefined && started + timeoutMs < codeExpires;
  const deadline = limited ? started + timeoutMs : codeExpires;
  let interval = authorization.interval ?? DEFAULT_INTERVAL_SECONDS;
  const input = { clientId: client.clientId, clientSecret: client.clientSecret, deviceCode: authorization.deviceCode };
  // The device may be approved already: one attempt before anything is shown (as the AWS CLI).
  let attempt = await world.oidc.createToken(input);
  if (attempt.outcome === 'pending' || attempt.outcome === 'slow_down') {
    const page = isWebUrl(authorization.verificationUriComplete)
      ? authorization.verificationUriComplete
      : authorization.verificationUri;
    const opening = !noBrowser && isWebUrl(page) && (await world.openBrowser(page));
    showCode(target, authorization, opening, world.stderr);
  }
  for (;;) {
    switch (attempt.outcome) {
      case 'token':
        return storeToken(target, client, attempt, world);
      case 'denied':
        throw failure(`the sign-in request was denied in the browser (AccessDeniedException)`, {
          code: 'AccessDenied',
          hint: 'run stsenv sso login again and approve the request, after checking that the code matches',
        });
      case 'expired':
        throw failure('the code expired before the request was approved (ExpiredTokenException)', {
          code: 'ExpiredToken',
          hint: 'run stsenv sso login again and approve the request within the time given',
        });
      case 'slow_down':
        interval += SLOW_DOWN_SECONDS;
        world.debug(`slow_down: polling every ${interval}s`);
        break;
      case 'pending':
        break;
    }
    if (world.now().getTime() + interval * 1000 > deadline) {
      if (limited) throw timedOut(timeoutMs);
      attempt = { outcome: 'expired' };
    } else {
      await world.sleep(interval * 1000);
      attempt = await world.oidc.createToken(input);
    }
  }
}
