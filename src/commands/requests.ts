/**
 * Parsed options of the shared groups (option-groups.ts) turned into the
 * engine's request: every value a person typed is checked here, before any
 * file is read or request made, and a mistake is a usage error naming it.
 */
import { readFileSync } from 'node:fs';
import type { OptionValues } from '../cli/options.js';
import { durationFor, parseDurationSeconds } from '../duration.js';
import type { AssumeRoleRequest, CacheSettings, ConnectionRequest, MfaRequest, RoleFields, SessionTokenRequest } from '../engine/request.js';
import { failure, usageError } from '../errors.js';
import {
  checkExternalId,
  checkMfaSerial,
  checkPolicyArns,
  checkPolicyDocument,
  checkSessionName,
  checkSourceIdentity,
  checkTokenCode,
  checkTransitiveTagKeys,
  parseTags,
} from '../validate.js';
import {
  CACHE_OPTIONS,
  CONNECTION_OPTIONS,
  DEFAULT_MIN_REMAINING,
  durationOption,
  MFA_OPTIONS,
  PROMPT_OPTION,
  ROLE_REQUEST_OPTIONS,
  SESSION_NAME_OPTION,
} from './option-groups.js';

export type ConnectionOptions = OptionValues<typeof CONNECTION_OPTIONS>;
export type CacheOptions = OptionValues<typeof CACHE_OPTIONS>;
export type MfaOptions = OptionValues<typeof MFA_OPTIONS> & OptionValues<typeof PROMPT_OPTION>;
type DurationOptions = OptionValues<ReturnType<typeof durationOption>>;
export type RoleOptions = OptionValues<typeof SESSION_NAME_OPTION> & DurationOptions & OptionValues<typeof ROLE_REQUEST_OPTIONS>;

/** Checked later, by the engine, against the environment too. */
export function connectionRequest(options: ConnectionOptions): ConnectionRequest {
  return { region: options.region, endpointUrl: options.endpointUrl, profile: options.profile, maxAttempts: options.maxAttempts, timeout: options.timeout };
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
    throw failure(`cannot read --policy file '${path}': ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { hint: 'give a readable JSON file as --policy @FILE' });
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

export function assumeRoleRequest(options: RoleOptions & MfaOptions & CacheOptions & ConnectionOptions & { roleArn?: string }): AssumeRoleRequest {
  const cache = cacheSettings(options);
  const fields = roleFields(options);
  return { kind: 'assume-role', roleArn: options.roleArn, fields, mfa: mfaRequest(options), connection: connectionRequest(options), cache };
}

export function sessionTokenRequest(options: DurationOptions & MfaOptions & CacheOptions & ConnectionOptions): SessionTokenRequest {
  const cache = cacheSettings(options);
  const durationSeconds = durationFor('GetSessionToken', options.duration ?? '12h');
  return { kind: 'session-token', durationSeconds, mfa: mfaRequest(options), connection: connectionRequest(options), cache };
}
