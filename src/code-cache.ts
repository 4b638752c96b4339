/**
 * require() for stsenv's own bundles (dist/main.cjs, dist/vendor/*.cjs) with
 * V8's code cache: the build compiles each bundle once and stores V8's
 * compiled code beside it (NAME.cjs.cache). Compiling the AWS SDK bundle
 * costs more than starting Node; with the cache V8 skips most of it. V8
 * checks the cache against the source and its own version and flags, and
 * compiles as usual when it does not match (another Node, a changed file).
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

type ModuleInternals = typeof Module & {
  _cache: Record<string, Module>;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
};

export function requireBundle(filename: string): unknown {
  const M = Module as ModuleInternals;
  const cached = M._cache[filename];
  if (cached) return cached.exports;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${filename}.cache`);
  } catch {
    // No cache (running a build without one): compile as require would.
  }
  const script = new Script(M.wrap(readFileSync(filename, 'utf8')), { filename, cachedData });
  const module = new Module(filename);
  module.filename = filename;
  module.paths = M._nodeModulePaths(dirname(filename));
  M._cache[filename] = module;
  try {
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
  } catch (error) {
    delete M._cache[filename];
    throw error;
  }
  module.loaded = true;
  return module.exports;
}
