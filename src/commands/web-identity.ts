import { readFileSync } from 'node:fs';
import { EXAMPLE_ROLE, type CommandSpec, type OptionTable, type OptionValues } from '../cli/options.js';
import type { Context } from '../context.js';
import { deliver, planDelivery } from '../delivery.js';
import { durationFor } from '../duration.js';
import { resolveCredentials } from '../engine/index.js';
import type { WebIdentityRequest } from '../engine/request.js';
import { failure, usageError } from '../errors.js';
import { checkRoleArn, checkSessionName } from '../validate.js';
import { CACHE_OPTIONS, CONNECTION_OPTIONS, durationOption, OUTPUT_OPTIONS, SESSION_NAME_OPTION, WRITE_PROFILE_OPTION } from './option-groups.js';
import { cacheSettings, connectionRequest } from './requests.js';

const OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...SESSION_NAME_OPTION,
  ...durationOption('1h'),
  ...CACHE_OPTIONS,
  ...WRITE_PROFILE_OPTION,
  'token-file': { type: 'string', describe: 'File holding the OIDC token, - for standard input (default: AWS_WEB_IDENTITY_TOKEN_FILE)' },
  token: { type: 'string', describe: 'The OIDC token itself (visible in the process list: prefer --token-file)' },
} as const satisfies OptionTable;

export type WebIdentityOptions = OptionValues<typeof OPTIONS> & { roleArn?: string };

/**
 * The OIDC token from --token, --token-file (`-`: standard input), or
 * AWS_WEB_IDENTITY_TOKEN_FILE as EKS and the SDKs set it. The token is a
 * secret: never echoed. --token puts it in the process list, where every
 * local user can read it: README recommends a file or stdin.
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
  const fromStdin = path === '-' && options.tokenFile !== undefined;
  const source = fromStdin ? 'standard input (--token-file -)' : `${option} '${path}'`;
  let token: string;
  try {
    token = readFileSync(fromStdin ? 0 : path, 'utf8').trim();
  } catch (error) {
    // A file error, as the exit-code table says: 1.
    throw failure(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (token === '') throw usageError(`${source} is empty`, fromStdin ? 'pipe the token in: ... | stsenv web-identity ROLE --token-file -' : undefined);
  return token;
}

/** The request, with EKS's variables (AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME) for what the flags leave out. */
export function webIdentityRequest(options: WebIdentityOptions, env: NodeJS.ProcessEnv): WebIdentityRequest {
  const cache = cacheSettings(options);
  const roleArn = options.roleArn ?? env.AWS_ROLE_ARN;
  if (!roleArn) throw usageError('web-identity needs a role ARN', 'pass it as the first argument (or set AWS_ROLE_ARN)');
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

export async function runWebIdentity(options: WebIdentityOptions, ctx: Context): Promise<number> {
  const delivery = await planDelivery(options, ctx);
  const result = await resolveCredentials(webIdentityRequest(options, ctx.env), ctx);
  await deliver(delivery, result, ctx);
  return 0;
}

export const webIdentityCommand: CommandSpec<WebIdentityOptions> = {
  name: 'web-identity',
  describe: 'Assume a role with an OIDC token (AssumeRoleWithWebIdentity); needs no base credentials',
  positionals: [{ name: 'role-arn', describe: 'Role to assume (default: AWS_ROLE_ARN)' }],
  options: OPTIONS,
  shellLines: true,
  examples: [
    [`eval "$(stsenv web-identity ${EXAMPLE_ROLE} --token-file /var/run/secrets/token)"`, 'In CI'],
    [`printf '%s' "$OIDC_TOKEN" | stsenv web-identity ${EXAMPLE_ROLE} --token-file - --shell json`, 'The token from standard input (printf is a shell builtin: no process shows it)'],
  ],
  run: runWebIdentity,
};
