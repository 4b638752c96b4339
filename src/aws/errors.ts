import { failure, StsenvError } from '../errors.js';
import { loopReported } from './credential-process-guard.js';
import type { StsTarget } from './client-options.js';
import { printable } from '../text/printable.js';
import { holdsSecret, redactSecrets, redactUrl, secretList } from '../text/redact.js';

interface SdkErrorShape {
  name?: string;
  message?: string;
  stack?: string;
  code?: string;
  Code?: string;
  hostname?: string;
  /** Set by the SDK on service errors: 'client' or 'server'. */
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  cause?: unknown;
  errors?: unknown[];
}

/** What the user can do about each STS error code. */
const HINTS: Record<string, (target: StsTarget, message: string) => string> = {
  AccessDenied: (t) => `check that ${t.identityLabel} may call this and that the role's trust policy allows it`,
  ExpiredToken: (t) =>
    `the base credentials of ${t.identityLabel} have expired: refresh them (or run 'stsenv unset' if they came from an earlier stsenv)`,
  InvalidClientTokenId: (t) =>
    `the access key of ${t.identityLabel} is not valid: check AWS_ACCESS_KEY_ID or the profile`,
  SignatureDoesNotMatch: (t) =>
    `the secret key of ${t.identityLabel} does not match its access key: check AWS_SECRET_ACCESS_KEY or the profile`,
  MissingAuthenticationToken: (t) => `no credentials were sent for ${t.identityLabel}`,
  RegionDisabled: () => 'activate STS in this region in IAM account settings, or pass another --region',
  MalformedPolicyDocument: () => 'fix the --policy document',
  PackedPolicyTooLarge: () => 'shorten --policy, --policy-arn or --tag',
  Throttling: () => 'STS is throttling requests: wait and try again, or raise --max-attempts',
  InvalidIdentityToken: () => 'the web identity token was rejected: check it is current and issued for this role',
  IDPRejectedClaim: () => 'the identity provider rejected the token: check its audience and the role trust policy',
  ValidationError: (_t, message) => validationHint(message),
};

/** A ValidationError says which value was refused; the duration limits are the common ones. */
function validationHint(message: string): string {
  if (/role chaining/i.test(message)) {
    return 'a role assumed with the credentials of another role (a role chain) lasts at most 1h: pass --duration 1h or less (or start from your own credentials)';
  }
  if (/MaxSessionDuration/.test(message)) {
    return "the role's MaxSessionDuration (1h unless raised in IAM) is shorter: pass a shorter --duration (or duration_seconds in the profile), or raise the role's maximum session duration in IAM";
  }
  return 'check the options given';
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed',
  EAI_FAIL: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  ECONNABORTED: 'connection aborted',
};

/** How the call went out, for the words of a message; never a secret. */
export interface CallContext {
  /** Values that must not survive into any message or --debug cause (MFA code, OIDC token, keys). */
  secrets?: readonly (string | undefined)[];
  /** The proxy in use, as describeProxy() prints it. */
  proxy?: string;
  /** What sets the endpoint, for hints (default --endpoint-url). */
  endpointSetting?: string;
  /** The service, for hints (default STS). */
  service?: string;
}

function where(target: StsTarget): string {
  return target.endpoint ? redactUrl(target.endpoint) : `STS in ${target.region}`;
}

/** Endpoints can be hostile: their text goes to a terminal on one line, control characters made visible. */
export function oneLine(text: string): string {
  return printable(redactUrl(text.split('\n')[0]!.trim()));
}

/** The AWS error code as STS spells it: the SDK names modeled errors `...Exception`. */
export function awsErrorCode(error: SdkErrorShape): string | undefined {
  const raw = error.Code ?? (error.$fault !== undefined ? error.name : undefined);
  return raw?.replace(/Exception$/, '');
}

/**
 * Removes the given secrets from an error and its causes, in place: the
 * message reaches people and --debug prints the stacks. STS echoes some
 * rejected values (ValidationError: "Value '...' at 'webIdentityToken'").
 */
export function scrubSecrets(error: unknown, secrets: readonly (string | undefined)[]): void {
  const list = secretList(secrets);
  if (list.length === 0) return;
  const scrub = (text: string) => redactSecrets(text, list);
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as SdkErrorShape;
    try {
      if (typeof e.message === 'string') e.message = scrub(e.message);
      if (typeof e.stack === 'string') e.stack = scrub(e.stack);
    } catch {
      // a read-only message: the cause is then dropped by the caller below
    }
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
}

function containsSecret(error: unknown, secrets: readonly (string | undefined)[]): boolean {
  const e = error as SdkErrorShape;
  return holdsSecret(`${e?.message ?? ''}\n${e?.stack ?? ''}`, secrets);
}

