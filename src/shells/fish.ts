import type { EnvFormat } from './types.js';

/**
 * fish single quotes know two escapes, \\ and \'. Double quotes are never
 * used: they expand $var and, since fish 3.4, $(cmd).
 */
export function fishQuote(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

export const fish: EnvFormat = {
  kind: 'env',
  name: 'fish',
  aliases: [],
  description: 'fish: stsenv ... | source',
  lineEnding: '\n',
  refuse: (value) => (value.includes('\0') ? 'a NUL character, which no environment variable can hold' : undefined),
  setLine: (name, value) => `set -gx ${name} ${fishQuote(value)};`,
  // `set -e` of a variable that is not set returns 4; `or true` keeps the
  // output's status 0, so `stsenv ... | source; and ...` goes the right way.
  clearLine: (name) => `set -e ${name}; or true;`,
  integration: 'stsenv.fish',
};
