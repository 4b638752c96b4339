/**
 * A credentials endpoint on 127.0.0.1 in the container-credentials protocol
 * that every AWS SDK and the AWS CLI speak, for `stsenv exec --server`:
 *
 * - The client reads AWS_CONTAINER_CREDENTIALS_FULL_URI and sends
 *   AWS_CONTAINER_AUTHORIZATION_TOKEN as the whole `Authorization` header, no
 *   scheme (@aws-sdk/credential-provider-http `fromHttp`; botocore
 *   `ContainerProvider._build_headers`), with a GET.
 * - Accepted hosts for a plain-http FULL_URI: the JS SDK takes 127.0.0.0/8,
 *   [::1] and localhost (`checkUrl`); botocore today any loopback address
 *   (`ContainerMetadataFetcher._validate_allowed_url`), but the botocore inside
 *   AWS CLI v2.9 only the exact hosts 169.254.170.2, localhost and 127.0.0.1.
 *   So the URL is http://127.0.0.1:PORT/, which all of them take.
 * - The answer is JSON with AccessKeyId, SecretAccessKey, Token and Expiration
 *   (RFC 3339); the JS SDK requires all four as strings. An error answer is
 *   JSON with Code and Message (what the JS SDK reads from a 4xx).
 *
 * The token is random per run and compared in constant time; a request
 * without it gets 401, with a wrong one 403. Credentials with at least
 * `minRemainingMs` left are served as they are; otherwise one renewal runs
 * (concurrent requests wait for the same one) through `getCredentials`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isoSeconds } from '../credentials.js';
import { printable } from '../text/printable.js';
import { listenOnLoopback } from './loopback-server.js';

export interface ServedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface EndpointOptions {
  /** New credentials; called for one renewal at a time. */
  getCredentials: () => Promise<ServedCredentials>;
  /** What the endpoint holds at start, if anything (stsenv gets them before the command starts). */
  initial?: ServedCredentials;
  /** Held credentials with less than this left are renewed first. */
  minRemainingMs: number;
  now: () => Date;
  /** Told once per failed renewal; prints one line for people. */
  onRenewalError: (error: unknown) => void;
  debug?: (message: string) => void;
}

export interface CredentialsEndpoint {
  /** AWS_CONTAINER_CREDENTIALS_FULL_URI */
  url: string;
  /** AWS_CONTAINER_AUTHORIZATION_TOKEN */
  token: string;
  /** Stops listening and drops every connection, kept-alive ones included. */
  close(): Promise<void>;
}

/** A message the endpoint may give a client: the renewal's own words, which never carry a secret. */
function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return printable(text.split('\n')[0]!);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export async function startCredentialsEndpoint(options: EndpointOptions): Promise<CredentialsEndpoint> {
  const token = randomBytes(32).toString('base64url');
  const expected = digest(token);
  let held = options.initial;
  let renewal: Promise<ServedCredentials> | undefined;
  const debug = options.debug ?? (() => {});

  /** Equal-length digests compared in constant time, whatever the length of what was sent. */
  const authorized = (header: string) => timingSafeEqual(digest(header), expected);

  function current(): Promise<ServedCredentials> {
    if (held && held.expiration.getTime() - options.now().getTime() >= options.minRemainingMs)
      return Promise.resolve(held);
    if (renewal) {
      debug('credentials endpoint: a request waits for the renewal under way');
      return renewal;
    }
    debug('credentials endpoint: renewing the credentials');
    renewal = options
      .getCredentials()
      .then(
        (fresh) => {
          held = fresh;
          debug(`credentials endpoint: renewed, valid until ${fresh.expiration.toISOString()}`);
          return fresh;
        },
        (error: unknown) => {
          options.onRenewalError(error);
          throw error;
        },
      )
      .finally(() => {
        renewal = undefined;
      });
    return renewal;
  }

  function send(res: ServerResponse, status: number, body: object): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers.authorization;
    if (header === undefined) {
      debug('credentials endpoint: a request without the token, refused (401)');
      return send(res, 401, {
        Code: 'Unauthorized',
        Message: 'the Authorization header (AWS_CONTAINER_AUTHORIZATION_TOKEN) is missing',
      });
    }
    if (!authorized(header)) {
      debug('credentials endpoint: a request with a wrong token, refused (403)');
      return send(res, 403, { Code: 'Forbidden', Message: "the Authorization header is not this endpoint's token" });
    }
    if (req.method !== 'GET') return send(res, 405, { Code: 'MethodNotAllowed', Message: 'only GET is served' });
    let credentials: ServedCredentials;
    try {
      credentials = await current();
    } catch (error) {
      return send(res, 502, {
        Code: 'RenewalFailed',
        Message: `stsenv could not renew the credentials: ${errorMessage(error)}`,
      });
    }
    send(res, 200, {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      Expiration: isoSeconds(credentials.expiration),
    });
  }

  const server = await listenOnLoopback((req, res) => {
    // The body is never read: drain it so the connection can be reused.
    req.resume();
    handle(req, res).catch(() => res.destroy());
  });
  debug(`credentials endpoint listening on 127.0.0.1:${server.port}`);
  return { url: `http://127.0.0.1:${server.port}/`, token, close: server.close };
}
