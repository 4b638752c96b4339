/**
 * A loopback stand-in for AWS STS, speaking the Query protocol the way the
 * AWS SDK for JavaScript v3 and botocore (AWS CLI v2) do: form-encoded
 * `Action=...&Version=2011-06-15&...` in, namespaced XML out.
 *
 * It is deliberately strict where STS is strict (parameter validation,
 * "signed" requirements, session-token checks for keys it issued) so tests
 * exercise the same failure paths as production, and deliberately lax where
 * a test fake has no business being picky (no SigV4 signature verification,
 * any URL path, any web identity token).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { listenLoopback, readBody } from './loopback-server.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const API_VERSION = '2011-06-15';
const DEFAULT_ACCOUNT = '123456789012';

// ---------------------------------------------------------------- public API

export type FaultErrorCode =
  | 'AccessDenied'
  | 'ExpiredToken'
  | 'InvalidClientTokenId'
  | 'SignatureDoesNotMatch'
  | 'Throttling'
  | 'InternalFailure'
  | 'ServiceUnavailable'
  | 'RegionDisabledException'
  | 'InvalidIdentityToken'
  | 'ValidationError';

export type CredentialField = 'AccessKeyId' | 'SecretAccessKey' | 'SessionToken' | 'Expiration';

export type Fault =
  | { error: FaultErrorCode; message?: string }
  | { status: number; body: string }
  | { hang: true }
  | { delayMs: number }
  | { omit: CredentialField[] }
  | { expiration: Date }
  | { hostile: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string } };

export interface RecordedRequest {
  action: string;
  /** Every decoded form/query field as sent, e.g. `Tags.member.1.Key`, including Action and Version. */
  params: Record<string, string>;
  accessKeyId?: string;
  signed: boolean;
  method: string;
  headers: IncomingHttpHeaders;
  time: number;
}

export interface IssuedCredentials {
  action: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  arn: string;
  /** Who signed the request that got them (role chaining shows as an assumed-role ARN). */
  signerArn?: string;
}

export interface FakeStsOptions {
  /** Account of the base user (the caller of unknown keys). Default 123456789012. */
  account?: string;
  /** DurationSeconds used when a request has none; default is STS's per-operation default. */
  durationDefault?: number;
  /** Clock for Expiration and for expiring issued keys. */
  now?: () => Date;
  /** Listening port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** How far ahead (negative: behind) of this machine's clock the Date header of every answer is. */
  dateSkewMs?: number;
  /** Called after each request is recorded (the standalone runner logs with it). */
  onRequest?: (request: RecordedRequest) => void;
}

export interface FakeSts {
  url: string;
  port: number;
  requests: RecordedRequest[];
  issued: IssuedCredentials[];
  requestsFor(action: string): RecordedRequest[];
  failNext(fault: Fault, count?: number): void;
  failAlways(fault: Fault): void;
  /** Sets how far the Date header of every answer is from this machine's clock (reset() puts it back to 0). */
  skewDate(ms: number): void;
  /** Drops faults and empties `requests`/`issued` in place; keys already issued keep working. */
  reset(): void;
  close(): Promise<void>;
}

/** Items of a scalar list param, e.g. `TransitiveTagKeys.member.N`, in index order. */
export function listValues(params: Record<string, string>, name: string): string[] {
  const re = new RegExp(`^${name}\\.member\\.(\\d+)$`);
  return indexed(params, re).map(([, value]) => value);
}

/** Items of a structure list param, e.g. `Tags.member.N.Key` / `.Value`, in index order. */
export function listStructs(params: Record<string, string>, name: string): Record<string, string>[] {
  const re = new RegExp(`^${name}\\.member\\.(\\d+)\\.(.+)$`);
  const byIndex = new Map<number, Record<string, string>>();
  for (const [key, value] of Object.entries(params)) {
    const m = re.exec(key);
    if (!m) continue;
    const item = byIndex.get(Number(m[1])) ?? {};
    item[m[2]!] = value;
    byIndex.set(Number(m[1]), item);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
}

function indexed(params: Record<string, string>, re: RegExp): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const [key, value] of Object.entries(params)) {
    const m = re.exec(key);
    if (m) out.push([Number(m[1]), value]);
  }
  return out.sort(([a], [b]) => a - b);
}

// ---------------------------------------------------------------- errors

class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = ERROR_STATUS[code] ?? 400,
  ) {
    super(message);
  }
}

