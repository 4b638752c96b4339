/**
 * A command's options declared once, as typed data (in the manner of Node's
 * util.parseArgs): the lean parser (src/cli/lean-parser.ts), the yargs builder
 * (src/cli/yargs-parser.ts), the help the build prerenders and the types of each
 * command's parsed options are all derived from one table.
 */
import type { Context } from '../context.js';

export type OptionType = 'string' | 'number' | 'boolean';

export interface OptionSpec {
  readonly type: OptionType;
  readonly describe: string;
  /** A one-letter alias, given as `-x`. */
  readonly alias?: string;
  /** Given once per value (`--tag a=1 --tag b=2`); the parsed value is an array. */
  readonly repeatable?: boolean;
  readonly choices?: readonly string[];
  /** What completion offers for the value, when it is not `choices` (src/cli/complete.ts). */
  readonly complete?: ValueSource;
}

/**
 * Values to complete that the parser does not enforce (the command checks
 * them itself, case-insensitively say): fixed words, or names read from the
 * user's config when Tab is pressed.
 */
export type ValueSource = readonly string[] | 'profiles' | 'sso-sessions';

export type OptionTable = { readonly [name: string]: OptionSpec };

export interface PositionalSpec {
  readonly name: string;
  readonly describe: string;
  readonly required?: boolean;
  readonly choices?: readonly string[];
  /** What completion offers, and a missing value's message names, when it is not `choices`. */
  readonly complete?: readonly string[];
}

/** `--session-name` is `sessionName` in the parsed options, as yargs names it. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

type ValueOf<O extends OptionSpec> = O extends { readonly repeatable: true }
  ? string[]
  : O['type'] extends 'number'
    ? number
    : O['type'] extends 'boolean'
      ? boolean
      : string;

/** The parsed options of a table, as a command receives them. */
export type OptionValues<T extends OptionTable> = { [K in keyof T & string as Camel<K>]?: ValueOf<T[K]> };

/** One subcommand: what it accepts, its help, and the plain function that runs it. */
export interface CommandSpec<Options = Record<string, unknown>> {
  readonly name: string;
  readonly describe: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options: OptionTable;
  /** Usage lines in place of yargs' own. */
  readonly usage?: string;
  readonly examples?: ReadonlyArray<readonly [command: string, description: string]>;
  readonly epilogue?: string;
  /**
   * Prints lines for the shell to evaluate (unless --write-profile alone):
   * through an init function of `stsenv init` (STSENV_EVAL), its output is
   * evaluated; any other command runs as it is.
   */
  readonly shellLines?: boolean;
  /** Runs a command given after `--` (exec): words before `--` beyond the positionals are that command, misplaced. */
  readonly runsCommand?: boolean;
  run(options: Options, ctx: Context): Promise<number> | number;
}

/**
 * What the command line is read with (src/cli/tokens.ts), and all that
 * completion needs: data only, so that the build can write every command's
 * table into the completion bundle (build.mjs) without loading the commands.
 */
export type CommandTable = Pick<CommandSpec, 'name' | 'describe' | 'options' | 'positionals'>;

/**
 * A command as yargs names it (`assume [role-arn]`): required positionals
 * in angle brackets, optional ones in square brackets.
 */
export function commandString(spec: Pick<CommandSpec, 'name' | 'positionals'>): string {
  return [spec.name, ...(spec.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`))].join(' ');
}

/** yargs-parser's camel-case expansion, for the lower-case kebab names used here. */
export function camel(name: string): string {
  // yargs' camelCase for our names (a dash before a letter or digit), without a regular
  // expression: compiling one costs each start more than all the loops here.
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const next = name[i + 1];
    if (name[i] === '-' && next !== undefined && ((next >= 'a' && next <= 'z') || (next >= '0' && next <= '9'))) {
      out += next.toUpperCase();
      i++;
    } else {
      out += name[i];
    }
  }
  return out;
}

/** The role ARN the help examples use. */
export const EXAMPLE_ROLE = 'arn:aws:iam::123456789012:role/deploy';
