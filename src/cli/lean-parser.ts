/**
 * A lean parser for the common command lines, so that they start without
 * loading yargs (which costs about as much as starting Node itself).
 *
 * It reads the same option table as yargs (src/commands/spec.ts). It answers only when
 * it is certain to give the argv yargs would give: for anything else (an
 * error, an unknown or repeated option, `--`, a number it would have to
 * guess) it returns undefined and the caller asks yargs.
 * test/unit/lean-parser.test.ts holds it to that, command line by command line.
 */
import { camel, type CommandSpec, type OptionSpec, type OptionTable } from '../commands/spec.js';
import { ROOT_OPTIONS, SCRIPT_NAME } from './root.js';

interface OptionDef {
  /** The name in the table: argv gets it, its camelCase form and its alias. */
  name: string;
  spec: OptionSpec;
}

// Options are looked up in the tables as the command line names them, with no map built first:
// a run reads one command line, and most name no option or one.
const ROOT: OptionTable = ROOT_OPTIONS;

/** `--NAME` of `command`: its own table first, then the root's (yargs gives the command's the last word). */
export function longOption(command: CommandSpec, name: string): OptionDef | undefined {
  if (name.length < 2) return undefined;
  if (Object.hasOwn(command.options, name)) return { name, spec: command.options[name]! };
  if (Object.hasOwn(ROOT, name)) return { name, spec: ROOT[name]! };
  return undefined;
}

/** `-X` of `command`: the option whose alias is X. */
export function shortOption(command: CommandSpec, letter: string): OptionDef | undefined {
  for (const [name, spec] of Object.entries(command.options)) if (spec.alias === letter) return { name, spec };
  for (const [name, spec] of Object.entries(ROOT))
    if (spec.alias === letter && !Object.hasOwn(command.options, name)) return { name, spec };
  return undefined;
}

// A number yargs-parser reads exactly as Number() does.
const PLAIN_NUMBER = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * `--token-file -` as `--token-file=-`: a lone `-` (standard input) is a
 * value, where yargs would take it for a stray argument. Not after `--`,
 * where the words are exec's command's own.
 */
export function joinDashValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') return [...out, ...args.slice(i)];
    if (args[i + 1] === '-' && /^--[a-z][a-z0-9-]*$/.test(token)) {
      out.push(`${token}=-`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

/** The command a command line names: its first word, after any leading --debug. */
export function commandName(args: readonly string[]): string | undefined {
  return args.find((arg) => arg !== '--debug');
}

/**
 * The argv yargs would give for `args` (a command line for `command`), or
 * undefined when the lean parser is not certain (yargs then decides, errors included).
 */
export function leanParse(args: readonly string[], command: CommandSpec): Record<string, unknown> | undefined {
  let start = 0;
  while (args[start] === '--debug') start++;
  if (args[start] !== command.name) return undefined;
  // exec's own line always holds `--` (which is yargs' to read), and one without it is a mistake to explain.
  if (command.runsCommand) return undefined;

  const given = new Map<string, { spec: OptionSpec; values: string[] | boolean }>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (i === start) continue;
    const token = args[i]!;
    if (token === '--') return undefined;
    let def: OptionDef | undefined;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const key = eq === -1 ? token.slice(2) : token.slice(2, eq);
      if (eq !== -1) inline = token.slice(eq + 1);
      def = longOption(command, key);
      // `--no-cache`: yargs' negation of a boolean option (when no option is named no-cache).
      const negated = !def && key.startsWith('no-') ? longOption(command, key.slice(3)) : undefined;
      if (negated?.spec.type === 'boolean' && key.length > 4) {
        if (inline !== undefined || args[i + 1] === 'true' || args[i + 1] === 'false' || given.has(negated.name))
          return undefined;
        given.set(negated.name, { spec: negated.spec, values: false });
        continue;
      }
    } else if (token.startsWith('-') && token.length > 1) {
      if (token.length !== 2) return undefined;
      def = shortOption(command, token[1]!);
    } else {
      if (i < start) return undefined;
      positionals.push(token);
      continue;
    }
    if (!def) return undefined;
    if (def.spec.type === 'boolean') {
      // `--flag=false`, `--flag true`: yargs reads these its own way.
      if (inline !== undefined || args[i + 1] === 'true' || args[i + 1] === 'false' || given.has(def.name))
        return undefined;
      given.set(def.name, { spec: def.spec, values: true });
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-'))) return undefined;
    const values = given.get(def.name)?.values;
    if (typeof values === 'boolean') return undefined;
    if (values) values.push(value);
    else given.set(def.name, { spec: def.spec, values: [value] });
  }

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
