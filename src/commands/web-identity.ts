import { type CommandSpec, connectionOptions, durationOption, EXAMPLE_ROLE, outputOptions, sessionNameOption } from '../cli/options.js';
import { readFileSync } from 'node:fs';
import type { AssumeRoleWithWebIdentityCommandInput } from '@aws-sdk/client-sts';
import type { Context } from '../context.js';
import { durationFor } from '../duration.js';
import { usageError } from '../errors.js';
import { cacheOptions, cachePolicy, type CacheOptions } from '../cache/options.js';
import { checkDelivery, deliverCredentials, writeProfileOption, type WriteProfileOptions } from '../files/credentials-file.js';
import type { OutputOptions } from '../output.js';
import type { Plan } from '../engine/plan.js';
import { runPlan } from '../engine/run-plan.js';
import { defaultSessionName } from '../engine/session-name.js';
import { resolveTarget, type ConnectionOptions } from '../engine/target.js';
import { checkRoleArn, checkSessionName } from '../validate.js';

export interface WebIdentityOptions extends OutputOptions, ConnectionOptions, CacheOptions, WriteProfileOptions {
  roleArn?: string;
  token?: string;
  tokenFile?: string;
  sessionName?: string;
  duration?: string;
}

/**
 * The OIDC token from --token, --token-file, or AWS_WEB_IDENTITY_TOKEN_FILE
 * as EKS and the SDKs set it. The token is a secret: never echoed.
 */
function readToken(options: WebIdentityOptions, env: NodeJS.ProcessEnv): string {
  if (options.token !== undefined && options.tokenFile !== undefined) throw usageError('give --token or --token-file, not both');
  if (options.token !== undefined) {
    if (options.token.trim() === '') throw usageError('--token is empty');
    return options.token.trim();
  }
  const path = options.tokenFile ?? env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (!path) throw usageError('web-identity needs a token', 'pass --token-file FILE or --token TOKEN (or set AWS_WEB_IDENTITY_TOKEN_FILE)');
  const option = options.tokenFile !== undefined ? '--token-file' : 'AWS_WEB_IDENTITY_TOKEN_FILE';
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw usageError(`cannot read ${option} '${path}': ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (token === '') throw usageError(`${option} '${path}' is empty`);
  return token;
}

export function webIdentityInput(options: WebIdentityOptions, env: NodeJS.ProcessEnv, now: Date): AssumeRoleWithWebIdentityCommandInput {
  const roleArn = options.roleArn ?? env.AWS_ROLE_ARN;
  if (!roleArn) throw usageError('web-identity needs a role ARN', 'pass it as the first argument (or set AWS_ROLE_ARN)');
  const sessionName = options.sessionName ?? env.AWS_ROLE_SESSION_NAME;
  return {
    RoleArn: checkRoleArn(roleArn),
    RoleSessionName: sessionName !== undefined ? checkSessionName(sessionName) : defaultSessionName(env, now),
    DurationSeconds: durationFor('AssumeRoleWithWebIdentity', options.duration ?? '1h'),
    WebIdentityToken: readToken(options, env),
  };
}

/** AssumeRoleWithWebIdentity is unsigned: no base credentials are looked up. */
export async function runWebIdentity(options: WebIdentityOptions, ctx: Context): Promise<number> {
  checkDelivery(ctx, options);
  const policy = cachePolicy(options, ctx);
  const input = webIdentityInput(options, ctx.env, ctx.now());
  const target = await resolveTarget(options, ctx.env);
  target.identityLabel = 'the web identity token';
  const explicitName = options.sessionName !== undefined || Boolean(ctx.env.AWS_ROLE_SESSION_NAME);
  const plan: Plan = {
    root: { kind: 'unsigned', key: 'web-identity', label: target.identityLabel },
    steps: [{ operation: 'AssumeRoleWithWebIdentity', input, defaultSessionName: !explicitName, describe: `role ${input.RoleArn} (web identity)` }],
  };
  const result = await runPlan(plan, target, policy, {}, ctx);
  await deliverCredentials(ctx, options, result.credentials, target.regionKnown ? target.region : undefined);
  return 0;
}

export const webIdentityCommand: CommandSpec = {
  command: 'web-identity [role-arn]',
  describe: 'Assume a role with an OIDC token (AssumeRoleWithWebIdentity); needs no base credentials',
  builder: (y) =>
    writeProfileOption(cacheOptions(durationOption(sessionNameOption(connectionOptions(outputOptions(y))), '1h')))
      .positional('role-arn', { type: 'string', describe: 'Role to assume (default: AWS_ROLE_ARN)' })
      .option('token-file', { type: 'string', describe: 'File holding the OIDC token (default: AWS_WEB_IDENTITY_TOKEN_FILE)' })
      .option('token', { type: 'string', describe: 'The OIDC token itself' })
      .example(`eval "$(stsenv web-identity ${EXAMPLE_ROLE} --token-file /var/run/secrets/token)"`, 'In CI'),
  run: (argv, ctx) => runWebIdentity(argv as WebIdentityOptions, ctx),
};
