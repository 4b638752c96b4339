import type { CommandSpec, OptionValues } from '../cli/options.js';
import type { Context } from '../context.js';
import { callerIdentity } from '../engine/index.js';
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
  const request = { kind: 'profile', mfa: mfaRequest(options), connection: connectionRequest(options), cache: cacheSettings(options) } as const;
  const who = await callerIdentity(request, ctx);
  const text = options.json
    ? `${JSON.stringify({ Account: who.account, Arn: who.arn, UserId: who.userId })}\n`
    : `Account: ${who.account}\nArn:     ${who.arn}\nUserId:  ${who.userId}\n`;
  ctx.stdout.write(text);
  return 0;
}

export const whoamiCommand: CommandSpec<WhoamiOptions> = {
  name: 'whoami',
  describe: 'Show the identity of the current credentials, or of a profile (GetCallerIdentity)',
  options: OPTIONS,
  examples: [
    ['stsenv whoami', 'Who the current credentials are'],
    ['stsenv whoami --profile deploy', "The role profile deploy's identity, assumed as stsenv assume --profile deploy would"],
  ],
  run: runWhoami,
};
