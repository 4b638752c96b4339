import type { CommandSpec, OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { deliverUnset } from '../delivery.js';
import { OUTPUT_OPTIONS } from './option-groups.js';

export type UnsetOptions = OptionValues<typeof OUTPUT_OPTIONS>;

/** Lines that remove every variable stsenv sets. */
export function runUnset(options: UnsetOptions, ctx: Context): number {
  deliverUnset(options.shell, ctx);
  return 0;
}

export const unsetCommand: CommandSpec<UnsetOptions> = {
  name: 'unset',
  describe: 'Print the lines that clear every variable stsenv sets',
  options: OUTPUT_OPTIONS,
  shellLines: true,
  examples: [['eval "$(stsenv unset)"', 'Drop the assumed credentials']],
  run: runUnset,
};
