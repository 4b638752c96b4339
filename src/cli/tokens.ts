/**
 * The one reader of the command line: every rule about what a word is
 * lives here, written once, and everything that looks at the words asks it.
 * The entry's --help and --version, `help COMMAND`, the lean parser
 * (lean-parser.ts), the mistake finder (mistakes.ts), completion
 * (complete.ts) and init's eval mode (eval-mode.ts) read the line through
 * these functions; yargs (yargs-parser.ts) reads it its own way, and the
 * rules here follow yargs: `--name=value`, `--no-name` for a boolean, a
 * boolean taking a following `true` or `false`, a negative number being a
 * value, `--` ending the options.
 *
 * Every word is read in one pass, as yargs reads it: which word is the
 * command (options may come before it), which words are options, which are
 * their values, which are positionals. It judges nothing: each caller
 * decides what a reading means for it. Nothing here builds a map or a
 * regular expression for a plain run: the lean parser reads every common
 * command line with it, and the entry every start.
 */
import { camel, type CommandTable, type OptionSpec, type OptionTable } from '../commands/spec.js';
import { ROOT_OPTIONS } from './root.js';

/** The word after which nothing is an option: exec's command's own words follow it. */
export const END_OF_OPTIONS = '--';

/** The options yargs adds to every command itself (src/cli/yargs-parser.ts). */
export const BUILTIN_OPTIONS = {
  help: { type: 'boolean', alias: 'h', describe: 'Show help' },
  version: { type: 'boolean', alias: 'V', describe: 'Show version number' },
} as const satisfies OptionTable;

/** `--help` or `-h`, as BUILTIN_OPTIONS spell it. */
export const isHelpWord = (word: string | undefined): boolean => word === '--help' || word === '-h';

/** `--version` or `-V`, as BUILTIN_OPTIONS spell it. */
export const isVersionWord = (word: string | undefined): boolean => word === '--version' || word === '-V';

/** A word yargs reads as an option: a dash and more, but not `--` and not a negative number (a value). */
export function isOptionWord(word: string): boolean {
  if (word.length < 2 || word[0] !== '-' || word === END_OF_OPTIONS) return false;
  const second = word.charCodeAt(1);
  return second < 48 || second > 57;
}

/** `true` or `false`: what a boolean option takes as its value when it follows (`--cache false`). */
export const isBooleanValue = (word: string | undefined): boolean => word === 'true' || word === 'false';

/** The words that can be options: all of them up to the first `--`. */
export function optionWords(args: readonly string[]): readonly string[] {
  const end = args.indexOf(END_OF_OPTIONS);
  return end === -1 ? args : args.slice(0, end);
}

/** Index of the word that names the command: the first, after any leading --debug. */
export function commandIndex(args: readonly string[]): number {
  let at = 0;
  while (args[at] === '--debug') at++;
  return at;
}

/** The command a command line names: its first word, after any leading --debug. */
export function commandName(args: readonly string[]): string | undefined {
  return args[commandIndex(args)];
}

/** A long option's name as written: `--` and a lower-case kebab name. */
function isPlainLongOption(word: string): boolean {
  if (word.length < 3 || !word.startsWith('--')) return false;
  const first = word[2]!;
  if (first < 'a' || first > 'z') return false;
  for (let i = 3; i < word.length; i++) {
    const c = word[i]!;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '-')) return false;
  }
  return true;
}

/**
 * `--token-file -` as `--token-file=-`: a lone `-` (standard input) is a
 * value, where yargs would take it for a stray argument. Not after `--`,
 * where the words are exec's command's own.
 */
