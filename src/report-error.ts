import { Chalk } from 'chalk';
import type { Output } from './context.js';
import { StsenvError } from './errors.js';

/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org). */
export function stderrChalk(stderr: Output, env: NodeJS.ProcessEnv): InstanceType<typeof Chalk> {
  const level = env.NO_COLOR ? 0 : env.FORCE_COLOR && env.FORCE_COLOR !== '0' ? 1 : stderr.isTTY ? 1 : 0;
  return new Chalk({ level });
}

/**
 * One line for people: what went wrong, then what to do. The stack and the
 * cause chain only with --debug; messages never carry secrets, so neither do these.
 */
export function reportError(error: unknown, stderr: Output, env: NodeJS.ProcessEnv, debug: boolean): number {
  const chalk = stderrChalk(stderr, env);
  if (error instanceof StsenvError) {
    const hint = error.hint ? ` (${error.hint})` : '';
    stderr.write(`${chalk.red('stsenv: error:')} ${error.message}${hint}\n`);
    if (debug) stderr.write(`${describeCauses(error)}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  stderr.write(`${chalk.red('stsenv: internal error:')} ${message} (run again with --debug for details)\n`);
  if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return 1;
}

function describeCauses(error: Error): string {
  let text = `${error.stack ?? ''}\n`;
  let cause = error.cause;
  while (cause) {
    text += `caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}
