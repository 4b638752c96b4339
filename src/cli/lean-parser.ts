/**
 * A lean parser for the common command lines, so that they start without
 * loading yargs (which costs about as much as starting Node itself).
 *
 * It reads each command's yargs builder through a recorder, so a command is
 * still defined once, with yargs' API. It answers only when it is certain to
 * give the argv yargs would give: for anything else (an error, an unknown or
 * repeated option, `--`, a builder feature it does not know) it returns
 * undefined and the caller asks yargs. test/cli-lean.test.ts holds it to that,
 * command line by command line.
 */
import type { Argv } from 'yargs';
import type { CommandSpec } from './options.js';
import { ROOT_OPTIONS, SCRIPT_NAME } from './root.js';

type ValueType = 'string' | 'number' | 'boolean';

interface OptionDef {
  /** The name, its camelCase form, the aliases: every key yargs sets. */
  keys: string[];
  type?: ValueType;
  /** `true` in a shape the build prerendered: the function itself is in the builder. */
  coerce?: ((value: unknown) => unknown) | true;
  hasDefault: boolean;
  default?: unknown;
  choices?: readonly unknown[];
  demand: boolean;
}

interface PositionalDef {
  name: string;
  required: boolean;
  type?: ValueType;
  choices?: readonly unknown[];
}

export interface CommandShape {
  name: string;
  positionals: PositionalDef[];
  options: OptionDef[];
  /** `--name` and `--alias` for names longer than one letter. */
  long: Map<string, OptionDef>;
  /** `-x` for one-letter names and aliases. */
  short: Map<string, OptionDef>;
}

/** A CommandShape as JSON: what the build prerenders (prerenderShapes in yargs-parser.ts). */
export interface PrerenderedShape {
  name: string;
  positionals: PositionalDef[];
  options: Array<Omit<OptionDef, 'coerce'> & { coerce?: true }>;
  /** Each spelling (`name`, `alias`, `x`) with the index of its option. */
  spellings: Array<[string, number]>;
}

/**
 * Every command's shape, prerendered by the build into main.cjs (null: a command the lean
 * parser leaves to yargs). Reading a builder through the recorder costs about a
 * millisecond at every start; from source (tests, tsx) there is none and shapes are read live.
 */
declare const STSENV_COMMAND_SHAPES: Record<string, PrerenderedShape | null> | undefined;

// Settings whose effect the lean parser reproduces; any other makes the command yargs-only.
const OPTION_KEYS = new Set(['alias', 'type', 'describe', 'description', 'desc', 'coerce', 'default', 'choices', 'demandOption', 'hidden', 'group']);
const POSITIONAL_KEYS = new Set(['type', 'describe', 'description', 'desc', 'choices']);
// Builder calls that only change help text.
const TEXT_ONLY = new Set(['example', 'usage', 'epilogue', 'epilog']);

/** yargs-parser's camel-case expansion, for the lower-case kebab names it is used on here. */
function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function simpleName(name: string): boolean {
  return /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(name);
}

function valueType(type: unknown): ValueType | undefined | false {
  if (type === undefined) return undefined;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : false;
}

function optionDef(name: string, settings: Record<string, unknown>): OptionDef | undefined {
  if (!simpleName(name) || Object.keys(settings).some((key) => !OPTION_KEYS.has(key))) return undefined;
  const aliases = settings.alias === undefined ? [] : Array.isArray(settings.alias) ? settings.alias : [settings.alias];
  if (!aliases.every((alias) => typeof alias === 'string' && simpleName(alias))) return undefined;
  const type = valueType(settings.type);
  if (type === false) return undefined;
  if (settings.coerce !== undefined && typeof settings.coerce !== 'function') return undefined;
  if (settings.choices !== undefined && !Array.isArray(settings.choices)) return undefined;
  const keys = new Set<string>();
  for (const key of [name, ...(aliases as string[])]) keys.add(key).add(camel(key));
  return {
    keys: [...keys],
    type,
    coerce: settings.coerce as OptionDef['coerce'],
    hasDefault: 'default' in settings,
    default: settings.default,
    choices: settings.choices as unknown[] | undefined,
    demand: Boolean(settings.demandOption),
  };
}

/**
 * What a command accepts, read from its command string and builder; undefined
 * when it uses something the lean parser does not handle.
 */
