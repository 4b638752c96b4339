/**
 * A loopback stand-in for IAM Identity Center: the SSO OIDC API (RegisterClient,
 * StartDeviceAuthorization, CreateToken) and the SSO portal API
 * (GetRoleCredentials, Logout), both restJson1 (JSON over HTTP) the way the
 * AWS SDK for JavaScript v3 and botocore speak them. Errors carry the
 * `x-amzn-errortype` header and the OAuth `error` / `error_description` body
 * the real service sends, so the SDKs raise their modeled exceptions.
 *
 * One server answers both APIs (point AWS_ENDPOINT_URL_SSO_OIDC and
 * AWS_ENDPOINT_URL_SSO at `url`). Each device authorization follows a script
 * of CreateToken answers, by default "authorization_pending once, then a
 * token"; GetRoleCredentials and Logout check the bearer token. Like the fake
 * STS it records every request.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { listenLoopback, readBody } from './loopback-server.js';

/** One answer of CreateToken (device code grant) in a device authorization's script. */
export type DeviceStep = 'pending' | 'slow_down' | 'approve' | 'deny' | 'expire';

export type SsoOperation =
  | 'RegisterClient'
  | 'StartDeviceAuthorization'
  | 'CreateToken'
  | 'Authorize'
  | 'GetRoleCredentials'
  | 'ListAccounts'
  | 'ListAccountRoles'
  | 'Logout'
  | 'Unknown';

/** An account of the portal and the roles the signed-in person has in it. */
export interface FakeSsoAccount {
  accountId: string;
  accountName: string;
  emailAddress?: string;
  roles: string[];
}

/** What /authorize does with the next request: approve (redirect with a code), deny (redirect with error=access_denied). */
export type AuthorizeStep = 'approve' | 'deny';

export interface RecordedSsoRequest {
  operation: SsoOperation;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The JSON body, parsed ({} when empty). */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** x-amz-sso_bearer_token, for the portal API. */
  bearer?: string;
}

export interface FakeSsoRegistration {
  clientId: string;
  clientSecret: string;
  clientName: string;
  scopes?: string[];
  grantTypes?: string[];
  redirectUris?: string[];
  issuerUrl?: string;
  expiresAt: Date;
}

export interface FakeSsoToken {
  accessToken: string;
  refreshToken?: string;
  expiresAt: Date;
  clientId: string;
  revoked: boolean;
}

export interface RoleCredentialsIssued {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId: string;
  roleName: string;
}

export interface FakeSsoOptions {
  now?: () => Date;
  /** The polling interval StartDeviceAuthorization gives, in seconds (default 1). */
  interval?: number;
  /** Seconds an access token lasts (default 8 hours). */
  accessTokenSeconds?: number;
  /** Seconds a client registration lasts (default 90 days). */
  registrationSeconds?: number;
  /** Seconds a device code lasts (default 600). */
  deviceCodeSeconds?: number;
  port?: number;
  onRequest?: (request: RecordedSsoRequest) => void;
  /** The accounts and roles ListAccounts and ListAccountRoles give (default: one account with Admin). */
  accounts?: FakeSsoAccount[];
  /** Items per page of ListAccounts and ListAccountRoles, whatever max_result asks (default 2). */
  pageSize?: number;
}

export interface FakeSso {
  url: string;
  port: number;
  requests: RecordedSsoRequest[];
  requestsFor(operation: SsoOperation): RecordedSsoRequest[];
  registrations: FakeSsoRegistration[];
  tokens: FakeSsoToken[];
  roleCredentials: RoleCredentialsIssued[];
  /** The CreateToken answers of the next device authorization (default: pending, approve). */
  scriptNext(steps: DeviceStep[]): void;
  /** What the next /authorize requests do (default: approve). */
  authorizeNext(steps: AuthorizeStep[]): void;
  /** The portal's accounts, changeable between runs. */
  accounts: FakeSsoAccount[];
  /** Makes every access token issued so far invalid, as an administrator's revocation would. */
  revokeAll(): void;
  /** Empties the records and scripts; registrations and tokens stay valid. */
  reset(): void;
  close(): Promise<void>;
}