export function joinDashValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === END_OF_OPTIONS) return [...out, ...args.slice(i)];
    if (args[i + 1] === '-' && isPlainLongOption(token)) {
      out.push(`${token}=-`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

/**
 * The help topic the entry answers from the prerendered texts: '' for
 * `--help` alone, a command's name for `COMMAND --help` and `help COMMAND`;
 * undefined for anything else (main reads the rest).
 */
export function helpTopic(args: readonly string[]): string | undefined {
  if (args.length > 2) return undefined;
  if (args[0] === 'help') return args[1] ?? '';
  if (!isHelpWord(args.at(-1))) return undefined;
  return args.length === 2 ? args[0]! : '';
}

/**
 * `stsenv help` and `stsenv help COMMAND`, as `--help` and `COMMAND --help`;
 * undefined unless `help` is the first word (after any --debug, as the lean
 * parser finds the command).
 */
export function helpRequest(args: readonly string[]): string[] | undefined {
  const at = commandIndex(args);
  if (args[at] !== 'help') return undefined;
  const rest = args.slice(at + 1);
  // `help help` is the top-level help too.
  const topic = rest.find((arg) => !arg.startsWith('-') && arg !== 'help');
  return [
    ...args.slice(0, at),
    ...(topic === undefined ? [] : [topic]),
    ...rest.filter((arg) => arg.startsWith('-')),
    '--help',
  ];
}

/** The first --help, -h, --version or -V before `--`: what init's functions leave to a run of their own. */
export function helpOrVersionWord(args: readonly string[]): string | undefined {
  return optionWords(args).find((word) => isHelpWord(word) || isVersionWord(word));
}

const TABLES_AFTER_OWN: readonly OptionTable[] = [ROOT_OPTIONS, BUILTIN_OPTIONS];

/**
 * The options a command line can use, with their spellings: `--name`,
 * `--camelName`, `-x`. The command's own table first, then the root's
 * (yargs gives the command's the last word), then yargs' own. Looked up in
 * the tables as the line spells them, with no map built first: a run reads
 * one command line, and most name no option or one.
 */
export class OptionNames {
  private readonly tables: readonly OptionTable[];
  private merged: OptionTable | undefined;

  constructor(own: OptionTable) {
    this.tables = [own, ...TABLES_AFTER_OWN];
  }

  /** Every command's options together: what a word before an unknown command can be. */
  static union(commands: readonly CommandTable[]): OptionNames {
    return new OptionNames(Object.assign({}, ...commands.map((c) => c.options)) as OptionTable);
  }

  /** The option's name as its table spells it, for `session-name`, `sessionName` or `n`. */
  lookup(spelling: string): string | undefined {
    for (const table of this.tables) if (Object.hasOwn(table, spelling)) return spelling;
    if (spelling.length === 1) {
      for (const table of this.tables) for (const name in table) if (table[name]!.alias === spelling) return name;
    } else if (!spelling.includes('-')) {
      // yargs' camel-case expansion: --sessionName is --session-name (a camelCase form has no dash).
      for (const table of this.tables) for (const name in table) if (camel(name) === spelling) return name;
    }
    return undefined;
  }

  /** The table's entry for a name lookup() gave. */
  spec(name: string): OptionSpec | undefined {
    for (const table of this.tables) if (Object.hasOwn(table, name)) return table[name];
    return undefined;
  }

  /** Every option, the command's own first: completion offers them in this order. */
  get table(): OptionTable {
    if (!this.merged) {
      const merged: Record<string, OptionSpec> = {};
      for (const table of this.tables) for (const name in table) merged[name] ??= table[name]!;
      this.merged = merged;
    }
    return this.merged;
  }

  /** The long names, for suggestions and completion: never a camelCase twin or a one-letter alias. */
  get names(): string[] {
    return Object.keys(this.table);
  }
}

/** One option word of a command line, as read against the tables. */
export interface OptionWord {
  /** Index of the word in the command line. */
  index: number;
  /** As typed, without any `=value`: `--sesion-name`, `-n`. */
  typed: string;
  /** The table's name for it; undefined when the command has no such option. */
  name?: string;
  spec?: OptionSpec;
  /** `--no-cache`: yargs' negation of a boolean. */
  negated: boolean;
  /** The value given as `--name=value`. */
  inline?: string;
  /** Index of the next word when it is this option's value. */
  valueIndex?: number;
  /** `-abc`: several one-letter options, or one with its value; read only by yargs. */
  cluster: boolean;
}

/**
 * One option word (isOptionWord) read against `names`: `--name`,
 * `--name=value`, `--no-name` (the negation, when no option is named
 * `no-name`), `-x`, or a cluster `-xyz` left unread.
 */
export function readOption(word: string, index: number, names: OptionNames): OptionWord {
  const long = word.startsWith('--');
  const eq = long ? word.indexOf('=') : -1;
  const typed = eq === -1 ? word : word.slice(0, eq);
  const option: OptionWord = { index, typed, negated: false, cluster: !long && word.length > 2 };
  if (eq !== -1) option.inline = word.slice(eq + 1);
  if (option.cluster) return option;
  const key = typed.slice(long ? 2 : 1);
  // One dash takes a one-letter alias; two dashes a long name (yargs reads `--n` as -n too).
  let name = long || key.length === 1 ? names.lookup(key) : undefined;
  if (!name && long && key.startsWith('no-')) {
    const positive = names.lookup(key.slice(3));
    if (positive) {
      name = positive;
      option.negated = true;
    }
  }
  if (name) {
    option.name = name;
    option.spec = names.spec(name);
  }
  return option;
}

/** Whether an option read by readOption takes a value (not a boolean, nor a negation). */
export function takesValue(option: OptionWord): boolean {
  return option.spec !== undefined && option.spec.type !== 'boolean' && !option.negated;
}

/** The value an option was given: `--name=value`, or the word after it; undefined when none. */
export function optionValue(option: OptionWord, words: readonly string[]): string | undefined {
  return option.inline ?? (option.valueIndex === undefined ? undefined : words[option.valueIndex]);
}

/** A command line read word by word. */
export interface ScannedLine {
  command?: { index: number; name: string };
  /** Words after the command that are neither options nor their values, up to `--`. */
  positionals: Array<{ index: number; text: string }>;
  options: OptionWord[];
  /** Index of the first `--`, after which nothing is an option. */
  end?: number;
}

/**
 * Reads `words` as yargs would: an option that takes a value takes the
 * next word unless that word is an option itself; a boolean takes a
 * following `true` or `false`; so does an option the table does not know
 * (`--sesion-name ci`), except a command's name: `--bogus assume` is taken
 * for a mistyped flag before the command, which yargs would not guess.
 * `namesFor` gives the options to read with: before the command, and for it.
 */
export function scanCommandLine(
  words: readonly string[],
  namesFor: (command: string | undefined) => OptionNames,
  isCommand: (word: string) => boolean = () => false,
): ScannedLine {
  const line: ScannedLine = { positionals: [], options: [] };
  // Asked for only when an option is read: a table of every command's options costs each Tab more than the rest.
  let names: OptionNames | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === END_OF_OPTIONS) {
      line.end = i;
      break;
    }
    if (!isOptionWord(word)) {
      if (line.command) line.positionals.push({ index: i, text: word });
      else {
        line.command = { index: i, name: word };
        names = undefined;
      }
      continue;
    }
    names ??= namesFor(line.command?.name);
    const option = readOption(word, i, names);
    line.options.push(option);
    const next = words[i + 1];
    if (option.cluster || option.inline !== undefined || next === undefined) continue;
    const wantsValue = option.spec ? takesValue(option) : !(line.command === undefined && isCommand(next));
    if (wantsValue ? !isOptionWord(next) && next !== END_OF_OPTIONS : isBooleanValue(next)) {
      option.valueIndex = ++i;
    }
  }
  return line;
}

