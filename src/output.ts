import type { Context } from './context.js';
import type { Credentials } from './credentials.js';
import { usageError } from './errors.js';
import { renderCredentials } from './shells/render.js';
import { detectFormat, readLinuxProcessName } from './shells/detect.js';
import { findFormat, FORMAT_NAMES, type Format } from './shells/index.js';

/** Options of every command that prints credentials. */
export interface OutputOptions {
  shell?: string;
  /** Section name for --shell ini. */
  profileName?: string;
}

export const DEFAULT_INI_PROFILE = 'stsenv';

/** --shell, or the shell stsenv is running under; checked before any request. */
export function chooseFormat(options: OutputOptions, ctx: Context): Format {
  if (options.shell !== undefined) return findFormat(options.shell);
  const detected = detectFormat({ env: ctx.env, platform: ctx.platform, parentPid: process.ppid, processName: readLinuxProcessName });
  try {
    return findFormat(detected);
  } catch {
    throw usageError(`STSENV_SHELL names an unknown format '${detected}'`, `choose one of: ${FORMAT_NAMES.join(', ')}`);
  }
}

/**
 * Renders everything first and writes it in one call: a refused value
 * throws before stdout sees a byte.
 */
export function writeCredentials(ctx: Context, format: Format, credentials: Credentials, region: string | undefined, options: OutputOptions): void {
  const text = renderCredentials(format, { credentials, region, profileName: options.profileName ?? DEFAULT_INI_PROFILE });
  ctx.stdout.write(text);
  if (ctx.stdout.isTTY && format.kind === 'env') {
    ctx.stderr.write(`stsenv: these lines change nothing until your shell runs them: eval "$(stsenv ...)" (see stsenv init --help)\n`);
  }
}