class SsoError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(type);
  }
}

/** An OAuth error of the SSO OIDC API: `{"error": "...", "error_description": "..."}`. */
function oauthError(type: string, error: string, description: string | null = null, status = 400): SsoError {
  return new SsoError(type, status, { error, error_description: description });
}

const DEFAULT_SCRIPT: DeviceStep[] = ['pending', 'approve'];
const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ';

function randomToken(prefix: string, bytes: number): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

function userCode(): string {
  const letters = [...randomBytes(8)].map((b) => USER_CODE_LETTERS[b % USER_CODE_LETTERS.length]).join('');
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}

function operationOf(method: string, path: string): SsoOperation {
  if (method === 'POST' && path === '/client/register') return 'RegisterClient';
  if (method === 'POST' && path === '/device_authorization') return 'StartDeviceAuthorization';
  if (method === 'POST' && path === '/token') return 'CreateToken';
  if (method === 'GET' && path === '/federation/credentials') return 'GetRoleCredentials';
  if (method === 'GET' && path === '/authorize') return 'Authorize';
  if (method === 'GET' && path === '/assignment/accounts') return 'ListAccounts';
  if (method === 'GET' && path === '/assignment/roles') return 'ListAccountRoles';
  if (method === 'POST' && path === '/logout') return 'Logout';
  return 'Unknown';
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '')
    throw oauthError('InvalidRequestException', 'invalid_request', `${field} is required`);
  return value;
}

interface Device {
  clientId: string;
  deviceCode: string;
  expiresAt: Date;
  script: DeviceStep[];
  used: boolean;
}

