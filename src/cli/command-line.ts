/**
 * A command line read word by word against the option tables, as yargs
 * reads it: which word is the command (options may come before it), which
 * words are options, which are their values, which are positionals. It
 * judges nothing: the mistake finder (mistakes.ts) and completion
 * (complete.ts) each ask it, so that both read a line the way the parser does.
 */
import { camel, type CommandTable, type OptionSpec, type OptionTable } from '../commands/spec.js';
import { ROOT_OPTIONS } from './root.js';

/** The options yargs adds to every command itself (src/cli/yargs-parser.ts). */
export const BUILTIN_OPTIONS = {
  help: { type: 'boolean', alias: 'h', describe: 'Show help' },
  version: { type: 'boolean', alias: 'V', describe: 'Show version number' },
} as const satisfies OptionTable;

/** The names a command line can use, with their spellings: `--name`, `--camelName`, `-x`. */
export class OptionNames {
  readonly table: OptionTable;
  private readonly spellings = new Map<string, string>();

  constructor(table: OptionTable) {
    // The command's own first: completion offers them in this order.
    this.table = { ...table, ...ROOT_OPTIONS, ...BUILTIN_OPTIONS };
    for (const [name, spec] of Object.entries(this.table)) {
      this.spellings.set(name, name);
      // yargs' camel-case expansion: --sessionName is --session-name.
      this.spellings.set(camel(name), name);
      if (spec.alias) this.spellings.set(spec.alias, name);
    }
  }

  /** Every command's options together: what a word before an unknown command can be. */
  static union(commands: readonly CommandTable[]): OptionNames {
    return new OptionNames(Object.assign({}, ...commands.map((c) => c.options)) as OptionTable);
  }

  /** The option's name as its table spells it, for `session-name`, `sessionName` or `n`. */
  lookup(spelling: string): string | undefined {
    return this.spellings.get(spelling);
  }

  /** The long names, for suggestions and completion: never a camelCase twin or a one-letter alias. */
  get names(): string[] {
    return Object.keys(this.table);
  }
}

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

export interface ScannedLine {
  command?: { index: number; name: string };
  /** Words after the command that are neither options nor their values, up to `--`. */
  positionals: Array<{ index: number; text: string }>;
  options: OptionWord[];
  /** Index of the first `--`, after which nothing is an option. */
  end?: number;
}

/** A word yargs reads as an option (a negative number is a value). */
export function isOptionWord(word: string): boolean {
  return word.startsWith('-') && word.length > 1 && word !== '--' && !/^-\d/.test(word);
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
    if (word === '--') {
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
    const takesValue = option.spec
      ? option.spec.type !== 'boolean' && !option.negated
      : !(line.command === undefined && isCommand(next));
    if (takesValue ? !isOptionWord(next) && next !== '--' : next === 'true' || next === 'false') {
      option.valueIndex = ++i;
    }
  }
  return line;
}

function readOption(word: string, index: number, names: OptionNames): OptionWord {
  const long = word.startsWith('--');
  const eq = word.indexOf('=');
  const typed = long && eq !== -1 ? word.slice(0, eq) : word;
  const option: OptionWord = { index, typed, negated: false, cluster: !long && word.length > 2 };
  if (long && eq !== -1) option.inline = word.slice(eq + 1);
  if (option.cluster) return option;
  const key = typed.replace(/^--?/, '');
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
    option.spec = names.table[name];
  }
  return option;
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
