import { type CommandSpec, connectionOptions, durationOption, mfaOptions, outputOptions } from '../cli/options.js';
import { cacheOptions, cachePolicy, type CacheOptions } from '../cache/options.js';
import type { Context } from '../context.js';
import { checkDelivery, deliverCredentials, writeProfileOption, type WriteProfileOptions } from '../files/credentials-file.js';
import { durationFor } from '../duration.js';
import { usageError } from '../errors.js';
import { promptOption, type PromptOptions } from '../mfa/prompt.js';
import type { OutputOptions } from '../output.js';
import { isRoleProfile, requireProfile } from '../engine/chain.js';
import { loadProfiles } from '../config/shared-files.js';
import { chainRoot, sdkRoot, type Plan } from '../engine/plan.js';
import { runPlan } from '../engine/run-plan.js';
import { resolveTarget, type ConnectionOptions } from '../engine/target.js';
import { checkMfaSerial, checkTokenCode } from '../validate.js';
import type { MfaOptions } from './assume.js';

export interface SessionOptions extends OutputOptions, ConnectionOptions, MfaOptions, CacheOptions, PromptOptions, WriteProfileOptions {
  duration?: string;
}

/**
 * GetSessionToken for --profile (its keys, and its mfa_serial when no
 * --mfa-serial is given) or the default chain. A role profile cannot be the
 * base: STS refuses GetSessionToken with role credentials.
 */
export async function sessionPlan(options: SessionOptions, ctx: Context): Promise<Plan> {
  const DurationSeconds = durationFor('GetSessionToken', options.duration ?? '12h');
  let mfaSerial = options.mfaSerial !== undefined ? checkMfaSerial(options.mfaSerial) : undefined;
  if (options.tokenCode !== undefined) checkTokenCode(options.tokenCode);
  const profileName = options.profile ?? (ctx.env.AWS_PROFILE?.trim() || undefined);
  let root = sdkRoot(profileName, ctx.env);
  if (profileName !== undefined) {
    const profiles = await loadProfiles();
    const data = options.profile !== undefined ? requireProfile(profiles, profileName) : profiles[profileName];
    if (data && isRoleProfile(data) && options.profile !== undefined) {
      throw usageError(`profile '${profileName}' is a role profile; GetSessionToken needs long-term keys`, `use stsenv assume --profile ${profileName}`);
    }
    if (data && !isRoleProfile(data)) {
      if (data.aws_access_key_id && data.aws_secret_access_key) {
        root = chainRoot({ kind: 'static', profile: profileName, accessKeyId: data.aws_access_key_id, secretAccessKey: data.aws_secret_access_key, sessionToken: data.aws_session_token || undefined }, ctx.env);
      }
      if (mfaSerial === undefined && data.mfa_serial) mfaSerial = checkMfaSerial(data.mfa_serial, `mfa_serial in profile '${profileName}'`);
    }
  }
  if (options.tokenCode !== undefined && mfaSerial === undefined) {
    throw usageError('--token-code needs --mfa-serial', 'pass --mfa-serial arn:aws:iam::123456789012:mfa/NAME');
  }
  return { root, steps: [{ operation: 'GetSessionToken', input: { DurationSeconds }, mfaSerial, describe: `session of ${root.label}` }] };
}

export async function runSession(options: SessionOptions, ctx: Context): Promise<number> {
  checkDelivery(ctx, options);
  const policy = cachePolicy(options, ctx);
  const plan = await sessionPlan(options, ctx);
  const target = await resolveTarget(options, ctx.env);
  const result = await runPlan(plan, target, policy, options, ctx);
  await deliverCredentials(ctx, options, result.credentials, target.regionKnown ? target.region : undefined);
  return 0;
}

export const sessionCommand: CommandSpec = {
  command: 'session',
  describe: 'Get a session token (GetSessionToken), with MFA if you give it',
  builder: (y) =>
    writeProfileOption(promptOption(cacheOptions(mfaOptions(durationOption(connectionOptions(outputOptions(y)), '12h'))))).example(
      'eval "$(stsenv session --mfa-serial arn:aws:iam::123456789012:mfa/me --token-code 123456)"',
      'An MFA session for 12 hours',
    ),
  run: (argv, ctx) => runSession(argv as SessionOptions, ctx),
};
