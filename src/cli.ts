#!/usr/bin/env node
/**
 * The command line: yargs wiring and nothing else. Each command is a plain
 * function over parsed options and a Context; this file maps argv to them
 * and turns the result into an exit code.
 */
import yargs, { type Argv } from 'yargs';
import { runAssume, type AssumeOptions } from './commands/assume.js';
import { runSession, type SessionOptions } from './commands/session.js';
import { runUnset } from './commands/unset.js';
import { runWebIdentity, type WebIdentityOptions } from './commands/web-identity.js';
import { runWhoami, type WhoamiOptions } from './commands/whoami.js';
import { processContext, type Context } from './context.js';
import { EXIT_USAGE, usageError } from './errors.js';
import { reportError, stderrChalk } from './report-error.js';
import { FORMATS, FORMAT_NAMES } from './shells/index.js';

declare const STSENV_VERSION: string | undefined;
const VERSION = typeof STSENV_VERSION === 'string' ? STSENV_VERSION : '0.0.0-dev';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';

/**
 * Repeatable options are given once per value (`--tag a=1 --tag b=2`); yargs'
 * `array` would also swallow the role ARN that follows.
 */
function repeatable(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}

function outputOptions(y: Argv): Argv {
  return y
    .option('shell', {
      alias: 's',
      type: 'string',
      describe: `Output format: ${FORMATS.map((f) => f.name).join(', ')} (default: the shell running stsenv)`,
    })
    .option('profile-name', { type: 'string', describe: 'Section name for --shell ini', default: undefined });
}

function connectionOptions(y: Argv): Argv {
  return y
    .option('region', { type: 'string', describe: 'AWS region for STS (default: AWS_REGION, AWS_DEFAULT_REGION, the profile, else the global endpoint)' })
    .option('endpoint-url', { type: 'string', describe: 'STS endpoint URL (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)' })
    .option('profile', { type: 'string', describe: 'Profile for the base credentials (default: the SDK chain)' })
    .option('max-attempts', { type: 'number', describe: 'Attempts per request, retries included (default: AWS_MAX_ATTEMPTS or 3)' })
    .option('timeout', { type: 'number', describe: 'Seconds to wait for STS in total, retries included', default: undefined });
}

function durationOption(y: Argv, fallback: string): Argv {
  return y.option('duration', { alias: 'd', type: 'string', describe: `Session length: seconds or 15m, 1h, 12h (default ${fallback})` });
}

function mfaOptions(y: Argv): Argv {
  return y
    .option('mfa-serial', { type: 'string', describe: 'ARN or serial of your MFA device' })
    .option('token-code', { type: 'string', describe: 'The 6-digit MFA code' });
}

function sessionNameOption(y: Argv): Argv {
  return y.option('session-name', { alias: 'n', type: 'string', describe: 'RoleSessionName (default: stsenv-USER-TIME)' });
}

