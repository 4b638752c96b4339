import type { CommandSpec, OptionTable, OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';

const OPTIONS = {
  profile: {
    type: 'string',
    describe: 'Profile whose SSO sign-in to use (default: AWS_PROFILE, else default)',
    complete: 'profiles',
  },
  'sso-session': {
    type: 'string',
    describe: 'The [sso-session NAME] to sign in to, out of, or populate profiles for',
    complete: 'sso-sessions',
  },
  browser: {
    type: 'boolean',
    describe: 'sso login: open the sign-in page in a browser where there is one (--no-browser: only print it)',
  },
  'use-device-code': {
    type: 'boolean',
    describe:
      'sso login: sign in with a device code instead of the authorization code flow (for a browser on another machine)',
  },
  force: { type: 'boolean', describe: 'sso login: sign in even when the cached token is valid or can be refreshed' },
  all: { type: 'boolean', describe: 'sso logout: remove every cached SSO token' },
  template: {
    type: 'string',
    describe:
      'sso populate: profile names, from {account_name} {account_id} {role_name} {sso_session} {email} (default {account_name}.{role_name})',
  },
  region: { type: 'string', describe: 'sso populate: the region of the profiles written (default: sso_region)' },
  prune: { type: 'boolean', describe: 'sso populate: remove the profiles it wrote for roles no longer granted' },
  'dry-run': { type: 'boolean', describe: 'sso populate: say on stderr what would change, and write nothing' },
  json: { type: 'boolean', describe: 'sso populate: print the accounts and roles as JSON, and write nothing' },
  timeout: {
    type: 'number',
    describe: 'sso login: seconds to wait for the sign-in (default 600); sso populate: for each request (default 30)',
  },
} as const satisfies OptionTable;

export type SsoCommandOptions = OptionValues<typeof OPTIONS> & { action?: string };

const ONLY: Partial<Record<keyof SsoCommandOptions, { action: string; flag: string }>> = {
  browser: { action: 'login', flag: '--no-browser' },
  useDeviceCode: { action: 'login', flag: '--use-device-code' },
  force: { action: 'login', flag: '--force' },
  all: { action: 'logout', flag: '--all' },
  template: { action: 'populate', flag: '--template' },
  region: { action: 'populate', flag: '--region' },
  prune: { action: 'populate', flag: '--prune' },
  dryRun: { action: 'populate', flag: '--dry-run' },
  json: { action: 'populate', flag: '--json' },
};

/** `sso login` signs in to IAM Identity Center, `sso logout` removes cached tokens, `sso populate` writes a profile per account and role. */
export async function runSso(options: SsoCommandOptions, ctx: Context): Promise<number> {
  for (const [option, only] of Object.entries(ONLY) as [keyof SsoCommandOptions, { action: string; flag: string }][]) {
    if (options[option] !== undefined && options.action !== only.action)
      throw usageError(`${only.flag} is for sso ${only.action}`);
  }
  if (options.timeout !== undefined && options.action === 'logout')
    throw usageError('--timeout is for sso login and sso populate');
  ctx.prepareSdk();
  const { ssoLogin, ssoLogout, ssoPopulate } = await import('../sso/login.js');
  const world = { ...ctx, sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
  if (options.action === 'login') return ssoLogin(options, world);
  if (options.action === 'populate') {
    if (options.json && (options.dryRun || options.prune))
      throw usageError('--json lists and writes nothing: give it without --dry-run and --prune');
    const updateFile = async (file: string, change: (text: string) => string | undefined) => {
      const { updateFileLocked } = await import('../config/credentials-file.js');
      return updateFileLocked(file, change, ctx);
    };
    return ssoPopulate(options, { ...world, updateFile });
  }
  return ssoLogout(options, world);
}

export const ssoCommand: CommandSpec<SsoCommandOptions> = {
  name: 'sso',
  describe:
    'Sign in to IAM Identity Center (sso login), remove its cached tokens (sso logout), or write a profile for every account and role (sso populate)',
  positionals: [
    { name: 'action', required: true, choices: ['login', 'logout', 'populate'], describe: 'login, logout or populate' },
  ],
  options: OPTIONS,
  examples: [
    [
      'stsenv sso login --profile dev',
      'Sign in with the SSO settings of profile dev (browser, authorization code with PKCE)',
    ],
    ['stsenv sso login --sso-session corp --use-device-code', 'Sign in with a code typed on another device'],
    [
      'stsenv sso populate --sso-session corp --prune',
      'A profile for every account and role of corp; remove those no longer granted',
    ],
    ['stsenv sso logout --all', 'Remove every cached SSO token'],
  ],
  run: runSso,
};
