import { constants as osConstants } from 'node:os';
import type { Context } from '../context.js';
import { cannotRun, notFound, spawnCommand } from './spawn-command.js';

/** What a terminal or a supervisor sends to stop a program: the child gets it too. */
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs the command with no shell in between, stdio shared, the signals a
 * terminal or supervisor sends passed on; resolves to its exit code, or
 * 128 + N when signal N ended it.
 */
export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv, ctx: Context): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawnCommand(command, args, { env, stdio: 'inherit' }, ctx.platform);
    const stopForwarding = ctx.onSignals(FORWARDED_SIGNALS, (signal) => {
      child.kill(signal);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      reject(error.code === 'ENOENT' ? notFound(command) : cannotRun(command, error.code ?? error.message));
    });
    child.on('exit', (code, signal) => {
      stopForwarding();
      if (signal) ctx.debug(`${command} ended by ${signal}`);
      resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0));
    });
  });
}
