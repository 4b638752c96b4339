import type { EnvFormat } from './types.js';

/**
 * PowerShell single-quoted strings end at any of ' ‘ ’ ‚ ‛ (its parser treats
 * U+2018..U+201B as single quotes), and each is escaped by doubling it.
 */
export function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018-\u201b]/g, (c) => c + c)}'`;
}

export const powershell: EnvFormat = {
  kind: 'env',
  name: 'powershell',
  aliases: ['pwsh'],
  description: 'PowerShell 5.1 and 7: stsenv ... | Invoke-Expression',
  lineEnding: '\n',
  refuse(value) {
    if (value.includes('\0')) return 'a NUL character, which no environment variable can hold';
    // `| Invoke-Expression` runs each output line on its own.
    if (/[\r\n]/.test(value)) return 'a line break, and PowerShell runs each output line on its own';
    return undefined;
  },
  setLine: (name, value) => `$env:${name} = ${powershellQuote(value)}`,
  clearLine: (name) => `Remove-Item -Path Env:${name} -ErrorAction SilentlyContinue`,
  integration: 'stsenv.ps1',
};
