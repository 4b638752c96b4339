/**
 * The full command line parser (yargs). cli.ts loads it only when the lean
 * parser cannot answer on its own: errors and their messages, help at an
 * unusual width, completion, `--`, anything unusual. yargs costs about as much
 * as starting Node itself, so the common paths stay out of here.
 */
import yargs, { type Argv } from 'yargs';
import { helpKey, PRERENDERED_HELP_WIDTHS, ROOT_OPTIONS, ROOT_USAGE, SCRIPT_NAME, VERSION } from './root.js';
import { commandShape, prerenderShape, type PrerenderedShape } from './lean-parser.js';
import { type CommandSpec, REPEATABLE_OPTIONS } from './options.js';
import { loadCommands } from '../commands/index.js';
import type { Context } from '../context.js';
import type { EvalMode } from './eval-mode.js';
import { usageError } from '../errors.js';
import { FORMAT_NAMES } from '../shells/index.js';

export function buildParser(args: string[], width: number, commands: readonly CommandSpec[]): Argv {
  let parser = yargs(args)
    .scriptName(SCRIPT_NAME)
    .usage(ROOT_USAGE)
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .alias('version', 'V')
    .options(ROOT_OPTIONS)
    // bash and zsh: eval "$(stsenv completion)"; the script calls stsenv --get-yargs-completions.
    .completion('completion', 'Print a completion script for bash or zsh (eval "$(stsenv completion)")')
    .strict()
    .demandCommand(1, 'Name a command')
    .recommendCommands()
    .exitProcess(false)
    .locale('en')
    .wrap(width)
    .parserConfiguration({ 'camel-case-expansion': true })
    .epilogue(`Formats (-s/--shell): ${FORMAT_NAMES.join(', ')}.\nDocs: README.md. Exit codes: 0 ok, 1 AWS/network/file error, 2 usage or bad input.`);
  for (const { command, describe, builder } of commands) parser = parser.command(command, describe, builder);
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
  const answer = evaluate?.after(argv ?? {}, ctx, error !== undefined);
  if (answer !== undefined) return answer;
  // Completion output is for the shell: the words asked for, or the script itself.
  if (argv?.getYargsCompletions !== undefined && !error) {
    process.stdout.write(output ? `${output}\n` : '');
    return 0;
  }
  if (args[0] === 'completion' && !args.includes('--help') && !args.includes('-h')) {
    buildParser([], width, commands).showCompletionScript();
    return 0;
  }
  if (error) throw usageError(error.message.split('\n')[0]!, 'see stsenv --help');
  if (argv?.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (argv?.help) {
    // Help is for people: stderr, so that `eval "$(stsenv ... --help)"` runs nothing.
    process.stderr.write(`${output}\n`);
    return 0;
  }
  refuseRepeats(argv!);
  const name = String((argv?._ as unknown[] | undefined)?.[0]);
  const command = commands.find((c) => c.command.split(' ')[0] === name);
  if (!command) throw usageError(`unknown command '${name}'`, 'see stsenv --help');
  return await command.run(argv!, ctx);
}

/**
 * yargs turns an option given twice into an array; for a single-valued one
 * that is a mistake (which --region was meant?), not something to guess at.
 */
function refuseRepeats(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    // Long names as typed: kebab-case keys, not their camelCase copies or one-letter aliases.
    if (!Array.isArray(value) || key === '_' || key.length < 2 || /[A-Z]/.test(key) || REPEATABLE_OPTIONS.has(key)) continue;
    throw usageError(`--${key} was given more than once`, 'give it once');
  }
}

/** Every command's lean-parser shape, for the build to put in main.cjs (see lean-parser.ts). */
export async function prerenderShapes(): Promise<Record<string, PrerenderedShape | null>> {
  const commands = await loadCommands();
  return Object.fromEntries(commands.map((spec) => [spec.command.split(' ')[0]!, prerenderShape(commandShape(spec))]));
}

/**
 * Every help text `--help` and `COMMAND --help` print, at the widths most
 * people get; the build stores them in dist/help.json so that help needs no yargs.
 */
export async function prerenderHelp(): Promise<Record<string, string>> {
  const commands = await loadCommands();
  const texts: Record<string, string> = {};
  for (const width of PRERENDERED_HELP_WIDTHS) {
    texts[helpKey(width, '')] = parseWithYargs(['--help'], width, commands).output;
    for (const { command } of commands) {
      const name = command.split(' ')[0]!;
      texts[helpKey(width, name)] = parseWithYargs([name, '--help'], width, commands).output;
    }
  }
  return texts;
}
