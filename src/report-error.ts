import { Chalk } from 'chalk';
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Output } from './context.js';
import { StsenvError } from './errors.js';
import { withSource } from './stack-sources.js';
import { printable } from './text/printable.js';
import { redactUrl } from './text/redact.js';

/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org). */
export function stderrChalk(stderr: Output, env: NodeJS.ProcessEnv): InstanceType<typeof Chalk> {
  const level = env.NO_COLOR ? 0 : env.FORCE_COLOR && env.FORCE_COLOR !== '0' ? 1 : stderr.isTTY ? 1 : 0;
  return new Chalk({ level });
}

/** Messages quote config values, endpoints' answers and other programs' words: one line, no control character, no URL password. */
function forTerminal(text: string): string {
  return printable(redactUrl(text));
}

/**
 * One line for people: what went wrong, then what to do. The stack and the
 * cause chain only with --debug; messages never carry secrets, so neither do these.
 */
export function reportError(
  error: unknown,
  stderr: Output,
  env: NodeJS.ProcessEnv,
  debug: boolean,
  script?: string,
): number {
  const chalk = stderrChalk(stderr, env);
  if (error instanceof StsenvError) {
    // A hint is stsenv's own advice (it may show the form http://USER:PASSWORD@HOST): only made printable.
    const hint = error.hint ? ` (${printable(error.hint)})` : '';
    stderr.write(`${chalk.red('stsenv: error:')} ${forTerminal(error.message)}${hint}\n`);
    if (debug) stderr.write(`${describeCauses(error, script)}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  stderr.write(
    `${chalk.red('stsenv: internal error:')} ${forTerminal(message ?? '')} (run again with --debug for details)\n`,
  );
  if (debug && error instanceof Error) stderr.write(describeCauses(error, script));
  return 1;
}

/**
 * For --debug: each error of the chain as its name, the first line of its
 * message and its stack frames. Nothing else of an error is printed: SDK
 * errors carry the raw HTTP response in hidden fields, and a multi-line
 * message could carry a response body.
 */
function describeCauses(error: Error, script: string | undefined): string {
  const dist = installedDist(script);
  let text = '';
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    text += depth === 0 ? '' : 'caused by: ';
    if (current instanceof Error) {
      const frames = (current.stack ?? '')
        .split('\n')
        .filter((line) => /^\s+at /.test(line))
        .map((frame) => (dist === undefined ? frame : withSource(installedPath(frame, dist), dist)));
      text += `${forTerminal(current.name)}: ${forTerminal(current.message.split('\n')[0]!)}\n${frames.map((line) => `${forTerminal(line)}\n`).join('')}`;
      current = current.cause;
    } else {
      text += `${typeof current}\n`;
      current = undefined;
    }
  }
  return text;
}

/** The folder of the installed bundles (where the bin is, links resolved), when known. */
function installedDist(script: string | undefined): string | undefined {
  if (!script) return undefined;
  try {
    return dirname(realpathSync(script));
  } catch {
    return undefined;
  }
}

/**
 * The bundles' code caches are made at build time in a staging folder
 * (build.mjs: dist.tmp-PID), and V8 keeps that folder's name in the frames
 * of cached code: a frame names the installed dist folder instead, where
 * the file is.
 */
function installedPath(frame: string, dist: string): string {
  if (!frame.includes('dist.tmp-')) return frame;
  return frame.replace(/(?:[^\s(]*[\\/])?dist\.tmp-\d+(?=[\\/])/g, () => dist);
}
