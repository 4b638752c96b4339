import { EXAMPLE_ROLE, type CommandSpec, type OptionTable, type OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { SERVICE_NAMES } from '../console/services.js';
import { parseDuration } from '../duration.js';
import type { SigninRequest } from '../engine/index.js';
import { usageError } from '../errors.js';
import { checkPolicyArns, checkSessionName, checkSigninUrl } from '../validate.js';
import {
  CACHE_OPTIONS,
  CONNECTION_OPTIONS,
  MFA_OPTIONS,
  PROMPT_OPTION,
  ROLE_REQUEST_OPTIONS,
  SESSION_NAME_OPTION,
} from './option-groups.js';
import { cacheSettings, connectionRequest, mfaRequest, readPolicy, roleArgument, roleFields } from './requests.js';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...SESSION_NAME_OPTION,
  ...ROLE_REQUEST_OPTIONS,
  ...MFA_OPTIONS,
  ...CACHE_OPTIONS,
  ...PROMPT_OPTION,
  duration: {
    alias: 'd',
    type: 'string',
    describe:
      "Console session: 15m to 12h (SessionDuration); with long-term keys GetFederationToken's, 15m to 36h (default 1h)",
  },
  url: { type: 'boolean', describe: 'Print the sign-in URL on stdout instead of opening a browser' },
  destination: { type: 'string', describe: 'Console page to open: a path such as s3/home, or a console URL' },
  service: {
    type: 'string',
    describe: 'Console page of a service by name: s3, ec2, iam, lambda, logs... (else NAME/home)',
    complete: SERVICE_NAMES,
  },
  'logout-first': { type: 'boolean', describe: 'Sign out of the console session open in the browser, then sign in' },
  'browser-command': {
    type: 'string',
    describe:
      'Command that opens the page, {url} standing for it, run without a shell (default: STSENV_BROWSER, else the system browser)',
  },
  'signin-url': {
    type: 'string',
    describe: "Federation endpoint (default: the partition's, https://signin.aws.amazon.com/federation)",
  },
} as const satisfies OptionTable;

export type ConsoleOptions = OptionValues<typeof OPTIONS> & { roleArn?: string };

/**
 * The request, each value checked before any request. --duration is the
 * console session's, or GetFederationToken's: held to the bounds of the one
 * it turns out to be for.
 */
function signinRequest(
  options: ConsoleOptions,
  durationSeconds: number | undefined,
  env: NodeJS.ProcessEnv,
): SigninRequest {
  const cache = cacheSettings(options);
  // The role's fields: --duration is not the role session's.
  const fields = roleFields({ ...options, duration: undefined });
  const mfa = mfaRequest(options);
  return {
    kind: 'sign-in',
    roleArn: options.roleArn !== undefined ? roleArgument(options.roleArn, env) : undefined,
    fields,
    mfa,
    connection: connectionRequest(options),
    cache,
    federation: {
      name: options.sessionName !== undefined ? checkSessionName(options.sessionName) : undefined,
      durationSeconds,
      policy: options.policy !== undefined ? readPolicy(options.policy) : undefined,
      policyArns: options.policyArn?.length ? checkPolicyArns(options.policyArn) : undefined,
    },
  };
}

export async function runConsoleCommand(options: ConsoleOptions, ctx: Context): Promise<number> {
  const durationSeconds = options.duration !== undefined ? parseDuration(options.duration) : undefined;
  const signinUrl = options.signinUrl !== undefined ? checkSigninUrl(options.signinUrl) : undefined;
  if (options.service !== undefined && options.destination !== undefined)
    throw usageError('give --service or --destination, not both');
  if (options.service !== undefined && options.service.trim() === '')
    throw usageError('--service is empty', 'give a service name such as s3, or a console path');
  const browserLine = options.browserCommand ?? (ctx.env.STSENV_BROWSER?.trim() || undefined);
  const browser =
    browserLine === undefined
      ? undefined
      : { line: browserLine, source: options.browserCommand !== undefined ? '--browser-command' : 'STSENV_BROWSER' };
  const request = signinRequest(options, durationSeconds, ctx.env);
  // Checked before any request; loaded only with a browser command (it splits and starts commands).
  const launch =
    browser && !options.url
      ? await (await import('../console/browser-command.js')).browserLauncher(browser.line, browser.source, ctx)
      : undefined;
  const { runConsole } = await import('../console/run-console.js');
  return runConsole(
    request,
    {
      durationSeconds,
      url: options.url,
      destination: options.destination,
      service: options.service,
      signinUrl,
      logoutFirst: options.logoutFirst,
      launch,
    },
    ctx,
  );
}

export const consoleCommand: CommandSpec<ConsoleOptions> = {
  name: 'console',
  describe: 'Open the AWS console signed in with a role, a profile or the current credentials',
  positionals: [
    { name: 'role-arn', describe: 'Role to sign in as (default: role_arn of --profile, else the current credentials)' },
  ],
  options: OPTIONS,
  examples: [
    [`stsenv console ${EXAMPLE_ROLE}`, 'The console as the role, in your browser'],
    [
      'stsenv console --profile prod-admin --region eu-west-1 --destination s3/home',
      'S3 in eu-west-1 as a role profile',
    ],
    ['stsenv console --url', 'The current credentials; the sign-in URL on stdout'],
    [
      'stsenv console --profile prod-admin --service logs --logout-first',
      'CloudWatch Logs, signed out of the open console session first',
    ],
    [
      'stsenv console --profile prod --browser-command \'firefox "ext+container:name=prod&url={url}"\'',
      'In a Firefox container',
    ],
  ],
  epilogue:
    "Long-term keys sign in as a federated user (GetFederationToken, with your user's permissions). " +
    'Without a display, or with CI set, the URL is printed on stdout. The URL signs anyone in for 15 minutes: keep it to yourself.',
  run: runConsoleCommand,
};
