#!/usr/bin/env node
/**
 * The command line: wiring and nothing else. Each command is a plain function
 * over parsed options and a Context (src/commands/); this file maps argv to
 * them and turns the result into an exit code.
 *
 * Start-up is most of what stsenv costs, so the common command lines are
 * answered without yargs: --version, prerendered --help, and the lean parser
 * (cli-lean.ts), which hands anything it is not sure of to yargs (cli-yargs.ts,
 * loaded on demand). Heavy modules (yargs, the AWS SDK) load only on the paths
 * that use them; test/startup.test.ts guards that.
 */
import { readFileSync } from 'node:fs';
import { leanParse } from './cli-lean.js';
import { helpKey, helpWidth, VERSION } from './cli-root.js';
import { COMMANDS } from './commands/index.js';
import { processContext } from './context.js';
import { EXIT_USAGE } from './errors.js';
import { reportError, stderrChalk } from './report-error.js';

/** `--help` and `COMMAND --help` as the build rendered them with yargs; undefined for anything else. */
function prerenderedHelp(args: readonly string[], width: number): string | undefined {
  const help = args.at(-1) === '--help' || args.at(-1) === '-h';
  if (!help || args.length > 2) return undefined;
  const command = args.length === 2 ? args[0]! : '';
  if (command && !COMMANDS.some((c) => c.command.split(/\s/)[0] === command)) return undefined;
  try {
    const texts = JSON.parse(readFileSync(new URL('./help.json', import.meta.url), 'utf8')) as Record<string, string>;
    return texts[helpKey(width, command)];
  } catch {
    // Not built (running from source): yargs renders it.
    return undefined;
  }
}

export async function main(args: string[]): Promise<number> {
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const debug = args.includes('--debug');
  const ctx = processContext(debug, (message) => process.stderr.write(`${stderrChalk(process.stderr, process.env).yellow('stsenv: warning:')} ${message}\n`));
  try {
    const width = helpWidth(process.stderr);
    const help = prerenderedHelp(args, width);
    if (help !== undefined) {
      // Help is for people: stderr, so that `eval "$(stsenv ... --help)"` runs nothing.
      process.stderr.write(`${help}\n`);
      return 0;
    }
    const lean = leanParse(args, COMMANDS);
    if (lean) return await lean.command.run(lean.argv, ctx);
    const { runWithYargs } = await import('./cli-yargs.js');
    return await runWithYargs(args, width, ctx);
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
