/**
 * require() for stsenv's own bundles (dist/main.cjs, dist/vendor/*.cjs) with
 * V8's code cache: the build compiles each bundle after training runs
 * (build-code-cache.mjs) and stores V8's compiled code beside it
 * (NAME.cjs.cache). Compiling the AWS SDK bundle costs about as much as
 * starting Node; with the cache V8 skips most of it. V8 checks the cache
 * against the source and its own version and flags, and compiles as usual
 * when it does not match (another Node, a changed file).
 *
 * The path is known, so Node's resolution (stat, realpath, package.json
 * lookups: most of a millisecond) is skipped; the bundle still joins the
 * module cache, as a require() would leave it.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

type Wrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
type Internals = {
  new (id: string): Module;
  _cache: Record<string, Module>;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
};

/**
 * `host`: what a feature bundle of main.cjs takes its modules from (build.mjs);
 * the bundle asks for it with require('stsenv:host').
 */
export function requireBundle(filename: string, host?: unknown): unknown {
  const M = Module as unknown as Internals;
  const loaded = M._cache[filename];
  if (loaded) return loaded.exports;
  const source = readFileSync(filename, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${filename}.cache`);
  } catch {
    // No cache beside the bundle: plain compile.
  }
  const module = new M(filename);
  module.filename = filename;
  module.paths = M._nodeModulePaths(dirname(filename));
  M._cache[filename] = module;
  try {
    const wrapper = new Script(M.wrap(source), { filename, cachedData }).runInThisContext() as Wrapper;
    const moduleRequire = createRequire(filename);
    const bundleRequire = host === undefined ? moduleRequire : (Object.assign((id: string) => (id === 'stsenv:host' ? host : moduleRequire(id)), moduleRequire) as NodeJS.Require);
    wrapper.call(module.exports, module.exports, bundleRequire, module, filename, dirname(filename));
  } catch (error) {
    delete M._cache[filename];
    throw error;
  }
  module.loaded = true;
  return module.exports;
}
