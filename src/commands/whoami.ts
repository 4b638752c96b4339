import { type CommandSpec, connectionOptions } from '../cli/options.js';
import type { Context } from '../context.js';
import { resolveTarget, type ConnectionOptions } from '../engine/target.js';
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

export const whoamiCommand: CommandSpec = {
  command: 'whoami',
  describe: 'Show the identity of the current credentials (GetCallerIdentity)',
  builder: (y) => connectionOptions(y).option('json', { type: 'boolean', describe: 'Print JSON for programs' }),
  run: (argv, ctx) => runWhoami(argv as WhoamiOptions, ctx),
};
