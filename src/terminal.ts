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
  const [inPath, outPath] = platform === 'win32' ? ['\\\\.\\CONIN$', '\\\\.\\CONOUT$'] : ['/dev/tty', '/dev/tty'];
  let input: number | undefined;
  try {
    input = openSync(inPath, 'r');
    return { input, output: openSync(outPath, 'w') };
  } catch {
    if (input !== undefined) closeSync(input);
    return undefined;
  }
}

export function closeTerminal(terminal: TerminalFds): void {
  closeSync(terminal.input);
  closeSync(terminal.output);
}
