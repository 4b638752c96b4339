import type { Context } from '../context.js';
import { chooseFormat, type OutputOptions } from '../output.js';
import { renderUnset } from '../render.js';

/** Lines that remove every variable stsenv sets. */
export function runUnset(options: OutputOptions, ctx: Context): number {
  ctx.stdout.write(renderUnset(chooseFormat(options, ctx)));
  return 0;
}
