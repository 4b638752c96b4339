/**
 * What a command asks the engine for, in the engine's terms: every value a
 * person typed has been checked by the command that made the request
 * (src/commands/requests.ts), durations and times are numbers, and nothing
 * here says how it was typed. The engine trusts these values; what it reads
 * itself (the environment, the shared files) it checks where it reads it.
 */
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';

/** How to reach STS and whose profile to start from. */
export interface ConnectionRequest {
  /** --region: a region name. */
  region?: string;
  /** --endpoint-url: an http:// or https:// URL. */
  endpointUrl?: string;
  /** --profile: the profile of the base credentials (whether it exists is the engine's to find). */
  profile?: string;
  /** --max-attempts: 1 to 20. */
  maxAttempts?: number;
  /** --timeout in milliseconds, for the whole call, retries included: more than 0, at most an hour. */
  timeoutMs?: number;
}

export interface MfaRequest {
  /** An MFA device's ARN or a hardware device's serial number. */
  mfaSerial?: string;
  /** Six digits. */
  tokenCode?: string;
  /** false with --no-prompt: never ask on the terminal. */
  prompt?: boolean;
}

/** How a request uses the credential cache (checked: see cache-policy.ts). */
export interface CacheSettings {
  /** false with --no-cache or STSENV_NO_CACHE: neither read nor write. */
  enabled: boolean;
  /** false with --refresh: the final answer comes from STS even when cached. */
  readFinal: boolean;
  /** Reuse cached credentials only with more than this left. */
  minRemainingMs: number;
}

/** The AssumeRole fields a person may set on the command line, each checked. */
export type RoleFields = Partial<
  Pick<
    AssumeRoleCommandInput,
    | 'RoleSessionName'
    | 'DurationSeconds'
    | 'ExternalId'
    | 'Policy'
    | 'PolicyArns'
    | 'Tags'
    | 'TransitiveTagKeys'
    | 'SourceIdentity'
  >
>;

interface Common {
  connection: ConnectionRequest;
  cache: CacheSettings;
}

/** AssumeRole of `roleArn` on top of the base, or (without it) the role of the --profile role profile. */
export interface AssumeRoleRequest extends Common {
  kind: 'assume-role';
  /** A role's ARN. */
  roleArn?: string;
  fields: RoleFields;
  mfa: MfaRequest;
}

/** GetSessionToken with the base's long-term keys. */
export interface SessionTokenRequest extends Common {
  kind: 'session-token';
  durationSeconds: number;
  mfa: MfaRequest;
}

/** AssumeRoleWithWebIdentity: unsigned, no base credentials. */
export interface WebIdentityRequest extends Common {
  kind: 'web-identity';
  roleArn: string;
  sessionName?: string;
  durationSeconds: number;
  token: string;
}

/** AssumeRoleWithSAML: unsigned, the assertion an identity provider gave (base64, as the IdP posts it). */
export interface SamlRequest extends Common {
  kind: 'saml';
  roleArn: string;
  principalArn: string;
  assertion: string;
  durationSeconds: number;
  policy?: string;
  policyArns?: string[];
}

/** Whatever the profile (or the default chain) gives: a role profile's chain, or the SDK's answer. */
export interface ProfileCredentialsRequest extends Common {
  kind: 'profile';
  mfa: MfaRequest;
}

export type CredentialRequest =
  | AssumeRoleRequest
  | SessionTokenRequest
  | WebIdentityRequest
  | SamlRequest
  | ProfileCredentialsRequest;

/**
 * Credentials for the console's federation endpoint: a role's (as `assume`
 * gets them), or the current ones, long-term keys turned into a federated
 * user's with GetFederationToken.
 */
export interface SigninRequest extends Common {
  kind: 'sign-in';
  roleArn?: string;
  /** The role's fields, DurationSeconds aside: --duration is the console session's. */
  fields: RoleFields;
  mfa: MfaRequest;
  /** GetFederationToken's, for long-term keys. */
  federation: {
    /** Name: --session-name, else `stsenv-USER`. */
    name?: string;
    /** --duration in seconds; held to GetFederationToken's limits only if it is called. */
    durationSeconds?: number;
    policy?: string;
    policyArns?: string[];
  };
}
