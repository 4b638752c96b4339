/**
 * require() for stsenv's own bundles (dist/main.cjs, dist/vendor/*.cjs) with
 * V8's code cache: the build compiles each bundle once and stores V8's
 * compiled code beside it (NAME.cjs.cache). Compiling the AWS SDK bundle
 * costs about as much as starting Node; with the cache V8 skips most of it.
 * V8 checks the cache against the source and its own version and flags, and
 * compiles as usual when it does not match (another Node, a changed file).
 *
 * The bundle is loaded by require() itself (so module hooks and the module
 * cache see it as usual); only its compile step is swapped for one with the cache.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

type Compile = (this: Module, content: string, filename: string, ...rest: unknown[]) => unknown;
type Internals = { prototype: { _compile: Compile }; wrap(source: string): string };

export function requireBundle(filename: string): unknown {
  const M = Module as unknown as Internals;
  const compile = M.prototype._compile;
  M.prototype._compile = function (this: Module, content: string, file: string, ...rest: unknown[]) {
    if (file !== filename) return compile.call(this, content, file, ...rest);
    // Restored before the bundle runs: what it requires compiles as usual.
    M.prototype._compile = compile;
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(`${filename}.cache`);
    } catch {
      // No cache beside the bundle: plain compile.
    }
    const script = new Script(M.wrap(content), { filename, cachedData });
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
  };
  try {
    return createRequire(filename)(filename);
  } finally {
    M.prototype._compile = compile;
  }
}
