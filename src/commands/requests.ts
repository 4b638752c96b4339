/**
 * Parsed options of the shared groups (option-groups.ts) turned into the
 * engine's request: every value a person typed is checked here, once, before
 * any request is made, and carried in the form the engine uses (durations
 * and times as numbers); a mistake is a usage error naming it. The engine
 * trusts these values and checks only what it reads itself.
 */
import { readFileSync } from 'node:fs';
import { sharedConfig } from '../config/shared-files.js';
import type { OptionValues } from './spec.js';
import { durationFor, parseDurationSeconds } from '../duration.js';
import type {
  AssumeRoleRequest,
  CacheSettings,
  ConnectionRequest,
  MfaRequest,
  RoleFields,
  SessionTokenRequest,
  WebIdentityRequest,
} from '../engine/index.js';
import { failure, usageError } from '../errors.js';
import {
  checkEndpointUrl,
  checkExternalId,
  checkMaxAttempts,
  checkMfaSerial,
  checkPolicyArns,
  checkPolicyDocument,
  checkRegion,
  checkRoleArn,
  checkSessionName,
  checkSourceIdentity,
  checkTimeout,
  checkTokenCode,
  checkTransitiveTagKeys,
  parseTags,
} from '../validate.js';
import {
  type CACHE_OPTIONS,
  type CONNECTION_OPTIONS,
  DEFAULT_MIN_REMAINING,
  type durationOption,
  type MFA_OPTIONS,
  type PROMPT_OPTION,
  type ROLE_REQUEST_OPTIONS,
  type SESSION_NAME_OPTION,
} from './option-groups.js';

export type ConnectionOptions = OptionValues<typeof CONNECTION_OPTIONS>;
export type CacheOptions = OptionValues<typeof CACHE_OPTIONS>;
export type MfaOptions = OptionValues<typeof MFA_OPTIONS> & OptionValues<typeof PROMPT_OPTION>;
type DurationOptions = OptionValues<ReturnType<typeof durationOption>>;
export type RoleOptions = OptionValues<typeof SESSION_NAME_OPTION> &
  DurationOptions &
  OptionValues<typeof ROLE_REQUEST_OPTIONS>;

/** What the flags say; the engine adds what the environment and the profile say, and checks that where it reads it. */
export function connectionRequest(options: ConnectionOptions): ConnectionRequest {
  return {
    endpointUrl: options.endpointUrl !== undefined ? checkEndpointUrl(options.endpointUrl) : undefined,
    region: options.region !== undefined ? checkRegion(options.region) : undefined,
    profile: options.profile,
    maxAttempts:
      options.maxAttempts !== undefined ? checkMaxAttempts(options.maxAttempts, '--max-attempts') : undefined,
    timeoutMs: options.timeout !== undefined ? checkTimeout(options.timeout) : undefined,
  };
}

/**
 * The role ARN argument. A newcomer's `stsenv assume deploy` names a
 * profile: when the config has one by that name, --profile is suggested.
 */
export function roleArgument(value: string, env: NodeJS.ProcessEnv): string {
  try {
    return checkRoleArn(value);
  } catch (error) {
    if (value.startsWith('arn:')) throw error;
    let named = false;
    try {
      named = sharedConfig(env).profile(value) !== undefined;
    } catch {
      // An unreadable config file is the run's error elsewhere; here it only means no suggestion.
    }
    if (named) throw usageError(`'${value}' is a profile, not a role ARN`, `did you mean --profile ${value}?`);
    throw error;
  }
}

export function cacheSettings(options: CacheOptions): CacheSettings {
  const text = options.minRemaining ?? DEFAULT_MIN_REMAINING;
  const seconds = parseDurationSeconds(String(text));
  if (seconds === undefined || seconds > 12 * 3600) {
    throw usageError(`invalid --min-remaining '${text}'`, 'give seconds or a length such as 5m or 1h (at most 12h)');
  }
  if (options.cache === false && options.refresh) throw usageError('give --refresh or --no-cache, not both');
  return { enabled: options.cache !== false, readFinal: !options.refresh, minRemainingMs: seconds * 1000 };
}

export function mfaRequest(options: MfaOptions): MfaRequest {
  const mfaSerial = options.mfaSerial !== undefined ? checkMfaSerial(options.mfaSerial) : undefined;
  const tokenCode = options.tokenCode !== undefined ? checkTokenCode(options.tokenCode) : undefined;
  return { mfaSerial, tokenCode, prompt: options.prompt };
}

/** `--policy` is JSON text, or `@file` to read it from a file. */
export function readPolicy(value: string): string {
  if (!value.startsWith('@')) return checkPolicyDocument(value, 'text');
  const path = value.slice(1);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // A file error, as the exit-code table says: 1.
    throw failure(`cannot read --policy file '${path}': ${(error as NodeJS.ErrnoException).code ?? 'error'}`, {
      hint: 'give a readable JSON file as --policy @FILE',
    });
  }
  return checkPolicyDocument(text, `file '${path}'`);
}

