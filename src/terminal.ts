/**
 * The terminal itself, apart from stdin and stdout: /dev/tty, or CONIN$ and
 * CONOUT$ on Windows. What asks a person something (the MFA prompt, the
 * profile picker) talks to it, so that it works inside `eval "$(stsenv ...)"`
 * and the init functions, which take stdout, and with stdin taken by a pipe.
 */
import { closeSync, openSync } from 'node:fs';

export interface TerminalFds {
  input: number;
  output: number;
}

/** Both ends open, or undefined when there is no terminal (cron, CI, a detached process). */
export function openTerminal(platform: NodeJS.Platform): TerminalFds | undefined {
  const windows = platform === 'win32';
  const [inPath, outPath] = windows ? ['\\\\.\\CONIN$', '\\\\.\\CONOUT$'] : ['/dev/tty', '/dev/tty'];
  // A console handle opened for one direction only cannot have its mode set (raw mode) or its
  // size read: libuv then refuses it as a terminal (EBADF). Both ways, as a console's own handles are.
  const [inMode, outMode] = windows ? ['r+', 'r+'] : ['r', 'w'];
  let input: number | undefined;
  try {
    input = openSync(inPath, inMode);
    return { input, output: openSync(outPath, outMode) };
  } catch {
    if (input !== undefined) closeSync(input);
    return undefined;
  }
}

export function closeTerminal(terminal: TerminalFds): void {
  closeSync(terminal.input);
  closeSync(terminal.output);
}
