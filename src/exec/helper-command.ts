/**
 * A command a profile names (mfa_process, saml_assertion_process,
 * credential_process) or the user gives (--browser-command), run without any
 * shell: its line split as botocore splits credential_process (Python's
 * shlex, POSIX rules: quotes and backslashes, no variables, globs or pipes;
 * a credential_process on Windows by the C runtime's rules, as botocore
 * there), found and started as the command of `stsenv exec` is. Its stderr
 * is ours (a YubiKey's "touch your key" reaches the person) except a
 * credential_process's, kept for its error as the AWS CLI keeps it; its
 * stdout is collected, up to a limit, and it is ended when it takes longer
 * than it may.
 */
import type { ChildProcess } from 'node:child_process';
import { split } from 'shlex';
import type { Context } from '../context.js';
import { failure, StsenvError, usageError } from '../errors.js';
import { splitWindowsCommandLine } from './windows-split.js';

/** More than any code or assertion a helper prints (an assertion is some tens of kilobytes). */
const MAX_OUTPUT_BYTES = 1024 * 1024;
/** Of a stderr kept rather than shown: more than any message. */
const MAX_STDERR_BYTES = 64 * 1024;

/**
 * The words of a command line; `what` names it in messages (`mfa_process of profile 'x'`).
 * `windows`: the rules botocore splits a credential_process with on Windows (windows-split.ts).
 */
export function splitCommandLine(line: string, what: string, windows = false): [string, ...string[]] {
  let words: string[];
  try {
    words = windows ? splitWindowsCommandLine(line) : split(line);
  } catch (error) {
    const hint = windows
      ? 'quote with "..." (no shell runs it)'
      : 'quote as in a POSIX shell: "..." or \'...\' (no shell runs it)';
    throw usageError(`cannot read ${what}: ${(error as Error).message}`, hint);
  }
  if (words.length === 0 || words[0] === '') throw usageError(`${what} is empty`);
  return words as [string, ...string[]];
}

/**
 * Finds the command before anything is sent, and starts it as `stsenv exec` would (no shell of ours).
 * 'collect' takes its stdout, 'collect-all' its stderr too; `extraEnv` is added to stsenv's environment for it.
 */
export async function startHelper(
  words: readonly string[],
  what: string,
  stdio: 'collect' | 'collect-all' | 'detached',
  ctx: Context,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ChildProcess> {
  const [command, ...args] = words as [string, ...string[]];
  const { checkCommand, spawnCommand } = await import('./spawn-command.js');
  const problem = checkCommand(command, args, ctx.env, ctx.platform);
  if (problem) throw new StsenvError(`${what}: ${problem.message}`, 1, { hint: problem.hint });
  ctx.debug(`running ${what}: ${command} with ${args.length} argument${args.length === 1 ? '' : 's'}`);
  const env = { ...ctx.env, ...extraEnv };
  if (stdio === 'detached')
    return spawnCommand(command, args, { env, stdio: 'ignore', detached: ctx.platform !== 'win32' }, ctx.platform);
  return spawnCommand(
    command,
    args,
    { env, stdio: ['inherit', 'pipe', stdio === 'collect-all' ? 'pipe' : 'inherit'] },
    ctx.platform,
  );
}

export interface HelperRun {
  /** Names the command in messages. */
  what: string;
  timeoutMs: number;
  ctx: Context;
  /** Variables it gets besides stsenv's own environment. */
  env?: NodeJS.ProcessEnv;
  /** Split as the AWS CLI splits a credential_process: on Windows by the C runtime's rules, elsewhere as always. */
  asCredentialProcess?: boolean;
  /**
   * Its stderr kept (up to a limit) instead of shown, as botocore and the SDK keep a
   * credential_process's: this gives the error when it exits non-zero, from what it printed there.
   */
  failed?: (how: string, stderr: string) => StsenvError;
}

/** Runs a command line and gives what it printed on stdout; a failure, a timeout or too much output is an error naming it. */
export async function runHelperCommand(
  line: string,
  { what, timeoutMs, ctx, env, failed, asCredentialProcess }: HelperRun,
): Promise<string> {
  const words = splitCommandLine(line, what, asCredentialProcess === true && ctx.platform === 'win32');
  const child = await startHelper(words, what, failed ? 'collect-all' : 'collect', ctx, env);
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const errors: Buffer[] = [];
    let errorSize = 0;
    child.stderr?.on('data', (chunk: Buffer) => {
      if (errorSize >= MAX_STDERR_BYTES) return;
      errors.push(chunk.subarray(0, MAX_STDERR_BYTES - errorSize));
      errorSize += chunk.length;
    });
    let stopped: StsenvError | undefined;
    const stop = (error: StsenvError) => {
      stopped ??= error;
      child.kill('SIGTERM');
    };
    const timer = setTimeout(
      () =>
        stop(
          failure(`${what} did not finish within ${Math.round(timeoutMs / 1000)}s`, {
            hint: 'it was stopped; run it by hand to see what it waits for',
          }),
        ),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES)
        stop(
          failure(`${what} printed more than ${MAX_OUTPUT_BYTES / 1024} KiB`, {
            hint: 'it should print the value alone',
          }),
        );
      else chunks.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(stopped ?? failure(`cannot run ${what} (${error.code ?? error.message})`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (stopped) return reject(stopped);
      const how = signal ?? `exit code ${code}`;
      if (code !== 0 && failed) return reject(failed(how, Buffer.concat(errors).toString('utf8')));
      if (code !== 0)
        return reject(failure(`${what} failed (${how})`, { hint: 'its own message, if it printed one, is above' }));
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
