/**
 * Everything after the entry's instant answers (src/cli/entry.ts): the lean parser
 * (lean-parser.ts) reads common command lines and loads only the command named;
 * anything it is not sure of goes to yargs (yargs-parser.ts, loaded on demand).
 * chalk, yargs and the AWS SDK load only on the paths that use them
 * (test/startup.test.ts guards that).
 */
import { evalMode } from './eval-mode.js';
import { commandName, joinDashValues, leanParse } from './lean-parser.js';
import { warningPrefix } from './root.js';
import { COMMANDS } from '../commands/index.js';
import { processContext } from '../context.js';

export async function main(given: string[], width: () => number): Promise<number> {
  const args = joinDashValues(given);
  const debug = args.includes('--debug');
  const ctx = processContext({ debug, warningPrefix });
  // STSENV_EVAL, set by the shell functions of `stsenv init` (eval-mode.ts).
  const evaluate = ctx.evalShell === undefined ? undefined : evalMode(ctx.evalShell);
  try {
    const answer = await evaluate?.before(args, ctx);
    if (answer !== undefined) return answer;
    const entry = COMMANDS.find((c) => c.name === commandName(args));
    if (entry) {
      const command = await entry.load();
      const argv = leanParse(args, command);
      if (argv) return evaluate?.after(argv, command, ctx) ?? (await command.run(argv, ctx));
    }
    const { runWithYargs } = await import('./yargs-parser.js');
    return await runWithYargs(args, width(), ctx, evaluate);
  } catch (error) {
    const { reportError } = await import('../report-error.js');
    return reportError(error, ctx.stderr, ctx.env, debug);
  }
}
