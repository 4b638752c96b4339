import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../errors.js';
import { FORMATS, type EnvFormat } from './index.js';

/**
 * The build copies shells/ into dist/shells.json (build.mjs), so that `stsenv init`
 * prints what the package ships from one small file, and the other commands do
 * not carry the scripts in main.cjs (read and loaded at every start). Run from
 * source, they are read from shells/.
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
  if (typeof STSENV_BUNDLED === 'boolean') {
    const files = JSON.parse(readFileSync(join(__dirname, 'shells.json'), 'utf8')) as Record<string, string>;
    const text = files[file];
    if (text === undefined) throw new Error(`shells/${file} was not copied into dist/shells.json by the build`);
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
