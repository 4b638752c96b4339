import { EXAMPLE_ROLE, type CommandSpec, type OptionTable, type OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { resolveCredentials } from '../engine/index.js';
import { usageError } from '../errors.js';
import { credentialEnv, regionIsUsers, type EnvChange } from '../variables.js';
import {
  CACHE_OPTIONS,
  CONNECTION_OPTIONS,
  durationOption,
  MFA_OPTIONS,
  PROMPT_OPTION,
  ROLE_REQUEST_OPTIONS,
  SESSION_NAME_OPTION,
} from './option-groups.js';
import { assumeRoleRequest, sessionTokenRequest } from './requests.js';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...SESSION_NAME_OPTION,
  ...durationOption('1h; 12h with --session'),
  ...ROLE_REQUEST_OPTIONS,
  ...MFA_OPTIONS,
  ...CACHE_OPTIONS,
  ...PROMPT_OPTION,
  session: { type: 'boolean', describe: 'Use GetSessionToken instead of assuming a role' },
  server: {
    type: 'boolean',
    describe:
      'Serve the credentials to the command from 127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI), renewed as they run out',
  },
} as const satisfies OptionTable;

export type ExecOptions = OptionValues<typeof OPTIONS> & {
  roleArn?: string;
  /** yargs' positionals: the command name, then everything after `--`. */
  _: Array<string | number>;
};

/** Options that only AssumeRole takes: refused with --session rather than ignored. */
const ASSUME_ONLY: ReadonlyArray<[keyof ExecOptions, string]> = [
  ['sessionName', '--session-name'],
  ['externalId', '--external-id'],
  ['policy', '--policy'],
  ['policyArn', '--policy-arn'],
  ['tag', '--tag'],
  ['transitiveTag', '--transitive-tag'],
  ['sourceIdentity', '--source-identity'],
];

/** The command and its arguments: what came after `--`, exactly as given. */
export function commandLine(options: ExecOptions): string[] {
  const words = options._.slice(1).map(String);
  if (words.length === 0)
    throw usageError('exec needs a command after --', `for example: stsenv exec ${EXAMPLE_ROLE} -- aws s3 ls`);
  return words;
}

/**
 * The child's environment: the parent's, without the profile variables that
 * would make the SDKs ignore the keys, with the new credentials.
 */
export function childEnv(parent: NodeJS.ProcessEnv, change: EnvChange): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent };
  for (const name of change.clear) delete env[name];
  for (const [name, value] of change.set) env[name] = value;
  return env;
}

/**
 * The same credentials `assume` or `session` would print (profiles, cache and
 * MFA prompt included), given to the command's environment instead.
 */
export async function runExec(options: ExecOptions, ctx: Context): Promise<number> {
  const [command, ...args] = commandLine(options);
  if (options.session && options.roleArn !== undefined) throw usageError('give a role ARN or --session, not both');
  if (!options.session && options.roleArn === undefined && options.profile === undefined) {
    throw usageError(
      'exec needs a role ARN, --profile of a role profile, or --session',
      `for example: stsenv exec ${EXAMPLE_ROLE} -- ${command}`,
    );
  }
  if (options.session) {
    for (const [key, flag] of ASSUME_ONLY)
      if (options[key] !== undefined) throw usageError(`${flag} does not apply to --session`);
  }
  // Every check that needs no network comes first.
  const request = options.session ? sessionTokenRequest(options) : assumeRoleRequest(options, ctx.env);
  // Loaded only here: cross-spawn is for running a command, not for every load of this table.
  const { checkCommand } = await import('../exec/spawn-command.js');
  const { runChild } = await import('../exec/run-child.js');
  const problem = checkCommand(command!, args, ctx.env, ctx.platform);
  if (problem) throw problem;
  if (options.server) {
    const { serveCredentials } = await import('../server/serve-credentials.js');
    const served = await serveCredentials(request, ctx);
    try {
      return await runChild(command!, args, served.childEnv, ctx);
    } finally {
      await served.close();
    }
  }
  const { credentials, region, roleArn } = await resolveCredentials(request, ctx);
  const change = credentialEnv({
    credentials,
    region,
    roleArn,
    profileName: '',
    regionIsUsers: regionIsUsers(region, ctx.env),
  });
  ctx.debug(
    `running ${command} with ${change.set.map(([name]) => name).join(', ')} set and ${change.clear.join(', ')} removed`,
  );
  return runChild(command!, args, childEnv(ctx.env, change), ctx);
}

export const execCommand: CommandSpec<ExecOptions> = {
  name: 'exec',
  describe: 'Run a command with the credentials in its environment (no shell, no eval): exec ROLE_ARN -- COMMAND...',
  positionals: [{ name: 'role-arn', describe: 'Role to assume (AssumeRole; default: role_arn of --profile)' }],
  runsCommand: true,
  options: OPTIONS,
  usage: 'stsenv exec <role-arn> [options] -- COMMAND [ARGS...]\nstsenv exec --session [options] -- COMMAND [ARGS...]',
  examples: [
    [`stsenv exec ${EXAMPLE_ROLE} -- aws s3 ls`, 'One command as the role'],
    [
      'stsenv exec --server --profile prod-admin -- terraform apply',
      'Credentials renewed for as long as the command runs',
    ],
    [
      'stsenv exec --session --mfa-serial arn:aws:iam::123456789012:mfa/me --token-code 123456 -- terraform apply',
      'With an MFA session',
    ],
  ],
  epilogue:
    'The command runs without a shell, with stdin, stdout and stderr shared and SIGINT, SIGTERM and SIGHUP passed on. ' +
    'AWS_PROFILE, AWS_DEFAULT_PROFILE and AWS_SECURITY_TOKEN are removed from its environment. ' +
    'With --server it gets no keys but AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN, served while it runs. ' +
    "Exit code: the command's; 128+N when signal N ended it; 127 when it is not found, 126 when it cannot be run; else stsenv's own (1, 2).",
  run: runExec,
};
