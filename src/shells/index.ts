import { usageError } from '../errors.js';
import { bash, sh, zsh } from './posix.js';
import { cmd } from './cmd.js';
import { dotenv } from './dotenv.js';
import { elvish } from './elvish.js';
import { fish } from './fish.js';
import { ini } from './ini.js';
import { json } from './json.js';
import { nu } from './nu.js';
import { powershell } from './powershell.js';
import { tcsh } from './tcsh.js';
import type { Format } from './types.js';
import { xonsh } from './xonsh.js';

export type { DocumentFormat, EnvFormat, Format } from './types.js';

/** Every output format. `--shell` choices and help come from this list. */
export const FORMATS: readonly Format[] = [
  bash,
  zsh,
  sh,
  fish,
  powershell,
  cmd,
  nu,
  elvish,
  xonsh,
  tcsh,
  json,
  dotenv,
  ini,
];

/** Names and aliases accepted by --shell. */
export const FORMAT_NAMES: readonly string[] = FORMATS.flatMap((f) => [f.name, ...f.aliases]);

export function findFormat(name: string): Format {
  const wanted = name.toLowerCase();
  const found = FORMATS.find((f) => f.name === wanted || f.aliases.includes(wanted));
  if (!found) throw usageError(`unknown --shell '${name}'`, `choose one of: ${FORMAT_NAMES.join(', ')}`);
  return found;
}
