/**
 * stdout and stderr as file descriptors: the one write loop and the terminal
 * test that every output of stsenv goes through. A module of its own, with
 * nothing but node:fs behind it, so that the entry (src/cli/entry.ts) answers
 * --version and --help without loading the Context.
 */
import { fstatSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface Output {
  write(text: string): unknown;
  /** Whether this stream is a terminal: decides colour and prompts. */
  isTTY?: boolean;
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
      writeFd(fd, text);
      return true;
    },
    get isTTY() {
      return isTerminal(fd);
    },
  };
}

/** Writes all of `text` to stdout or stderr's descriptor; what a non-blocking one cannot take now goes through the stream. */
export function writeFd(fd: 1 | 2, text: string): void {
  let rest = Buffer.from(text);
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
  } catch {
    (fd === 1 ? process.stdout : process.stderr).write(rest);
  }
}

/**
 * Only a character device can be a terminal; what `eval "$(...)"` gives us is
 * a pipe, so the common answer comes from one fstat, without loading
 * node:tty (and net and streams behind it, a few milliseconds). /dev/null,
 * where a script sends what nobody reads, is a character device too: known
 * by one more stat.
 */
export function isTerminal(fd: number): boolean {
  let rdev: number;
  try {
    const stats = fstatSync(fd);
    if (!stats.isCharacterDevice()) return false;
    rdev = stats.rdev;
  } catch {
    return false;
  }
  try {
    if (process.platform !== 'win32' && statSync('/dev/null').rdev === rdev) return false;
  } catch {
    // No /dev/null to compare with: asked of node:tty.
  }
  const { isatty } = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return isatty(fd);
}
