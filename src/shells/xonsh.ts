import type { EnvFormat } from './types.js';
import { nulRefusal, unpairedSurrogateRefusal } from './refusals.js';

/**
 * xonsh runs Python code, and reads a plain string literal with Python's own
 * ast.literal_eval (xonsh xonsh/parsers/base.py, p_string_literal), so the
 * rules are Python's ("String and Bytes literals" in the Python reference):
 * inside '...' a backslash starts an escape and a quote or line break ends
 * the string. The literal written here is plain ASCII: printable characters
 * as they are, \\ and \' escaped, everything else as \xHH, \uHHHH or
 * \UHHHHHHHH, so no character can end the line or the string, whatever the
 * encoding xonsh reads it in. Read with `execx($(stsenv ... --shell xonsh))`.
 */
export function xonshQuote(value: string): string {
  let quoted = "'";
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === "'") quoted += `\\${char}`;
    else if (code >= 0x20 && code < 0x7f) quoted += char;
    else if (code < 0x100) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) quoted += `\\u${code.toString(16).padStart(4, '0')}`;
    else quoted += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${quoted}'`;
}

export const xonsh: EnvFormat = {
  kind: 'env',
  name: 'xonsh',
  aliases: [],
  description: 'xonsh: execx($(stsenv ...))',
  lineEnding: '\n',
  // A lone surrogate would pass through the \u escape into a str that no environment can encode.
  refuse: (value) => nulRefusal(value) ?? unpairedSurrogateRefusal(value),
  setLine: (name, value) => `$${name} = ${xonshQuote(value)}`,
  // ${...} is xonsh's environment; pop with a default clears a variable that may not be set.
  clearLine: (name) => `\${...}.pop('${name}', None)`,
  integration: 'stsenv.xsh',
};
