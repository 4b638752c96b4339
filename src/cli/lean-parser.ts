/**
 * A lean parser for the common command lines, so that they start without
 * loading yargs (which costs about as much as starting Node itself).
 *
 * It reads the same option table as yargs (options.ts). It answers only when
 * it is certain to give the argv yargs would give: for anything else (an
 * error, an unknown or repeated option, `--`, a number it would have to
 * guess) it returns undefined and the caller asks yargs.
 * test/lean-parser.test.ts holds it to that, command line by command line.
 */
import { camel, type CommandSpec, type OptionSpec, type PositionalSpec } from './options.js';
import { ROOT_OPTIONS, SCRIPT_NAME } from './root.js';

interface OptionDef {
  /** The name, its camelCase form, the alias: every key yargs sets. */
  keys: string[];
  spec: OptionSpec;
}

export interface CommandShape {
  name: string;
  positionals: readonly PositionalSpec[];
  options: OptionDef[];
  /** `--name` for every option. */
  long: Map<string, OptionDef>;
  /** `-x` for one-letter aliases. */
  short: Map<string, OptionDef>;
}

/** What a command accepts, as the lean parser looks it up: its own options and the root's. */
export function commandShape(spec: CommandSpec): CommandShape {
  const shape: CommandShape = { name: spec.name, positionals: spec.positionals ?? [], options: [], long: new Map(), short: new Map() };
  const table: Record<string, OptionSpec> = { ...ROOT_OPTIONS, ...spec.options };
  for (const [name, option] of Object.entries(table)) {
    const def: OptionDef = { keys: [name, camel(name), ...(option.alias ? [option.alias] : [])], spec: option };
    shape.options.push(def);
    shape.long.set(name, def);
    if (option.alias) shape.short.set(option.alias, def);
  }
  return shape;
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
  const shape = commandShape(command);
  if (args[start] !== shape.name) return undefined;

  const given = new Map<OptionDef, string[] | boolean>();
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
      def = key.length > 1 ? shape.long.get(key) : undefined;
      // `--no-cache`: yargs' negation of a boolean option (when no option is named no-cache).
      const negated = !def && key.startsWith('no-') ? shape.long.get(key.slice(3)) : undefined;
      if (negated?.spec.type === 'boolean' && key.length > 4) {
        if (inline !== undefined || args[i + 1] === 'true' || args[i + 1] === 'false' || given.has(negated)) return undefined;
        given.set(negated, false);
        continue;
      }
    } else if (token.startsWith('-') && token.length > 1) {
      if (token.length !== 2) return undefined;
      def = shape.short.get(token[1]!);
    } else {
      if (i < start) return undefined;
      positionals.push(token);
      continue;
    }
    if (!def) return undefined;
    if (def.spec.type === 'boolean') {
      // `--flag=false`, `--flag true`: yargs reads these its own way.
      if (inline !== undefined || args[i + 1] === 'true' || args[i + 1] === 'false' || given.has(def)) return undefined;
      given.set(def, true);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-'))) return undefined;
    const values = given.get(def);
    if (typeof values === 'boolean') return undefined;
    if (values) values.push(value);
    else given.set(def, [value]);
  }

  const argv: Record<string, unknown> = { _: [shape.name] };
  if (positionals.length > shape.positionals.length) return undefined;
  for (const [index, positional] of shape.positionals.entries()) {
    const value = positionals[index];
    if (value === undefined) {
      if (positional.required) return undefined;
      continue;
    }
    if (positional.choices && !positional.choices.includes(value)) return undefined;
    argv[positional.name] = value;
    argv[camel(positional.name)] = value;
  }
  for (const def of shape.options) {
    const values = given.get(def);
    if (values === undefined) continue;
    let value: unknown = values;
    if (typeof values !== 'boolean') {
      // A single-valued option given twice is yargs' to refuse.
      if (values.length > 1 && !def.spec.repeatable) return undefined;
      if (def.spec.type === 'number' && !values.every((text) => PLAIN_NUMBER.test(text))) return undefined;
      const converted = def.spec.type === 'number' ? values.map(Number) : values;
      if (def.spec.choices && !converted.every((v) => def.spec.choices!.includes(String(v)))) return undefined;
      value = def.spec.repeatable ? converted : converted[0];
    }
    for (const key of def.keys) argv[key] = value;
  }
  argv.$0 = SCRIPT_NAME;
  return argv;
}
