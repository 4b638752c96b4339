// Bundles the CLI into dist/: one entry file for the start-up path, and
// chunks (the AWS SDK above all) that load only when a command needs them.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { stsenv: 'src/cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Identifiers stay readable so that --debug stack traces mean something.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  define: { STSENV_VERSION: JSON.stringify(version) },
  // Some bundled CommonJS code calls require() for Node built-ins.
  banner: { js: "import { createRequire as __stsenvCreateRequire } from 'node:module'; const require = __stsenvCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
