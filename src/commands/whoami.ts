import type { Context } from '../context.js';
import { resolveTarget, type ConnectionOptions } from '../target.js';
import { reporter } from './reporter.js';

export interface WhoamiOptions extends ConnectionOptions {
  json?: boolean;
}

/** The identity behind the current credentials: for people, or --json for programs. */
export async function runWhoami(options: WhoamiOptions, ctx: Context): Promise<number> {
  const target = await resolveTarget(options, ctx.env);
  const sts = await import('../aws/sts.js');
  const who = await sts.getCallerIdentity(target, reporter(ctx));
  const text = options.json
    ? `${JSON.stringify({ Account: who.account, Arn: who.arn, UserId: who.userId })}\n`
    : `Account: ${who.account}\nArn:     ${who.arn}\nUserId:  ${who.userId}\n`;
  ctx.stdout.write(text);
  return 0;
}
