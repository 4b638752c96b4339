import { failure, StsenvError } from '../errors.js';
import type { StsTarget } from './client-options.js';

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** What the user can do about each STS error code. */
const HINTS: Record<string, (target: StsTarget) => string> = {
  AccessDenied: (t) => `check that ${t.identityLabel} may call this and that the role's trust policy allows it`,
  ExpiredToken: (t) => `the base credentials of ${t.identityLabel} have expired: refresh them (or run 'stsenv unset' if they came from an earlier stsenv)`,
  InvalidClientTokenId: (t) => `the access key of ${t.identityLabel} is not valid: check AWS_ACCESS_KEY_ID or the profile`,
  SignatureDoesNotMatch: (t) => `the secret key of ${t.identityLabel} does not match its access key`,
  MissingAuthenticationToken: (t) => `no credentials were sent for ${t.identityLabel}`,
  RegionDisabled: () => 'activate STS in this region in IAM account settings, or pass another --region',
  MalformedPolicyDocument: () => 'fix the --policy document',
  PackedPolicyTooLarge: () => 'shorten --policy, --policy-arn or --tag',
  Throttling: () => 'STS is throttling requests: wait and try again, or raise --max-attempts',
  InvalidIdentityToken: () => 'the web identity token was rejected: check it is current and issued for this role',
  IDPRejectedClaim: () => 'the identity provider rejected the token: check its audience and the role trust policy',
  ValidationError: () => 'check the options given',
};

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

function where(target: StsTarget): string {
  return target.endpoint ?? `STS in ${target.region}`;
}

/** The AWS error code as STS spells it: the SDK names modeled errors `...Exception`. */
export function awsErrorCode(error: SdkErrorShape): string | undefined {
  const raw = error.Code ?? (error.$metadata?.httpStatusCode ? error.name : undefined);
  return raw?.replace(/Exception$/, '');
}

/**
 * One line for people from whatever the SDK threw. The SDK's message is kept
 * (STS messages name ARNs, never secrets) and the SDK error becomes the cause.
 */
export function toStsenvError(error: unknown, operation: string, target: StsTarget): StsenvError {
  if (error instanceof StsenvError) return error;
  const e = (error ?? {}) as SdkErrorShape & { cause?: SdkErrorShape };
  const code = awsErrorCode(e);
  if (code) {
    const hint = HINTS[code]?.(target);
    const message = `${operation} failed: ${code}: ${(e.message ?? '').trim() || 'no message'}`;
    return failure(message, { cause: error, code, hint });
  }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return failure(`${operation} failed: no answer from ${where(target)} within ${target.timeoutMs / 1000}s`, {
      cause: error,
      hint: 'check the network or --endpoint-url, or raise --timeout',
    });
  }
  const networkCode = e.code ?? e.cause?.code;
  if (networkCode && NETWORK_CODES[networkCode]) {
    return failure(`${operation} failed: cannot reach ${where(target)}: ${NETWORK_CODES[networkCode]}`, {
      cause: error,
      hint: 'check the network, proxy settings or --endpoint-url',
    });
  }
  if (networkCode && /CERT|SSL|TLS|SELF_SIGNED/i.test(networkCode)) {
    return failure(`${operation} failed: TLS error talking to ${where(target)} (${networkCode})`, {
      cause: error,
      hint: 'check the endpoint certificate, or AWS_CA_BUNDLE / NODE_EXTRA_CA_CERTS',
    });
  }
  if (e.name === 'CredentialsProviderError') {
    return failure(`${operation} failed: no base credentials found for ${target.identityLabel}`, {
      cause: error,
      hint: 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile NAME',
    });
  }
  return failure(`${operation} failed: ${(e.message ?? String(error)).split('\n')[0]}`, { cause: error });
}
