// The start of stsenv's single executables (build-exe.mjs): every built file of dist/
// is an asset of the executable, under its path in dist/. This runs the entry
// (entry.cjs) as the bin would run it from dist/, with the code cache the build made for
// this Node, after telling stsenv's own code where its files are (src/built-files.ts).
'use strict';
const sea = require('node:sea');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

// Not a folder on disk: only the name stsenv gives its files, each read from the assets.
const root = join(dirname(process.execPath), 'stsenv');
globalThis.__stsenvSea = {
  root,
  // The Node whose V8 made the code caches among the assets (build-exe.mjs): they fit only that one.
  codeCacheNode: (() => {
    try {
      return sea.getAsset('code-cache-node', 'utf8');
    } catch {
      return undefined;
    }
  })(),
  asset(name) {
    try {
      // The asset's own memory, not a copy: stsenv only reads it.
      return Buffer.from(sea.getRawAsset(name));
    } catch {
      return undefined;
    }
  },
};

// The entry (entry.cjs, stored wrapped as a CommonJS function), as the package's bin loads it
// (src/cli/bin.ts), with its code cache when the Node that made the caches is this one.
const filename = join(root, 'entry.cjs');
const source = globalThis.__stsenvSea.asset('entry.cjs').toString('utf8');
const fits = globalThis.__stsenvSea.codeCacheNode === `${process.version}-${process.platform}-${process.arch}`;
const entry = new Module(filename);
entry.filename = filename;
entry.paths = [];
const script = new Script(source, { filename, cachedData: fits ? globalThis.__stsenvSea.asset('entry.cjs.cache') : undefined });
script.runInThisContext().call(entry.exports, entry.exports, Module.createRequire(filename), entry, filename, root);
