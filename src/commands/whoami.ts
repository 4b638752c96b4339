import type { CommandSpec, OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { isoSeconds } from '../credentials.js';
import { callerIdentity, envKeys } from '../engine/index.js';
import { timeLeft } from '../time-left.js';
import { CACHE_OPTIONS, CONNECTION_OPTIONS, MFA_OPTIONS, PROMPT_OPTION } from './option-groups.js';
import { cacheSettings, connectionRequest, mfaRequest } from './requests.js';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...MFA_OPTIONS,
  ...CACHE_OPTIONS,
  ...PROMPT_OPTION,
  json: { type: 'boolean', describe: 'Print JSON for programs' },
} as const;

export type WhoamiOptions = OptionValues<typeof OPTIONS>;

/**
 * The identity behind the current credentials, or a profile's: a role
 * profile is assumed as every other command assumes it (engine: session
 * name, cache, MFA prompt). For people, or --json for programs.
 */
export async function runWhoami(options: WhoamiOptions, ctx: Context): Promise<number> {
  const request = {
    kind: 'profile',
    mfa: mfaRequest(options),
    connection: connectionRequest(options),
    cache: cacheSettings(options),
  } as const;
  const who = await callerIdentity(request, ctx);
  const text = options.json
    ? `${JSON.stringify({ Account: who.account, Arn: who.arn, UserId: who.userId })}\n`
    : `Account: ${who.account}\nArn:     ${who.arn}\nUserId:  ${who.userId}\n${expiryLines(options, ctx)}`;
  ctx.stdout.write(text);
  return 0;
}

/**
 * When it signs with the key variables and stsenv (or an SDK) said when they
 * expire: the expiry and the time left, as the prompt functions show them.
 */
function expiryLines(options: WhoamiOptions, ctx: Context): string {
  const text = ctx.env.AWS_CREDENTIAL_EXPIRATION;
  if (options.profile !== undefined || !text || !envKeys(ctx.env)) return '';
  const expires = new Date(text);
  if (Number.isNaN(expires.getTime())) return '';
  return `Expires: ${isoSeconds(expires)} (${timeLeft(expires, ctx.now())}${expires > ctx.now() ? ' left' : ''})\n`;
}

export const whoamiCommand: CommandSpec<WhoamiOptions> = {
  name: 'whoami',
  describe: 'Show the identity of the current credentials, or of a profile (GetCallerIdentity)',
  options: OPTIONS,
  examples: [
    ['stsenv whoami', 'Who the current credentials are'],
    [
      'stsenv whoami --profile deploy',
      "The role profile deploy's identity, assumed as stsenv assume --profile deploy would",
    ],
  ],
  run: runWhoami,
};
