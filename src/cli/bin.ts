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
entry.call(module.exports, module.exports, require, module, filename, __dirname);