// Statuses as STS sends them; the SDK's retry logic keys off code and status.
const ERROR_STATUS: Record<string, number> = {
  AccessDenied: 403,
  ExpiredToken: 403,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  MissingAuthenticationToken: 403,
  RegionDisabledException: 403,
  Throttling: 400,
  ValidationError: 400,
  MalformedPolicyDocument: 400,
  InvalidIdentityToken: 400,
  InvalidAction: 400,
  MissingAction: 400,
  InternalFailure: 500,
  ServiceUnavailable: 503,
};

function defaultMessage(code: FaultErrorCode, action: string, callerArn: string, account: string): string {
  switch (code) {
    case 'AccessDenied':
      return `User: ${callerArn} is not authorized to perform: sts:${action}`;
    case 'ExpiredToken':
      return 'The security token included in the request is expired';
    case 'InvalidClientTokenId':
      return 'The security token included in the request is invalid.';
    case 'SignatureDoesNotMatch':
      return 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
    case 'Throttling':
      return 'Rate exceeded';
    case 'InternalFailure':
      return 'The request processing has failed because of an unknown error, exception or failure.';
    case 'ServiceUnavailable':
      return 'The request has failed due to a temporary failure of the server.';
    case 'RegionDisabledException':
      return `STS is not activated in this region for account:${account}. Your account administrator can activate STS in this region using the IAM Console.`;
    case 'ValidationError':
      return 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.';
    case 'InvalidIdentityToken':
      return "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";
  }
}

// ---------------------------------------------------------------- XML writer

// XML 1.0 cannot carry most control characters even as references, but the
// SDK's parser decodes them, and \r must be a reference because parsers turn a
// literal \r into \n. Everything else (smart quotes, emoji) goes out as UTF-8:
// the SDK decodes numeric references with fromCharCode, which breaks astral
// characters.
function escapeXml(value: string): string {
  return value.replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#${c.charCodeAt(0)};`;
    }
  });
}

/** `<name>escaped text</name>`, or nothing when the value is absent (STS omits empty optionals). */
function text(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

function node(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

function responseXml(action: string, result: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${XMLNS}">` +
    node(`${action}Result`, result) +
    node('ResponseMetadata', text('RequestId', requestId)) +
    `</${action}Response>\n`
  );
}

function errorXml(err: StsError, requestId: string): string {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${XMLNS}">` +
    node('Error', text('Type', type), text('Code', err.code), text('Message', err.message)) +
    text('RequestId', requestId) +
    '</ErrorResponse>\n'
  );
}

/** STS prints timestamps to the second: 2026-01-02T03:04:05Z. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------- request parsing

interface ParsedRequest {
  action: string;
  params: Record<string, string>;
  accessKeyId?: string;
  signed: boolean;
  /** An Authorization header we could not read a Credential= out of. */
  authMalformed: boolean;
  securityToken?: string;
}

// defineProperty so a hostile `__proto__=...` field is just a field.
function setParam(params: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
}