/** A command line read against the commands' tables: the command it names, and each word's part. */
export interface CommandLineReading {
  line: ScannedLine;
  /** The command named, when it names a known one. */
  command?: CommandTable;
  /** The options that apply: the command's own (and the root's), else every command's. */
  names: OptionNames;
}

/**
 * Reads `words` once to find the command, then again with its own table:
 * options before the command are its options too, as yargs reads them.
 */
export function readCommandLine<C extends CommandTable>(
  words: readonly string[],
  commands: readonly C[],
): CommandLineReading & { command?: C } {
  const byName = new Map(commands.map((c) => [c.name, c]));
  let union: OptionNames | undefined;
  const own = new Map<string, OptionNames>();
  const namesFor = (name: string | undefined): OptionNames => {
    const command = name === undefined ? undefined : byName.get(name);
    if (!command) {
      union ??= OptionNames.union(commands);
      return union;
    }
    if (!own.has(command.name)) own.set(command.name, new OptionNames(command.options));
    return own.get(command.name)!;
  };
  const isCommand = (word: string) => byName.has(word);
  const found = scanCommandLine(words, namesFor, isCommand).command;
  const command = found ? byName.get(found.name) : undefined;
  const names = namesFor(command?.name);
  const line = command
    ? scanCommandLine(words, (name) => (name === undefined ? names : namesFor(name)), isCommand)
    : scanCommandLine(words, namesFor, isCommand);
  return { line, command, names };
}
