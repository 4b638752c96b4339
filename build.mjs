// Bundles the CLI into dist/: one entry file for the start-up path, and
// chunks (the AWS SDK above all) that load only when a command needs them.
// Type checking is tsc's job (npm run typecheck, part of npm test).
import { build } from 'esbuild';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const staging = `dist.tmp-${process.pid}`;
// shells/ is the one source of the shell integration: `stsenv init` prints these, embedded.
const shellsDir = new URL('./shells/', import.meta.url);
const shellFiles = Object.fromEntries(readdirSync(shellsDir).map((name) => [name, readFileSync(new URL(name, shellsDir), 'utf8')]));

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  define: { STSENV_VERSION: JSON.stringify(version), STSENV_SHELL_FILES: JSON.stringify(shellFiles) },
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { stsenv: 'src/cli.ts' },
  outdir: staging,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  // Identifiers stay readable so that --debug stack traces mean something.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  // Some bundled CommonJS code calls require() for Node built-ins.
  banner: { js: "import { createRequire as __stsenvCreateRequire } from 'node:module'; const require = __stsenvCreateRequire(import.meta.url);" },
});

// Help is rendered here, by the same yargs code, so that `stsenv --help` needs no yargs at run time.
const helpBuild = `dist.help-${process.pid}`;
try {
  await build({ ...common, entryPoints: { help: 'src/cli-yargs.ts' }, outdir: helpBuild, outExtension: { '.js': '.mjs' } });
  const { prerenderHelp } = await import(pathToFileURL(`${helpBuild}/help.mjs`).href);
  writeFileSync(`${staging}/help.json`, JSON.stringify(prerenderHelp()));
} finally {
  rmSync(helpBuild, { recursive: true, force: true });
}

// Swap the new build in whole, so a test running beside a rebuild never sees half a dist/.
const old = `dist.old-${process.pid}`;
try {
  renameSync('dist', old);
} catch {
  // no previous build
}
renameSync(staging, 'dist');
rmSync(old, { recursive: true, force: true });
