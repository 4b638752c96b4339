#!/usr/bin/env node
/**
 * The command line: yargs wiring and nothing else. Each command is a plain
 * function over parsed options and a Context (src/commands/); this file maps
 * argv to them and turns the result into an exit code.
 */
import yargs, { type Argv } from 'yargs';
import { COMMANDS } from './commands/index.js';
import { processContext } from './context.js';
import { EXIT_USAGE, usageError } from './errors.js';
import { reportError, stderrChalk } from './report-error.js';
import { FORMAT_NAMES } from './shells/index.js';

declare const STSENV_VERSION: string | undefined;
const VERSION = typeof STSENV_VERSION === 'string' ? STSENV_VERSION : '0.0.0-dev';

function buildParser(args: string[]): Argv {
  let parser = yargs(args)
    .scriptName('stsenv')
    .usage('stsenv <command> [options]\n\nTemporary AWS credentials from STS, printed as lines your shell evaluates.')
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .alias('version', 'V')
    .option('debug', { type: 'boolean', describe: 'Explain what stsenv does on stderr (never secrets)' })
    // bash and zsh: eval "$(stsenv completion)"; the script calls stsenv --get-yargs-completions.
    .completion('completion', 'Print a completion script for bash or zsh (eval "$(stsenv completion)")')
    .strict()
    .demandCommand(1, 'Name a command')
    .recommendCommands()
    .exitProcess(false)
    .locale('en')
    .wrap(Math.min(110, process.stderr.columns ?? 100))
    .parserConfiguration({ 'camel-case-expansion': true })
    .epilogue(`Formats (-s/--shell): ${FORMAT_NAMES.join(', ')}.\nDocs: README.md. Exit codes: 0 ok, 1 AWS/network/file error, 2 usage or bad input.`);
  for (const { command, describe, builder } of COMMANDS) parser = parser.command(command, describe, builder);
  return parser;
}

interface Parsed {
  argv?: Record<string, unknown>;
  error?: Error;
  /** What yargs would have printed (help, version, or usage after an error). */
  output: string;
}

/** yargs reports through a callback instead of printing and exiting. */
function parse(args: string[]): Parsed {
  const result: Parsed = { output: '' };
  buildParser(args).parse(args, {}, (error, argv, output) => {
    result.error = error ?? undefined;
    result.argv = argv as Record<string, unknown>;
    result.output = output ?? '';
  });
  return result;
}

export async function main(args: string[]): Promise<number> {
  const debug = args.includes('--debug');
  const chalkForWarn = stderrChalk(process.stderr, process.env);
  const ctx = processContext(debug, (message) => process.stderr.write(`${chalkForWarn.yellow('stsenv: warning:')} ${message}\n`));
  try {
    const { argv, error, output } = parse(args);
    // Completion output is for the shell: the words asked for, or the script itself.
    if (argv?.getYargsCompletions !== undefined && !error) {
      process.stdout.write(output ? `${output}\n` : '');
      return 0;
    }
    if (args[0] === 'completion' && !args.includes('--help') && !args.includes('-h')) {
      buildParser([]).showCompletionScript();
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
    const name = String((argv?._ as unknown[] | undefined)?.[0]);
    const command = COMMANDS.find((c) => c.command.split(' ')[0] === name);
    if (!command) throw usageError(`unknown command '${name}'`, 'see stsenv --help');
    return await command.run(argv!, ctx);
  } catch (error) {
    return reportError(error, process.stderr, process.env, debug);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT_USAGE;
  },
);
