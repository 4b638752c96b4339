import type { EnvFormat } from './types.js';

/** Inside single quotes nothing is special; a quote is closed, escaped and reopened. */
export function posixQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * bash, zsh and sh share one syntax. Every statement ends in `;` because
 * `eval $(stsenv ...)` unquoted joins all lines into one.
 */
function posixFormat(
  name: string,
  description: string,
  aliases: readonly string[] = [],
  integration?: string,
): EnvFormat {
  return {
    kind: 'env',
    name,
    aliases,
    description,
    integration,
    lineEnding: '\n',
    refuse: (value) => (value.includes('\0') ? 'a NUL character, which no environment variable can hold' : undefined),
    setLine: (variable, value) => `export ${variable}=${posixQuote(value)};`,
    clearLine: (variable) => `unset ${variable};`,
  };
}

export const bash = posixFormat('bash', 'bash: eval "$(stsenv ...)"', [], 'stsenv.bash');
export const zsh = posixFormat('zsh', 'zsh: eval "$(stsenv ...)"', [], 'stsenv.bash');
export const sh = posixFormat('sh', 'POSIX sh, dash, ksh, mksh, yash, busybox: eval "$(stsenv ...)"', ['posix']);
