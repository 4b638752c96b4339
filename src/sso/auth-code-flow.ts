/**
 * IAM Identity Center sign-in with the OAuth 2.0 authorization code grant and
 * PKCE (RFC 7636), as the AWS CLI does it by default since 2.22
 * (botocore's SSOTokenFetcherAuth): a client registered for
 * authorization_code and refresh_token with the loopback redirect URI and the
 * start URL as issuer; the browser sent to the OIDC endpoint's /authorize
 * with response_type=code, the client id, the redirect URI with this run's
 * port, a random state, the S256 challenge of a random verifier and the
 * scopes; the code that comes back to 127.0.0.1 exchanged with the verifier.
 * A code cannot be phished the way a device code can: it only ever reaches
 * this machine, and is worthless without the verifier that never left it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { failure } from '../errors.js';
import type { SsoTarget } from './config.js';
import { listenForCallback } from './callback-server.js';
import { DEFAULT_SCOPES } from './config.js';
import { printable } from '../text/printable.js';
import { timedOut } from './device-flow.js';
import { clientRegistration, storeToken, type FlowWorld } from './registration.js';
import type { SsoToken } from './token-cache.js';

/** How long the AWS CLI waits for the browser to come back (AuthCodeFetcher._OVERALL_TIMEOUT). */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 10 * 60_000;

/** A verifier of 43 characters from 32 random bytes, and its S256 challenge (RFC 7636 section 4). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The page the browser opens: the endpoint's /authorize with this sign-in's parameters. */
export function authorizeUrl(
  endpoint: string,
  input: { clientId: string; redirectUri: string; state: string; challenge: string; scopes: readonly string[] },
): string {
  const url = new URL('authorize', endpoint.endsWith('/') ? endpoint : `${endpoint}/`);
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    state: input.state,
    code_challenge_method: 'S256',
    scopes: input.scopes.join(' '),
    code_challenge: input.challenge,
  });
  url.search = params.toString();
  return url.toString();
}

export interface AuthCodeOptions {
  noBrowser: boolean;
  /** Why no browser can open here, if so: said in the message. */
  noBrowserReason?: string;
  timeoutMs: number;
}

/** Signs in, caches the token and returns it; a StsenvError when refused, timed out, or a call fails. */
export async function authCodeLogin(target: SsoTarget, world: FlowWorld, options: AuthCodeOptions): Promise<SsoToken> {
  const started = Date.now();
  const { registration: client } = await clientRegistration(target, world, 'authorization_code', false);
  const state = randomUUID();
  const { verifier, challenge } = pkcePair();
  const server = await listenForCallback(state, world.debug);
  try {
    const url = authorizeUrl(world.oidc.endpoint, {
      clientId: client.clientId,
      redirectUri: server.redirectUri,
      state,
      challenge,
      scopes: target.scopes ?? DEFAULT_SCOPES,
    });
    const opened = !options.noBrowser && (await world.openBrowser(url));
    const lines = [
      `stsenv: to sign in to ${printable(target.startUrl)} (${target.label}), ${opened ? 'approve the request in the page that opened in your browser.' : 'open this page in a browser on this machine:'}`,
    ];
    if (!opened) {
      lines.push('', `    ${url}`, '');
      if (!options.noBrowser && options.noBrowserReason)
        lines.push(
          `(no browser opened: ${options.noBrowserReason}. If no browser on this machine can reach 127.0.0.1, use stsenv sso login --use-device-code.)`,
        );
    } else lines.push(`If it did not open, open ${url}`);
    lines.push('Waiting for the sign-in...');
    world.stderr.write(`${lines.join('\n')}\n`);
    const outcome = await server.wait(started + options.timeoutMs, () => timedOut(options.timeoutMs));
    if ('error' in outcome) {
      throw failure(`the sign-in was not approved in the browser (${outcome.error})`, {
        code: 'AccessDenied',
        hint: 'run stsenv sso login again and approve the request',
      });
    }
    const issued = await world.oidc.exchangeCode({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      code: outcome.code,
      codeVerifier: verifier,
      redirectUri: server.redirectUri,
    });
    return storeToken(target, client, issued, world);
  } finally {
    await server.close();
  }
}
