import type { CommandSpec } from '../cli/options.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import type { SsoLoginOptions, SsoLogoutOptions, SsoWorld } from '../sso/login.js';

export interface SsoCommandOptions extends SsoLoginOptions, SsoLogoutOptions {
  action?: string;
}

function world(ctx: Context): SsoWorld {
  return { ...ctx, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
}

/** `sso login` signs in to IAM Identity Center (device flow); `sso logout` removes cached tokens. */
export async function runSso(options: SsoCommandOptions, ctx: Context): Promise<number> {
  const { ssoLogin, ssoLogout } = await import('../sso/login.js');
  if (options.action === 'login') {
    if (options.all) throw usageError('--all is for sso logout', 'sign in to one profile or sso-session at a time');
    return ssoLogin(options, world(ctx));
  }
  if (options.browser !== undefined) throw usageError('--no-browser is for sso login');
  if (options.timeout !== undefined) throw usageError('--timeout is for sso login');
  return ssoLogout(options, world(ctx));
}

export const ssoCommand: CommandSpec = {
  command: 'sso <action>',
  describe: 'Sign in to IAM Identity Center (sso login) or remove its cached tokens (sso logout)',
  builder: (y) =>
    y
      .positional('action', { type: 'string', choices: ['login', 'logout'], describe: 'login or logout' })
      .option('profile', { type: 'string', describe: 'Profile whose SSO sign-in to use (default: AWS_PROFILE, else default)' })
      .option('sso-session', { type: 'string', describe: 'The [sso-session NAME] to sign in to or out of' })
      .option('browser', { type: 'boolean', describe: 'Open the sign-in page in a browser where there is one (--no-browser: only print it)' })
      .option('all', { type: 'boolean', describe: 'sso logout: remove every cached SSO token' })
      .option('timeout', { type: 'number', describe: 'Seconds to wait for each request to IAM Identity Center (default 30)' })
      .example('stsenv sso login --profile dev', 'Sign in with the SSO settings of profile dev')
      .example('stsenv sso login --sso-session corp --no-browser', 'Sign in to an sso-session, showing the page and code only')
      .example('stsenv sso logout --all', 'Remove every cached SSO token'),
  run: (argv, ctx) => runSso(argv as SsoCommandOptions, ctx),
};
