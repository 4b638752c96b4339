import type { EnvFormat } from './types.js';
import { nulRefusal } from './refusals.js';

/**
 * Elvish single-quoted strings take every character as it is, line breaks
 * included; the only escape is a doubled quote for one quote (elvish
 * pkg/parse/parse.go, singleQuotedInner: "Two consecutive single quotes").
 * Read with `eval (stsenv ... --shell elvish | slurp)`: slurp keeps the
 * output whole, line breaks and all.
 */
export function elvishQuote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export const elvish: EnvFormat = {
  kind: 'env',
  name: 'elvish',
  aliases: ['elv'],
  description: 'elvish: eval (stsenv ... | slurp)',
  lineEnding: '\n',
  refuse: nulRefusal,
  setLine: (name, value) => `set-env ${name} ${elvishQuote(value)}`,
  clearLine: (name) => `unset-env ${name}`,
  integration: 'stsenv.elv',
};