export async function startFakeSso(options: FakeSsoOptions = {}): Promise<FakeSso> {
  const now = options.now ?? (() => new Date());
  const requests: RecordedSsoRequest[] = [];
  const registrations: FakeSsoRegistration[] = [];
  const tokens: FakeSsoToken[] = [];
  const roleCredentials: RoleCredentialsIssued[] = [];
  const devices = new Map<string, Device>();
  let scripts: DeviceStep[][] = [];
  let authorizeSteps: AuthorizeStep[] = [];
  const accounts: FakeSsoAccount[] = options.accounts ?? [
    { accountId: '111122223333', accountName: 'Main', emailAddress: 'main@example.com', roles: ['Admin'] },
  ];
  const pageSize = options.pageSize ?? 2;
  /** Codes /authorize issued: each once, for its client, redirect URI and challenge. */
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; used: boolean }>();
  let counter = 0;

  const later = (seconds: number) => new Date(now().getTime() + seconds * 1000);

  function client(body: Record<string, unknown>): FakeSsoRegistration {
    const clientId = requireString(body, 'clientId');
    const clientSecret = requireString(body, 'clientSecret');
    const found = registrations.find((r) => r.clientId === clientId);
    if (!found || found.clientSecret !== clientSecret)
      throw oauthError('InvalidClientException', 'invalid_client', 'Invalid client', 401);
    if (found.expiresAt.getTime() <= now().getTime())
      throw oauthError('InvalidClientException', 'invalid_client', 'Client registration has expired', 401);
    return found;
  }

  function issueToken(registration: FakeSsoRegistration): Record<string, unknown> {
    const seconds = options.accessTokenSeconds ?? 8 * 3600;
    const token: FakeSsoToken = {
      accessToken: randomToken('aoaFAKE', 60),
      // As Identity Center does: a refresh token only for a client registered with scopes.
      refreshToken: registration.scopes?.length ? randomToken('aorFAKE', 60) : undefined,
      expiresAt: later(seconds),
      clientId: registration.clientId,
      revoked: false,
    };
    tokens.push(token);
    return {
      accessToken: token.accessToken,
      tokenType: 'Bearer',
      expiresIn: seconds,
      ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
    };
  }

  function bearerToken(bearer: string | undefined): FakeSsoToken {
    const token = tokens.find((t) => t.accessToken === bearer);
    if (!token || token.revoked || token.expiresAt.getTime() <= now().getTime()) {
      throw new SsoError('UnauthorizedException', 401, { message: 'Session token not found or invalid' });
    }
    return token;
  }

  function createToken(body: Record<string, unknown>): Record<string, unknown> {
    const registration = client(body);
    const grantType = requireString(body, 'grantType');
    if (grantType === 'refresh_token') {
      const old = tokens.find(
        (t) =>
          t.refreshToken !== undefined && t.refreshToken === body.refreshToken && t.clientId === registration.clientId,
      );
      if (!old || old.revoked)
        throw oauthError('InvalidGrantException', 'invalid_grant', 'Invalid refresh token provided');
      old.revoked = true;
      return issueToken(registration);
    }
    if (grantType === 'authorization_code') {
      if (!registration.grantTypes?.includes('authorization_code'))
        throw oauthError(
          'UnauthorizedClientException',
          'unauthorized_client',
          'Client is not registered for authorization_code',
        );
      const issued = codes.get(requireString(body, 'code'));
      if (!issued || issued.used || issued.clientId !== registration.clientId)
        throw oauthError('InvalidGrantException', 'invalid_grant', 'Invalid authorization code provided');
      issued.used = true;
      if (body.redirectUri !== issued.redirectUri)
        throw oauthError('InvalidGrantException', 'invalid_grant', 'redirectUri does not match');
      const verifier = requireString(body, 'codeVerifier');
      if (createHash('sha256').update(verifier).digest('base64url') !== issued.challenge)
        throw oauthError('InvalidGrantException', 'invalid_grant', 'Code verifier does not match');
      return issueToken(registration);
    }
    if (grantType !== 'urn:ietf:params:oauth:grant-type:device_code')
      throw oauthError('UnsupportedGrantTypeException', 'unsupported_grant_type');
    const device = devices.get(requireString(body, 'deviceCode'));
    if (!device || device.clientId !== registration.clientId || device.used)
      throw oauthError('InvalidGrantException', 'invalid_grant', 'Invalid device code provided');
    if (device.expiresAt.getTime() <= now().getTime()) throw oauthError('ExpiredTokenException', 'expired_token');
    const step = device.script.length > 1 ? device.script.shift()! : (device.script[0] ?? 'approve');
    switch (step) {
      case 'pending':
        throw oauthError('AuthorizationPendingException', 'authorization_pending');
      case 'slow_down':
        throw oauthError('SlowDownException', 'slow_down');
      case 'deny':
        throw oauthError('AccessDeniedException', 'access_denied');
      case 'expire':
        throw oauthError('ExpiredTokenException', 'expired_token');
      case 'approve':
        device.used = true;
        return issueToken(registration);
    }
  }

  /** One page of a list: `nextToken` is the index of the next item, as an opaque-looking string. */
  function page(items: unknown[], token: string | undefined, key: string): Record<string, unknown> {
    const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString());
    if (!Number.isInteger(start) || start < 0 || start > items.length)
      throw new SsoError('InvalidRequestException', 400, { message: 'bad next_token' });
    const end = start + pageSize;
    return {
      [key]: items.slice(start, end),
      ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64url') } : {}),
    };
  }

  /**
   * The browser's visit to /authorize: checks what the authorization code flow must send and
   * redirects to the client's loopback callback with a code (or access_denied) and the state.
   */
  function authorize(query: Record<string, string>, res: ServerResponse): void {
    const fail = (why: string) => {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`fake-sso: ${why}`);
    };
    const registration = registrations.find((r) => r.clientId === query.client_id);
    if (!registration?.grantTypes?.includes('authorization_code')) {
      fail('unknown client, or not registered for authorization_code');
      return;
    }
    if (query.response_type !== 'code') {
      fail('response_type must be code');
      return;
    }
    if (query.code_challenge_method !== 'S256' || !query.code_challenge) {
      fail('an S256 code_challenge is required');
      return;
    }
    if (!query.state) {
      fail('state is required');
      return;
    }
    let redirect: URL;
    try {
      redirect = new URL(query.redirect_uri ?? '');
    } catch {
      fail('redirect_uri is not a URL');
      return;
    }
    // A loopback redirect URI matches the registered one whatever its port (RFC 8252 section 7.3).
    const registered = registration.redirectUris?.some((uri) => {
      const r = new URL(uri);
      return r.protocol === redirect.protocol && r.hostname === redirect.hostname && r.pathname === redirect.pathname;
    });
    if (!registered || redirect.hostname !== '127.0.0.1') {
      fail('redirect_uri is not registered');
      return;
    }
    const step = authorizeSteps.shift() ?? 'approve';
    if (step === 'deny') {
      redirect.search = new URLSearchParams({ error: 'access_denied', state: query.state }).toString();
    } else {
      const code = randomToken('fakecode', 24);
      codes.set(code, {
        clientId: registration.clientId,
        redirectUri: redirect.toString().split('?')[0]!,
        challenge: query.code_challenge,
        used: false,
      });
      redirect.search = new URLSearchParams({ code, state: query.state }).toString();
    }
    res.writeHead(302, { Location: redirect.toString() });
    res.end();
  }

  function run(request: RecordedSsoRequest, baseUrl: string): Record<string, unknown> {
    const body = request.body;
    switch (request.operation) {
      case 'RegisterClient': {
        const clientName = requireString(body, 'clientName');
        if (body.clientType !== 'public')
          throw oauthError('InvalidClientMetadataException', 'invalid_client_metadata', 'clientType must be public');
        const scopes = Array.isArray(body.scopes) ? body.scopes.map(String) : undefined;
        const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : undefined);
        const grantTypes = strings(body.grantTypes);
        if (grantTypes?.includes('authorization_code')) {
          // As Identity Center: the authorization code grant needs a redirect URI and the issuer.
          if (!strings(body.redirectUris)?.length || typeof body.issuerUrl !== 'string')
            throw oauthError(
              'InvalidRequestException',
              'invalid_request',
              'redirectUris and issuerUrl are required for authorization_code',
            );
        }
        const registration: FakeSsoRegistration = {
          clientId: randomToken('fakeclient', 16),
          clientSecret: randomToken('fakesecret', 300),
          clientName,
          scopes,
          grantTypes,
          redirectUris: strings(body.redirectUris),
          issuerUrl: typeof body.issuerUrl === 'string' ? body.issuerUrl : undefined,
          expiresAt: new Date(Math.floor(later(options.registrationSeconds ?? 90 * 86400).getTime() / 1000) * 1000),
        };
        registrations.push(registration);
        return {
          clientId: registration.clientId,
          clientSecret: registration.clientSecret,
          clientIdIssuedAt: Math.floor(now().getTime() / 1000),
          clientSecretExpiresAt: registration.expiresAt.getTime() / 1000,
        };
      }
      case 'StartDeviceAuthorization': {
        const registration = client(body);
        requireString(body, 'startUrl');
        const code = userCode();
        const device: Device = {
          clientId: registration.clientId,
          deviceCode: randomToken('fakedevice', 40),
          expiresAt: later(options.deviceCodeSeconds ?? 600),
          script: [...(scripts.shift() ?? DEFAULT_SCRIPT)],
          used: false,
        };
        devices.set(device.deviceCode, device);
        return {
          deviceCode: device.deviceCode,
          userCode: code,
          verificationUri: `${baseUrl}/start/#/device`,
          verificationUriComplete: `${baseUrl}/start/#/device?user_code=${code}`,
          expiresIn: options.deviceCodeSeconds ?? 600,
          interval: options.interval ?? 1,
        };
      }
      case 'CreateToken':
        return createToken(body);
      case 'GetRoleCredentials': {
        bearerToken(request.bearer);
        const roleName = request.query.role_name;
        const accountId = request.query.account_id;
        if (!roleName || !accountId)
          throw new SsoError('InvalidRequestException', 400, { message: 'role_name and account_id are required' });
        const issued: RoleCredentialsIssued = {
          accessKeyId: `ASIASSO${String(++counter).padStart(4, '0')}${randomBytes(6).toString('hex').toUpperCase().slice(0, 9)}`,
          secretAccessKey: randomBytes(30).toString('base64'),
          sessionToken: `IQoJSSOFAKE${randomBytes(300).toString('base64')}`,
          expiration: new Date(Math.floor(later(3600).getTime() / 1000) * 1000),
          accountId,
          roleName,
        };
        roleCredentials.push(issued);
        return {
          roleCredentials: {
            accessKeyId: issued.accessKeyId,
            secretAccessKey: issued.secretAccessKey,
            sessionToken: issued.sessionToken,
            expiration: issued.expiration.getTime(),
          },
        };
      }
      case 'ListAccounts': {
        bearerToken(request.bearer);
        return page(
          accounts.map(({ accountId, accountName, emailAddress }) => ({ accountId, accountName, emailAddress })),
          request.query.next_token,
          'accountList',
        );
      }
      case 'ListAccountRoles': {
        bearerToken(request.bearer);
        const account = accounts.find((a) => a.accountId === request.query.account_id);
        if (!account) throw new SsoError('ResourceNotFoundException', 404, { message: 'account not found' });
        return page(
          account.roles.map((roleName) => ({ roleName, accountId: account.accountId })),
          request.query.next_token,
          'roleList',
        );
      }
      case 'Authorize':
        throw new SsoError('InternalServerException', 500, {
          message: 'fake-sso bug: /authorize is answered before run()',
        });
      case 'Logout': {
        bearerToken(request.bearer).revoked = true;
        return {};
      }
      case 'Unknown':
        throw new SsoError('UnknownOperationException', 404, {
          message: `fake-sso implements no ${request.method} ${request.path}`,
        });
    }
  }

  function send(res: ServerResponse, status: number, body: Record<string, unknown>, errorType?: string): void {
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': randomBytes(16).toString('hex'),
    };
    if (errorType) headers['x-amzn-ErrorType'] = errorType;
    res.writeHead(status, headers);
    res.end(text);
  }

  let baseUrl = '';
  const server = await listenLoopback(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-sso.invalid');
    const text = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return send(
        res,
        400,
        { error: 'invalid_request', error_description: 'body is not JSON' },
        'InvalidRequestException',
      );
    }
    const bearer = req.headers['x-amz-sso_bearer_token'];
    const request: RecordedSsoRequest = {
      operation: operationOf(req.method ?? '', url.pathname),
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: req.headers,
      bearer: Array.isArray(bearer) ? bearer[0] : bearer,
    };
    requests.push(request);
    options.onRequest?.(request);
    if (request.operation === 'Authorize') return authorize(request.query, res);
    try {
      send(res, 200, run(request, baseUrl));
    } catch (e) {
      const err =
        e instanceof SsoError
          ? e
          : new SsoError('InternalServerException', 500, {
              error: 'server_error',
              error_description: `fake-sso bug: ${String(e)}`,
            });
      send(res, err.status, err.body, err.type);
    }
  }, options.port ?? 0);
  baseUrl = server.url;
  let closed = false;

  return {
    url: server.url,
    port: server.port,
    requests,
    requestsFor: (operation) => requests.filter((r) => r.operation === operation),
    registrations,
    tokens,
    roleCredentials,
    scriptNext(steps) {
      scripts.push(steps);
    },
    authorizeNext(steps) {
      authorizeSteps.push(...steps);
    },
    accounts,
    revokeAll() {
      for (const token of tokens) token.revoked = true;
    },
    reset() {
      requests.length = 0;
      roleCredentials.length = 0;
      scripts = [];
      authorizeSteps = [];
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return server.close();
    },
  };
}
