/**
 * A lean parser for the common command lines, so that they start without
 * loading yargs (which costs about as much as starting Node itself).
 *
 * It reads the same option table as yargs (src/commands/spec.ts), word by word
 * through the command line's one reader (tokens.ts). It answers only when
 * it is certain to give the argv yargs would give: for anything else (an
 * error, an unknown or repeated option, `--`, a number it would have to
 * guess) it returns undefined and the caller asks yargs.
 * test/unit/lean-parser.test.ts holds it to that, command line by command line.
 */
import { camel, type CommandSpec, type OptionSpec } from '../commands/spec.js';
import { SCRIPT_NAME } from './root.js';
import { BUILTIN_OPTIONS, commandIndex, OptionNames, type OptionWord, optionValue, scanCommandLine } from './tokens.js';

interface OptionDef {
  /** The name in the table: argv gets it, its camelCase form and its alias. */
  name: string;
  spec: OptionSpec;
}

/** An option of the command's table or the root's; not --help or --version, which yargs answers. */
function ownOption(names: OptionNames, name: string | undefined): OptionDef | undefined {
  if (name === undefined || Object.hasOwn(BUILTIN_OPTIONS, name)) return undefined;
  const spec = names.spec(name);
  return spec && { name, spec };
}

/** `--NAME` of `command`, spelled as its table (or the root's) names it: what the lean parser reads. */
export function longOption(command: CommandSpec, name: string): OptionDef | undefined {
  const names = new OptionNames(command.options);
  return name.length >= 2 && names.lookup(name) === name ? ownOption(names, name) : undefined;
}

/** `-X` of `command`: the option whose alias is X. */
export function shortOption(command: CommandSpec, letter: string): OptionDef | undefined {
  const names = new OptionNames(command.options);
  const def = letter.length === 1 ? ownOption(names, names.lookup(letter)) : undefined;
  return def?.spec.alias === letter ? def : undefined;
}

/**
 * The option a word names when it is spelled the plain way: `--name`,
 * `--no-name` or `-x` as the table has them. A camelCase spelling, `--x`
 * for `-x`, a cluster, an unknown option or yargs' own are yargs' to read.
 */
function plainOption(option: OptionWord, names: OptionNames): OptionDef | undefined {
  const def = ownOption(names, option.name);
  if (!def) return undefined;
  const plain = option.negated
    ? option.typed === `--no-${def.name}`
    : option.typed === `--${def.name}` || option.typed === `-${def.spec.alias}`;
  return plain ? def : undefined;
}

// A number yargs-parser reads exactly as Number() does.
const PLAIN_NUMBER = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * The argv yargs would give for `args` (a command line for `command`), or
 * undefined when the lean parser is not certain (yargs then decides, errors included).
 */
export function leanParse(args: readonly string[], command: CommandSpec): Record<string, unknown> | undefined {
  const start = commandIndex(args);
  if (args[start] !== command.name) return undefined;
  // exec's own line always holds `--` (which is yargs' to read), and one without it is a mistake to explain.
  if (command.runsCommand) return undefined;

  // Read with the command's table from the first word (only --debug comes before the command here),
  // made only when the line holds an option.
  let names: OptionNames | undefined;
  const line = scanCommandLine(args, () => (names ??= new OptionNames(command.options)));
  if (line.end !== undefined || line.command?.index !== start) return undefined;

  const given = new Map<string, { spec: OptionSpec; values: string[] | boolean }>();
  for (const option of line.options) {
    const def = plainOption(option, names!);
    if (!def) return undefined;
    if (def.spec.type === 'boolean') {
      // `--flag=false`, `--flag true`, `--no-flag false`: yargs reads these its own way.
      if (option.inline !== undefined || option.valueIndex !== undefined || given.has(def.name)) return undefined;
      given.set(def.name, { spec: def.spec, values: !option.negated });
      continue;
    }
    // `--no-region`: a negated value option is yargs' to read.
    if (option.negated) return undefined;
    const value = optionValue(option, args);
    // A value beginning with a dash (a negative number, a lone -) is yargs' to read.
    if (value === undefined || (option.inline === undefined && value.startsWith('-'))) return undefined;
    const values = given.get(def.name)?.values;
    if (typeof values === 'boolean') return undefined;
    if (values) values.push(value);
    else given.set(def.name, { spec: def.spec, values: [value] });
  }
  // A word such as -1 is a positional to the reader, a number yargs would convert.
  if (line.positionals.some(({ text }) => text.length > 1 && text.startsWith('-'))) return undefined;
  const positionals = line.positionals.map(({ text }) => text);

  const argv: Record<string, unknown> = { _: [command.name] };
  const declared = command.positionals ?? [];
  if (positionals.length > declared.length) return undefined;
  for (const [index, positional] of declared.entries()) {
    const value = positionals[index];
    if (value === undefined) {
      if (positional.required) return undefined;
      continue;
    }
    if (positional.choices && !positional.choices.includes(value)) return undefined;
    argv[positional.name] = value;
    argv[camel(positional.name)] = value;
  }
  for (const [name, { spec, values }] of given) {
    let value: unknown = values;
    if (typeof values !== 'boolean') {
      // A single-valued option given twice is yargs' to refuse.
      if (values.length > 1 && !spec.repeatable) return undefined;
      if (spec.type === 'number' && !values.every((text) => PLAIN_NUMBER.test(text))) return undefined;
      const converted = spec.type === 'number' ? values.map(Number) : values;
      if (spec.choices && !converted.every((v) => spec.choices!.includes(String(v)))) return undefined;
      value = spec.repeatable ? converted : converted[0];
    }
    // Every key yargs sets: the name, its camelCase form, the alias.
    argv[name] = value;
    argv[camel(name)] = value;
    if (spec.alias) argv[spec.alias] = value;
  }
  argv.$0 = SCRIPT_NAME;
  return argv;
}
