import { type CommandSpec, outputOptions } from '../cli/options.js';
import type { Context } from '../context.js';
import { chooseFormat, type OutputOptions } from '../output.js';
import { renderUnset } from '../shells/render.js';

/** Lines that remove every variable stsenv sets. */
export function runUnset(options: OutputOptions, ctx: Context): number {
  ctx.stdout.write(renderUnset(chooseFormat(options, ctx)));
  return 0;
}

export const unsetCommand: CommandSpec = {
  command: 'unset',
  describe: 'Print the lines that clear every variable stsenv sets',
  builder: (y) => outputOptions(y).example('eval "$(stsenv unset)"', 'Drop the assumed credentials'),
  run: (argv, ctx) => runUnset(argv, ctx),
};