function parseRequest(req: IncomingMessage, body: string): ParsedRequest {
  const url = new URL(req.url ?? '/', 'http://fake-sts.invalid');
  const params: Record<string, string> = {};
  // The Query protocol reads fields from the query string (botocore may GET,
  // presigned URLs carry X-Amz-*) and from the form body; the body wins.
  for (const [k, v] of url.searchParams) setParam(params, k, v);
  if (req.method !== 'GET') for (const [k, v] of new URLSearchParams(body)) setParam(params, k, v);

  const header = firstHeader(req.headers.authorization);
  const presigned = params['X-Amz-Signature'] !== undefined;
  const credential =
    header !== undefined ? /Credential=([^/\s,]+)\//.exec(header)?.[1] : params['X-Amz-Credential']?.split('/')[0];
  return {
    action: params.Action ?? '',
    params,
    accessKeyId: credential,
    signed: header !== undefined || presigned,
    authMalformed: header !== undefined && credential === undefined,
    securityToken: firstHeader(req.headers['x-amz-security-token']) ?? params['X-Amz-Security-Token'],
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// ---------------------------------------------------------------- validation

const NAME_PATTERN = /^[\w+=,.@-]*$/;
const ROLE_ARN_SHAPE = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
}

/**
 * Collects constraint violations and reports them all at once, worded like
 * STS: "2 validation errors detected: Value 'x' at 'roleSessionName' ...; ...".
 */
class Validator {
  private readonly violations: string[] = [];
  constructor(private readonly params: Record<string, string>) {}

  string(field: string, rule: StringRule): string | undefined {
    const value = this.params[field];
    const at = `at '${field[0]!.toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must`;
    if (value === undefined) {
      if (rule.required) this.violations.push(`Value null ${at} not be null`);
      return undefined;
    }
    if (rule.min !== undefined && value.length < rule.min)
      this.violations.push(`Value '${value}' ${at} have length greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && value.length > rule.max)
      this.violations.push(`Value '${value}' ${at} have length less than or equal to ${rule.max}`);
    if (rule.pattern && !rule.pattern.test(value)) {
      const shown = rule.pattern.source.replace(/^\^/, '').replace(/\$$/, '');
      this.violations.push(`Value '${value}' ${at} satisfy regular expression pattern: ${shown}`);
    }
    return value;
  }

  integer(field: string, min: number, max: number): number | undefined {
    const raw = this.params[field];
    if (raw === undefined) return undefined;
    const at = `at '${field[0]!.toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must`;
    if (!/^-?\d+$/.test(raw)) {
      this.violations.push(`Value '${raw}' ${at} be an integer`);
      return undefined;
    }
    const n = Number(raw);
    if (n < min) this.violations.push(`Value '${raw}' ${at} have value greater than or equal to ${min}`);
    if (n > max) this.violations.push(`Value '${raw}' ${at} have value less than or equal to ${max}`);
    return n;
  }

  count(field: string, n: number, max: number): void {
    if (n > max)
      this.violations.push(
        `Value '[${n} items]' at '${field[0]!.toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
  }

  done(): void {
    const n = this.violations.length;
    if (n > 0)
      throw new StsError(
        'ValidationError',
        `${n} validation error${n === 1 ? '' : 's'} detected: ${this.violations.join('; ')}`,
      );
  }
}

/** Session policy fields shared by AssumeRole and AssumeRoleWithWebIdentity. */
function checkSessionPolicies(v: Validator, params: Record<string, string>): void {
  v.string('Policy', { min: 1, max: 2048 });
  const arns = listStructs(params, 'PolicyArns');
  v.count('PolicyArns', arns.length, 10);
  for (let i = 0; i < arns.length; i++)
    v.string(`PolicyArns.member.${i + 1}.arn`, { required: true, min: 20, max: 2048 });
}

function checkTags(v: Validator, params: Record<string, string>): void {
  const tags = listStructs(params, 'Tags');
  v.count('Tags', tags.length, 50);
  for (let i = 0; i < tags.length; i++) {
    v.string(`Tags.member.${i + 1}.Key`, { required: true, min: 1, max: 128 });
    v.string(`Tags.member.${i + 1}.Value`, { required: true, max: 256 });
  }
  v.count('TransitiveTagKeys', listValues(params, 'TransitiveTagKeys').length, 50);
}

/** Checks that only make sense once the basic constraints hold, in STS's order. */
function checkSemantics(params: Record<string, string>): void {
  const arn = params.RoleArn;
  if (arn !== undefined && !ROLE_ARN_SHAPE.test(arn)) throw new StsError('ValidationError', 'Request ARN is invalid');
  if ((params.TokenCode === undefined) !== (params.SerialNumber === undefined)) {
    throw new StsError(
      'ValidationError',
      'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.',
    );
  }
  if (params.Policy !== undefined) {
    try {
      JSON.parse(params.Policy);
    } catch {
      // STS answers a syntactically broken session policy with this code, not ValidationError.
      throw new StsError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    }
  }
}

// ---------------------------------------------------------------- identities and credentials

interface Identity {
  arn: string;
  userId: string;
  account: string;
  /** Set for keys this fake issued: requests signed with them must carry it. */
  sessionToken?: string;
  expiration?: Date;
  fromSession: boolean;
}

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomUpper(n: number): string {
  return [...randomBytes(n)].map((b) => ALNUM_UPPER[b % ALNUM_UPPER.length]).join('');
}

/** Stable per role, like IAM's role ids: AROA + 17 characters. */
function roleId(roleArn: string): string {
  const digest = createHash('sha256').update(roleArn).digest();
  return `AROA${[...digest.subarray(0, 17)].map((b) => ALNUM_UPPER[b % ALNUM_UPPER.length]).join('')}`;
}

function assumedRole(roleArn: string, session: string): Identity {
  const [, account, name] = ROLE_ARN_SHAPE.exec(roleArn)!;
  const partition = roleArn.split(':')[1]!;
  return {
    arn: `arn:${partition}:sts::${account}:assumed-role/${name}/${session}`,
    userId: `${roleId(roleArn)}:${session}`,
    account: account!,
    fromSession: true,
  };
}

/** A rough stand-in for STS's "percentage of the packed policy allowance". */
function packedPolicySize(params: Record<string, string>): number | undefined {
  const arns = listStructs(params, 'PolicyArns');
  const tags = listStructs(params, 'Tags');
  if (params.Policy === undefined && arns.length === 0 && tags.length === 0) return undefined;
  const bytes =
    (params.Policy?.length ?? 0) / 3 +
    arns.length * 40 +
    tags.reduce((n, t) => n + (t.Key?.length ?? 0) + (t.Value?.length ?? 0), 0);
  return Math.max(1, Math.ceil((100 * bytes) / 2048));
}

function decodeJwtClaims(token: string): Record<string, unknown> {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------- faults

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

// Credential-shaping faults wait for a response that carries credentials, so
// a GetCallerIdentity (or a validation failure) in between does not use them up.
function shapesCredentials(fault: Fault): boolean {
  return 'omit' in fault || 'expiration' in fault || 'hostile' in fault;
}

class Faults {
  private queue: QueuedFault[] = [];
  private always: Fault | undefined;

  next(fault: Fault, count: number): void {
    if (count > 0) this.queue.push({ fault, remaining: count });
  }
  setAlways(fault: Fault): void {
    this.always = fault;
  }
  clear(): void {
    this.queue = [];
    this.always = undefined;
  }
  take(forCredentials: boolean): Fault | undefined {
    const entry = this.queue.find((q) => shapesCredentials(q.fault) === forCredentials);
    if (entry) {
      if (--entry.remaining === 0) this.queue.splice(this.queue.indexOf(entry), 1);
      return entry.fault;
    }
    return this.always && shapesCredentials(this.always) === forCredentials ? this.always : undefined;
  }
}

// ---------------------------------------------------------------- operations

class StsState {
  readonly requests: RecordedRequest[] = [];
  readonly issued: IssuedCredentials[] = [];
  readonly faults = new Faults();
  private readonly identities = new Map<string, Identity>();
  private counter = 0;

  constructor(
    readonly account: string,
    readonly now: () => Date,
    private readonly durationDefault: number | undefined,
  ) {}

  /** For AccessDenied-style messages: who STS would say the caller is. */
  arnFor(accessKeyId: string | undefined): string {
    if (!accessKeyId) return 'anonymous';
    return this.identities.get(accessKeyId)?.arn ?? this.baseUser(accessKeyId).arn;
  }

  baseUser(accessKeyId: string): Identity {
    return {
      arn: `arn:aws:iam::${this.account}:user/base-user`,
      userId: accessKeyId,
      account: this.account,
      fromSession: false,
    };
  }

  /** Who signed the request, enforcing what STS enforces for session keys. */
  caller(req: ParsedRequest): Identity | undefined {
    if (!req.signed) return undefined;
    if (req.authMalformed || !req.accessKeyId)
      throw new StsError('InvalidClientTokenId', 'The security token included in the request is invalid.');
    const known = this.identities.get(req.accessKeyId);
    if (!known) return this.baseUser(req.accessKeyId);
    if (req.securityToken !== known.sessionToken)
      throw new StsError('InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (known.expiration && known.expiration.getTime() <= this.now().getTime()) {
      throw new StsError('ExpiredToken', 'The security token included in the request is expired');
    }
    return known;
  }

  /** Mints unique credentials for `identity`, applying any credential-shaping fault. Returns the Credentials XML. */
  issue(
    action: string,
    identity: Identity,
    durationSeconds: number | undefined,
    fallbackDuration: number,
    signer?: Identity,
  ): string {
    const fault = this.faults.take(true);
    const n = ++this.counter;
    const seconds = durationSeconds ?? this.durationDefault ?? fallbackDuration;
    let accessKeyId = `ASIA${n.toString(36).toUpperCase().padStart(4, '0').slice(-4)}${randomUpper(12)}`;
    let secretAccessKey = randomBytes(30).toString('base64'); // 40 chars of [A-Za-z0-9+/]
    // Real tokens are long base64 with + / and padding: good for quoting tests.
    let sessionToken = `IQoJb3JpZ2luX2Vj${randomBytes(400 + (n % 3)).toString('base64')}`;
    // Whole seconds, as on the wire, so `issued` equals what clients parse.
    let expiration = new Date(Math.floor(this.now().getTime() / 1000) * 1000 + seconds * 1000);
    if (fault && 'hostile' in fault) {
      accessKeyId = fault.hostile.accessKeyId ?? accessKeyId;
      secretAccessKey = fault.hostile.secretAccessKey ?? secretAccessKey;
      sessionToken = fault.hostile.sessionToken ?? sessionToken;
    }
    if (fault && 'expiration' in fault) expiration = new Date(Math.floor(fault.expiration.getTime() / 1000) * 1000);
    const omit = new Set(fault && 'omit' in fault ? fault.omit : []);

    this.identities.set(accessKeyId, { ...identity, sessionToken, expiration });
    this.issued.push({
      action,
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiration,
      arn: identity.arn,
      signerArn: signer?.arn,
    });

    const field = (name: CredentialField, value: string) => (omit.has(name) ? '' : text(name, value));
    return node(
      'Credentials',
      field('AccessKeyId', accessKeyId),
      field('SecretAccessKey', secretAccessKey),
      field('SessionToken', sessionToken),
      field('Expiration', isoSeconds(expiration)),
    );
  }
}

type Operation = (state: StsState, params: Record<string, string>, caller: Identity | undefined) => string;

function requireSigned(caller: Identity | undefined): Identity {
  if (!caller) throw new StsError('MissingAuthenticationToken', 'Request is missing Authentication Token');
  return caller;
}

const assumeRole: Operation = (state, params, caller) => {
  const signer = requireSigned(caller);
  const v = new Validator(params);
  const roleArn = v.string('RoleArn', { required: true, min: 20, max: 2048 });
  const session = v.string('RoleSessionName', { required: true, min: 2, max: 64, pattern: NAME_PATTERN });
  const duration = v.integer('DurationSeconds', 900, 43200);
  v.string('ExternalId', { min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/ });
  v.string('SerialNumber', { min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/ });
  v.string('TokenCode', { min: 6, max: 6, pattern: /^\d*$/ });
  const sourceIdentity = v.string('SourceIdentity', { min: 2, max: 64, pattern: NAME_PATTERN });
  checkSessionPolicies(v, params);
  checkTags(v, params);
  v.done();
  checkSemantics(params);

  const identity = assumedRole(roleArn!, session!);
  return (
    state.issue('AssumeRole', identity, duration, 3600, signer) +
    node('AssumedRoleUser', text('AssumedRoleId', identity.userId), text('Arn', identity.arn)) +
    text('PackedPolicySize', packedPolicySize(params)) +
    text('SourceIdentity', sourceIdentity)
  );
};

const getSessionToken: Operation = (state, params, caller) => {
  const base = requireSigned(caller);
  const v = new Validator(params);
  const duration = v.integer('DurationSeconds', 900, 129600);
  v.string('SerialNumber', { min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/ });
  v.string('TokenCode', { min: 6, max: 6, pattern: /^\d*$/ });
  v.done();
  checkSemantics(params);
  // STS refuses to stack session credentials.
  if (base.fromSession) throw new StsError('AccessDenied', 'Cannot call GetSessionToken with session credentials');
  return state.issue(
    'GetSessionToken',
    { ...base, sessionToken: undefined, expiration: undefined, fromSession: true },
    duration,
    43200,
  );
};

/**
 * Federated user credentials for an IAM user's long-term keys; session
 * credentials are refused as STS refuses them. Without a session policy
 * the real session would have no permissions: this fake does not check.
 */
const getFederationToken: Operation = (state, params, caller) => {
  const base = requireSigned(caller);
  const v = new Validator(params);
  const name = v.string('Name', { required: true, min: 2, max: 32, pattern: NAME_PATTERN });
  const duration = v.integer('DurationSeconds', 900, 129600);
  checkSessionPolicies(v, params);
  checkTags(v, params);
  v.done();
  checkSemantics(params);
  if (base.fromSession) throw new StsError('AccessDenied', 'Cannot call GetFederationToken with session credentials');
  const identity: Identity = {
    arn: `arn:aws:sts::${base.account}:federated-user/${name}`,
    userId: `${base.account}:${name}`,
    account: base.account,
    fromSession: true,
  };
  return (
    state.issue('GetFederationToken', identity, duration, 43200, base) +
    node('FederatedUser', text('FederatedUserId', identity.userId), text('Arn', identity.arn)) +
    text('PackedPolicySize', packedPolicySize(params))
  );
};

const assumeRoleWithWebIdentity: Operation = (state, params) => {
  // Deliberately no requireSigned: the whole point of this call is having no AWS keys yet.
  const v = new Validator(params);
  const roleArn = v.string('RoleArn', { required: true, min: 20, max: 2048 });
  const session = v.string('RoleSessionName', { required: true, min: 2, max: 64, pattern: NAME_PATTERN });
  const token = v.string('WebIdentityToken', { required: true, min: 4, max: 20000 });
  const providerId = v.string('ProviderId', { min: 4, max: 2048 });
  const duration = v.integer('DurationSeconds', 900, 43200);
  checkSessionPolicies(v, params);
  v.done();
  checkSemantics(params);

  // Any token is accepted; a JWT's claims are echoed back the way STS does.
  const claims = decodeJwtClaims(token!);
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  const issuer = typeof claims.iss === 'string' ? claims.iss.replace(/^https:\/\//, '') : undefined;
  const identity = assumedRole(roleArn!, session!);
  return (
    state.issue('AssumeRoleWithWebIdentity', identity, duration, 3600) +
    text('SubjectFromWebIdentityToken', typeof claims.sub === 'string' ? claims.sub : 'web-identity-subject') +
    node('AssumedRoleUser', text('AssumedRoleId', identity.userId), text('Arn', identity.arn)) +
    text('PackedPolicySize', packedPolicySize(params)) +
    text('Provider', providerId ?? issuer ?? 'oidc.fake-sts.invalid') +
    text('Audience', typeof aud === 'string' ? aud : 'sts.amazonaws.com')
  );
};

/** The "roleArn,providerArn" values of a SAML response's Role attribute (either order), read as loosely as a fake may. */
export function samlRolePairs(assertion: string): Array<{ role: string; provider: string }> | undefined {
  const xml = Buffer.from(assertion, 'base64').toString('utf8');
  if (!/<(\w+:)?Response[\s>]/.test(xml)) return undefined;
  const attribute =
    /<(?:\w+:)?Attribute\b[^>]*Name="https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role"[^>]*>([\s\S]*?)<\/(?:\w+:)?Attribute>/.exec(
      xml,
    );
  if (!attribute) return [];
  const pairs = [];
  for (const m of attribute[1]!.matchAll(/<(?:\w+:)?AttributeValue\b[^>]*>([^<]*)<\/(?:\w+:)?AttributeValue>/g)) {
    const parts = m[1]!.split(',').map((p) => p.trim());
    const role = parts.find((p) => p.includes(':role/'));
    const provider = parts.find((p) => p.includes(':saml-provider/'));
    if (role && provider) pairs.push({ role, provider });
  }
  return pairs;
}

/**
 * Unsigned, like web identity. The assertion must be a base64 SAML response
 * whose Role attribute pairs RoleArn with PrincipalArn (no signature check);
 * the session name is its RoleSessionName attribute, as STS takes it.
 */
const assumeRoleWithSAML: Operation = (state, params) => {
  const v = new Validator(params);
  const roleArn = v.string('RoleArn', { required: true, min: 20, max: 2048 });
  const principalArn = v.string('PrincipalArn', { required: true, min: 20, max: 2048 });
  const assertion = v.string('SAMLAssertion', { required: true, min: 4, max: 100000 });
  const duration = v.integer('DurationSeconds', 900, 43200);
  checkSessionPolicies(v, params);
  v.done();
  checkSemantics(params);
  const pairs = samlRolePairs(assertion!);
  if (!pairs) throw new StsError('InvalidIdentityToken', 'Invalid SAML response');
  if (!pairs.some((p) => p.role === roleArn && p.provider === principalArn)) {
    throw new StsError('AccessDenied', `Not authorized to perform sts:AssumeRoleWithSAML`);
  }
  const xml = Buffer.from(assertion!, 'base64').toString('utf8');
  const session =
    /Name="https:\/\/aws\.amazon\.com\/SAML\/Attributes\/RoleSessionName"[^>]*>\s*<(?:\w+:)?AttributeValue\b[^>]*>([^<]*)</.exec(
      xml,
    )?.[1] ?? 'saml-user';
  const identity = assumedRole(roleArn!, session);
  return (
    state.issue('AssumeRoleWithSAML', identity, duration, 3600) +
    node('AssumedRoleUser', text('AssumedRoleId', identity.userId), text('Arn', identity.arn)) +
    text('PackedPolicySize', packedPolicySize(params)) +
    text('Subject', session) +
    text('SubjectType', 'persistent') +
    text('Issuer', 'https://idp.fake-sts.invalid') +
    text('Audience', 'https://signin.aws.amazon.com/saml') +
    text('NameQualifier', 'fake-sts')
  );
};

const getCallerIdentity: Operation = (_state, _params, caller) => {
  const who = requireSigned(caller);
  return text('UserId', who.userId) + text('Account', who.account) + text('Arn', who.arn);
};

const OPERATIONS: Record<string, Operation> = {
  AssumeRole: assumeRole,
  GetSessionToken: getSessionToken,
  GetFederationToken: getFederationToken,
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  AssumeRoleWithSAML: assumeRoleWithSAML,
  GetCallerIdentity: getCallerIdentity,
};

function runOperation(state: StsState, req: ParsedRequest): string {
  if (!req.action) throw new StsError('MissingAction', 'Missing Action');
  const operation = Object.hasOwn(OPERATIONS, req.action) ? OPERATIONS[req.action] : undefined;
  if (!operation)
    throw new StsError(
      'InvalidAction',
      `Could not find operation ${req.action} for version ${API_VERSION} (fake-sts implements ${Object.keys(OPERATIONS).join(', ')})`,
    );
  const caller = state.caller(req);
  return responseXml(req.action, operation(state, req.params, caller), randomUUID());
}

// ---------------------------------------------------------------- server

function send(
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
  contentType = 'text/xml',
  dateSkewMs = 0,
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
    // A skewed Date is how STS shows a client's clock is wrong (stsenv doctor reads it).
    Date: new Date(Date.now() + dateSkewMs).toUTCString(),
  });
  res.end(body);
}

export async function startFakeSts(options: FakeStsOptions = {}): Promise<FakeSts> {
  const state = new StsState(
    options.account ?? DEFAULT_ACCOUNT,
    options.now ?? (() => new Date()),
    options.durationDefault,
  );
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let dateSkewMs = options.dateSkewMs ?? 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseRequest(req, await readBody(req));
    const recorded: RecordedRequest = {
      action: parsed.action,
      params: parsed.params,
      accessKeyId: parsed.accessKeyId,
      signed: parsed.signed,
      method: req.method ?? '',
      headers: req.headers,
      time: Date.now(),
    };
    state.requests.push(recorded);
    options.onRequest?.(recorded);
    const requestId = randomUUID();

    // Faults win over everything else so a test gets exactly what it set up.
    const fault = state.faults.take(false);
    if (fault && 'hang' in fault) return; // socket stays open until the client gives up or close()
    if (fault && 'delayMs' in fault) {
      await sleep(fault.delayMs);
      if (closed) return;
    }
    if (fault && 'status' in fault) return send(res, fault.status, fault.body, requestId, 'text/plain', dateSkewMs);
    try {
      if (fault && 'error' in fault) {
        const message =
          fault.message ?? defaultMessage(fault.error, parsed.action, state.arnFor(parsed.accessKeyId), state.account);
        throw new StsError(fault.error, message);
      }
      send(res, 200, runOperation(state, parsed), requestId, 'text/xml', dateSkewMs);
    } catch (e) {
      // A bug in the fake surfaces as InternalFailure carrying its message, not as a dropped socket.
      const err = e instanceof StsError ? e : new StsError('InternalFailure', `fake-sts bug: ${String(e)}`);
      send(res, err.status, errorXml(err, requestId), requestId, 'text/xml', dateSkewMs);
    }
  }

  const server = await listenLoopback(handle, options.port ?? 0);

  return {
    url: server.url,
    port: server.port,
    requests: state.requests,
    issued: state.issued,
    requestsFor: (action) => state.requests.filter((r) => r.action === action),
    failNext: (fault, count = 1) => state.faults.next(fault, count),
    failAlways: (fault) => state.faults.setAlways(fault),
    skewDate: (ms) => {
      dateSkewMs = ms;
    },
    reset() {
      dateSkewMs = options.dateSkewMs ?? 0;
      state.faults.clear();
      state.requests.length = 0;
      state.issued.length = 0;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return server.close();
    },
  };
}
