/**
 * A newcomer's mistakes, told in one line each before yargs sees the line:
 * a mistyped command or option is named as typed, with the nearest one
 * suggested (from the command's own option table, never a camelCase twin);
 * a missing or wrong positional names what it takes. Reads the line as yargs
 * does (tokens.ts), options before the command too, and reports the
 * first mistake from the left. What it does not judge (a repeated option,
 * a word too many) is left to yargs.
 */
import type { AnyCommand } from '../commands/index.js';
import { usageError, type StsenvError } from '../errors.js';
import {
  type OptionNames,
  type OptionWord,
  optionValue,
  readCommandLine,
  type ScannedLine,
  takesValue,
} from './tokens.js';
import { nearest } from './nearest.js';
import { commandString, type PositionalSpec } from '../commands/spec.js';

export interface LineCheck {
  /** The command the line names, when it names a known one. */
  command?: AnyCommand;
  /** The first mistake, if any. */
  mistake?: StsenvError;
  /** --help or --version is on the line: yargs answers, whatever else is there. */
  asksHelp: boolean;
}

/** `a`, `a or b`, `a, b or c`. */
function alternatives(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function unknownOption(option: OptionWord, names: OptionNames, command: AnyCommand | undefined): StsenvError {
  const where = command ? ` for stsenv ${command.name}` : '';
  const listed = command
    ? `stsenv ${command.name} --help lists its options`
    : "stsenv help COMMAND lists a command's options";
  const meant = option.typed.startsWith('--') ? nearest(kebab(option.typed.slice(2)), names.names) : undefined;
  return usageError(`unknown option '${option.typed}'${where}`, meant ? `did you mean --${meant}? ${listed}` : listed);
}

function unknownCommand(name: string, commands: readonly AnyCommand[]): StsenvError {
  if (name === 'help') return usageError("'help' comes first", 'stsenv help [COMMAND]');
  const meant = nearest(
    name,
    commands.map((c) => c.name),
  );
  return usageError(
    `unknown command '${name}'`,
    `${meant ? `did you mean stsenv ${meant}? ` : ''}stsenv help lists the commands`,
  );
}

function positionalMistake(
  command: AnyCommand,
  positional: PositionalSpec,
  value: string | undefined,
): StsenvError | undefined {
  const takes = positional.choices ?? positional.complete;
  const article = /^[aeiou]/.test(positional.name) ? 'an' : 'a';
  if (value === undefined) {
    if (!positional.required) return undefined;
    return usageError(
      `stsenv ${command.name} needs ${article} ${positional.name}${takes ? `: ${alternatives(takes)}` : ''}`,
      takes ? `for example: stsenv ${command.name} ${takes[0]}` : `usage: stsenv ${commandString(command)}`,
    );
  }
  if (!positional.choices || positional.choices.includes(value)) return undefined;
  const meant = nearest(value, positional.choices);
  return usageError(
    `stsenv ${command.name} takes ${alternatives(positional.choices)}, not '${value}'`,
    meant ? `did you mean stsenv ${command.name} ${meant}?` : undefined,
  );
}

/** Reads `args` against every command's table: the command it names, and its first mistake. */
export function checkCommandLine(args: readonly string[], commands: readonly AnyCommand[]): LineCheck {
  const { line, command, names } = readCommandLine(args, commands);
  const found = line.command;
  const asksHelp = line.options.some((o) => o.name === 'help' || o.name === 'version');
  const check: LineCheck = { command, asksHelp };

  const before = line.options.filter((o) => !found || o.index < found.index);
  const after = line.options.filter((o) => found && o.index > found.index);
  const unknown = (o: OptionWord) => !o.spec && !o.cluster;
  const first = before.find(unknown);
  if (first && !asksHelp) check.mistake = unknownOption(first, names, command);
  else if (found && !command) check.mistake = unknownCommand(found.name, commands);
  if (check.mistake || !command || asksHelp) return check;

  for (const option of [...before, ...after]) {
    if (unknown(option)) return { ...check, mistake: unknownOption(option, names, command) };
    const choices = option.spec?.choices;
    const value = optionValue(option, args);
    const wantsValue = takesValue(option);
    // yargs would make a missing value '' (or NaN) and a later message would quote that, not what was typed.
    if (wantsValue && value === undefined) {
      return {
        ...check,
        mistake: usageError(
          `${option.typed} needs a value`,
          `for example: stsenv ${command.name} ${option.typed} ${valueExample(option.name!)}`,
        ),
      };
    }
    if (wantsValue && option.spec!.type === 'number' && (value!.trim() === '' || !Number.isFinite(Number(value)))) {
      return {
        ...check,
        mistake: usageError(
          `${option.typed} takes a number, not '${value}'`,
          NUMBER_HINTS[option.name!] ?? 'give a number',
        ),
      };
    }
    if (choices && value !== undefined && !option.negated && !choices.includes(value)) {
      return { ...check, mistake: usageError(`${option.typed} takes ${alternatives(choices)}, not '${value}'`) };
    }
  }
  for (const [index, positional] of (command.positionals ?? []).entries()) {
    const mistake = positionalMistake(command, positional, line.positionals[index]?.text);
    if (mistake) return { ...check, mistake };
  }
  if (command.runsCommand && line.end === undefined) {
    const misplaced = commandWithoutDashes(line, command, args);
    if (misplaced !== undefined) return { ...check, mistake: misplaced };
  }
  return check;
}

/** What a number option takes, as the command's own check says it. */
const NUMBER_HINTS: Record<string, string> = {
  timeout: 'give seconds, more than 0 and at most 3600',
  'max-attempts': 'give a whole number from 1 to 20',
};

/** A value to show in `--NAME needs a value`. */
function valueExample(name: string): string {
  const examples: Record<string, string> = {
    profile: 'NAME',
    region: 'eu-west-1',
    timeout: '30',
    'max-attempts': '3',
    duration: '1h',
    shell: 'bash',
  };
  return examples[name] ?? 'VALUE';
}

/**
 * `stsenv exec ROLE aws sts get-caller-identity`: the command's words came
 * without `--`. The first word that is not the role (a role given by
 * --profile, or a word after it) starts the command: the hint is the same
 * line with `--` put there.
 */
function commandWithoutDashes(
  line: ScannedLine,
  command: AnyCommand,
  args: readonly string[],
): StsenvError | undefined {
  const slots = command.positionals?.length ?? 0;
  const byProfile = line.options.some((o) => o.name === 'profile' || o.name === 'session');
  const first = line.positionals.find((p, i) => i >= slots || (byProfile && !p.text.startsWith('arn:')));
  if (!first) return undefined;
  const fixed = [...args.slice(0, first.index), '--', ...args.slice(first.index)].join(' ');
  return usageError(
    `stsenv ${command.name} runs the command given after --, and '${first.text}' came before it`,
    `put -- before the command: stsenv ${fixed}`,
  );
}
