import { readFileSync } from 'node:fs';
import { readBuilt } from '../built-files.js';
import { join } from 'node:path';
import { usageError } from '../errors.js';

/**
 * The build copies shells/ into dist/shells/ (build.mjs), so that `stsenv init`
 * prints what the package ships, reading the one file it prints, and the other
 * commands do not carry the scripts in main.cjs (read and loaded at every start).
 * Run from source, they are read from shells/.
 */
declare const STSENV_BUNDLED: boolean | undefined;

/**
 * What `stsenv init` accepts, in the registry's order, and the file each prints:
 * the `integration` of each shell format, by its name and aliases. Written out
 * rather than gathered from the formats, so that `init`, which shells run at
 * every start, loads no format; test/shells/init.test.ts holds the two to each other.
 */
export const INTEGRATIONS: Readonly<Record<string, string>> = {
  bash: 'stsenv.bash',
  zsh: 'stsenv.bash',
  fish: 'stsenv.fish',
  powershell: 'stsenv.ps1',
  pwsh: 'stsenv.ps1',
  cmd: 'stsenv-env.bat',
  bat: 'stsenv-env.bat',
  nu: 'stsenv.nu',
  nushell: 'stsenv.nu',
  elvish: 'stsenv.elv',
  elv: 'stsenv.elv',
  xonsh: 'stsenv.xsh',
  tcsh: 'stsenv.tcsh',
  csh: 'stsenv.tcsh',
};

export const INTEGRATION_NAMES = Object.keys(INTEGRATIONS);

/** A file of shells/, as the package ships it. */
export function shellFile(file: string): string {
  return typeof STSENV_BUNDLED === 'boolean'
    ? readBuilt(join(__dirname, 'shells', file), 'utf8')
    : readFileSync(new URL(`../../shells/${file}`, import.meta.url), 'utf8');
}

/** The file of shells/ that `stsenv init SHELL` prints; undefined for a shell with none. */
export function integrationFile(shell: string): string | undefined {
  const name = shell.toLowerCase();
  return Object.hasOwn(INTEGRATIONS, name) ? INTEGRATIONS[name] : undefined;
}

/** The integration snippet for `shell`, exactly as the file in shells/ holds it. */
export function integrationScript(shell: string): string {
  const file = integrationFile(shell);
  if (!file)
    throw usageError(`stsenv init has no integration for '${shell}'`, `choose one of: ${INTEGRATION_NAMES.join(', ')}`);
  return shellFile(file);
}
