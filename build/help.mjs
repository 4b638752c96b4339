// Help is rendered at build time by yargs, from the same option tables as the commands, so
// that `stsenv --help` needs no yargs at run time; the completion bundle's tables come from
// the same place.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every --help text by terminal width (`help`: { WIDTH: { TOPIC: TEXT } }) and every command's
 * table for completion (`completionTables`), from a throwaway ES module build of the sources.
 */
export async function renderHelp(define) {
  const out = join(ROOT, `dist.help-${process.pid}`);
  try {
    await build({
      absWorkingDir: ROOT,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      define,
      logLevel: 'warning',
      // CommonJS packages (cross-spawn) call require() for Node's modules: an ES module has none of its own.
      banner: {
        js: "import { createRequire as __stsenvCreateRequire } from 'node:module'; const require = __stsenvCreateRequire(import.meta.url);",
      },
      external: ['@napi-rs/keyring'],
      entryPoints: { help: 'src/cli/yargs-parser.ts', tables: 'src/cli/completion-tables.ts' },
      outdir: out,
      outExtension: { '.js': '.mjs' },
    });
    const { prerenderHelp } = await import(pathToFileURL(join(out, 'help.mjs')).href);
    const { completionTables } = await import(pathToFileURL(join(out, 'tables.mjs')).href);
    return { help: await prerenderHelp(), completionTables: await completionTables() };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
