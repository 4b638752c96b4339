import type { EnvFormat } from './types.js';

/**
 * cmd.exe has no quoting that survives every way a line is read back:
 * `"` toggles quoting and lets `&` start a second command, `%` is re-expanded
 * by `call`, `!` is eaten under delayed expansion, `^` is an escape outside
 * quotes. Output bytes are read in the console code page, so anything outside
 * printable ASCII cannot be trusted to arrive unchanged either.
 */
export function cmdRefusal(value: string): string | undefined {
  const bad = /["%!^]/.exec(value);
  if (bad) return `the character ${bad[0]}, which cmd.exe cannot carry safely`;
  if (/[\r\n]/.test(value)) return 'a line break, which cmd.exe cannot carry';
  if (/[^\t\x20-\x7e]/.test(value)) return 'a control or non-ASCII character, which cmd.exe reads in its own code page';
  return undefined;
}

export const cmd: EnvFormat = {
  kind: 'env',
  name: 'cmd',
  aliases: ['bat'],
  description: 'cmd.exe: for /f "usebackq delims=" %L in (`stsenv ... --shell cmd`) do @%L',
  lineEnding: '\r\n',
  refuse: cmdRefusal,
  // The quotes around NAME=value keep & | < > literal and trailing spaces out.
  setLine: (name, value) => `set "${name}=${value}"`,
  clearLine: (name) => `set "${name}="`,
  integration: 'stsenv-env.bat',
};
