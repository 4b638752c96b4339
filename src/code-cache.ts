/**
 * require() for stsenv's own bundles (dist/main.cjs, dist/vendor/*.cjs) with
 * V8's code cache: the build compiles each bundle after training runs
 * (build/code-caches.mjs) and stores V8's compiled code beside it
 * (NAME.cjs.cache). Compiling the AWS SDK bundle costs about as much as
 * starting Node; with the cache V8 skips most of it. V8 checks the cache
 * against the source and its own version and flags, and compiles as usual
 * when it does not match (another Node, a changed file).
 *
 * The shipped cache fits only the Node that ran the build. On any other Node
 * stsenv keeps a cache of its own (own-code-cache.ts), made at the end of
 * the first run that had to compile, and used from the next run on.
 *
 * A bundle is stored as Node would wrap a CommonJS module, a function of
 * (exports, require, module, __filename, __dirname) (build/bundles.mjs), so
 * that its source is compiled as it was read: wrapping it here would make a
 * second copy of the whole text, and the two together, for main.cjs and the
 * engine, were enough to set off a scavenge (a millisecond or more) on a
 * cache hit.
 *
 * The path is known, so Node's resolution (stat, realpath, package.json
 * lookups: most of a millisecond) is skipped; the bundle still joins the
 * module cache, as a require() would leave it.
 */
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { readBuilt } from './built-files.js';
import { shippedCacheFits } from './code-cache-fit.js';
import { readOwnCodeCache, saveOwnCodeCacheAtExit } from './own-code-cache.js';

type Wrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
type Internals = {
  new (id: string): Module;
  _cache: Record<string, Module>;
  _nodeModulePaths(dir: string): string[];
};

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readBuilt(path);
  } catch {
    return undefined;
  }
}

/**
 * The bundle compiled with the cache that fits this process: the shipped one
 * when it fits (code-cache-fit.ts), else our own, made because the shipped one did not
 * fit; when there is none yet, a cache of our own is made at exit.
 */
function compile(filename: string, wrapped: string): Script {
  if (shippedCacheFits()) return new Script(wrapped, { filename, cachedData: readOrUndefined(`${filename}.cache`) });
  const own = readOwnCodeCache(filename, wrapped.length);
  if (own.data) {
    const script = new Script(wrapped, { filename, cachedData: own.data });
    if (!script.cachedDataRejected) return script;
    // Made under other V8 flags: replaced by one that fits these.
    saveOwnCodeCacheAtExit(script, own.file);
    return script;
  }
  const shipped = readOrUndefined(`${filename}.cache`);
  const script = new Script(wrapped, { filename, cachedData: shipped });
  // A bundle shipped with no cache (one only a person's paths load) gets none of its own either.
  if (shipped !== undefined && script.cachedDataRejected) saveOwnCodeCacheAtExit(script, own.file);
  return script;
}

/**
 * Node's own modules, each required once in the process: a bundle asks for
 * node:fs in every module of it that imports node:fs (esbuild keeps each
 * module's require), two dozen times in main.cjs, and every require goes
 * through Node's module loader (tens of microseconds each at start).
 */
const builtins = new Map<string, unknown>();

/** The require a bundle is given: its host for 'stsenv:host', Node's own modules once, anything else as Node resolves it from the bundle. */
function bundleRequire(filename: string, host: unknown): NodeJS.Require {
  const moduleRequire = createRequire(filename);
  const required = (id: string) => {
    if (id === 'stsenv:host' && host !== undefined) return host;
    if (!id.startsWith('node:')) return moduleRequire(id);
    let loaded = builtins.get(id);
    if (loaded === undefined) {
      loaded = moduleRequire(id);
      builtins.set(id, loaded);
    }
    return loaded;
  };
  return Object.assign(required, moduleRequire) as NodeJS.Require;
}

let training: ((filename: string, script: Script) => void) | undefined;

/**
 * For the build's training runs (build/train-code-cache.ts) only: from now on
 * every bundle is compiled afresh, with no cache, and its script handed to
 * `observer`, which takes the bundle's cache once the runs are over.
 */
export function trainCodeCaches(observer: (filename: string, script: Script) => void): void {
  training = observer;
}

/**
 * `host`: what the bundle takes modules from, rather than holding them itself
 * (build.mjs): main.cjs takes this loader from the entry, a feature bundle its
 * modules from main.cjs; the bundle asks for it with require('stsenv:host').
 */
export function requireBundle(filename: string, host?: unknown): unknown {
  const M = Module as unknown as Internals;
  const loaded = M._cache[filename];
  if (loaded) return loaded.exports;
  const source = readBuilt(filename, 'utf8');
  const module = new M(filename);
  module.filename = filename;
  module.paths = M._nodeModulePaths(dirname(filename));
  M._cache[filename] = module;
  try {
    const script = training ? new Script(source, { filename }) : compile(filename, source);
    training?.(filename, script);
    const wrapper = script.runInThisContext() as Wrapper;
    wrapper.call(module.exports, module.exports, bundleRequire(filename, host), module, filename, dirname(filename));
  } catch (error) {
    delete M._cache[filename];
    throw error;
  }
  module.loaded = true;
  return module.exports;
}