/** Every command, with the function that runs it. */
const COMMANDS: Array<{
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  run: (argv: Record<string, unknown>, ctx: Context) => Promise<number> | number;
}> = [
  {
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
        .example(`eval "$(stsenv assume ${ROLE})"`, 'Assume a role in bash or zsh')
        .example(`stsenv assume ${ROLE} -s fish | source`, 'The same in fish')
        .example(`stsenv assume ${ROLE} --duration 15m --tag team=ops`, 'Short session with a session tag'),
    run: (argv, ctx) => runAssume(argv as unknown as AssumeOptions, ctx),
  },
  {
    command: 'session',
    describe: 'Get a session token (GetSessionToken), with MFA if you give it',
    builder: (y) =>
      mfaOptions(durationOption(connectionOptions(outputOptions(y)), '12h')).example(
        'eval "$(stsenv session --mfa-serial arn:aws:iam::123456789012:mfa/me --token-code 123456)"',
        'An MFA session for 12 hours',
      ),
    run: (argv, ctx) => runSession(argv as SessionOptions, ctx),
  },
  {
    command: 'web-identity [role-arn]',
    describe: 'Assume a role with an OIDC token (AssumeRoleWithWebIdentity); needs no base credentials',
    builder: (y) =>
      durationOption(sessionNameOption(connectionOptions(outputOptions(y))), '1h')
        .positional('role-arn', { type: 'string', describe: 'Role to assume (default: AWS_ROLE_ARN)' })
        .option('token-file', { type: 'string', describe: 'File holding the OIDC token (default: AWS_WEB_IDENTITY_TOKEN_FILE)' })
        .option('token', { type: 'string', describe: 'The OIDC token itself' })
        .example(`eval "$(stsenv web-identity ${ROLE} --token-file /var/run/secrets/token)"`, 'In CI'),
    run: (argv, ctx) => runWebIdentity(argv as WebIdentityOptions, ctx),
  },
  {
    command: 'whoami',
    describe: 'Show the identity of the current credentials (GetCallerIdentity)',
    builder: (y) => connectionOptions(y).option('json', { type: 'boolean', describe: 'Print JSON for programs' }),
    run: (argv, ctx) => runWhoami(argv as WhoamiOptions, ctx),
  },
  {
    command: 'unset',
    describe: 'Print the lines that clear every variable stsenv sets',
    builder: (y) => outputOptions(y).example('eval "$(stsenv unset)"', 'Drop the assumed credentials'),
    run: (argv, ctx) => runUnset(argv, ctx),
  },
];

function buildParser(args: string[]): Argv {
  let parser = yargs(args)
    .scriptName('stsenv')
    .usage('stsenv <command> [options]\n\nTemporary AWS credentials from STS, printed as lines your shell evaluates.')
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .alias('version', 'V')
    .option('debug', { type: 'boolean', describe: 'Explain what stsenv does on stderr (never secrets)' })
    .strict()
    .demandCommand(1, 'Name a command')
    .recommendCommands()
    .exitProcess(false)
    .locale('en')
    .wrap(Math.min(110, process.stderr.columns ?? 100))
    .parserConfiguration({ 'camel-case-expansion': true })
    .epilogue(`Formats (-s/--shell): ${FORMAT_NAMES.join(', ')}.\nDocs: README.md. Exit codes: 0 ok, 1 AWS/network/file error, 2 usage or bad input.`);
  for (const { command, describe, builder } of COMMANDS) parser = parser.command(command, describe, builder);
  return parser;
}

interface Parsed {
  argv?: Record<string, unknown>;
  error?: Error;
  /** What yargs would have printed (help, version, or usage after an error). */
  output: string;
}

/** yargs reports through a callback instead of printing and exiting. */
function parse(args: string[]): Parsed {
  const result: Parsed = { output: '' };
  buildParser(args).parse(args, {}, (error, argv, output) => {
    result.error = error ?? undefined;
    result.argv = argv as Record<string, unknown>;
    result.output = output ?? '';
  });
  return result;
}

export async function main(args: string[]): Promise<number> {
  const debug = args.includes('--debug');
  const chalkForWarn = stderrChalk(process.stderr, process.env);
  const ctx = processContext(debug, (message) => process.stderr.write(`${chalkForWarn.yellow('stsenv: warning:')} ${message}\n`));
  try {
    const { argv, error, output } = parse(args);
    if (error) throw usageError(error.message.split('\n')[0]!, 'see stsenv --help');
    if (argv?.version) {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (argv?.help) {
      // Help is for people: stderr, so that `eval "$(stsenv ... --help)"` runs nothing.
      process.stderr.write(`${output}\n`);
      return 0;
    }
    const name = String((argv?._ as unknown[] | undefined)?.[0]);
    const command = COMMANDS.find((c) => c.command.split(' ')[0] === name);
    if (!command) throw usageError(`unknown command '${name}'`, 'see stsenv --help');
    return await command.run(argv!, ctx);
  } catch (error) {
    return reportError(error, process.stderr, process.env, debug);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT_USAGE;
  },
);
