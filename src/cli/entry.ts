/**
 * The command line's entry (dist/entry.cjs, which the package's bin,
 * src/cli/bin.ts, loads with its code cache): wiring and nothing else. Each command is a plain
 * function over parsed options and a Context (src/commands/).
 *
 * Start-up is most of what stsenv costs, so this file loads nothing it does
 * not need: --version, --help and `help [COMMAND]` (rendered by yargs at
 * build time, in dist/help/) are answered here with one write;
 * everything else goes to cli/main.ts. The build makes this entry a small
 * CommonJS file (Node starts CommonJS faster than an ES module) and keeps
 * yargs and the AWS SDK in bundles of their own, loaded only by the paths
 * that use them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPLETE_COMMAND, helpWidth, VERSION } from './root.js';
import { helpTopic, isVersionWord } from './tokens.js';
import { readBuilt, versionLine } from '../built-files.js';
// Written to the file descriptor at once: building process.stdout costs more than the rest of `stsenv --version`.
import { isTerminal, writeFd } from '../descriptors.js';
import { integrationFile, shellFile } from '../shells/integration.js';

declare const STSENV_BUNDLED: boolean | undefined;

/**
 * A help text as the build rendered it with yargs (dist/help/WIDTH.json, one file
 * a width, so that help reads and parses only the texts it may print);
 * undefined when there is none.
 */
function prerenderedHelp(topic: string, width: () => number): string | undefined {
  const file = `${width()}.json`;
  let texts: Record<string, string>;
  try {
    texts = JSON.parse(
      typeof STSENV_BUNDLED === 'boolean'
        ? readBuilt(join(__dirname, 'help', file), 'utf8')
        : readFileSync(new URL(`../help/${file}`, import.meta.url), 'utf8'),
    ) as Record<string, string>;
  } catch {
    // Not built (running from source), or a width the build did not render: yargs renders it.
    return undefined;
  }
  // Only the top level and real command names have a text; anything else goes to yargs.
  return Object.hasOwn(texts, topic) ? texts[topic] : undefined;
}

/** dist/main.cjs, given the bundle loader as the module src/code-cache.ts (build.mjs hosts it). */
async function mainBundle(): Promise<typeof import('./main.js')> {
  const loader = await import('../code-cache.js');
  return loader.requireBundle(join(__dirname, 'main.cjs'), (path: string) =>
    path === 'src/code-cache.ts' ? loader : undefined,
  ) as typeof import('./main.js');
}

async function run(args: string[]): Promise<number> {
  // Under a shell function of `stsenv init` (STSENV_EVAL, cli/eval-mode.ts) main answers, --version and --help too.
  const instant = process.env.STSENV_EVAL === undefined;
  if (instant && args.length === 1 && isVersionWord(args[0])) {
    writeFd(1, `${versionLine(VERSION)}\n`);
    return 0;
  }
  // `stsenv init SHELL`, which every shell runs as it starts: the one file it prints, nothing else
  // loaded (src/commands/init.ts answers the same; anything else about the line goes to it).
  const integration = instant && args.length === 2 && args[0] === 'init' ? integrationFile(args[1]!) : undefined;
  if (integration !== undefined) {
    writeFd(1, shellFile(integration));
    return 0;
  }
  // Only a terminal has columns; asking process.stderr would build the stream
  // for nothing. Asked only by the paths that render text with yargs.
  let measured: number | undefined;
  const width = () => (measured ??= helpWidth(isTerminal(2) ? process.stderr : {}));
  // `stsenv` alone lists the commands (the top-level help), as git does, but fails: it did nothing.
  const topic = !instant ? undefined : args.length === 0 ? '' : helpTopic(args);
  const help = topic === undefined ? undefined : prerenderedHelp(topic, width);
  if (help !== undefined) {
    // Help is for people: stderr, so that `eval "$(stsenv ... --help)"` runs nothing.
    writeFd(2, `${help}\n`);
    return args.length === 0 ? 2 : 0;
  }
  // Built, every Tab (the completion scripts' callback) is answered by a bundle of its own: no main.cjs, no command loaded.
  if (instant && args[0] === COMPLETE_COMMAND && typeof STSENV_BUNDLED === 'boolean') {
    const { completeInstantly } = (await import('../code-cache.js')).requireBundle(
      join(__dirname, 'complete.cjs'),
    ) as typeof import('./complete-instantly.js');
    const local = { pid: process.pid, uid: process.getuid?.(), platform: process.platform };
    return completeInstantly(args.slice(1), process.env, (text) => writeFd(1, text), local);
  }
  // Built: main.cjs beside this file (a CommonJS bundle: __dirname), with its code cache; it
  // takes this very loader from here (one loader in the process, compiled once). From
  // source: the module itself.
  const { main } = typeof STSENV_BUNDLED === 'boolean' ? await mainBundle() : await import('./main.js');
  return main(args, width);
}

/** The run, settled once its exit code is set: the build's code-cache training waits for it. */
export const done = run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main reports its own errors; this is reached only if loading or reporting failed.
    writeFd(2, `stsenv: internal error: ${error instanceof Error ? error.message.split('\n')[0] : 'unknown'}\n`);
    process.exitCode = 1;
  },
);
