/**
 * What the top level of the command line is, shared by the lean parser
 * (src/cli/lean-parser.ts, the fast path) and the full yargs parser
 * (src/cli/yargs-parser.ts, loaded only when the lean one is not sure).
 */
import type { OptionTable } from '../commands/spec.js';

declare const STSENV_VERSION: string | undefined;
export const VERSION = typeof STSENV_VERSION === 'string' ? STSENV_VERSION : '0.0.0-dev';

export const SCRIPT_NAME = 'stsenv';
export const ROOT_USAGE =
  'stsenv <command> [options]\n\nTemporary AWS credentials from STS, printed as lines your shell evaluates.';

/** The hidden command the completion scripts call at each Tab (src/cli/complete.ts). */
export const COMPLETE_COMMAND = '__complete';

/** Options every command takes besides its own (yargs adds --help/-h and --version/-V). */
export const ROOT_OPTIONS = {
  debug: { type: 'boolean', describe: 'Explain what stsenv does on stderr (never secrets)' },
} as const satisfies OptionTable;

/** The width help text is wrapped to: the terminal's, at most 110; 100 when stderr is not a terminal. */
export function helpWidth(stderr: { columns?: number }): number {
  return Math.min(110, stderr.columns ?? 100);
}

/** Widths whose help text the build renders ahead of time (dist/help/WIDTH.json): not a terminal, and common terminals. */
export const PRERENDERED_HELP_WIDTHS = [80, 100, 110] as const;

/**
 * `stsenv: warning:` in yellow when stderr takes colour: the rule and the
 * escape codes of stderrChalk (report-error.ts), without loading chalk on
 * every start (test/pty/startup.test.ts checks they agree).
 */
export function warningPrefix(stderr: { isTTY?: boolean }, env: NodeJS.ProcessEnv): string {
  const colour = env.NO_COLOR ? false : env.FORCE_COLOR && env.FORCE_COLOR !== '0' ? true : Boolean(stderr.isTTY);
  return colour ? '\u001b[33mstsenv: warning:\u001b[39m' : 'stsenv: warning:';
}
