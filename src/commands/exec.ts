import { type CommandSpec, connectionOptions, durationOption, EXAMPLE_ROLE, mfaOptions, sessionNameOption } from '../cli/options.js';
import { constants as osConstants } from 'node:os';
import type { Context } from '../context.js';
import { cacheOptions, cachePolicy } from '../cache/options.js';
import { usageError } from '../errors.js';
import { stderrChalk } from '../cli/report-error.js';
import { promptOption } from '../mfa/prompt.js';
import { runPlan } from '../engine/run-plan.js';
import { resolveTarget } from '../engine/target.js';
import { credentialEnv, type EnvChange } from '../variables.js';
import { checkCommand, EXIT_CANNOT_RUN, EXIT_NOT_FOUND, spawnCommand } from '../exec/spawn-command.js';
import { assumePlan, assumeRequestOptions, type AssumeOptions } from './assume.js';
import { sessionPlan } from './session.js';

export interface ExecOptions extends Omit<AssumeOptions, 'roleArn' | 'shell' | 'profileName'> {
  roleArn?: string;
  session?: boolean;
  /** yargs' positionals: the command name, then everything after `--`. */
  _: Array<string | number>;
}

export { EXIT_CANNOT_RUN, EXIT_NOT_FOUND } from '../exec/spawn-command.js';

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

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
  if (words.length === 0) throw usageError('exec needs a command after --', `for example: stsenv exec ${EXAMPLE_ROLE} -- aws s3 ls`);
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

function failed(ctx: Context, problem: { code: number; message: string }): number {
  ctx.stderr.write(`${stderrChalk(ctx.stderr, ctx.env).red('stsenv: error:')} ${problem.message}\n`);
  return problem.code;
}

/**
 * Runs the command with no shell in between, stdio shared, the signals a
 * terminal or supervisor sends passed on; resolves to its exit code, or
 * 128 + N when signal N ended it.
 */
export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv, ctx: Context): Promise<number> {
  return new Promise((resolve) => {
    const child = spawnCommand(command, args, { env, stdio: 'inherit' }, ctx.platform);
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const done = (code: number) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolve(code);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') done(failed(ctx, { code: EXIT_NOT_FOUND, message: `command not found: '${command}' (check its name and PATH)` }));
      else done(failed(ctx, { code: EXIT_CANNOT_RUN, message: `cannot run '${command}': ${error.code ?? error.message}` }));
    });
    child.on('exit', (code, signal) => {
      if (signal) ctx.debug(`${command} ended by ${signal}`);
      done(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0));
    });
  });
}

/**
 * The same credentials `assume` or `session` would print (profiles, cache and
 * MFA prompt included), given to the command's environment instead.
 */
export async function runExec(options: ExecOptions, ctx: Context): Promise<number> {
  const [command, ...args] = commandLine(options);
  if (options.session && options.roleArn !== undefined) throw usageError('give a role ARN or --session, not both');
  if (!options.session && options.roleArn === undefined && options.profile === undefined) {
    throw usageError('exec needs a role ARN, --profile of a role profile, or --session', `for example: stsenv exec ${EXAMPLE_ROLE} -- ${command}`);
  }
  if (options.session) {
    for (const [key, flag] of ASSUME_ONLY) if (options[key] !== undefined) throw usageError(`${flag} does not apply to --session`);
  }
  // Every check that needs no network comes first.
  const policy = cachePolicy(options, ctx);
  const plan = options.session ? await sessionPlan(options, ctx) : await assumePlan(options, ctx);
  const problem = checkCommand(command!, args, ctx.env, ctx.platform);
  if (problem) return failed(ctx, problem);
  const target = await resolveTarget(options, ctx.env);
  const { credentials } = await runPlan(plan, target, policy, options, ctx);
  const change = credentialEnv({ credentials, region: target.regionKnown ? target.region : undefined, profileName: '' });
  ctx.debug(`running ${command} with ${change.set.map(([name]) => name).join(', ')} set and ${change.clear.join(', ')} removed`);
  return runChild(command!, args, childEnv(ctx.env, change), ctx);
}

export const execCommand: CommandSpec = {
  command: 'exec [role-arn]',
  describe: 'Run a command with the credentials in its environment (no shell, no eval): exec ROLE_ARN -- COMMAND...',
  builder: (y) =>
    promptOption(cacheOptions(mfaOptions(assumeRequestOptions(durationOption(sessionNameOption(connectionOptions(y)), '1h; 12h with --session')))))
      .usage('stsenv exec <role-arn> [options] -- COMMAND [ARGS...]\nstsenv exec --session [options] -- COMMAND [ARGS...]')
      .positional('role-arn', { type: 'string', describe: 'Role to assume (AssumeRole; default: role_arn of --profile)' })
      .option('session', { type: 'boolean', describe: 'Use GetSessionToken instead of assuming a role' })
      .example(`stsenv exec ${EXAMPLE_ROLE} -- aws s3 ls`, 'One command as the role')
      .example('stsenv exec --session --mfa-serial arn:aws:iam::123456789012:mfa/me --token-code 123456 -- terraform apply', 'With an MFA session')
      .epilogue(
        'The command runs without a shell, with stdin, stdout and stderr shared and SIGINT, SIGTERM and SIGHUP passed on. ' +
          'AWS_PROFILE, AWS_DEFAULT_PROFILE and AWS_SECURITY_TOKEN are removed from its environment. ' +
          'Exit code: the command\'s; 128+N when signal N ended it; 127 when it is not found, 126 when it cannot be run; else stsenv\'s own (1, 2).',
      ),
  run: (argv, ctx) => runExec(argv as unknown as ExecOptions, ctx),
};
