import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../errors.js';
import { FORMATS, type EnvFormat } from './index.js';

/**
 * The build copies shells/ into dist/shells/ (build.mjs), so that `stsenv init`
 * prints what the package ships, reading the one file it prints, and the other
 * commands do not carry the scripts in main.cjs (read and loaded at every start).
 * Run from source, they are read from shells/.
 */
declare const STSENV_BUNDLED: boolean | undefined;

/** The shell formats that have an init function. */
export const INTEGRATION_FORMATS: readonly EnvFormat[] = FORMATS.filter((f): f is EnvFormat => f.kind === 'env' && f.integration !== undefined);

/** What `stsenv init` accepts (each such format's name and aliases), and the file each prints. */
export const INTEGRATIONS: Readonly<Record<string, string>> = Object.fromEntries(
  INTEGRATION_FORMATS.flatMap((f) => [f.name, ...f.aliases].map((name) => [name, f.integration!])),
);

export const INTEGRATION_NAMES = Object.keys(INTEGRATIONS);

/** A file of shells/, as the package ships it. */
export function shellFile(file: string): string {
  return readFileSync(typeof STSENV_BUNDLED === 'boolean' ? join(__dirname, 'shells', file) : new URL(`../../shells/${file}`, import.meta.url), 'utf8');
}

/** The integration snippet for `shell`, exactly as the file in shells/ holds it. */
export function integrationScript(shell: string): string {
  const file = INTEGRATIONS[shell.toLowerCase()];
  if (!file) throw usageError(`stsenv init has no integration for '${shell}'`, `choose one of: ${INTEGRATION_NAMES.join(', ')}`);
  return shellFile(file);
}
