import type { CommandSpec, OptionTable, OptionValues } from '../cli/options.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';

const OPTIONS = {
  profile: { type: 'string', describe: 'Profile whose SSO sign-in to use (default: AWS_PROFILE, else default)', complete: 'profiles' },
  'sso-session': { type: 'string', describe: 'The [sso-session NAME] to sign in to or out of', complete: 'sso-sessions' },
  browser: { type: 'boolean', describe: 'Open the sign-in page in a browser where there is one (--no-browser: only print it)' },
  all: { type: 'boolean', describe: 'sso logout: remove every cached SSO token' },
  timeout: { type: 'number', describe: 'Seconds to wait for each request to IAM Identity Center (default 30)' },
} as const satisfies OptionTable;

export type SsoCommandOptions = OptionValues<typeof OPTIONS> & { action?: string };

/** `sso login` signs in to IAM Identity Center (device flow); `sso logout` removes cached tokens. */
export async function runSso(options: SsoCommandOptions, ctx: Context): Promise<number> {
  ctx.prepareSdk();
  const { ssoLogin, ssoLogout } = await import('../sso/login.js');
  const world = { ...ctx, sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
  if (options.action === 'login') {
    if (options.all) throw usageError('--all is for sso logout', 'sign in to one profile or sso-session at a time');
    return ssoLogin(options, world);
  }
  if (options.browser !== undefined) throw usageError('--no-browser is for sso login');
  if (options.timeout !== undefined) throw usageError('--timeout is for sso login');
  return ssoLogout(options, world);
}

export const ssoCommand: CommandSpec<SsoCommandOptions> = {
  name: 'sso',
  describe: 'Sign in to IAM Identity Center (sso login) or remove its cached tokens (sso logout)',
  positionals: [{ name: 'action', required: true, choices: ['login', 'logout'], describe: 'login or logout' }],
  options: OPTIONS,
  examples: [
    ['stsenv sso login --profile dev', 'Sign in with the SSO settings of profile dev'],
    ['stsenv sso login --sso-session corp --no-browser', 'Sign in to an sso-session, showing the page and code only'],
    ['stsenv sso logout --all', 'Remove every cached SSO token'],
  ],
  run: runSso,
};
