import { fdOutput } from './fd-output.js';

/**
 * What a command may touch in the outside world, passed in so that commands
 * stay plain functions and tests can give them a fake world.
 */
export interface Output {
  write(text: string): unknown;
  /** Whether this stream is a terminal: decides colour and prompts. */
  isTTY?: boolean;
}

export interface Context {
  env: NodeJS.ProcessEnv;
  /** Only text meant for the shell to evaluate, written once per command. */
  stdout: Output;
  /** Everything for people. */
  stderr: Output;
  now(): Date;
  platform: NodeJS.Platform;
  /** Debug lines to stderr when --debug is on; never given a secret. */
  debug(message: string): void;
  /** One-line warning for people on stderr. */
  warn(message: string): void;
}

export function processContext(debugEnabled: boolean, warn: (message: string) => void): Context {
  return {
    env: process.env,
    stdout: fdOutput(1),
    stderr: fdOutput(2),
    now: () => new Date(),
    platform: process.platform,
    debug: debugEnabled ? (message) => process.stderr.write(`stsenv: debug: ${message}\n`) : () => {},
    warn,
  };
}