/** The AssumeRole fields the flags set (role and MFA aside), each checked. */
export function roleFields(options: RoleOptions): RoleFields {
  const fields: RoleFields = {};
  if (options.sessionName !== undefined) fields.RoleSessionName = checkSessionName(options.sessionName);
  if (options.duration !== undefined) fields.DurationSeconds = durationFor('AssumeRole', options.duration);
  if (options.externalId !== undefined) fields.ExternalId = checkExternalId(options.externalId);
  if (options.policy !== undefined) fields.Policy = readPolicy(options.policy);
  if (options.policyArn?.length) fields.PolicyArns = checkPolicyArns(options.policyArn).map((arn) => ({ arn }));
  if (options.tag?.length) fields.Tags = parseTags(options.tag);
  if (options.transitiveTag?.length) fields.TransitiveTagKeys = checkTransitiveTagKeys(options.transitiveTag);
  if (options.sourceIdentity !== undefined) fields.SourceIdentity = checkSourceIdentity(options.sourceIdentity);
  return fields;
}

export function assumeRoleRequest(
  options: RoleOptions & MfaOptions & CacheOptions & ConnectionOptions & { roleArn?: string },
  env: NodeJS.ProcessEnv,
): AssumeRoleRequest {
  const cache = cacheSettings(options);
  const fields = roleFields(options);
  const mfa = mfaRequest(options);
  return {
    kind: 'assume-role',
    roleArn: options.roleArn !== undefined ? roleArgument(options.roleArn, env) : undefined,
    fields,
    mfa,
    connection: connectionRequest(options),
    cache,
  };
}

export function sessionTokenRequest(
  options: DurationOptions & MfaOptions & CacheOptions & ConnectionOptions,
): SessionTokenRequest {
  const cache = cacheSettings(options);
  const durationSeconds = durationFor('GetSessionToken', options.duration ?? '12h');
  return {
    kind: 'session-token',
    durationSeconds,
    mfa: mfaRequest(options),
    connection: connectionRequest(options),
    cache,
  };
}

/** What web-identity (and a refresh of it) takes: its own options besides the shared groups. */
export type WebIdentityOptions = ConnectionOptions &
  CacheOptions &
  OptionValues<typeof SESSION_NAME_OPTION> &
  DurationOptions & { roleArn?: string; tokenFile?: string; token?: string };

/**
 * The OIDC token from --token, --token-file (`-`: standard input), or
 * AWS_WEB_IDENTITY_TOKEN_FILE as EKS and the SDKs set it. The token is a
 * secret: never echoed. --token puts it in the process list, where every
 * local user can read it: README recommends a file or stdin.
 */
function readToken(options: WebIdentityOptions, env: NodeJS.ProcessEnv): string {
  if (options.token !== undefined && options.tokenFile !== undefined)
    throw usageError('give --token or --token-file, not both');
  if (options.token !== undefined) {
    if (options.token.trim() === '') throw usageError('--token is empty');
    return options.token.trim();
  }
  const path = options.tokenFile ?? env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (!path)
    throw usageError(
      'web-identity needs a token',
      'pass --token-file FILE or --token TOKEN (or set AWS_WEB_IDENTITY_TOKEN_FILE)',
    );
  const option = options.tokenFile !== undefined ? '--token-file' : 'AWS_WEB_IDENTITY_TOKEN_FILE';
  const fromStdin = path === '-' && options.tokenFile !== undefined;
  const source = fromStdin ? 'standard input (--token-file -)' : `${option} '${path}'`;
  let token: string;
  try {
    token = readFileSync(fromStdin ? 0 : path, 'utf8').trim();
  } catch (error) {
    // A file error, as the exit-code table says: 1.
    throw failure(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (token === '')
    throw usageError(
      `${source} is empty`,
      fromStdin ? 'pipe the token in: ... | stsenv web-identity ROLE --token-file -' : undefined,
    );
  return token;
}

/** The request, with EKS's variables (AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME) for what the flags leave out. */
export function webIdentityRequest(options: WebIdentityOptions, env: NodeJS.ProcessEnv): WebIdentityRequest {
  const cache = cacheSettings(options);
  const roleArn = options.roleArn ?? env.AWS_ROLE_ARN;
  if (!roleArn)
    throw usageError('web-identity needs a role ARN', 'pass it as the first argument (or set AWS_ROLE_ARN)');
  const sessionName = options.sessionName ?? env.AWS_ROLE_SESSION_NAME;
  return {
    kind: 'web-identity',
    roleArn: checkRoleArn(roleArn),
    sessionName: sessionName !== undefined ? checkSessionName(sessionName) : undefined,
    durationSeconds: durationFor('AssumeRoleWithWebIdentity', options.duration ?? '1h'),
    token: readToken(options, env),
    connection: connectionRequest(options),
    cache,
  };
}
