/**
 * Asks for an MFA code on the terminal itself (/dev/tty; CONIN$ and CONOUT$
 * on Windows), never on stdout or stdin, so it works inside
 * `eval "$(stsenv ...)"` and with stdin taken by a pipe.
 */
import { readSync, writeSync } from 'node:fs';
import type { Context } from '../context.js';
import { failure, usageError } from '../errors.js';
import { closeTerminal, openTerminal } from '../terminal.js';

export interface PromptOptions {
  tokenCode?: string;
  /** false with --no-prompt. */
  prompt?: boolean;
  /** Whether a failure names mfa_process and the cached MFA session as ways out (the profile has no mfa_process). */
  processHint?: boolean;
}

/** A YubiKey waits about 15 s for its touch; a person finding their key takes longer. */
export const MFA_PROCESS_TIMEOUT_MS = 60_000;

const NO_CODE_HINT =
  'pass --token-code with the 6 digits your MFA device shows, set mfa_process in the profile to a command that prints the code (ykman oath accounts code --single ...), or run stsenv once on a terminal so that the MFA session is cached';

/**
 * The code a profile's mfa_process prints (aws-vault's setting): run without
 * a shell, its stderr passed through (a YubiKey's "touch your key"), stopped
 * after a minute. What it printed is never shown, even when it is no code.
 */
export async function tokenCodeFromProcess(
  helper: { profile: string; command: string },
  ctx: Context,
): Promise<string> {
  const what = `mfa_process of profile '${helper.profile}'`;
  const { runHelperCommand } = await import('../exec/helper-command.js');
  const printed = (await runHelperCommand(helper.command, { what, timeoutMs: MFA_PROCESS_TIMEOUT_MS, ctx })).trim();
  if (!/^\d{6}$/.test(printed))
    throw failure(`${what} did not print a 6-digit code`, {
      hint: 'it must print the code alone, as ykman oath accounts code --single does',
    });
  ctx.debug(`got the MFA code from ${what}`);
  return printed;
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

/** The code for `serial`: --token-code (checked by the command), else asked on the terminal. Never shown anywhere. */
export function tokenCodeFor(serial: string, options: PromptOptions, platform: NodeJS.Platform): string {
  if (options.tokenCode !== undefined) return options.tokenCode;
  const needed = `an MFA code is needed for ${serial}`;
  const hint =
    options.processHint === false ? 'pass --token-code with the 6 digits your MFA device shows' : NO_CODE_HINT;
  if (options.prompt === false) throw usageError(`${needed} and --no-prompt is set`, hint);
  const terminal = openTerminal(platform);
  // As a credential_process (the AWS CLI waiting, no one to ask): at once, naming the ways that need no terminal.
  if (!terminal) throw usageError(`${needed} and there is no terminal to ask on`, hint);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      writeSync(terminal.output, `MFA code for ${serial}: `);
      const line = readLine(terminal.input);
      if (line === undefined) break;
      const code = line.trim();
      if (/^\d{6}$/.test(code)) return code;
      writeSync(terminal.output, 'stsenv: the code is the 6 digits your MFA device shows\n');
    }
    throw usageError(
      `${needed}: no valid code was entered`,
      'pass --token-code with the 6 digits your MFA device shows',
    );
  } finally {
    closeTerminal(terminal);
  }
}
