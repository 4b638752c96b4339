#!/usr/bin/env node
/**
 * The package's bin (dist/stsenv.cjs): loads the entry (dist/entry.cjs, built
 * from cli/entry.ts) with the V8 code cache the build made for it, which
 * Node's own loading of a bin never uses. Compiling the entry afresh was a
 * large part of what `stsenv --version` cost; this file is all that is still
 * compiled so at every start, so it holds nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { shippedCacheFits } from '../code-cache-fit.js';

type Wrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: NodeJS.Module,
  filename: string,
  dirname: string,
) => void;

const filename = join(__dirname, 'entry.cjs');
let cachedData: Buffer | undefined;
if (shippedCacheFits()) {
  try {
    cachedData = readFileSync(`${filename}.cache`);
  } catch {
    // Built without one: compiled as Node would.
  }
}
// Stored wrapped, as a CommonJS function (build/bundles.mjs): compiled as read.
const entry = new Script(readFileSync(filename, 'utf8'), { filename, cachedData }).runInThisContext() as Wrapper;
// Node's own modules once each: the entry's modules ask for node:fs and node:path a dozen times between them,
// and each require goes through Node's module loader.
const builtins = new Map<string, unknown>();
const entryRequire = Object.assign((id: string) => {
  if (!id.startsWith('node:')) return require(id);
  let loaded = builtins.get(id);
  if (loaded === undefined) {
    loaded = require(id);
    builtins.set(id, loaded);
  }
  return loaded;
}, require) as NodeJS.Require;
entry.call(module.exports, module.exports, entryRequire, module, filename, __dirname);
