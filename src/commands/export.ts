import { type CommandSpec, connectionOptions, mfaOptions, outputOptions } from '../cli/options.js';
import { cacheOptions, cachePolicy, type CacheOptions } from '../cache/options.js';
import type { Context } from '../context.js';
import { checkDelivery, deliverCredentials, writeProfileOption, type WriteProfileOptions } from '../files/credentials-file.js';
import type { Credentials } from '../credentials.js';
import { usageError } from '../errors.js';
import { promptOption, type PromptOptions } from '../mfa/prompt.js';
import type { OutputOptions } from '../output.js';
import { isRoleProfile, requireProfile, resolveChain } from '../engine/chain.js';
import { loadProfiles } from '../config/shared-files.js';
import { chainRoot, chainSteps } from '../engine/plan.js';
import { runPlan } from '../engine/run-plan.js';
import { defaultSessionName } from '../engine/session-name.js';
import { describeIdentity, resolveTarget, type ConnectionOptions } from '../engine/target.js';
import { checkMfaSerial, checkTokenCode } from '../validate.js';
import type { MfaOptions } from './assume.js';
import { reporter } from './reporter.js';

export interface ExportOptions extends OutputOptions, ConnectionOptions, MfaOptions, CacheOptions, PromptOptions, WriteProfileOptions {}

/**
 * The credentials a profile (or the default chain) gives, printed in any
 * format, like `aws configure export-credentials`. A role profile goes
 * through stsenv's own chain (cache, MFA prompt); anything else is what the
 * SDK resolves.
 */
export async function runExport(options: ExportOptions, ctx: Context): Promise<number> {
  checkDelivery(ctx, options);
  const policy = cachePolicy(options, ctx);
  const mfaSerial = options.mfaSerial !== undefined ? checkMfaSerial(options.mfaSerial) : undefined;
  if (options.tokenCode !== undefined) checkTokenCode(options.tokenCode);
  const profileName = options.profile ?? (ctx.env.AWS_PROFILE?.trim() || undefined);
  let chain;
  if (profileName !== undefined) {
    const profiles = await loadProfiles();
    const data = options.profile !== undefined ? requireProfile(profiles, profileName) : profiles[profileName];
    if (isRoleProfile(data)) chain = resolveChain(profiles, profileName);
  }
  const target = await resolveTarget(options, ctx.env);
  let credentials: Credentials;
  if (chain) {
    const root = chainRoot(chain.root, ctx.env);
    const now = ctx.now();
    const steps = chainSteps(chain, root, mfaSerial, (name) => (name !== undefined ? { name, isDefault: false } : { name: defaultSessionName(ctx.env, now), isDefault: true }));
    credentials = (await runPlan({ root, steps }, target, policy, options, ctx)).credentials;
  } else {
    if (mfaSerial !== undefined || options.tokenCode !== undefined) {
      throw usageError('--mfa-serial and --token-code apply to role profiles only', 'for an MFA session use stsenv session');
    }
    target.identityLabel = describeIdentity(options, ctx.env);
    const sts = await import('../aws/sts.js');
    credentials = await sts.resolveBaseCredentials(target, reporter(ctx));
  }
  await deliverCredentials(ctx, options, credentials, target.regionKnown ? target.region : undefined);
  return 0;
}

export const exportCommand: CommandSpec = {
  command: 'export',
  describe: 'Print the credentials a profile or the default chain gives (like aws configure export-credentials)',
  builder: (y) =>
    writeProfileOption(promptOption(cacheOptions(mfaOptions(connectionOptions(outputOptions(y))))))
      .example('eval "$(stsenv export --profile dev)"', 'The credentials of profile dev, as variables')
      .example('stsenv export --profile sso-admin --shell json', 'As credential_process JSON'),
  run: (argv, ctx) => runExport(argv as ExportOptions, ctx),
};
