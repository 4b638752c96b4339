/**
 * Everything stsenv takes from the process it runs in, gathered in one
 * object that every command and the engine receive. Nothing below the CLI
 * entry reads `process` itself, so tests build a Context of their own and
 * run commands and the engine in-process.
 */
import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { StsService } from './aws/sts.js';

export interface Output {
  write(text: string): unknown;
  /** Whether this stream is a terminal: decides colour and prompts. */
  isTTY?: boolean;
}

/**
 * This process as the files that hold credentials need it: temp file and
 * lock names carry the PID, leftovers of a dead PID are removed, and a file
 * must belong to this user.
 */
export interface LocalProcess {
  pid: number;
  /** undefined where there are no POSIX owners (Windows). */
  uid?: number;
  isAlive(pid: number): boolean;
  /** Test-only (STSENV_TEST_PAUSE_BEFORE_RENAME): a FIFO an atomic write waits on before its rename. */
  pauseBeforeRename?: string;
}

export interface Context {
  /** The environment stsenv was started with (a copy: what stsenv sets for the SDK is not in it). */
  env: NodeJS.ProcessEnv;
  /** Only text meant for the shell to evaluate, written once per command. */
  stdout: Output;
  /** Everything for people. */
  stderr: Output;
  /** The process that started stsenv: the shell running `$(...)`, for --shell's default. */
  parentPid: number;
  platform: NodeJS.Platform;
  local: LocalProcess;
  now(): Date;
  /** The STS calls, loaded on first use: a cache hit never loads the AWS SDK. */
  sts(): Promise<StsService>;
  /**
   * Called before any other client of the AWS SDK (SSO's) is made: the SDK reads
   * process.env itself, and its warning that Node 20 is old is not for our users.
   */
  prepareSdk(): void;
  /** Debug lines to stderr when --debug is on; never given a secret. */
  debug(message: string): void;
  /** One-line warning for people on stderr. */
  warn(message: string): void;
  /**
   * STSENV_EVAL: the format an init function of `stsenv init` evaluates
   * (src/cli/eval-mode.ts). Taken out of the environment, so that nothing
   * stsenv runs (a credential_process, the command of `exec`) inherits it.
   */
  evalShell?: string;
  /** Calls `handler` for each of these signals sent to stsenv until the returned function is called. */
  onSignals(signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): () => void;
}

/**
 * stdout or stderr written straight to the file descriptor. Building
 * process.stdout for a pipe costs more than all of `stsenv unset`, and every
 * command writes its answer in one piece anyway. A non-blocking descriptor
 * that cannot take everything now gets the rest through the stream.
 */
export function fdOutput(fd: 1 | 2): Output {
  return {
    write(text: string) {
      let rest = Buffer.from(text);
      try {
        while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
      } catch {
        (fd === 1 ? process.stdout : process.stderr).write(rest);
      }
      return true;
    },
    get isTTY() {
      return isTerminal(fd);
    },
  };
}

/**
 * Only a character device can be a terminal; what `eval "$(...)"` gives us is
 * a pipe, so the common answer comes from one fstat, without loading
 * node:tty (and net and streams behind it).
 */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  const { isatty } = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return isatty(fd);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export interface ProcessContextOptions {
  debug: boolean;
  /** Formats a warning for stderr (colour is the command line's business). */
  warningPrefix(stderr: Output, env: NodeJS.ProcessEnv): string;
}

/**
 * A copy of the environment. Windows names variables case-insensitively
 * (`Path` is `PATH`) and so does its process.env: the copy keeps that.
 */
export function copyEnv(source: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...source };
  if (platform !== 'win32') return copy;
  const actual = (target: NodeJS.ProcessEnv, name: string | symbol) =>
    typeof name === 'string' && !Object.hasOwn(target, name) ? (Object.keys(target).find((key) => key.toUpperCase() === name.toUpperCase()) ?? name) : name;
  return new Proxy(copy, {
    get: (target, name) => Reflect.get(target, actual(target, name)),
    has: (target, name) => Reflect.has(target, actual(target, name)),
    set: (target, name, value) => Reflect.set(target, actual(target, name), value),
    deleteProperty: (target, name) => Reflect.deleteProperty(target, actual(target, name)),
  });
}

export function processContext(options: ProcessContextOptions): Context {
  const evalShell = process.env.STSENV_EVAL;
  if (evalShell !== undefined) delete process.env.STSENV_EVAL;
  const env = copyEnv(process.env, process.platform);
  // Set only when the SDK is about to load (setting a variable costs a run that needs no SDK), and
  // in process.env, not in the copy: a command run by `stsenv exec` does not inherit it.
  const prepareSdk = () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  };
  const stderr = fdOutput(2);
  const ctx: Context = {
    env,
    stdout: fdOutput(1),
    stderr,
    parentPid: process.ppid,
    platform: process.platform,
    evalShell,
    local: {
      pid: process.pid,
      uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
      isAlive,
      pauseBeforeRename: env.STSENV_TEST_PAUSE_BEFORE_RENAME || undefined,
    },
    now: () => new Date(),
    prepareSdk,
    sts: async () => {
      prepareSdk();
      const { createStsService } = await import('./aws/sts.js');
      return createStsService({ env, sdkEnv: process.env, reporter: { debug: ctx.debug, warn: ctx.warn } });
    },
    debug: options.debug ? (message) => stderr.write(`stsenv: debug: ${message}\n`) : () => {},
    warn: (message) => stderr.write(`${options.warningPrefix(stderr, env)} ${message}\n`),
    onSignals(signals, handler) {
      for (const signal of signals) process.on(signal, handler);
      return () => {
        for (const signal of signals) process.off(signal, handler);
      };
    },
  };
  return ctx;
}
