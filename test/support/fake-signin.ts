/**
 * A loopback stand-in for the AWS federation endpoint (signin.aws.amazon.com
 * /federation), beside the fake STS whose credentials it accepts:
 *
 * - `Action=getSigninToken&Session={"sessionId","sessionKey","sessionToken"}
 *   [&SessionDuration=N]` answers `{"SigninToken":"..."}` for credentials the
 *   fake STS issued and that have not expired. As the real endpoint (IAM User
 *   Guide, "Enable custom identity broker access to the AWS console") it
 *   refuses, with HTTP 400: GetSessionToken credentials; SessionDuration
 *   with GetFederationToken credentials, outside 900..43200, or above 3600
 *   for a role assumed with another role's credentials.
 * - `Action=login&Destination=...&SigninToken=...` redirects (302) to the
 *   destination for a token it gave, once.
 */
import { randomBytes } from 'node:crypto';
import { listenOnLoopback } from '../../src/server/loopback-server.js';
import type { IssuedCredentials } from './fake-sts.js';

export interface SigninRecord {
  action: string;
  /** getSigninToken: the key that signed in, and how. */
  accessKeyId?: string;
  issuedBy?: string;
  sessionDuration?: string;
  /** login: the parameters as sent. */
  params: Record<string, string>;
  status: number;
}

export interface FakeSignin {
  /** The federation endpoint, for --signin-url. */
  url: string;
  requests: SigninRecord[];
  /** Every SigninToken handed out. */
  tokens: string[];
  reset(): void;
  close(): Promise<void>;
}

function refuse(
  issued: IssuedCredentials | undefined,
  session: Record<string, unknown>,
  duration: string | undefined,
  now: Date,
): string | undefined {
  if (!issued) return 'unknown access key';
  if (session.sessionKey !== issued.secretAccessKey || session.sessionToken !== issued.sessionToken)
    return 'credentials do not match';
  if (issued.expiration.getTime() <= now.getTime()) return 'credentials expired';
  if (issued.action === 'GetSessionToken') return 'GetSessionToken credentials cannot sign in';
  if (duration === undefined) return undefined;
  if (issued.action === 'GetFederationToken') return 'SessionDuration with GetFederationToken credentials';
  const seconds = Number(duration);
  if (!/^\d+$/.test(duration) || seconds < 900 || seconds > 43_200) return 'SessionDuration out of range';
  if (issued.signerArn?.includes(':assumed-role/') && seconds > 3600)
    return 'SessionDuration above 1h for a chained role';
  return undefined;
}

/** `issued`: what the fake STS has issued so far (its `issued` list), read at each request. */
export async function startFakeSignin(issued: () => readonly IssuedCredentials[]): Promise<FakeSignin> {
  const requests: SigninRecord[] = [];
  const tokens: string[] = [];
  const unused = new Set<string>();

  const server = await listenOnLoopback((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://fake-signin.invalid');
    const params = Object.fromEntries(url.searchParams);
    const record: SigninRecord = { action: params.Action ?? '', params, status: 400 };
    requests.push(record);
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'Content-Length': Buffer.byteLength(body), ...headers }).end(body);
    };
    if (req.method !== 'GET' || url.pathname !== '/federation') return answer(404, 'not found\n');
    if (params.Action === 'getSigninToken') {
      let session: Record<string, unknown>;
      try {
        session = JSON.parse(params.Session ?? '') as Record<string, unknown>;
      } catch {
        return answer(400, 'Invalid Session parameter\n');
      }
      const credentials = issued().find((i) => i.accessKeyId === session.sessionId);
      record.accessKeyId = typeof session.sessionId === 'string' ? session.sessionId : undefined;
      record.issuedBy = credentials?.action;
      record.sessionDuration = params.SessionDuration;
      // The real endpoint's refusals are an HTML page; nothing in them matters to a client.
      if (refuse(credentials, session, params.SessionDuration, new Date()))
        return answer(400, 'Invalid credentials parameter\n');
      const token = randomBytes(48).toString('base64url');
      tokens.push(token);
      unused.add(token);
      return answer(200, JSON.stringify({ SigninToken: token }), { 'Content-Type': 'application/json' });
    }
    if (params.Action === 'login') {
      if (!params.SigninToken || !unused.delete(params.SigninToken) || !params.Destination)
        return answer(400, 'Invalid login request\n');
      return answer(302, '', { Location: params.Destination });
    }
    return answer(400, 'Unknown Action\n');
  });
  return {
    url: `http://127.0.0.1:${server.port}/federation`,
    requests,
    tokens,
    reset() {
      requests.length = 0;
    },
    close: server.close,
  };
}
