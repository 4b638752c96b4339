import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Output } from './context.js';

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
