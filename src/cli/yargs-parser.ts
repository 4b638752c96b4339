/**
 * The full command line parser (yargs). main.ts loads it only when the lean
 * parser cannot answer on its own and the line holds none of the mistakes
 * main.ts tells itself (mistakes.ts): help at an unusual width, `--`, an
 * option given twice, a word too many, anything unusual. yargs costs about as
 * much as starting Node itself, so the common paths stay out of here.
 */
import yargs, { type Argv } from 'yargs';
import { PRERENDERED_HELP_WIDTHS, ROOT_OPTIONS, ROOT_USAGE, SCRIPT_NAME, VERSION } from './root.js';
import { commandString, type CommandSpec } from '../commands/spec.js';
import { versionLine } from '../built-files.js';
import { loadCommands } from '../commands/index.js';
import type { Context } from '../context.js';
import type { EvalMode } from './eval-mode.js';
import { usageError } from '../errors.js';
import { FORMAT_NAMES } from '../shells/index.js';

/** A repeatable option arrives as an array whether given once or more. */
function toArray(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The yargs builder of a command, derived from its option table. */
export function builderOf(spec: CommandSpec): (y: Argv) => Argv {
  return (y) => {
    let parser = y;
    for (const { name, describe, choices } of spec.positionals ?? []) {
      parser = parser.positional(name, { type: 'string', describe, ...(choices ? { choices } : {}) });
    }
    for (const [name, option] of Object.entries(spec.options)) {
      parser = parser.option(name, {
        type: option.type,
        describe: option.describe,
        ...(option.alias ? { alias: option.alias } : {}),
        ...(option.choices ? { choices: option.choices } : {}),
        // Repeatable options are given once per value; yargs' `array` would also swallow the role ARN that follows.
        ...(option.repeatable ? { coerce: toArray } : {}),
      });
    }
    if (spec.usage) parser = parser.usage(spec.usage);
    for (const [command, description] of spec.examples ?? []) parser = parser.example(command, description);
    if (spec.epilogue) parser = parser.epilogue(spec.epilogue);
    return parser;
  };
}

export function buildParser(args: string[], width: number, commands: readonly CommandSpec[]): Argv {
  let parser = yargs(args)
    .scriptName(SCRIPT_NAME)
    .usage(ROOT_USAGE)
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .alias('version', 'V')
    .options(ROOT_OPTIONS)
    .strict()
    .demandCommand(1, 'Name a command')
    .exitProcess(false)
    .locale('en')
    .wrap(width)
    .parserConfiguration({ 'camel-case-expansion': true })
    .epilogue(
      `Formats (-s/--shell): ${FORMAT_NAMES.join(', ')}.\nA command's options: stsenv help COMMAND. Help goes to stderr; to page it: stsenv --help 2>&1 | less\nDocs: README.md. Exit codes: 0 ok, 1 AWS/network/file error, 2 usage or bad input.`,
    );
  for (const spec of commands) parser = parser.command(commandString(spec), spec.describe, builderOf(spec));
  return parser;
}

export interface Parsed {
  argv?: Record<string, unknown>;
  error?: Error;
  /** What yargs would have printed (help, version, or usage after an error). */
  output: string;
}

/** yargs reports through a callback instead of printing and exiting. */
export function parseWithYargs(args: string[], width: number, commands: readonly CommandSpec[]): Parsed {
  const result: Parsed = { output: '' };
  buildParser(args, width, commands).parse(args, {}, (error, argv, output) => {
    result.error = error ?? undefined;
    result.argv = argv as Record<string, unknown>;
    result.output = output ?? '';
  });
  return result;
}

export async function runWithYargs(args: string[], width: number, ctx: Context, evaluate?: EvalMode): Promise<number> {
  const commands = await loadCommands();
  const { argv, error, output } = parseWithYargs(args, width, commands);
  const answer = evaluate?.after(
    argv ?? {},
    commands.find((c) => c.name === (argv?._ as unknown[] | undefined)?.[0]),
    ctx,
    error !== undefined,
  );
  if (answer !== undefined) return answer;
  if (error) throw usageError(error.message.split('\n')[0]!, 'see stsenv --help');
  if (argv?.version) {
    ctx.stdout.write(`${versionLine(VERSION)}\n`);
    return 0;
  }
  if (argv?.help) {
    // Help is for people: stderr, so that `eval "$(stsenv ... --help)"` runs nothing.
    ctx.stderr.write(`${output}\n`);
    return 0;
  }
  const name = String((argv?._ as unknown[] | undefined)?.[0]);
  const command = commands.find((c) => c.name === name);
  if (!command) throw usageError(`unknown command '${name}'`, 'see stsenv --help');
  refuseRepeats(argv!, command);
  return await command.run(argv!, ctx);
}

/**
 * yargs turns an option given twice into an array; for a single-valued one
 * that is a mistake (which --region was meant?), not something to guess at.
 */
function refuseRepeats(argv: Record<string, unknown>, command: CommandSpec): void {
  for (const [key, value] of Object.entries(argv)) {
    // Long names as typed: kebab-case keys, not their camelCase copies or one-letter aliases.
    if (!Array.isArray(value) || key === '_' || key.length < 2 || /[A-Z]/.test(key) || command.options[key]?.repeatable)
      continue;
    throw usageError(`--${key} was given more than once`, 'give it once');
  }
}

/** The top-level help: what `stsenv` alone lists. */
export function topLevelHelp(width: number, commands: readonly CommandSpec[]): string {
  return parseWithYargs(['--help'], width, commands).output;
}

/**
 * Every help text `--help` and `COMMAND --help` print, at the widths most
 * people get, by width and then command ('' for the top level); the build
 * stores each width's in dist/help/WIDTH.json so that help needs no yargs.
 */
export async function prerenderHelp(): Promise<Record<number, Record<string, string>>> {
  const commands = await loadCommands();
  const texts: Record<number, Record<string, string>> = {};
  for (const width of PRERENDERED_HELP_WIDTHS) {
    const atWidth: Record<string, string> = { '': topLevelHelp(width, commands) };
    for (const { name } of commands) atWidth[name] = parseWithYargs([name, '--help'], width, commands).output;
    texts[width] = atWidth;
  }
  return texts;
}
