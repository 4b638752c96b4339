import { type CommandSpec, connectionOptions, durationOption, EXAMPLE_ROLE, mfaOptions, outputOptions, repeatable, sessionNameOption } from '../cli/options.js';
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { cacheOptions, cachePolicy, type CacheOptions } from '../cache/options.js';
import type { Context } from '../context.js';
import { checkDelivery, deliverCredentials, writeProfileOption, type WriteProfileOptions } from '../files/credentials-file.js';
import { durationFor } from '../duration.js';
import { usageError } from '../errors.js';
import { promptOption, type PromptOptions } from '../mfa/prompt.js';
import type { OutputOptions } from '../output.js';
import { isRoleProfile, requireProfile, resolveChain } from '../engine/chain.js';
import { loadProfiles } from '../config/shared-files.js';
import { chainRoot, chainSteps, sdkRoot, type Plan, type Step } from '../engine/plan.js';
import { runPlan } from '../engine/run-plan.js';
import { defaultSessionName } from '../engine/session-name.js';
import { resolveTarget, type ConnectionOptions } from '../engine/target.js';
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

export interface MfaOptions {
  mfaSerial?: string;
  tokenCode?: string;
}

export interface AssumeOptions extends OutputOptions, ConnectionOptions, MfaOptions, CacheOptions, PromptOptions, WriteProfileOptions {
  /** Optional when --profile names a role profile. */
  roleArn?: string;
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

/** The AssumeRole options beyond role, session name, duration and MFA; `exec` takes them too. */
export function assumeRequestOptions(y: Argv): Argv {
  return y
    .option('external-id', { type: 'string', describe: 'External ID the role trust policy requires' })
    .option('policy', { type: 'string', describe: 'Session policy: JSON text, or @FILE' })
    .option('policy-arn', { type: 'string', coerce: repeatable, describe: 'Managed session policy ARN (repeatable)' })
    .option('tag', { type: 'string', coerce: repeatable, describe: 'Session tag Key=Value (repeatable)' })
    .option('transitive-tag', { type: 'string', coerce: repeatable, describe: 'Tag key that passes to chained roles (repeatable)' })
    .option('source-identity', { type: 'string', describe: 'SourceIdentity for CloudTrail' });
}

/** The AssumeRole fields the flags set (role and MFA aside), each checked. */
function flagFields(options: AssumeOptions): Partial<AssumeRoleCommandInput> {
  const fields: Partial<AssumeRoleCommandInput> = {};
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

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}

/**
 * What `assume` will ask STS for. `assume ROLE` signs with --profile (a role
 * profile's whole chain, or whatever the SDK resolves for any other
 * profile) or the default chain; `assume --profile P` assumes P's own role
 * with P's settings, flags overriding them.
 */
export async function assumePlan(options: AssumeOptions, ctx: Context): Promise<Plan> {
  const now = ctx.now();
  const fields = flagFields(options);
  const mfaSerial = options.mfaSerial !== undefined ? checkMfaSerial(options.mfaSerial) : undefined;
  if (options.tokenCode !== undefined) checkTokenCode(options.tokenCode);
  const profileName = options.profile ?? nonEmpty(ctx.env.AWS_PROFILE);
  if (options.roleArn === undefined && options.profile === undefined) {
    throw usageError('assume needs a <role-arn> argument', 'or --profile NAME of a role profile in your AWS config');
  }
  const roleArn = options.roleArn !== undefined ? checkRoleArn(options.roleArn) : undefined;
  let chain;
  if (profileName !== undefined) {
    const profiles = await loadProfiles();
    const data = options.profile !== undefined ? requireProfile(profiles, profileName) : profiles[profileName];
    if (isRoleProfile(data)) chain = resolveChain(profiles, profileName);
  }
  const sessionName = (fromProfile: string | undefined) =>
    fromProfile !== undefined ? { name: fromProfile, isDefault: false } : { name: defaultSessionName(ctx.env, now), isDefault: true };

  let plan: Plan;
  if (roleArn === undefined) {
    if (!chain) throw usageError(`profile '${profileName}' is not a role profile (it has no role_arn)`, 'pass the role ARN as the first argument');
    const root = chainRoot(chain.root, ctx.env);
    const steps = chainSteps(chain, root, mfaSerial, sessionName);
    const last = steps[steps.length - 1] as Extract<Step, { operation: 'AssumeRole' }>;
    last.input = { ...last.input, ...fields };
    if (fields.RoleSessionName !== undefined) last.defaultSessionName = false;
    plan = { root, steps };
  } else {
    const root = chain ? chainRoot(chain.root, ctx.env) : sdkRoot(profileName, ctx.env);
    const steps = chain ? chainSteps(chain, root, undefined, sessionName) : [];
    const name = fields.RoleSessionName !== undefined ? { name: fields.RoleSessionName, isDefault: false } : sessionName(undefined);
    const input: AssumeRoleCommandInput = { RoleArn: roleArn, DurationSeconds: 3600, ...fields, RoleSessionName: name.name };
    steps.push({ operation: 'AssumeRole', input, mfaSerial, defaultSessionName: name.isDefault, describe: `role ${roleArn}` });
    plan = { root, steps };
  }
  if (options.tokenCode !== undefined && !plan.steps.some((step) => 'mfaSerial' in step && step.mfaSerial)) {
    throw usageError('--token-code needs --mfa-serial', 'pass --mfa-serial arn:aws:iam::123456789012:mfa/NAME (or set mfa_serial in the profile)');
  }
  return plan;
}

export async function runAssume(options: AssumeOptions, ctx: Context): Promise<number> {
  checkDelivery(ctx, options);
  const policy = cachePolicy(options, ctx);
  const plan = await assumePlan(options, ctx);
  const target = await resolveTarget(options, ctx.env);
  const result = await runPlan(plan, target, policy, options, ctx);
  if (!result.fromCache) ctx.debug(`assumed ${result.arn ?? 'the role'} until ${result.credentials.expiration.toISOString()}`);
  await deliverCredentials(ctx, options, result.credentials, target.regionKnown ? target.region : undefined);
  return 0;
}

export const assumeCommand: CommandSpec = {
  command: 'assume [role-arn]',
  describe: 'Assume a role (AssumeRole) and print the credentials',
  builder: (y) =>
    writeProfileOption(promptOption(cacheOptions(mfaOptions(assumeRequestOptions(durationOption(sessionNameOption(connectionOptions(outputOptions(y))), '1h'))))))
      .positional('role-arn', { type: 'string', describe: 'Role to assume (default: role_arn of --profile)' })
      .example(`eval "$(stsenv assume ${EXAMPLE_ROLE})"`, 'Assume a role in bash or zsh')
      .example(`stsenv assume ${EXAMPLE_ROLE} -s fish | source`, 'The same in fish')
      .example(`stsenv assume ${EXAMPLE_ROLE} --duration 15m --tag team=ops`, 'Short session with a session tag')
      .example('eval "$(stsenv assume --profile prod-admin)"', 'The role of a profile in ~/.aws/config'),
  run: (argv, ctx) => runAssume(argv as unknown as AssumeOptions, ctx),
};
