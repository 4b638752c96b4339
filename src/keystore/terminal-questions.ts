/**
 * Questions asked on the terminal itself (src/terminal.ts), in raw mode so
 * that a secret is never echoed: the access key's secret, a passphrase.
 * Nothing read here reaches stdout, stderr or --debug.
 */
import { closeSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { usageError } from '../errors.js';
import { closeTerminal, openTerminal } from '../terminal.js';

export interface Question {
  prompt: string;
  /** Not echoed. */
  secret: boolean;
}

const ENTER = new Set(['\r', '\n']);
const ERASE = new Set(['\u007f', '\b']);

/** The answers, or undefined when there is no terminal; Ctrl-C or Ctrl-D gives up with an error. */
export async function askOnTerminal(
  platform: NodeJS.Platform,
  questions: readonly Question[],
): Promise<string[] | undefined> {
  const fds = openTerminal(platform);
  if (!fds) return undefined;
  let input: ReadStream;
  try {
    input = new ReadStream(fds.input);
  } catch {
    closeTerminal(fds);
    return undefined;
  }
  const say = (text: string) => writeSync(fds.output, text);
  try {
    input.setRawMode(true);
    const answers: string[] = [];
    for (const question of questions) {
      say(question.prompt);
      answers.push(await readAnswer(input, question.secret, say));
      say('\r\n');
    }
    return answers;
  } finally {
    if (input.isRaw) input.setRawMode(false);
    input.destroy();
    closeSync(fds.output);
  }
}

function readAnswer(input: ReadStream, secret: boolean, say: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      if (error) reject(error);
      else resolve(answer);
    };
    const onEnd = () => finish(usageError('the terminal closed before an answer was given'));
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (ENTER.has(char)) return finish();
        if (char === '\u0003' || (char === '\u0004' && answer === '')) return finish(usageError('cancelled'));
        if (ERASE.has(char)) {
          if (answer !== '') {
            answer = [...answer].slice(0, -1).join('');
            if (!secret) say('\b \b');
          }
          continue;
        }
        // Other control characters (arrows' escape sequences) are no part of a key.
        if (char < ' ' || char === '\u007f') continue;
        answer += char;
        if (!secret) say(char);
      }
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}
