#!/usr/bin/env node
/**
 * The command line's entry: wiring and nothing else. Each command is a plain
 * function over parsed options and a Context (src/commands/).
 *
 * Start-up is most of what stsenv costs, so this file loads nothing it does
 * not need: --version and --help (rendered by yargs at build time, in
 * dist/help.json) are answered here with one write; everything else goes to
 * cli/main.ts. The build makes this entry a small CommonJS file (Node starts
 * CommonJS faster than an ES module) and keeps yargs and the AWS SDK in
 * bundles of their own, loaded only by the paths that use them.
 */
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { helpKey, helpWidth, VERSION } from './root.js';
import { isTerminal } from '../context.js';

declare const STSENV_BUNDLED: boolean | undefined;

/**
 * Writes to a file descriptor at once, without building process.stdout, which
 * costs more than the rest of `stsenv --version`. A non-blocking descriptor
 * that cannot take it all now gets the rest through the stream.
 */
function writeFd(fd: 1 | 2, text: string): void {
  let rest = Buffer.from(text);
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
  } catch {
    (fd === 1 ? process.stdout : process.stderr).write(rest);
  }
}

/** `--help` and `COMMAND --help` as the build rendered them with yargs; undefined for anything else. */
function prerenderedHelp(args: readonly string[], width: () => number): string | undefined {
  const last = args.at(-1);
  if ((last !== '--help' && last !== '-h') || args.length > 2) return undefined;
  let texts: Record<string, string>;
  try {
    texts = JSON.parse(readFileSync(typeof STSENV_BUNDLED === 'boolean' ? join(__dirname, 'help.json') : new URL('../help.json', import.meta.url), 'utf8')) as Record<string, string>;
  } catch {
    // Not built (running from source): yargs renders it.
    return undefined;
  }
  // Only the top level and real command names have a key; anything else goes to yargs.
  const key = helpKey(width(), args.length === 2 ? args[0]! : '');
  return Object.hasOwn(texts, key) ? texts[key] : undefined;
}

async function run(args: string[]): Promise<number> {
  // Under a shell function of `stsenv init` (STSENV_EVAL, cli/eval-mode.ts) main answers, --version and --help too.
  const instant = process.env.STSENV_EVAL === undefined;
  if (instant && args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    writeFd(1, `${VERSION}\n`);
    return 0;
  }
  // Only a terminal has columns; asking process.stderr would build the stream
  // for nothing. Asked only by the paths that render text with yargs.
  let measured: number | undefined;
  const width = () => (measured ??= helpWidth(isTerminal(2) ? process.stderr : {}));
  const help = instant ? prerenderedHelp(args, width) : undefined;
  if (help !== undefined) {
    // Help is for people: stderr, so that `eval "$(stsenv ... --help)"` runs nothing.
    writeFd(2, `${help}\n`);
    return 0;
  }
  // Built: main.cjs beside this file (a CommonJS bundle: __dirname), with its code cache. From source: the module itself.
  const { main } =
    typeof STSENV_BUNDLED === 'boolean'
      ? ((await import('../code-cache.js')).requireBundle(join(__dirname, 'main.cjs')) as typeof import('./main.js'))
      : await import('./main.js');
  return main(args, width);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main reports its own errors; this is reached only if loading or reporting failed.
    writeFd(2, `stsenv: internal error: ${error instanceof Error ? error.message.split('\n')[0] : 'unknown'}\n`);
    process.exitCode = 1;
  },
);
