import type { CommandSpec, OptionValues } from '../cli/options.js';
import type { Context } from '../context.js';
import { callerIdentity } from '../engine/index.js';
import { CONNECTION_OPTIONS } from './option-groups.js';
import { connectionRequest } from './requests.js';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: 'boolean', describe: 'Print JSON for programs' },
} as const;

export type WhoamiOptions = OptionValues<typeof OPTIONS>;

/** The identity behind the current credentials: for people, or --json for programs. */
export async function runWhoami(options: WhoamiOptions, ctx: Context): Promise<number> {
  const who = await callerIdentity(connectionRequest(options), ctx);
  const text = options.json
    ? `${JSON.stringify({ Account: who.account, Arn: who.arn, UserId: who.userId })}\n`
    : `Account: ${who.account}\nArn:     ${who.arn}\nUserId:  ${who.userId}\n`;
  ctx.stdout.write(text);
  return 0;
}

export const whoamiCommand: CommandSpec<WhoamiOptions> = {
  name: 'whoami',
  describe: 'Show the identity of the current credentials (GetCallerIdentity)',
  options: OPTIONS,
  run: runWhoami,
};
