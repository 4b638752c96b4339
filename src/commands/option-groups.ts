/**
 * Options several commands share, as tables (see src/commands/spec.ts). A
 * command's own table spreads the groups it takes, in the order its help
 * lists them.
 */
import type { OptionTable } from './spec.js';
import { FORMAT_NAMES, FORMATS } from '../shells/index.js';

export const OUTPUT_OPTIONS = {
  shell: {
    alias: 's',
    type: 'string',
    describe: `Output format: ${FORMATS.map((f) => f.name).join(', ')} (default: the shell running stsenv; dotenv only sets variables, since an env file cannot unset one)`,
    complete: FORMAT_NAMES,
  },
  'profile-name': { type: 'string', describe: 'Section name for --shell ini (default: stsenv)' },
} as const satisfies OptionTable;

export const CONNECTION_OPTIONS = {
  region: {
    type: 'string',
    describe: 'AWS region for STS (default: AWS_REGION, AWS_DEFAULT_REGION, the profile, else the global endpoint)',
  },
  'endpoint-url': { type: 'string', describe: 'STS endpoint URL (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)' },
  profile: {
    type: 'string',
    describe: 'Profile for the base credentials (default: the SDK chain)',
    complete: 'profiles',
  },
  'max-attempts': {
    type: 'number',
    describe: 'Attempts per request, retries included (default: AWS_MAX_ATTEMPTS or 3)',
  },
  timeout: { type: 'number', describe: 'Seconds to wait for STS in total, retries included (default 30)' },
} as const satisfies OptionTable;

export const SESSION_NAME_OPTION = {
  'session-name': { alias: 'n', type: 'string', describe: 'RoleSessionName (default: stsenv-USER-TIME)' },
} as const satisfies OptionTable;

/** --duration, whose default differs by operation. */
export function durationOption(fallback: string) {
  return {
    duration: { alias: 'd', type: 'string', describe: `Session length: seconds or 15m, 1h, 12h (default ${fallback})` },
  } as const satisfies OptionTable;
}

/** The AssumeRole options beyond role, session name, duration and MFA; `exec` takes them too. */
export const ROLE_REQUEST_OPTIONS = {
  'external-id': { type: 'string', describe: 'External ID the role trust policy requires' },
  policy: { type: 'string', describe: 'Session policy: JSON text, or @FILE' },
  'policy-arn': { type: 'string', repeatable: true, describe: 'Managed session policy ARN (repeatable)' },
  tag: { type: 'string', repeatable: true, describe: 'Session tag Key=Value (repeatable)' },
  'transitive-tag': { type: 'string', repeatable: true, describe: 'Tag key that passes to chained roles (repeatable)' },
  'source-identity': { type: 'string', describe: 'SourceIdentity for CloudTrail' },
} as const satisfies OptionTable;

export const MFA_OPTIONS = {
  'mfa-serial': { type: 'string', describe: 'ARN or serial of your MFA device' },
  'token-code': { type: 'string', describe: 'The 6-digit MFA code' },
} as const satisfies OptionTable;

export const DEFAULT_MIN_REMAINING = '5m';

export const CACHE_OPTIONS = {
  cache: { type: 'boolean', describe: 'Reuse and keep credentials in the cache (--no-cache: neither)' },
  refresh: { type: 'boolean', describe: 'Ask STS again even if the cache has credentials' },
  'min-remaining': {
    type: 'string',
    describe: `Reuse cached credentials only with more than this left (default ${DEFAULT_MIN_REMAINING})`,
  },
} as const satisfies OptionTable;

export const PROMPT_OPTION = {
  prompt: {
    type: 'boolean',
    describe:
      'Ask on the terminal when needed: an MFA code, or (assume) a profile from the picker (--no-prompt: fail instead)',
  },
} as const satisfies OptionTable;

export const WRITE_PROFILE_OPTION = {
  'write-profile': {
    type: 'string',
    describe: 'Write the credentials as this profile in the shared credentials file instead of printing them',
    complete: 'profiles',
  },
  force: {
    type: 'boolean',
    describe:
      'With --write-profile: write even when the config makes that profile a role, SSO or credential_process profile',
  },
} as const satisfies OptionTable;