/** A name as a shell word: as it is when it is plain, else in single quotes. */
function shellWord(name: string): string {
  return /^[\w.@+:=,-]+$/.test(name) ? name : `'${name.replaceAll("'", `'\\''`)}'`;
}

/**
 * The SDK's SSO providers fail this way when the cached token is missing,
 * expired and not refreshable, or refused by the portal
 * (@aws-sdk/credential-provider-sso, @aws-sdk/token-providers: "...run aws sso
 * login..."; GetRoleCredentials: UnauthorizedException). What to run then is
 * stsenv's own sign-in, for the profile the SDK was resolving.
 */
function ssoLoginNeeded(error: SdkErrorShape, target: StsTarget): { message: string; hint: string } | undefined {
  const text = `${error.message ?? ''}`;
  if (!/sso login|SSO session|UnauthorizedException|Token is expired/i.test(text)) return undefined;
  // The engine names every profile it lets the SDK resolve; without one, the SDK's default chain reads `default`.
  const profile = target.profile ?? 'default';
  const expired = /expired/i.test(text);
  return {
    message: expired
      ? `the SSO token of profile '${profile}' has expired`
      : `profile '${profile}' has no valid SSO token: it is missing, expired or was revoked`,
    hint: `run stsenv sso login --profile ${shellWord(profile)}, then try again`,
  };
}

/** The first network error code in an error, its causes or (for AggregateError) its parts. */
function networkError(error: SdkErrorShape): SdkErrorShape | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const e = current as SdkErrorShape;
    if (typeof e.code === 'string' && e.code !== '') return e;
    queue.push(e.cause, ...(Array.isArray(e.errors) ? e.errors : []));
  }
  return undefined;
}

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|EPROTO|UNABLE_TO_(VERIFY|GET)/i;

/**
 * One line for people from whatever the SDK threw: what went wrong, where,
 * and what to do. The SDK error becomes the cause (shown with --debug),
 * after the call's secrets are scrubbed from it.
 */
export function toStsenvError(
  error: unknown,
  operation: string,
  target: StsTarget,
  call: CallContext = {},
): StsenvError {
  if (error instanceof StsenvError) return error;
  const secrets = call.secrets ?? [];
  scrubSecrets(error, secrets);
  // Should a secret survive (a frozen message), the cause is not kept at all.
  const cause = containsSecret(error, secrets) ? undefined : error;
  const e = (error ?? {}) as SdkErrorShape;
  const attempts = e.$metadata?.attempts;
  const failed = `${operation} failed${attempts && attempts > 1 ? ` after ${attempts} attempts` : ''}`;
  const via = call.proxy ? ` through proxy ${call.proxy}` : '';
  const endpointSetting = call.endpointSetting ?? '--endpoint-url';
  const service = call.service ?? 'STS';

  // 'Unknown' is the SDK's name for an error answer without an STS error body.
  const code = awsErrorCode(e);
  if (code && code !== 'Unknown') {
    const hint =
      HINTS[code]?.(target, e.message ?? '') ??
      (e.$fault === 'server' ? 'STS failed on its side: try again later, or raise --max-attempts' : undefined);
    return failure(`${failed}: ${oneLine(code)}: ${oneLine(e.message ?? '') || 'no message'}`, { cause, code, hint });
  }

  // An HTTP answer the SDK could not read as STS XML (a proxy's error page, a wrong URL, a broken endpoint).
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) {
    if (status === 407 && call.proxy) {
      return failure(`${failed}: proxy ${call.proxy} asks for authentication (HTTP 407)`, {
        cause,
        hint: 'put the proxy user and password in HTTPS_PROXY / HTTP_PROXY (http://USER:PASSWORD@HOST:PORT)',
      });
    }
    if (status >= 200 && status < 300) {
      return failure(
        `${failed}: the answer from ${where(target)} (HTTP ${status}) is not a valid ${service} response`,
        {
          cause,
          hint: `check that ${endpointSetting} points at ${service}`,
        },
      );
    }
    return failure(`${failed}: ${where(target)} answered HTTP ${status} without an ${service} error`, {
      cause,
      hint:
        status >= 500
          ? 'the endpoint is failing: try again later, or raise --max-attempts'
          : `check ${endpointSetting} and proxy settings`,
    });
  }

  if (e.name === 'CredentialsProviderError' || e.name === 'TokenProviderError') {
    // A credential_process that was stsenv and stopped a loop: the same words here, exit 2.
    const loop = loopReported(e.message ?? '');
    if (loop) return loop;
    const sso = ssoLoginNeeded(e, target);
    if (sso) return failure(`${failed}: ${sso.message}`, { cause, code: 'SsoTokenMissingOrExpired', hint: sso.hint });
    return failure(`${failed}: no base credentials found for ${target.identityLabel}`, {
      cause,
      hint: 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile NAME',
    });
  }

  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return failure(`${failed}: no answer from ${where(target)}${via} within ${target.timeoutMs / 1000}s`, {
      cause,
      hint: `check the network, proxy settings or ${endpointSetting}, or raise --timeout`,
    });
  }

  const proxyStatus = /^Bad response: (\d{3})$/.exec(e.message ?? '');
  if (proxyStatus && call.proxy) {
    const auth = proxyStatus[1] === '407';
    return failure(
      `${failed}: proxy ${call.proxy} ${auth ? 'asks for authentication' : `refused to connect to ${where(target)}`} (HTTP ${proxyStatus[1]})`,
      {
        cause,
        hint: auth
          ? 'put the proxy user and password in HTTPS_PROXY / HTTP_PROXY (http://USER:PASSWORD@HOST:PORT)'
          : 'check HTTPS_PROXY (and its user and password), or list the host in NO_PROXY',
      },
    );
  }

  const net = networkError(e);
  const netCode = net?.code;
  if (netCode && NETWORK_CODES[netCode]) {
    const host = netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN' ? ` '${net?.hostname ?? '?'}'` : '';
    return failure(`${failed}: cannot reach ${where(target)}${via}: ${NETWORK_CODES[netCode]}${host}`, {
      cause,
      hint: call.proxy
        ? 'check the proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)'
        : `check the network, proxy settings or ${endpointSetting}`,
    });
  }
  if (netCode && TLS_CODE.test(netCode)) {
    return failure(`${failed}: TLS error talking to ${where(target)}${via} (${netCode})`, {
      cause,
      hint: 'check the endpoint certificate, or trust its CA with AWS_CA_BUNDLE or NODE_EXTRA_CA_CERTS',
    });
  }
  return failure(`${failed}: ${oneLine(e.message ?? String(error)) || 'unknown error'}`, { cause });
}