export function commandShape(spec: CommandSpec): CommandShape | undefined {
  const match = /^([a-z][a-z0-9-]*)((?:\s+(?:<[a-z][a-z0-9-]*>|\[[a-z][a-z0-9-]*\]))*)\s*$/.exec(spec.command);
  if (!match) return undefined;
  const positionals: PositionalDef[] = [...match[2]!.matchAll(/([<[])([a-z0-9-]+)[>\]]/g)].map((m) => ({ name: m[2]!, required: m[1] === '<' }));
  // A required positional after an optional one is something yargs resolves its own way.
  if (positionals.some((p, i) => p.required && positionals.slice(0, i).some((q) => !q.required))) return undefined;

  const definitions: Array<[string, Record<string, unknown>]> = Object.entries(ROOT_OPTIONS).map(([name, settings]) => [name, { ...settings }]);
  let supported = true;
  const recorder: Record<string, unknown> = new Proxy(
    {},
    {
      get(_target, method) {
        return (...args: unknown[]) => {
          if (method === 'option' && typeof args[0] === 'string' && isRecord(args[1] ?? {})) {
            definitions.push([args[0], (args[1] ?? {}) as Record<string, unknown>]);
          } else if (method === 'options' && isRecord(args[0])) {
            for (const [name, settings] of Object.entries(args[0])) {
              if (isRecord(settings)) definitions.push([name, settings]);
              else supported = false;
            }
          } else if (method === 'positional' && typeof args[0] === 'string' && isRecord(args[1] ?? {})) {
            const positional = positionals.find((p) => p.name === args[0]);
            const settings = (args[1] ?? {}) as Record<string, unknown>;
            const type = valueType(settings.type);
            if (!positional || type === false || Object.keys(settings).some((key) => !POSITIONAL_KEYS.has(key))) supported = false;
            else {
              positional.type = type;
              if (Array.isArray(settings.choices)) positional.choices = settings.choices;
              else if (settings.choices !== undefined) supported = false;
            }
          } else if (typeof method !== 'string' || !TEXT_ONLY.has(method)) {
            supported = false;
          }
          return recorder;
        };
      },
    },
  );
  try {
    spec.builder(recorder as unknown as Argv);
  } catch {
    return undefined;
  }
  if (!supported) return undefined;

  const shape: CommandShape = { name: match[1]!, positionals, options: [], long: new Map(), short: new Map() };
  const seen = new Set<string>(positionals.flatMap((p) => [p.name, camel(p.name)]));
  for (const [name, settings] of definitions) {
    const def = optionDef(name, settings);
    if (!def || def.keys.some((key) => seen.has(key))) return undefined;
    for (const key of def.keys) seen.add(key);
    shape.options.push(def);
    for (const key of [name, ...(settings.alias === undefined ? [] : ([] as string[]).concat(settings.alias as string | string[]))]) {
      (key.length === 1 ? shape.short : shape.long).set(key, def);
    }
  }
  return shape;
}

export function prerenderShape(shape: CommandShape | undefined): PrerenderedShape | null {
  if (!shape) return null;
  const options = shape.options.map(({ coerce, ...def }) => (coerce ? { ...def, coerce: true as const } : def));
  const spellings = [...shape.long, ...shape.short].map(([spelling, def]): [string, number] => [spelling, shape.options.indexOf(def)]);
  return { name: shape.name, positionals: shape.positionals, options, spellings };
}

function fromPrerendered(built: PrerenderedShape): CommandShape {
  const shape: CommandShape = { name: built.name, positionals: built.positionals, options: built.options, long: new Map(), short: new Map() };
  for (const [spelling, index] of built.spellings) (spelling.length === 1 ? shape.short : shape.long).set(spelling, built.options[index]!);
  return shape;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A value yargs-parser might read as a number, or as an option.
const NUMBER_LIKE = /^[-+]?(?:\d|\.\d)|^0x/i;
const PLAIN_NUMBER = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

function typed(value: string, type: ValueType | undefined): { value: unknown } | undefined {
  if (type === 'string') return { value };
  if (type === 'number') return PLAIN_NUMBER.test(value) ? { value: Number(value) } : undefined;
  // Untyped: yargs-parser guesses, and so would we; leave it to yargs.
  return undefined;
}

/** The command a command line names: its first word, after any leading --debug. */
export function commandName(args: readonly string[]): string | undefined {
  return args.find((arg) => arg !== '--debug');
}

/**
 * The argv yargs would give for `args` (a command line for `command`), or
 * undefined when the lean parser is not certain (yargs then decides, errors included).
 */
export function leanParse(
  args: readonly string[],
  command: CommandSpec,
  /** null: read every builder live. */
  prerendered: Record<string, PrerenderedShape | null> | null = typeof STSENV_COMMAND_SHAPES === 'object' ? STSENV_COMMAND_SHAPES : null,
): Record<string, unknown> | undefined {
  const built = prerendered?.[command.command.split(' ')[0]!];
  if (built === null) return undefined;
  const argv = parseWith(args, built ? fromPrerendered(built) : commandShape(command));
  // A coerce function is only in the builder: read it live.
  return argv === NEEDS_BUILDER ? (parseWith(args, commandShape(command)) as Record<string, unknown> | undefined) : argv;
}

const NEEDS_BUILDER = Symbol('needs the builder');

function parseWith(args: readonly string[], shape: CommandShape | undefined): Record<string, unknown> | undefined | typeof NEEDS_BUILDER {
  let start = 0;
  while (args[start] === '--debug') start++;
  if (!shape || args[start] !== shape.name) return undefined;

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
      if (negated?.type === 'boolean' && key.length > 4) {
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
    if (def.type === 'boolean') {
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
    if (positional.type !== 'string' && NUMBER_LIKE.test(value)) return undefined;
    if (positional.choices && !positional.choices.includes(value)) return undefined;
    argv[positional.name] = value;
    argv[camel(positional.name)] = value;
  }
  for (const def of shape.options) {
    const values = given.get(def);
    let value: unknown;
    if (values === undefined) {
      if (def.demand) return undefined;
      if (!def.hasDefault) continue;
      if (def.coerce) return undefined;
      value = def.default;
    } else if (typeof values === 'boolean') {
      value = values;
    } else {
      if (values.length > 1 && !def.coerce) return undefined;
      const converted: unknown[] = [];
      for (const text of values) {
        const one = typed(text, def.type);
        if (!one) return undefined;
        converted.push(one.value);
      }
      if (def.choices && !converted.every((v) => def.choices!.includes(v))) return undefined;
      value = converted.length === 1 ? converted[0] : converted;
      if (def.coerce === true) return NEEDS_BUILDER;
      if (def.coerce) {
        try {
          value = def.coerce(value);
        } catch {
          return undefined;
        }
      }
    }
    for (const key of def.keys) argv[key] = value;
  }
  argv.$0 = SCRIPT_NAME;
  return argv;
}
