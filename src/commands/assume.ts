import { type CommandSpec, connectionOptions, durationOption, EXAMPLE_ROLE, mfaOptions, outputOptions, repeatable, sessionNameOption } from '../cli-options.js';
import { readFileSync } from 'node:fs';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import type { Context } from '../context.js';
import { durationFor } from '../duration.js';
import { usageError } from '../errors.js';
import { chooseFormat, writeCredentials, type OutputOptions } from '../output.js';
import { defaultSessionName } from '../session-name.js';
import { resolveTarget, type ConnectionOptions } from '../target.js';
import {
  checkExternalId,
  checkMfaSerial,
  checkPolicyArns,
  checkPolicyDocument,
  checkRoleArn,
  checkSessionName,
  checkSourceIdentity,
  checkTokenCode,
  checkTransitiveTagKeys,
  parseTags,
} from '../validate.js';
import { reporter } from './reporter.js';

export interface MfaOptions {
  mfaSerial?: string;
  tokenCode?: string;
}

export interface AssumeOptions extends OutputOptions, ConnectionOptions, MfaOptions {
  roleArn: string;
  sessionName?: string;
  duration?: string;
  externalId?: string;
  policy?: string;
  policyArn?: string[];
  tag?: string[];
  transitiveTag?: string[];
  sourceIdentity?: string;
}

/** `--policy` is JSON text, or `@file` to read it from a file. */
export function readPolicy(value: string): string {
  if (!value.startsWith('@')) return checkPolicyDocument(value, 'text');
  const path = value.slice(1);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`cannot read --policy file '${path}': ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 'give a readable JSON file as --policy @FILE');
  }
  return checkPolicyDocument(text, `file '${path}'`);
}

/** --mfa-serial and --token-code come together; the code is never shown. */
export function mfaInput(options: MfaOptions): { SerialNumber?: string; TokenCode?: string } {
  if (options.tokenCode !== undefined && options.mfaSerial === undefined) {
    throw usageError('--token-code needs --mfa-serial', 'pass --mfa-serial arn:aws:iam::123456789012:mfa/NAME');
  }
  if (options.mfaSerial === undefined) return {};
  const SerialNumber = checkMfaSerial(options.mfaSerial);
  if (options.tokenCode === undefined) {
    throw usageError('--mfa-serial needs --token-code', 'pass --token-code with the 6 digits your MFA device shows');
  }
  return { SerialNumber, TokenCode: checkTokenCode(options.tokenCode) };
}

/** Every check that needs no network, turned into the exact AssumeRole request. */
export function assumeRoleInput(options: AssumeOptions, env: NodeJS.ProcessEnv, now: Date): AssumeRoleCommandInput {
  const input: AssumeRoleCommandInput = {
    RoleArn: checkRoleArn(options.roleArn),
    RoleSessionName: options.sessionName !== undefined ? checkSessionName(options.sessionName) : defaultSessionName(env, now),
    DurationSeconds: durationFor('AssumeRole', options.duration ?? '1h'),
  };
  if (options.externalId !== undefined) input.ExternalId = checkExternalId(options.externalId);
  if (options.policy !== undefined) input.Policy = readPolicy(options.policy);
  if (options.policyArn?.length) input.PolicyArns = checkPolicyArns(options.policyArn).map((arn) => ({ arn }));
  if (options.tag?.length) input.Tags = parseTags(options.tag);
  if (options.transitiveTag?.length) input.TransitiveTagKeys = checkTransitiveTagKeys(options.transitiveTag);
  if (options.sourceIdentity !== undefined) input.SourceIdentity = checkSourceIdentity(options.sourceIdentity);
  Object.assign(input, mfaInput(options));
  return input;
}

export async function runAssume(options: AssumeOptions, ctx: Context): Promise<number> {
  const format = chooseFormat(options, ctx);
  const input = assumeRoleInput(options, ctx.env, ctx.now());
  const target = await resolveTarget(options, ctx.env);
  const sts = await import('../aws/sts.js');
  const issued = await sts.assumeRole(target, reporter(ctx), input, ctx.now());
  ctx.debug(`assumed ${issued.arn ?? input.RoleArn} until ${issued.credentials.expiration.toISOString()}`);
  writeCredentials(ctx, format, issued.credentials, target.regionKnown ? target.region : undefined, options);
  return 0;
}

export const assumeCommand: CommandSpec = {
  command: 'assume <role-arn>',
  describe: 'Assume a role (AssumeRole) and print the credentials',
  builder: (y) =>
    mfaOptions(durationOption(sessionNameOption(connectionOptions(outputOptions(y))), '1h'))
      .positional('role-arn', { type: 'string', describe: 'Role to assume' })
      .option('external-id', { type: 'string', describe: 'External ID the role trust policy requires' })
      .option('policy', { type: 'string', describe: 'Session policy: JSON text, or @FILE' })
      .option('policy-arn', { type: 'string', coerce: repeatable, describe: 'Managed session policy ARN (repeatable)' })
      .option('tag', { type: 'string', coerce: repeatable, describe: 'Session tag Key=Value (repeatable)' })
      .option('transitive-tag', { type: 'string', coerce: repeatable, describe: 'Tag key that passes to chained roles (repeatable)' })
      .option('source-identity', { type: 'string', describe: 'SourceIdentity for CloudTrail' })
      .example(`eval "$(stsenv assume ${EXAMPLE_ROLE})"`, 'Assume a role in bash or zsh')
      .example(`stsenv assume ${EXAMPLE_ROLE} -s fish | source`, 'The same in fish')
      .example(`stsenv assume ${EXAMPLE_ROLE} --duration 15m --tag team=ops`, 'Short session with a session tag'),
  run: (argv, ctx) => runAssume(argv as unknown as AssumeOptions, ctx),
};
