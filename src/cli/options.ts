import type { Argv } from 'yargs';
import type { Context } from '../context.js';
import { FORMATS } from '../shells/index.js';

/** One subcommand: its yargs definition and the plain function that runs it. */
export interface CommandSpec {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  run: (argv: Record<string, unknown>, ctx: Context) => Promise<number> | number;
}

/** The role ARN the help examples use. */
export const EXAMPLE_ROLE = 'arn:aws:iam::123456789012:role/deploy';

/** The options that may be given more than once; any other given twice is a usage error. */
export const REPEATABLE_OPTIONS: ReadonlySet<string> = new Set(['policy-arn', 'tag', 'transitive-tag']);

/**
 * Repeatable options are given once per value (`--tag a=1 --tag b=2`); yargs'
 * `array` would also swallow the role ARN that follows.
 */
export function repeatable(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}

export function outputOptions(y: Argv): Argv {
  return y
    .option('shell', {
      alias: 's',
      type: 'string',
      describe: `Output format: ${FORMATS.map((f) => f.name).join(', ')} (default: the shell running stsenv)`,
    })
    .option('profile-name', { type: 'string', describe: 'Section name for --shell ini (default: stsenv)' });
}

export function connectionOptions(y: Argv): Argv {
  return y
    .option('region', { type: 'string', describe: 'AWS region for STS (default: AWS_REGION, AWS_DEFAULT_REGION, the profile, else the global endpoint)' })
    .option('endpoint-url', { type: 'string', describe: 'STS endpoint URL (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)' })
    .option('profile', { type: 'string', describe: 'Profile for the base credentials (default: the SDK chain)' })
    .option('max-attempts', { type: 'number', describe: 'Attempts per request, retries included (default: AWS_MAX_ATTEMPTS or 3)' })
    .option('timeout', { type: 'number', describe: 'Seconds to wait for STS in total, retries included (default 30)' });
}

export function durationOption(y: Argv, fallback: string): Argv {
  return y.option('duration', { alias: 'd', type: 'string', describe: `Session length: seconds or 15m, 1h, 12h (default ${fallback})` });
}

export function mfaOptions(y: Argv): Argv {
  return y
    .option('mfa-serial', { type: 'string', describe: 'ARN or serial of your MFA device' })
    .option('token-code', { type: 'string', describe: 'The 6-digit MFA code' });
}

export function sessionNameOption(y: Argv): Argv {
  return y.option('session-name', { alias: 'n', type: 'string', describe: 'RoleSessionName (default: stsenv-USER-TIME)' });
}
