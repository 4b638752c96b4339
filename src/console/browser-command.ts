/**
 * --browser-command CMD (or STSENV_BROWSER): the command that opens the console, in
 * place of the system's default browser, for a browser profile or container
 * of one's choosing. `{url}` in it stands for the address to open (added as
 * the last argument when it has none). Split and started without a shell, as
 * mfa_process is (src/exec/helper-command.ts); what it is given is the
 * one-time loopback address, never the sign-in URL itself.
 */
import type { ChildProcess } from 'node:child_process';
import type { Context } from '../context.js';
import { splitCommandLine, startHelper } from '../exec/helper-command.js';

export const URL_PLACEHOLDER = '{url}';

/** The command's words with `url` in place of {url}. */
export function browserArgv(words: readonly string[], url: string): string[] {
  return words.some((word) => word.includes(URL_PLACEHOLDER))
    ? words.map((word) => word.replaceAll(URL_PLACEHOLDER, url))
    : [...words, url];
}

/** Checks the command line before any request; gives what starts it on an address. */
export async function browserLauncher(
  line: string,
  source: string,
  ctx: Context,
): Promise<(url: string) => Promise<ChildProcess>> {
  const words = splitCommandLine(line, source);
  const { checkCommand } = await import('../exec/spawn-command.js');
  const problem = checkCommand(words[0], words.slice(1), ctx.env, ctx.platform);
  if (problem) throw problem;
  return async (url) => {
    const child = await startHelper(browserArgv(words, url), source, 'detached', ctx);
    child.on('error', () => {});
    // A browser left running must not keep stsenv waiting.
    child.unref();
    return child;
  };
}
