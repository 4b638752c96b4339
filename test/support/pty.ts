/**
 * A command run on a real pseudo-terminal (util-linux `script`), driven the
 * way a person drives it: wait until the terminal shows something, then type.
 * Its stdin is the keyboard and its stdout what the terminal shows; what the
 * command itself writes to stdout and stderr goes wherever the command
 * redirects it (a file), so the terminal holds only what was drawn on
 * /dev/tty. Waits are for output, never for time: the timeout only ends a
 * test that would otherwise hang.
 */
import { spawn } from 'node:child_process';
import { which } from './shells.js';

export const KEYS = { up: '\u001b[A', down: '\u001b[B', enter: '\r', escape: '\u001b', ctrlC: '\u0003' } as const;

export const HIDE_CURSOR = '\u001b[?25l';
export const SHOW_CURSOR = '\u001b[?25h';

/** The terminal's text without its control sequences (colours, cursor moves, erasing, window titles and other OSC). */
export function screenText(raw: string): string {
  return raw.replace(
    /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[()][0-9A-Za-z]|\u001b[=>78]/g,
    '',
  );
}

export interface PtySession {
  /** Everything the terminal has shown so far, control sequences included. */
  readonly raw: string;
  /** Resolves when the text shown after offset `from` of `raw` matches. */
  waitFor(pattern: RegExp, from?: number): Promise<void>;
  /** Types `keys`, then waits until the terminal shows `expect` (default: anything new). */
  press(keys: string, expect?: RegExp): Promise<void>;
  /** The command's exit code (script -e passes it on). */
  readonly exit: Promise<number | null>;
  kill(): void;
}

export function scriptExecutable(): string | undefined {
  return which('script');
}

/** Runs `command` with /bin/sh on a new pseudo-terminal of `columns` x `rows`. */
export function startPty(
  script: string,
  command: string,
  env: NodeJS.ProcessEnv,
  size = { columns: 100, rows: 24 },
  timeoutMs = 30_000,
  options: { answerCursorQueries?: boolean } = {},
): PtySession {
  const sized = `stty cols ${size.columns} rows ${size.rows}; ${command}`;
  const child = spawn(script, ['-qec', sized, '/dev/null'], {
    env: { ...env, SHELL: '/bin/sh' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  let ended = false;
  const watchers = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    // A terminal answers "where is the cursor?" (DSR 6); PowerShell's line editor waits for it.
    if (options.answerCursorQueries && chunk.includes('\u001b[6n'))
      child.stdin.write('\u001b[1;1R'.repeat(chunk.split('\u001b[6n').length - 1));
    raw += chunk;
    for (const check of [...watchers]) check();
  });
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      ended = true;
      clearTimeout(timer);
      for (const check of [...watchers]) check();
      resolve(code);
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);

  const session: PtySession = {
    get raw() {
      return raw;
    },
    waitFor(pattern, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(screenText(raw.slice(from)))) {
            watchers.delete(check);
            resolve();
          } else if (ended) {
            watchers.delete(check);
            reject(new Error(`the terminal never showed ${pattern}; it showed:\n${screenText(raw.slice(from))}`));
          }
        };
        watchers.add(check);
        check();
      });
    },
    async press(keys, expect = /[\s\S]/) {
      const from = raw.length;
      child.stdin.write(keys);
      await session.waitFor(expect, from);
    },
    exit,
    kill: () => child.kill('SIGKILL'),
  };
  return session;
}
