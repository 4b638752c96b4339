/**
 * One phase of the code-cache training (build/code-caches.mjs starts a process per phase, so
 * that each begins with a clean module cache and only the Node flags every start has):
 *
 *   node train-code-cache.cjs DIR PHASE
 *
 * stsenv's commands run here in-process, their bundles loaded by stsenv's own loader
 * (src/code-cache.ts) exactly as a start loads them, but compiled afresh; then V8's code
 * cache of each bundle the phase keeps is written beside it (NAME.cjs.cache). V8 compiles a
 * function only when it first runs, and a cache taken then holds every function compiled so
 * far: a start whose functions are in the cache skips compiling them. V8 reads the whole cache
 * at every start too, so each bundle's cache is taken after the runs that should pay for it.
 * The environment (HOME, the config files, a loopback STS endpoint) is the parent's.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { Script } from 'node:vm';
import * as loader from '../src/code-cache.ts';

const ROLE = 'arn:aws:iam::123456789012:role/build';

type Wrapper = (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
/** Bundles only a person's paths load (sso login, the picker): their cache would only add to the package. */
const INTERACTIVE_ONLY = new Set(['sso.cjs', 'browser.cjs', 'picker.cjs']);

interface Phase {
  /** Command lines run through main.cjs, with the exit code each must give. */
  runs: Array<[string[], number]>;
  /** Command lines run through the entry itself (entry.cjs, as the bin starts it), with the exit code each must give. */
  entryRuns?: Array<[string[], number]>;
  /** Words completed through complete.cjs, as the entry completes them at each Tab. */
  completions?: string[][];
  /** Also load the vendor bundles no run loaded, so that their cache holds what their top level compiles. */
  loadTheRest?: boolean;
  /** Whether this phase writes the cache of a bundle (its path relative to DIR). */
  keeps(file: string): boolean;
}

/**
 * In the order build/code-caches.mjs runs them. The first makes a request (and a line only yargs
 * reads: an option given twice) and keeps every cache but main.cjs's; the second, answered from
 * the credential cache the first filled, keeps all it loaded: main.cjs's then holds only what the
 * quick paths compile (a request compiles the rest of main.cjs, a few functions); the third
 * keeps the entry's.
 */
const PHASES: Record<string, Phase> = {
  request: {
    runs: [
      [['assume', ROLE], 0],
      [['assume', '--profile', 'chained'], 0],
      [['whoami'], 0],
      [['assume', ROLE, '--region', 'us-east-1', '--region', 'eu-west-1'], 2],
    ],
    keeps: (file) => file !== 'main.cjs',
  },
  light: {
    runs: [
      [['assume', ROLE], 0],
      // A role profile over a profile with keys: the config and credentials files read, a chain resolved;
      // the first run checks the large config and remembers it, the second finds it remembered.
      [['assume', '--profile', 'chained'], 0],
      [['assume', '--profile', 'chained'], 0],
      // (Not `init SHELL`: the entry answers it, with nothing of main.cjs.)
      [['unset'], 0],
    ],
    // A Tab after --profile, after a command, after an option; a profile name is what people complete
    // most, so twice: the first keeps the names, the second reads them kept.
    completions: [
      ['assume', '--profile', 'p'],
      ['as'],
      ['assume', '--'],
      ['assume', '--shell', ''],
      ['assume', '--profile', 'p'],
    ],
    loadTheRest: true,
    keeps: () => true,
  },
  // The entry's own cache (what the bin loads at every start): its answers (--version, --help,
  // init), and the hand-over to main.cjs and to the completion bundle.
  entry: {
    runs: [],
    entryRuns: [
      [['--version'], 0],
      [['--help'], 0],
      [['init', 'bash'], 0],
      [['unset'], 0],
      [['assume', ROLE], 0],
      [['__complete', 'assume', '--profile', 'p'], 0],
    ],
    keeps: (file) => file === 'entry.cjs',
  },
};

async function train(dir: string, phase: Phase): Promise<void> {
  const scripts = new Map<string, Script>();
  loader.trainCodeCaches((filename, script) => scripts.set(filename, script));
  for (const [args, expected] of phase.runs) {
    // main.cjs takes the loader from its host, as from the entry (src/cli/entry.ts).
    const { main } = loader.requireBundle(join(dir, 'main.cjs'), (path: string) =>
      path === 'src/code-cache.ts' ? loader : undefined,
    ) as typeof import('../src/cli/main.ts');
    const code = await main(args, () => 80);
    if (code !== expected) throw new Error(`training run \`stsenv ${args.join(' ')}\` exited ${code}, not ${expected}`);
  }
  if (phase.entryRuns) {
    // As the bin runs it (src/cli/bin.ts): one compiled script, its top level run once per command line.
    const filename = join(dir, 'entry.cjs');
    const script = new Script(readFileSync(filename, 'utf8'), { filename });
    scripts.set(filename, script);
    const entry = script.runInThisContext() as Wrapper;
    const argv = process.argv;
    for (const [args, expected] of phase.entryRuns) {
      process.argv = [argv[0]!, join(dir, 'stsenv.cjs'), ...args];
      const module = { exports: {} as { done?: Promise<unknown> } };
      entry.call(module.exports, module.exports, createRequire(filename), module, filename, dir);
      await module.exports.done;
      if ((process.exitCode ?? 0) !== expected)
        throw new Error(`training run \`stsenv ${args.join(' ')}\` exited ${process.exitCode}, not ${expected}`);
      process.exitCode = 0;
    }
    process.argv = argv;
  }
  if (phase.completions) {
    const { completeInstantly } = loader.requireBundle(
      join(dir, 'complete.cjs'),
    ) as typeof import('../src/cli/complete-instantly.ts');
    const env = { ...process.env, AWS_CONFIG_FILE: join(process.env.HOME ?? '', 'completion-config') };
    // As the entry calls it: with the process, so that the kept profile names are written, then read.
    const local = { pid: process.pid, uid: process.getuid?.(), platform: process.platform };
    for (const words of phase.completions) {
      const code = await completeInstantly(words, env, () => {}, local);
      if (code !== 0) throw new Error(`training run \`stsenv __complete ${words.join(' ')}\` exited ${code}`);
    }
  }
  if (phase.loadTheRest) {
    // Not the keystore's binding, whose top level loads its native part: a build on a machine
    // without this platform's package (npm ci --omit=optional) must work.
    for (const name of readdirSync(join(dir, 'vendor'))) {
      const filename = join(dir, 'vendor', name);
      if (
        name.endsWith('.cjs') &&
        !INTERACTIVE_ONLY.has(name) &&
        name !== 'keyring.cjs' &&
        !existsSync(`${filename}.cache`)
      )
        loader.requireBundle(filename);
    }
  }
  for (const [filename, script] of scripts)
    if (phase.keeps(relative(dir, filename).split('\\').join('/')))
      writeFileSync(`${filename}.cache`, script.createCachedData());
}

const [dir, name] = process.argv.slice(2);
const phase = name === undefined ? undefined : PHASES[name];
if (dir === undefined || phase === undefined) {
  process.stderr.write(`usage: train-code-cache DIR (${Object.keys(PHASES).join('|')})\n`);
  process.exitCode = 2;
} else {
  train(dir, phase).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
