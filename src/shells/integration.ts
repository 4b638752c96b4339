import { readFileSync } from 'node:fs';
import { usageError } from '../errors.js';
import { FORMATS, type EnvFormat } from './index.js';

/**
 * The shell integration files of shells/, keyed by file name. The bundle
 * embeds them at build time (build.mjs), so `stsenv init` reads no file and
 * prints what the package ships; run from source, they are read from shells/.
 */
declare const STSENV_SHELL_FILES: Record<string, string> | undefined;

/** The shell formats that have an init function. */
export const INTEGRATION_FORMATS: readonly EnvFormat[] = FORMATS.filter((f): f is EnvFormat => f.kind === 'env' && f.integration !== undefined);

/** What `stsenv init` accepts (each such format's name and aliases), and the file each prints. */
export const INTEGRATIONS: Readonly<Record<string, string>> = Object.fromEntries(
  INTEGRATION_FORMATS.flatMap((f) => [f.name, ...f.aliases].map((name) => [name, f.integration!])),
);

export const INTEGRATION_NAMES = Object.keys(INTEGRATIONS);

const EMBEDDED: Record<string, string> | undefined = typeof STSENV_SHELL_FILES !== 'undefined' ? STSENV_SHELL_FILES : undefined;

/** A file of shells/, as the package ships it. */
export function shellFile(file: string): string {
  if (EMBEDDED) {
    const text = EMBEDDED[file];
    if (text === undefined) throw new Error(`shells/${file} was not embedded by the build`);
    return text;
  }
  return readFileSync(new URL(`../../shells/${file}`, import.meta.url), 'utf8');
}

/** The integration snippet for `shell`, exactly as the file in shells/ holds it. */
export function integrationScript(shell: string): string {
  const file = INTEGRATIONS[shell.toLowerCase()];
  if (!file) throw usageError(`stsenv init has no integration for '${shell}'`, `choose one of: ${INTEGRATION_NAMES.join(', ')}`);
  return shellFile(file);
}
