/**
 * The protocol of the init functions (`stsenv init SHELL`, shells/): the
 * function runs stsenv once with STSENV_EVAL=<format> and captures its
 * stdout, and stsenv alone decides what that command line is, whatever the
 * order of its options:
 * - a command that prints lines for the shell, without the user's own
 *   --shell: it runs exactly as with `--shell <format>`, and the function
 *   evaluates what it prints (only after exit 0);
 * - anything else (another command, --help, --version, the user's own
 *   --shell): stsenv prints the line RUN_AGAIN and exits 0, doing nothing
 *   else, and the function runs stsenv again without STSENV_EVAL and without
 *   capturing anything;
 * - a usage error is reported as usual (stderr, exit 2, stdout empty).
 * So the functions parse no option, and never print credentials.
 *
 * Which commands print lines for the shell is each command's own word
 * (`shellLines` in its table, src/commands/spec.ts). Nothing here costs
 * anything unless STSENV_EVAL is set: the Context takes it out of the
 * environment (src/context.ts) and main.ts asks for an EvalMode only then.
 */
import type { AnyCommand } from '../commands/index.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { helpOrVersionWord } from './tokens.js';

export const EVAL_VARIABLE = 'STSENV_EVAL';

/** The whole of stdout when the function must run stsenv again on its own. */
export const RUN_AGAIN = '::stsenv-run';

export interface EvalMode {
  /**
   * Before parsing: checks STSENV_EVAL names a shell format with an init
   * function (a usage error otherwise), and answers --help and --version
   * wherever they are. Undefined: parse the command line.
   */
  before(args: readonly string[], ctx: Context): Promise<number | undefined>;
  /**
   * After parsing (the lean parser's argv or yargs', and the command it
   * names): undefined to run the command, its --shell now set to the format;
   * otherwise the exit code, the line RUN_AGAIN written. A credential command
   * yargs could not parse is left to the usual error report.
   */
  after(
    argv: Record<string, unknown>,
    command: AnyCommand | undefined,
    ctx: Context,
    parseFailed?: boolean,
  ): number | undefined;
}

/** What STSENV_EVAL (as the Context took it out of the environment) asks for. */
export function evalMode(requested: string): EvalMode {
  let format = '';

  const runAgain = (ctx: Context, why: string): number => {
    ctx.debug(`${EVAL_VARIABLE}=${requested}: ${why}; the shell function runs stsenv again as it is`);
    ctx.stdout.write(`${RUN_AGAIN}\n`);
    return 0;
  };

  return {
    async before(args, ctx) {
      const { INTEGRATIONS, INTEGRATION_NAMES } = await import('../shells/integration.js');
      const wanted = requested.toLowerCase();
      if (!Object.hasOwn(INTEGRATIONS, wanted)) {
        throw usageError(
          `${EVAL_VARIABLE} names '${requested}', which has no shell function`,
          `unset it: the functions of stsenv init set it to one of ${INTEGRATION_NAMES.join(', ')}`,
        );
      }
      // The format's own name (pwsh is powershell): what the command is told to print.
      const { findFormat } = await import('../shells/index.js');
      format = findFormat(wanted).name;
      const option = helpOrVersionWord(args);
      return option === undefined ? undefined : runAgain(ctx, option);
    },

    after(argv, command, ctx, parseFailed = false) {
      if (argv.help || argv.version) return runAgain(ctx, argv.help ? '--help' : '--version');
      if (!command?.shellLines)
        return runAgain(ctx, command ? `${command.name} prints no lines for the shell` : 'no command');
      if (parseFailed) return undefined;
      if (argv.shell !== undefined) return runAgain(ctx, '--shell was given');
      ctx.debug(`${EVAL_VARIABLE}=${requested}: ${command.name} prints lines for ${format}`);
      argv.shell = format;
      argv.s = format;
      return undefined;
    },
  };
}
