import type { Reporter } from '../aws/sts.js';
import type { Context } from '../context.js';

/** The SDK layer reports through the context, never to the console. */
export function reporter(ctx: Context): Reporter {
  return { debug: ctx.debug, warn: ctx.warn };
}
