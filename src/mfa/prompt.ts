/**
 * Asks for an MFA code on the terminal itself (/dev/tty; CONIN$ and CONOUT$
 * on Windows), never on stdout or stdin, so it works inside
 * `eval "$(stsenv ...)"` and with stdin taken by a pipe.
 */
import { readSync, writeSync } from 'node:fs';
import { usageError } from '../errors.js';
import { closeTerminal, openTerminal } from '../terminal.js';
import { checkTokenCode } from '../validate.js';

export interface PromptOptions {
  tokenCode?: string;
  /** false with --no-prompt. */
  prompt?: boolean;
}

/** One line from the terminal, blocking: nothing else runs while a person types. */
function readLine(fd: number): string | undefined {
  const buffer = Buffer.alloc(1);
  const bytes: number[] = [];
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, 1, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw error;
    }
    if (n === 0) return bytes.length > 0 ? Buffer.from(bytes).toString('utf8') : undefined;
    if (buffer[0] === 0x0a) return Buffer.from(bytes).toString('utf8');
    bytes.push(buffer[0]!);
  }
}

/** The code for `serial`: --token-code, else asked on the terminal. Never shown anywhere. */
export function tokenCodeFor(serial: string, options: PromptOptions, platform: NodeJS.Platform): string {
  if (options.tokenCode !== undefined) return checkTokenCode(options.tokenCode);
  const needed = `an MFA code is needed for ${serial}`;
  if (options.prompt === false) throw usageError(`${needed} and --no-prompt is set`, 'pass --token-code with the 6 digits your MFA device shows');
  const terminal = openTerminal(platform);
  if (!terminal) throw usageError(`${needed} and there is no terminal to ask on`, 'pass --token-code with the 6 digits your MFA device shows');
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      writeSync(terminal.output, `MFA code for ${serial}: `);
      const line = readLine(terminal.input);
      if (line === undefined) break;
      const code = line.trim();
      if (/^\d{6}$/.test(code)) return code;
      writeSync(terminal.output, 'stsenv: the code is the 6 digits your MFA device shows\n');
    }
    throw usageError(`${needed}: no valid code was entered`, 'pass --token-code with the 6 digits your MFA device shows');
  } finally {
    closeTerminal(terminal);
  }
}
