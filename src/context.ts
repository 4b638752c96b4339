/**
 * Everything stsenv takes from the process it runs in, gathered in one
 * object that every command and the engine receive. Nothing below the CLI
 * entry reads `process` itself, so tests build a Context of their own and
 * run commands and the engine in-process.
 */
import { fdOutput } from './descriptors.js';
import type { StsService } from './aws/sts.js';
import type { LocalProcess } from './process-identity.js';
import { printable } from './text/printable.js';
import { redactUrl } from './text/redact.js';

export type { LocalProcess } from './process-identity.js';
export type { Output } from './descriptors.js';
import type { Output } from './descriptors.js';

export interface Context {
  /** The environment stsenv was started with, read-only (what stsenv sets for the SDK is not in it). */
  env: NodeJS.ProcessEnv;
  /** Only text meant for the shell to evaluate, written once per command. */
  stdout: Output;
  /** Everything for people. */
  stderr: Output;
  /** The process that started stsenv: the shell running `$(...)`, for --shell's default. */
  parentPid: number;
  platform: NodeJS.Platform;
  /** The Node.js version (v20.19.0) and CPU architecture this runs on, for `stsenv doctor`. */
  runtime?: { node: string; arch: string };
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
  /**
   * This Context, where neither stsenv nor the SDK it loads sees these
   * variables: `stsenv refresh` must not sign with the credentials it replaces.
   */
  without(names: readonly string[]): Context;
  /** Calls `handler` for each of these signals sent to stsenv until the returned function is called. */
  onSignals(signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): () => void;
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

/** The environment as stsenv was started with it, and process.env for the SDK. */
export interface StartingEnv {
  /** Read-only: what the Context gives as `env`. */
  env: NodeJS.ProcessEnv;
  /** process.env for what the SDK, and the programs it runs, must see: a variable set or removed here keeps its first value in `env`. */
  forSdk: NodeJS.ProcessEnv;
}

/**
 * The environment read through to `live` rather than copied: a copy reads every
 * variable, one call into Node each, at every start (a fifth of a millisecond
 * in a shell with fifty variables), and most runs read a handful. Windows names
 * variables case-insensitively (`Path` is `PATH`), and so does its process.env,
 * and so does this.
 */
export function startingEnv(live: NodeJS.ProcessEnv, platform: NodeJS.Platform): StartingEnv {
  const key = (name: string) => (platform === 'win32' ? name.toUpperCase() : name);
  /** The variables stsenv changed through `forSdk`, by key: the name as given, and what it held before. */
  const before = new Map<string, { name: string; value: string | undefined }>();
  const changed = (name: string | symbol): name is string => typeof name === 'string' && before.has(key(name));
  const first = (name: string) => before.get(key(name))!.value;
  const remember = (name: string | symbol) => {
    if (typeof name === 'string' && !before.has(key(name))) before.set(key(name), { name, value: live[name] });
  };
  const env = new Proxy(live, {
    get: (target, name) => (changed(name) ? first(name) : Reflect.get(target, name)),
    has: (target, name) => (changed(name) ? first(name) !== undefined : Reflect.has(target, name)),
    ownKeys: (target) => {
      const names = Reflect.ownKeys(target).filter((name) => !changed(name) || first(name) !== undefined);
      const listed = new Set(names.map((name) => (typeof name === 'string' ? key(name) : name)));
      for (const [k, { name, value }] of before) if (value !== undefined && !listed.has(k)) names.push(name);
      return names;
    },
    getOwnPropertyDescriptor: (target, name) => {
      if (!changed(name)) return Reflect.getOwnPropertyDescriptor(target, name);
      const value = first(name);
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
    set: () => false,
    deleteProperty: () => false,
  });
  const forSdk = new Proxy(live, {
    set: (target, name, value) => {
      remember(name);
      return Reflect.set(target, name, value);
    },
    deleteProperty: (target, name) => {
      remember(name);
      return Reflect.deleteProperty(target, name);
    },
  });
  return { env, forSdk };
}

/** `env` as if `names` were not set (Windows: whatever their case). */
export function withoutVariables(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  platform: NodeJS.Platform,
): NodeJS.ProcessEnv {
  const key = (name: string) => (platform === 'win32' ? name.toUpperCase() : name);
  const hidden = new Set(names.map(key));
  const isHidden = (name: string | symbol) => typeof name === 'string' && hidden.has(key(name));
  return new Proxy(env, {
    get: (target, name) => (isHidden(name) ? undefined : Reflect.get(target, name)),
    has: (target, name) => !isHidden(name) && Reflect.has(target, name),
    ownKeys: (target) => Reflect.ownKeys(target).filter((name) => !isHidden(name)),
    getOwnPropertyDescriptor: (target, name) =>
      isHidden(name) ? undefined : Reflect.getOwnPropertyDescriptor(target, name),
    set: () => false,
    deleteProperty: () => false,
  });
}

export function processContext(options: ProcessContextOptions): Context {
  const evalShell = process.env.STSENV_EVAL;
  if (evalShell !== undefined) delete process.env.STSENV_EVAL;
  const { env, forSdk } = startingEnv(process.env, process.platform);
  // Set only when the SDK is about to load (setting a variable costs a run that needs no SDK), and
  // only for the SDK: a command run by `stsenv exec` does not inherit it.
  const prepareSdk = () => {
    forSdk.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  };
  const stderr = fdOutput(2);
  const stsWith = (seen: NodeJS.ProcessEnv) => async () => {
    prepareSdk();
    const { createStsService } = await import('./aws/sts.js');
    return createStsService({ env: seen, sdkEnv: forSdk, reporter: { debug: ctx.debug, warn: ctx.warn } });
  };
  const ctx: Context = {
    env,
    stdout: fdOutput(1),
    stderr,
    parentPid: process.ppid,
    platform: process.platform,
    runtime: { node: process.version, arch: process.arch },
    evalShell,
    local: {
      pid: process.pid,
      uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
      isAlive,
      pauseBeforeRename: env.STSENV_TEST_PAUSE_BEFORE_RENAME || undefined,
      script: process.argv[1],
    },
    now: () => new Date(),
    prepareSdk,
    sts: stsWith(env),
    without(names) {
      for (const name of names) delete forSdk[name];
      const seen = withoutVariables(env, names, process.platform);
      return { ...ctx, env: seen, sts: stsWith(seen) };
    },
    debug: options.debug ? (message) => stderr.write(`stsenv: debug: ${printable(redactUrl(message))}\n`) : () => {},
    warn: (message) => stderr.write(`${options.warningPrefix(stderr, env)} ${printable(redactUrl(message))}\n`),
    onSignals(signals, handler) {
      for (const signal of signals) process.on(signal, handler);
      return () => {
        for (const signal of signals) process.off(signal, handler);
      };
    },
  };
  return ctx;
}
