/**
 * The terminal (src/terminal.ts) as the streams a prompt library reads keys
 * from and draws on, and the way back to the terminal as it was found.
 */
import { closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { closeTerminal, type TerminalFds } from '../terminal.js';

export interface TerminalStreams {
  input: ReadStream;
  output: WriteStream;
  /** Raw mode off, the cursor shown, both ends closed. Safe to call twice. */
  close(): void;
}

const SHOW_CURSOR = '\u001b[?25h';

/** Takes ownership of `fds` (closed here if they are not a terminal after all). */
export function terminalStreams(fds: TerminalFds): TerminalStreams | undefined {
  let input: ReadStream;
  let output: WriteStream;
  try {
    input = new ReadStream(fds.input);
  } catch {
    closeTerminal(fds);
    return undefined;
  }
  try {
    output = new WriteStream(fds.output);
  } catch {
    input.destroy();
    closeSync(fds.output);
    return undefined;
  }
  // A pseudo-terminal nobody sized (some serial consoles, `script` without a terminal of its own)
  // reports 0 columns: drawing in 0 columns would be a column of single letters.
  if (!(output.columns > 0)) output.columns = 80;
  if (!(output.rows > 0)) output.rows = 24;
  let closed = false;
  return {
    input,
    output,
    close() {
      if (closed) return;
      closed = true;
      try {
        if (input.isRaw) input.setRawMode(false);
        output.write(SHOW_CURSOR);
      } finally {
        input.destroy();
        output.destroy();
      }
    },
  };
}
