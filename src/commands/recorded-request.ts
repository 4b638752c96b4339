/**
 * How the credentials in a shell were obtained, so that `stsenv refresh`
 * (and the prompt hooks of shells/, README "Long sessions") can ask for
 * them again: the command and the options that shape its request, never a
 * one-time code, a key or a token. It travels in STSENV_REQUEST as base64url
 * JSON, which every shell format carries unchanged (cmd included, which
 * refuses quotes and percent signs), and comes back as options for the same
 * command, checked again by its own parsing.
 */
import { resolve } from 'node:path';
import type { Context } from '../context.js';
import type { CredentialOutput } from '../credentials.js';
import type { Delivery } from '../delivery.js';
import { envKeys } from '../engine/index.js';
import { usageError } from '../errors.js';

export const RECORDED_COMMANDS = ['assume', 'session', 'web-identity'] as const;
export type RecordedCommand = (typeof RECORDED_COMMANDS)[number];

/** The options a refresh repeats, as the commands name them once parsed; `tokenCode` and `token` are never among them. */
const STRING_OPTIONS = [
  'roleArn',
  'profile',
  'duration',
  'sessionName',
  'region',
  'endpointUrl',
  'externalId',
  'policy',
  'sourceIdentity',
  'mfaSerial',
  'tokenFile',
] as const;
const LIST_OPTIONS = ['policyArn', 'tag', 'transitiveTag'] as const;
const NUMBER_OPTIONS = ['maxAttempts', 'timeout'] as const;
const BOOLEAN_OPTIONS = ['prompt'] as const;

export type RecordedOptions = Partial<
  Record<(typeof STRING_OPTIONS)[number], string> &
    Record<(typeof LIST_OPTIONS)[number], string[]> &
    Record<(typeof NUMBER_OPTIONS)[number], number> &
    Record<(typeof BOOLEAN_OPTIONS)[number], boolean>
>;

export interface RecordedRequest {
  command: RecordedCommand;
  options: RecordedOptions;
  /** What prompts and messages call these credentials: the role's name, else the profile, else the command. */
  label: string;
  /**
   * The first call was signed with the key variables, which the credentials
   * printed replace: a refresh has nothing left to sign with.
   */
  signedWithEnvironmentKeys?: boolean;
}

/**
 * The request of a command that printed credentials, or undefined when it
 * cannot be repeated (a token given on the command line or standard input).
 * Paths become absolute: the shell may be elsewhere when it refreshes.
 */
export function recordRequest(
  command: RecordedCommand,
  given: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): RecordedRequest | undefined {
  const options: RecordedOptions = {};
  for (const name of STRING_OPTIONS) if (typeof given[name] === 'string') options[name] = given[name];
  for (const name of LIST_OPTIONS)
    if (Array.isArray(given[name]) && given[name].length > 0) options[name] = [...(given[name] as string[])];
  for (const name of NUMBER_OPTIONS) if (typeof given[name] === 'number') options[name] = given[name];
  for (const name of BOOLEAN_OPTIONS) if (typeof given[name] === 'boolean') options[name] = given[name];
  if (options.policy?.startsWith('@')) options.policy = `@${resolve(options.policy.slice(1))}`;
  // The profile as the engine chose it (src/engine/profile-choice.ts): the printed lines clear AWS_PROFILE.
  options.profile ??= env.AWS_PROFILE?.trim() || env.AWS_DEFAULT_PROFILE?.trim() || undefined;
  if (options.profile === undefined) delete options.profile;
  if (command === 'web-identity') {
    if (typeof given.token === 'string' || options.tokenFile === '-') return undefined;
    const file = options.tokenFile ?? env.AWS_WEB_IDENTITY_TOKEN_FILE;
    if (!file) return undefined;
    options.tokenFile = resolve(file);
    options.roleArn ??= env.AWS_ROLE_ARN || undefined;
    options.sessionName ??= env.AWS_ROLE_SESSION_NAME || undefined;
    for (const name of ['roleArn', 'sessionName'] as const) if (options[name] === undefined) delete options[name];
  }
  const request: RecordedRequest = { command, options, label: labelFor(command, options) };
  // The key variables sign before AWS_PROFILE, as in the AWS CLI (src/engine/build-plan.ts).
  if (command !== 'web-identity' && typeof given.profile !== 'string' && envKeys(env))
    request.signedWithEnvironmentKeys = true;
  return request;
}

/** A word for prompts and messages: letters, digits and `_.@+=,:/-` only (a profile's name could hold anything). */
function labelFor(command: RecordedCommand, options: RecordedOptions): string {
  return (
    safeLabel(
      options.roleArn ? options.roleArn.slice(options.roleArn.lastIndexOf('/') + 1) : (options.profile ?? command),
    ) || command
  );
}

function safeLabel(name: string): string {
  return name.replace(/[^\w.@+=,:/-]/g, '_').slice(0, 64);
}

/**
 * What a credential command adds to its lines when an init function
 * evaluates them (STSENV_EVAL): the request, for the prompt hooks and
 * `stsenv refresh`. Nothing otherwise: `eval "$(stsenv assume ...)"` by hand
 * clears an earlier record instead (src/variables.ts).
 */
export function recordedOutput(
  command: RecordedCommand,
  options: object,
  ctx: Context,
  delivery: Delivery,
): CredentialOutput['recorded'] {
  if (ctx.evalShell === undefined || delivery.format?.kind !== 'env') return undefined;
  const request = recordRequest(command, options as Record<string, unknown>, ctx.env);
  return request && { request: encodeRequest(request), label: request.label };
}

/** The value of STSENV_REQUEST. */
export function encodeRequest(request: RecordedRequest): string {
  return Buffer.from(JSON.stringify({ v: 1, ...request }), 'utf8').toString('base64url');
}

/** STSENV_REQUEST read back; anything else than what encodeRequest writes is refused. */
export function decodeRequest(text: string): RecordedRequest {
  const bad = () =>
    usageError(
      'STSENV_REQUEST is not a request stsenv recorded',
      'run the command again (stsenv assume ..., stsenv session ...), or stsenv unset',
    );
  let data: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,65536}$/.test(text)) throw bad();
    data = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad();
  const record = data as Record<string, unknown>;
  if (
    record.v !== 1 ||
    !RECORDED_COMMANDS.includes(record.command as RecordedCommand) ||
    typeof record.label !== 'string'
  )
    throw bad();
  const given = record.options;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw bad();
  const options: RecordedOptions = {};
  for (const [name, value] of Object.entries(given)) {
    if ((STRING_OPTIONS as readonly string[]).includes(name) && typeof value === 'string')
      options[name as (typeof STRING_OPTIONS)[number]] = value;
    else if (
      (LIST_OPTIONS as readonly string[]).includes(name) &&
      Array.isArray(value) &&
      value.every((v) => typeof v === 'string')
    )
      options[name as (typeof LIST_OPTIONS)[number]] = value;
    else if ((NUMBER_OPTIONS as readonly string[]).includes(name) && typeof value === 'number')
      options[name as (typeof NUMBER_OPTIONS)[number]] = value;
    else if ((BOOLEAN_OPTIONS as readonly string[]).includes(name) && typeof value === 'boolean')
      options[name as (typeof BOOLEAN_OPTIONS)[number]] = value;
    else throw bad();
  }
  // Messages show it: whoever set the variable, no control character reaches the terminal.
  return {
    command: record.command as RecordedCommand,
    options,
    label: safeLabel(record.label) || String(record.command),
    signedWithEnvironmentKeys: record.signedWithEnvironmentKeys === true || undefined,
  };
}
