import type { CredentialOutput } from '../credentials.js';
import { usageError } from '../errors.js';
import type { EnvFormat, Format } from './index.js';
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
    if (why) throw usageError(`cannot write ${name} for ${format.name}: it contains ${why}`, refusalHint(format));
    lines.push(format.setLine(name, value));
  }
  for (const name of change.clear) lines.push(format.clearLine(name));
  return lines.map((line) => line + format.lineEnding).join('');
}

function refusalHint(format: EnvFormat): string {
  return format.name === 'cmd' || format.name === 'dotenv'
    ? 'use --shell json or a shell format that can quote it, such as --shell powershell'
    : 'use --shell json, which can carry any value';
}

/** Credentials in any format. */
export function renderCredentials(format: Format, output: CredentialOutput): string {
  return format.kind === 'env' ? renderEnvChange(format, credentialEnv(output)) : format.render(output);
}

/** The lines that undo everything stsenv sets; documents have nothing to undo. */
export function renderUnset(format: Format): string {
  if (format.kind !== 'env') {
    throw usageError(`--shell ${format.name} has no variables to clear`, 'unset works with the shell formats and dotenv');
  }
  return renderEnvChange(format, clearAllEnv());
}
