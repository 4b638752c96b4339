/**
 * Completion for every shell. The scripts `stsenv completion SHELL` prints
 * (shells/stsenv-completion.*) call `stsenv __complete WORD...` at each Tab
 * with the words after `stsenv` up to the cursor, the last one the word
 * being completed (empty after a space), and read one candidate per line:
 * `VALUE`, or `VALUE<TAB>DESCRIPTION`. No candidate: the shell completes
 * file names, as for any command.
 *
 * Everything offered comes from the tables the parser reads (src/commands/spec.ts):
 * the commands, each command's own options, an option's `choices` or
 * `complete` values (the formats of --shell, the profile names of
 * --profile, read live from the user's config with the loader every command
 * uses), a positional's choices. A new option completes with no code here.
 *
 * This runs at every Tab: built, in a bundle of its own with the tables
 * written in (complete-instantly.ts), which loads neither main.cjs, nor a
 * command, nor yargs or the AWS SDK (test/pty/startup.test.ts guards that); it
 * prints nothing on stderr.
 */
import { type NameKeeper, profileNameLines } from '../cache/profile-names.js';
import { sharedConfig } from '../config/shared-files.js';
import { OptionNames, type OptionWord, readCommandLine, readOption, takesValue } from './tokens.js';
import type { CommandTable, OptionSpec, ValueSource } from '../commands/spec.js';
import { hasControl, linesHaveControl, printable } from '../text/printable.js';

export interface Candidate {
  value: string;
  description?: string;
}

/**
 * The values a source names, one a line ('' for none); names from a config
 * that cannot be read are none (the command will say why). Profile names
 * come kept from the last Tab while the files have not changed
 * (cache/profile-names.ts): thousands of them cost a read of one file.
 */
function valueLinesOf(source: ValueSource | undefined, env: NodeJS.ProcessEnv, local?: NameKeeper): string {
  try {
    if (source === 'profiles') return profileNameLines(env, local);
    if (source === 'sso-sessions') return sharedConfig(env).ssoSessionNames().join('\n');
  } catch {
    return '';
  }
  return (source ?? []).join('\n');
}

function valuesOf(source: ValueSource | undefined, env: NodeJS.ProcessEnv): string[] {
  const lines = valueLinesOf(source, env);
  return lines === '' ? [] : lines.split('\n');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** `--name` for each option still worth offering: not one given already, unless it repeats; `--no-x` where its help names it. */
function optionCandidates(names: OptionNames, given: readonly OptionWord[]): Candidate[] {
  const used = new Set(given.filter((o) => o.name && !o.spec?.repeatable).map((o) => o.name));
  const candidates: Candidate[] = [];
  for (const [name, spec] of Object.entries(names.table)) {
    if (used.has(name)) continue;
    candidates.push({ value: `--${name}`, description: oneLine(spec.describe) });
    if (spec.type === 'boolean' && spec.describe.includes(`--no-${name}`))
      candidates.push({ value: `--no-${name}`, description: oneLine(spec.describe) });
  }
  return candidates;
}

/** What an option's or a positional's value may be: its choices, else its `complete` values. */
function valueCandidates(
  spec: Pick<OptionSpec, 'choices' | 'complete'> | undefined,
  env: NodeJS.ProcessEnv,
): Candidate[] {
  return valuesOf(spec?.choices ?? spec?.complete, env).map((value) => ({ value }));
}

/**
 * Values offered as they are (no description), those that begin with
 * `current`: kept as one text, a value a line, so that thousands of profile
 * names are filtered and printed with no JavaScript per name (valueLines).
 */
interface Values {
  lines: string;
  current: string;
}

/** The candidates for the last of `words` (the words after `stsenv`), those that begin with it. */
export async function completeWords(
  words: readonly string[],
  commands: readonly CommandTable[],
  env: NodeJS.ProcessEnv,
  local?: NameKeeper,
): Promise<Candidate[]> {
  const found = await completion(words, commands, env, local);
  return Array.isArray(found)
    ? found
    : (found.lines === '' ? [] : found.lines.split('\n'))
        .filter((value) => value.startsWith(found.current))
        .map((value) => ({ value }));
}

async function completion(
  words: readonly string[],
  commands: readonly CommandTable[],
  env: NodeJS.ProcessEnv,
  local?: NameKeeper,
): Promise<Candidate[] | Values> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const { line, command, names } = readCommandLine(before, commands);
  const found = line.command;
  const starting = (candidates: Candidate[]) => candidates.filter((c) => c.value.startsWith(current));

  // After `--` (exec's command) the words are another program's.
  if (line.end !== undefined) return [];
  // `--shell=fi`: the values, written with the option.
  const typing = current.startsWith('--') ? readOption(current, before.length, names) : undefined;
  if (typing?.inline !== undefined) {
    if (!takesValue(typing)) return [];
    return starting(valueCandidates(typing.spec, env).map((c) => ({ ...c, value: `${typing.typed}=${c.value}` })));
  }
  // The value of the option before it.
  const last = line.options.at(-1);
  if (last && last.index === before.length - 1 && takesValue(last) && last.inline === undefined) {
    return { lines: valueLinesOf(last.spec!.choices ?? last.spec!.complete, env, local), current };
  }
  // Before a command, only the options every command takes.
  if (current.startsWith('-')) return starting(optionCandidates(command ? names : new OptionNames({}), line.options));
  const commandNames = commands.map((c) => ({ value: c.name, description: oneLine(c.describe) }));
  if (!found)
    return starting([...commandNames, { value: 'help', description: 'Show the help of stsenv or of a command' }]);
  if (found.name === 'help' && line.positionals.length === 0) return starting(commandNames);
  return starting(valueCandidates(command?.positionals?.[line.positionals.length], env));
}

/** Where completion writes: the candidates, and why there are none (--debug's line). */
export interface CompletionOutput {
  env: NodeJS.ProcessEnv;
  /** Keeps the profile names between Tabs (cache/profile-names.ts). */
  local?: NameKeeper;
  write(text: string): void;
  debug(message: string): void;
}

/** `stsenv __complete WORD...`: one candidate per line on stdout; never an error on the user's terminal. */
export async function completeCommandLine(
  words: readonly string[],
  commands: readonly CommandTable[],
  out: CompletionOutput,
): Promise<number> {
  let found: Candidate[] | Values;
  try {
    found = await completion(words.length === 0 ? [''] : words, commands, out.env, out.local);
  } catch (error) {
    out.debug(`completion failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const lines = Array.isArray(found) ? candidateLines(found) : valueLines(found);
  out.write(lines === '' ? '' : `${lines}\n`);
  return 0;
}

// A value with a control character (C1 and bidi ones too) could not be one line, nor be shown safely: it is not offered.

function candidateLines(candidates: readonly Candidate[]): string {
  return candidates
    .filter((c) => !hasControl(c.value))
    .map((c) => (c.description ? `${c.value}\t${printable(c.description)}` : c.value))
    .join('\n');
}

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** The values that begin with `current`, one a line: searched in one string, natively; per value only when one has a control character. */
function valueLines({ lines, current }: Values): string {
  const all = `\n${lines}`;
  const starting =
    current === '' ? all : (all.match(new RegExp(`\\n${escapeRegExp(current)}[^\\n]*`, 'g')) ?? []).join('');
  if (!linesHaveControl(starting)) return starting.slice(1);
  return starting
    .slice(1)
    .split('\n')
    .filter((value) => !hasControl(value))
    .join('\n');
}
