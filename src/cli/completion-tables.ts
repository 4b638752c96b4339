/**
 * Every command's table as data, for the build to write into the
 * completion bundle (complete-instantly.ts): run at build time only.
 */
import { loadCommands } from '../commands/index.js';
import type { CommandTable } from '../commands/spec.js';

export async function completionTables(): Promise<CommandTable[]> {
  return (await loadCommands()).map(({ name, describe, options, positionals }) => ({
    name,
    describe,
    options,
    ...(positionals && { positionals }),
  }));
}
