import type { CredentialOutput } from '../credentials.js';
import { usageError } from '../errors.js';
import type { EnvFormat, Format } from './index.js';
import { powershell } from './powershell.js';
import { clearAllEnv, credentialEnv, type EnvChange } from '../variables.js';

/**
 * The whole text for stdout, built before anything is written so that a
 * refused value leaves stdout empty. The error names the variable and the
 * format, never the value.
 */
export function renderEnvChange(format: EnvFormat, change: EnvChange): string {
  const lines: string[] = [];
  for (const [name, value] of change.set) {
    const why = format.refuse(value);
    if (why)
      throw usageError(`cannot write ${name} for ${format.name}: it contains ${why}`, refusalHint(format, value));
    lines.push(format.setLine(name, value));
  }
  const { clearLine } = format;
  if (clearLine) for (const name of change.clear) lines.push(clearLine(name));
  return lines.map((line) => line + format.lineEnding).join('');
}

/**
 * cmd and dotenv users may be on Windows, where PowerShell quotes what they
 * cannot carry; but it is suggested only for a value it can carry itself
 * (it refuses line breaks too).
 */
function refusalHint(format: EnvFormat, value: string): string {
  const quotingShell = (format.name === 'cmd' || format.name === 'dotenv') && powershell.refuse(value) === undefined;
  return quotingShell
    ? 'use --shell json or a shell format that can quote it, such as --shell powershell'
    : 'use --shell json, which can carry any value';
}

/** Credentials in any format. */
export function renderCredentials(format: Format, output: CredentialOutput): string {
  return format.kind === 'env' ? renderEnvChange(format, credentialEnv(output)) : format.render(output);
}

/** The lines that undo everything stsenv set in this environment; documents have nothing to undo. */
export function renderUnset(format: Format, env: NodeJS.ProcessEnv): string {
  if (format.kind !== 'env') {
    throw usageError(`--shell ${format.name} has no variables to clear`, 'unset works with the shell formats');
  }
  if (!format.clearLine) {
    throw usageError(
      `--shell ${format.name} cannot remove variables: an env file only sets them`,
      'start the container or service without the env file instead',
    );
  }
  return renderEnvChange(format, clearAllEnv(env));
}
