// Builds dist/, shaped for start-up time (npm run bench measures it):
//   stsenv.cjs        the package's bin: loads entry.cjs with its code cache (CommonJS starts
//                     faster than an ES module, and this file parses in no time)
//   entry.cjs         the entry: --version, --help and init SHELL, nothing else loaded
//   main.cjs          stsenv's own code for the quick paths (unset, init, the lean parser, the
//                     commands a shell runs at a prompt); each command initialised only when run
//   complete.cjs      the completion callback (`stsenv __complete`, every Tab), standalone: the
//                     commands' tables as data, the config reader, no main.cjs
//   features/NAME.cjs stsenv's own code for the paths that need it: the engine, a request to STS,
//                     the commands run now and then, sso, console, the picker... (build/layout.mjs)
//   vendor/NAME.cjs   third-party code, a bundle per use: yargs, the AWS SDK, its SSO clients,
//                     hpagent, open, @clack/prompts, cross-spawn, fastest-levenshtein, shlex and
//                     @napi-rs/keyring (whose native part stays in its platform package)
//   help/WIDTH.json   every --help text, rendered by yargs here at build time, a file per width
//   shells/           a copy of shells/, the scripts `stsenv init` and `stsenv completion` print
//   stsenv.mjs        the former entry, kept so that `node dist/stsenv.mjs` still works
//   NAME.cjs.cache    V8's code cache of a bundle, taken after training runs
// Each of stsenv's own modules is in exactly one bundle, so no module is ever loaded twice (an
// error class in two copies would break instanceof). Type checking is tsc's job (npm run
// typecheck, part of npm test). The steps are below, in order; each is a module of build/.
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEntries, bundleOwnCode, bundleVendors, wrapLoadedBundles } from './build/bundles.mjs';
import { trainCodeCaches } from './build/code-caches.mjs';
import { renderHelp } from './build/help.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const define = {
  STSENV_VERSION: JSON.stringify(version),
  // The caches trained below fit the Node that runs this build (it trains with process.execPath):
  // src/code-cache.ts reads them first, and alone, on that Node.
  STSENV_CODE_CACHE_NODE: JSON.stringify(`${process.version}-${process.platform}-${process.arch}`),
};
const staging = `dist.tmp-${process.pid}`;

/** Runs one step of the build; a failure names the step. */
async function step(name, run) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error) error.message = `build step "${name}": ${error.message}`;
    throw error;
  }
}

rmSync(staging, { recursive: true, force: true });
try {
  const { help, completionTables } = await step('render help', () =>
    renderHelp({ STSENV_VERSION: define.STSENV_VERSION }),
  );
  await step('bundle the entries', () => bundleEntries(staging, define, completionTables));
  const vendorImports = await step('split own code into main.cjs and features', () => bundleOwnCode(staging, define));
  await step('bundle third-party code', () => bundleVendors(staging, vendorImports));
  await step('wrap the bundles the loader reads', () => wrapLoadedBundles(staging));
  await step('write help, shells and the old entry', () => writeStaticFiles(staging, help));
  await step('train code caches', () => trainCodeCaches(staging));
  // Swap the new build in whole, so a test running beside a rebuild never sees half a dist/.
  swapIn(staging, 'dist');
} finally {
  rmSync(staging, { recursive: true, force: true });
}

/** The files that are copied or written as they are: help texts, shell scripts, the old entry. */
function writeStaticFiles(dir, help) {
  // The old entry name, for anyone (and any script) running `node dist/stsenv.mjs`.
  writeFileSync(join(dir, 'stsenv.mjs'), "#!/usr/bin/env node\nimport './stsenv.cjs';\n");
  chmodSync(join(dir, 'stsenv.mjs'), 0o755);
  chmodSync(join(dir, 'stsenv.cjs'), 0o755);
  mkdirSync(join(dir, 'help'));
  for (const [width, texts] of Object.entries(help))
    writeFileSync(join(dir, 'help', `${width}.json`), JSON.stringify(texts));
  // shells/ is the one source of the shell integration: `stsenv init` prints these, from dist/shells/.
  const shells = new URL('./shells/', import.meta.url);
  mkdirSync(join(dir, 'shells'));
  for (const name of readdirSync(shells)) writeFileSync(join(dir, 'shells', name), readFileSync(new URL(name, shells)));
}

function swapIn(from, to) {
  const old = `${to}.old-${process.pid}`;
  try {
    renameSync(to, old);
  } catch {
    // no previous build
  }
  renameSync(from, to);
  rmSync(old, { recursive: true, force: true });
}
