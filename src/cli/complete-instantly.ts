/**
 * The completion callback as the build ships it (dist/complete.cjs): what
 * the entry runs for `stsenv __complete WORD...` at every Tab, with every
 * command's table written in by the build (STSENV_COMPLETION_COMMANDS,
 * from the same tables the commands declare), so that a Tab loads neither
 * main.cjs nor a single command: only this bundle, and the config files
 * when a profile name is asked for.
 */
import { completeCommandLine } from './complete.js';
import type { CommandTable } from '../commands/spec.js';
import type { NameKeeper } from '../cache/profile-names.js';

declare const STSENV_COMPLETION_COMMANDS: readonly CommandTable[];

/**
 * Completion never reports on stderr: a --debug among the words is the user's, not this run's.
 * `local` (the entry's process) keeps the profile names between Tabs; without it they are read each time.
 */
export function completeInstantly(
  words: readonly string[],
  env: NodeJS.ProcessEnv,
  write: (text: string) => void,
  local?: NameKeeper,
): Promise<number> {
  return completeCommandLine(words, STSENV_COMPLETION_COMMANDS, { env, local, write, debug: () => {} });
}
