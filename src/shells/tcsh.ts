import type { EnvFormat } from './types.js';
import { nulRefusal } from './refusals.js';

/**
 * tcsh and csh, read with eval "`stsenv ... --shell tcsh`". Inside double
 * quotes the command substitution gives one word per output line and eval
 * joins the words with spaces, so the statements end with `;` and a line
 * break inside a value cannot survive: refused (a carriage return too).
 *
 * The lexer (tcsh sh.lex.c, word()) substitutes history (`!`) even inside
 * single quotes and in what eval reads, and with the `backslash_quote`
 * variable set a backslash escapes \ ' " $ inside single quotes too. So
 * everything goes inside single quotes except \ ' and !, each written outside
 * the quotes after a backslash, which quotes any character there whether
 * backslash_quote is set or not: `it's!` is 'it'\''s'\!''.
 */
export function tcshQuote(value: string): string {
  return `'${value.replace(/[\\'!]/g, (c) => `'\\${c}'`)}'`;
}

export const tcsh: EnvFormat = {
  kind: 'env',
  name: 'tcsh',
  aliases: ['csh'],
  description: 'tcsh and csh: eval "`stsenv ...`"',
  lineEnding: '\n',
  refuse(value) {
    if (/[\r\n]/.test(value)) return 'a line break, which eval "`...`" joins into a space';
    return nulRefusal(value);
  },
  setLine: (name, value) => `setenv ${name} ${tcshQuote(value)};`,
  clearLine: (name) => `unsetenv ${name};`,
  integration: 'stsenv.tcsh',
};
