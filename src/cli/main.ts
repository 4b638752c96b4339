/**
 * Everything after the entry's instant answers (src/cli/entry.ts), the words
 * read by the command line's one reader (tokens.ts): the lean parser
 * (lean-parser.ts) reads common command lines and loads only the command named;
 * anything else is read against every command's table for a newcomer's
 * mistakes (mistakes.ts), then given to yargs (yargs-parser.ts, loaded on demand).
 * `__complete` is the shells' completion callback (complete.ts).
 * chalk, yargs and the AWS SDK load only on the paths that use them
 * (test/pty/startup.test.ts guards that).
 */
import { evalMode } from './eval-mode.js';
import { leanParse } from './lean-parser.js';
import { COMPLETE_COMMAND, warningPrefix } from './root.js';
import { commandName, helpRequest, joinDashValues } from './tokens.js';
import { besideCache } from '../cache/folder.js';
import { COMMANDS, loadCommands } from '../commands/index.js';
import { rememberChecks } from '../config/checked-files.js';
import { processContext } from '../context.js';

export async function main(given: string[], width: () => number): Promise<number> {
  // The words to complete are the user's as typed; a command line gets its `--token-file -` joined.
  const completing = given[0] === COMPLETE_COMMAND;
  let args = completing ? given : joinDashValues(given);
  // A --debug among the words to complete is the user's, not this run's; so is one after `--`
  // (`exec ROLE -- PROGRAM --debug`: the program's).
  const end = args.indexOf('--');
  const debug = !completing && (end === -1 ? args : args.slice(0, end)).includes('--debug');
  const ctx = processContext({ debug, warningPrefix });
  // A large config found well-formed is not checked whole again until it changes (config/checked-files.ts).
  rememberChecks(ctx.env, {
    folder: () => besideCache(ctx.env, ctx.platform, 'stsenv-config-checks'),
    keeper: ctx.local,
  });
  // STSENV_EVAL, set by the shell functions of `stsenv init` (eval-mode.ts).
  const evaluate = ctx.evalShell === undefined ? undefined : evalMode(ctx.evalShell);
  try {
    if (completing) {
      // Completion scripts call the program itself; through an init function it is run again as it is.
      if (evaluate) return evaluate.after({}, undefined, ctx) ?? 0;
      // Built, the entry answers with the completion bundle (complete-instantly.ts); this is the path from source.
      const { completeCommandLine } = await import('./complete.js');
      return await completeCommandLine(args.slice(1), await loadCommands(), {
        env: ctx.env,
        local: { ...ctx.local, platform: ctx.platform },
        write: (text) => ctx.stdout.write(text),
        debug: (message) => ctx.debug(message),
      });
    }
    args = helpRequest(args) ?? args;
    const answer = await evaluate?.before(args, ctx);
    if (answer !== undefined) return answer;
    const entry = COMMANDS.find((c) => c.name === commandName(args));
    if (entry) {
      const command = await entry.load();
      const argv = leanParse(args, command);
      if (argv) return evaluate?.after(argv, command, ctx) ?? (await command.run(argv, ctx));
    }
    const commands = await loadCommands();
    const { checkCommandLine } = await import('./mistakes.js');
    const check = checkCommandLine(args, commands);
    if (check.mistake) throw check.mistake;
    const { runWithYargs, topLevelHelp } = await import('./yargs-parser.js');
    if (!check.command && !check.asksHelp) {
      if (evaluate) return evaluate.after({}, undefined, ctx) ?? 0;
      // No command: the list of them (the top-level help), as git does; a failure, since nothing was done.
      ctx.stderr.write(`${topLevelHelp(width(), commands)}\n`);
      return 2;
    }
    return await runWithYargs(args, width(), ctx, evaluate);
  } catch (error) {
    const { reportError } = await import('../report-error.js');
    return reportError(error, ctx.stderr, ctx.env, debug, ctx.local.script);
  }
}
