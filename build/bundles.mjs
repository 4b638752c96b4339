// The bundles of dist/, made with esbuild: the entries (stsenv.cjs, entry.cjs, complete.cjs), stsenv's own
// code split between main.cjs and the feature bundles of build/layout.mjs, and the vendor
// bundles. build.mjs runs these as its steps; what goes where is build/layout.mjs's.
//
// How the bundles reach one another. A bundle that uses a module another bundle holds takes
// it from that bundle's host rather than holding a copy (an error class in two copies would
// break instanceof): require('stsenv:host')(PATH) in the bundle, answered by the loader
// (src/code-cache.ts) with what the other bundle gives:
//   main.cjs takes the loader itself from the entry;
//   a feature takes every module main.cjs holds, and every other feature's entry, from main.cjs;
//   own code takes third-party code from vendor/NAME.cjs, which exports what own code imports.
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importedNames } from './imported-names.mjs';
import { FEATURES, vendorOf } from './layout.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A path of the repository as esbuild's metafile names it: relative to the root, with '/'. */
const repoPath = (file) => relative(ROOT, file).split(sep).join('/');
const featureOf = new Map(Object.entries(FEATURES).map(([name, entry]) => [entry, name]));
/** What a bundle require()s for its host: (path) => what it takes of that module. */
const HOST = 'stsenv:host';
/** The bundle loader: the entry's, which every other bundle takes from its host. */
const LOADER = 'src/code-cache.ts';

const cjs = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import() becomes a require() inside a promise: Node's ES module loader never starts.
  supported: { 'dynamic-import': false },
  legalComments: 'linked',
  logLevel: 'warning',
};

// import.meta.url as CommonJS has it, worked out only if a path asks (most never do).
const importMetaBanner = {
  js: 'var __stsenvFile = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
};

/**
 * esbuild's settings for stsenv's own code. `define`: the build's constants (version, the Node
 * that trains the code caches). Minified, names too: a hit ran about 0.5 ms quicker on Node 26
 * (less source to read, smaller code caches, a quicker top level; docs/performance.md). So that
 * --debug stack traces still say where they are, each bundle has a source map beside it
 * (NAME.cjs.map: positions and names, no source text), which src/stack-sources.ts reads only then.
 */
function ownCode(define) {
  return {
    ...cjs,
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    sourcemap: 'external',
    sourcesContent: false,
    define: { ...define, STSENV_BUNDLED: 'true', 'import.meta.url': '__stsenvFile.url' },
    banner: importMetaBanner,
    outExtension: { '.js': '.cjs' },
  };
}

/** A virtual module that exports `names` of `source` (an expression), as an import of the real module would. */
function reexport(source, names) {
  const named = [...names].filter((name) => name !== 'default');
  return `const m = ${source};\n${names.has('default') ? 'export default m.default;\n' : ''}${named.length ? `export const { ${named.join(', ')} } = m;\n` : ''}`;
}

/** The names an own import takes: named or destructured, so that the build can spell them out. */
function ownImportNames(importer, specifier) {
  const names = importedNames(importer, specifier);
  if (names) return names;
  throw new Error(
    `${repoPath(importer)} imports all of ${specifier}: name what it uses, so that the build can spell it out between bundles`,
  );
}

/** Resolves an own (relative) import of src/'s files as esbuild would; undefined for anything else. */
async function resolveOwn(b, args) {
  // The virtual modules of these plugins spell out their own imports.
  if (args.pluginData === 'own' || args.namespace !== 'file') return undefined;
  const result = await b.resolve(args.path, {
    resolveDir: args.resolveDir,
    kind: args.kind,
    importer: args.importer,
    pluginData: 'own',
  });
  if (result.errors.length > 0 || result.external || result.namespace !== 'file') return undefined;
  return repoPath(result.path);
}

const hostIsExternal = (b) => b.onResolve({ filter: new RegExp(`^${HOST}$`) }, () => ({ path: HOST, external: true }));

// ---- vendor bundles --------------------------------------------------------------------------

/** The names own code imports from a package; every name the package exports when it takes the package whole. */
async function vendorNames(file, specifier) {
  return (
    importedNames(file, specifier) ??
    new Set(Object.keys(await import(specifier)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name)))
  );
}

const vendorKey = (specifier) => specifier.replace(/[^A-Za-z0-9]/g, '_');

/**
 * Own code reaches third-party code through vendor/NAME.cjs, loaded where a module first needs
 * it. `vendorImports` collects, by vendor bundle and package specifier, the names own code
 * imports: a vendor bundle keeps only those (tree-shaken), so that no unused part runs at load.
 * (Whole, the SDK's @smithy/node-http-handler would set up its HTTP/2 handler, loading
 * node:http2 and node:assert.) `fromFeature`: the importer is a feature bundle, in dist/features/.
 */
const vendorPlugin = (fromFeature, vendorImports) => ({
  name: 'vendor',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      const vendor = vendorOf(args.path);
      if (!vendor || args.namespace === 'vendor') return undefined;
      const specifiers = vendorImports.get(vendor) ?? new Map();
      const names = specifiers.get(args.path) ?? new Set();
      for (const name of await vendorNames(args.importer, args.path)) names.add(name);
      vendorImports.set(vendor, specifiers.set(args.path, names));
      return { path: args.path, namespace: 'vendor', pluginData: vendor };
    });
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => {
      // One path for a bundle whoever loads it (requireBundle's cache is keyed by it).
      const dist = fromFeature ? "require('node:path').dirname(__dirname)" : '__dirname';
      const names = vendorImports.get(args.pluginData).get(args.path);
      return {
        // The loader from the host: main.cjs's is the entry, a feature's is main.cjs.
        contents: `const { requireBundle } = require('${HOST}')(${JSON.stringify(LOADER)});\n${reexport(`requireBundle(${dist} + '/vendor/${args.pluginData}.cjs').${vendorKey(args.path)}`, names)}`,
        loader: 'js',
      };
    });
  },
});

/**
 * The SSO OIDC and portal APIs are unsigned (every operation is smithy.api#noAuth), yet their
 * clients import the SDK's whole default credential chain as a default they never call: half of
 * their bundle. The chain is replaced by a provider that says so, should a future operation ever ask.
 */
const unsignedClientPlugin = {
  name: 'unsigned-client',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => ({
      path: args.path,
      namespace: 'unsigned-client',
    }));
    b.onLoad({ filter: /.*/, namespace: 'unsigned-client' }, () => ({
      contents:
        'export const defaultProvider = () => async () => { throw new Error("stsenv: the SSO clients sign no request"); };',
      loader: 'js',
    }));
  },
};

/** Each vendor bundle exports, per package specifier, an object of the names own code imports from it. */
export async function bundleVendors(staging, vendorImports) {
  for (const [vendor, specifiers] of vendorImports) {
    const list = [...specifiers.keys()].sort();
    const contents = list
      .map((s, i) => {
        const names = [...specifiers.get(s)].sort();
        return `import * as m${i} from ${JSON.stringify(s)};\nexport const ${vendorKey(s)} = { ${names.map((n) => `${JSON.stringify(n)}: m${i}.${n}`).join(', ')} };`;
      })
      .join('\n');
    await build({
      ...cjs,
      stdin: { contents, resolveDir: ROOT, sourcefile: `vendor-${vendor}.js` },
      outfile: join(staging, 'vendor', `${vendor}.cjs`),
      // ES module builds of the SDK: tree-shaken, no CommonJS interop at load.
      mainFields: ['module', 'main'],
      minify: true,
      // yargs finds its own files from import.meta.url.
      define: { 'import.meta.url': '__stsenvFile.url' },
      banner: importMetaBanner,
      plugins: vendor === 'sso' ? [unsignedClientPlugin] : [],
      // The binding's native part cannot be bundled: it is the platform's own package (an optional
      // dependency of stsenv, installed by npm for this platform only), which the binding requires by name.
      external: vendor === 'keyring' ? ['@napi-rs/keyring-*', '*.node'] : [],
    });
  }
}

// ---- the entries -----------------------------------------------------------------------------

/** The entry reaches main.cjs by require, not by bundling it in. */
const entryPlugin = {
  name: 'entry',
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: './main.cjs', external: true }));
  },
};

/**
 * entry.cjs, the entry (--version and --help answered with nothing else loaded), stsenv.cjs,
 * the package's bin that loads it with its code cache, and
 * complete.cjs, the completion callback: standalone, every command's table written in as data
 * (`completionTables`), so that a Tab loads this bundle (and the config files) and not main.cjs
 * with every command.
 */
export async function bundleEntries(staging, define, completionTables) {
  await build({
    ...ownCode(define),
    entryPoints: { entry: 'src/cli/entry.ts' },
    outdir: staging,
    plugins: [entryPlugin],
  });
  // The package's bin: it loads entry.cjs with its code cache, and nothing else.
  await build({ ...ownCode(define), entryPoints: { stsenv: 'src/cli/bin.ts' }, outdir: staging });
  await build({
    ...ownCode({ ...define, STSENV_COMPLETION_COMMANDS: JSON.stringify(completionTables) }),
    entryPoints: { complete: 'src/cli/complete-instantly.ts' },
    outdir: staging,
  });
}

// ---- main.cjs and the features ---------------------------------------------------------------

/** main.cjs takes the loader from the entry, which loaded main.cjs with it (src/cli/entry.ts). */
const loaderFromEntryPlugin = {
  name: 'loader-from-entry',
  setup(b) {
    b.onResolve({ filter: /(^|\/)code-cache\.(ts|js)$/ }, (args) => {
      if (args.namespace === 'from-entry') return undefined;
      if (repoPath(join(args.resolveDir, args.path).replace(/\.js$/, '.ts')) !== LOADER) return undefined;
      return { path: LOADER, namespace: 'from-entry' };
    });
    b.onLoad({ filter: /.*/, namespace: 'from-entry' }, () => ({
      contents: `module.exports = require('${HOST}')(${JSON.stringify(LOADER)});`,
      loader: 'js',
    }));
    hostIsExternal(b);
  },
};

/**
 * main.cjs's side: an import of a feature's entry becomes the feature bundle's exports, through
 * the feature's loader (one per feature, whoever imports it). Its host gives the modules the
 * feature takes from main.cjs (`asked`, by feature and module), and other features' exports,
 * each loaded when asked. `lazilyHosted`: the modules of main.cjs that cost to load
 * (costlyToLoad()). `extra`: modules main.cjs must hold for the features, imported for their own sake.
 */
const mainFeaturesPlugin = (asked, extra, lazilyHosted) => ({
  name: 'main-features',
  setup(b) {
    b.onResolve({ filter: /^\./ }, async (args) => {
      const path = await resolveOwn(b, args);
      const feature = path && featureOf.get(path);
      if (!feature) return undefined;
      const names = ownImportNames(args.importer, args.path);
      return {
        path: `${feature}?from=${repoPath(args.importer)}`,
        namespace: 'feature',
        pluginData: { feature, names },
      };
    });
    b.onLoad({ filter: /.*/, namespace: 'feature' }, ({ pluginData: { feature, names } }) => ({
      resolveDir: ROOT,
      contents: `import { loadFeature } from 'feature-load:${feature}';\n${reexport('loadFeature()', names)}`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^feature-load:/ }, (args) => ({
      path: args.path.slice('feature-load:'.length),
      namespace: 'feature-load',
    }));
    b.onLoad({ filter: /.*/, namespace: 'feature-load' }, ({ path: feature }) => {
      const modules = [...(asked.get(feature) ?? new Map())].sort(([x], [y]) => x.localeCompare(y));
      const imports = [`import { requireBundle } from './${LOADER}';`];
      const table = modules.map(([path, names], i) => {
        const key = JSON.stringify(path);
        if (featureOf.has(path)) {
          imports.push(`import { loadFeature as load${i} } from 'feature-load:${featureOf.get(path)}';`);
          return `get ${key}() { return load${i}(); }`;
        }
        // A module that costs to load (another bundle, or one of Node's not yet loaded) is loaded
        // when the feature first takes it (require() of a module of this bundle is esbuild's lazy
        // init, at the price of an exports object); any other is imported by name, initialised
        // with the feature.
        if (lazilyHosted.has(path)) return `get ${key}() { return require('./${path}'); }`;
        imports.push(`import { ${[...names].map((name) => `${name} as h${i}_${name}`).join(', ')} } from './${path}';`);
        return `${key}: { ${[...names].map((name) => `${name}: h${i}_${name}`).join(', ')} }`;
      });
      return {
        resolveDir: ROOT,
        contents: [
          ...imports,
          ...extra.map((path) => `import './${path}';`),
          `const modules = { ${table.join(', ')} };`,
          `export function loadFeature() { return requireBundle(__dirname + '/features/${feature}.cjs', (path) => modules[path]); }`,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
});

/**
 * A feature bundle's side: every module main.cjs holds (`inMain`), and every other feature's
 * entry, is taken through the host; `asked` collects the names, by module.
 */
const featurePlugin = (self, inMain, asked) => ({
  name: 'feature',
  setup(b) {
    b.onResolve({ filter: /^\./ }, async (args) => {
      const path = await resolveOwn(b, args);
      if (!path || featureOf.get(path) === self) return undefined;
      if (!featureOf.has(path) && !inMain.has(path)) return undefined;
      const names = ownImportNames(args.importer, args.path);
      const taken = asked.get(path) ?? new Set();
      for (const name of names) taken.add(name);
      asked.set(path, taken);
      return { path: `${path}?from=${repoPath(args.importer)}`, namespace: 'hosted', pluginData: { path, names } };
    });
    b.onLoad({ filter: /.*/, namespace: 'hosted' }, ({ pluginData: { path, names } }) => ({
      contents: reexport(`require('${HOST}')(${JSON.stringify(path)})`, names),
      loader: 'js',
    }));
    hostIsExternal(b);
  },
});

/** Node's modules that every start of stsenv has loaded already: importing them costs nothing. */
const LOADED_AT_START = new Set(['node:fs', 'node:path', 'node:module', 'node:vm', HOST]);

/**
 * The modules of a build whose loading loads something that costs: a static import, somewhere
 * below them, of a vendor package, a feature, or one of Node's modules that a start has not
 * loaded yet (node:http, node:crypto...). Read from esbuild's metafile.
 */
function costlyToLoad(metafile) {
  const found = new Map();
  const loads = (path) => {
    if (found.has(path)) return found.get(path);
    found.set(path, false);
    const result = (metafile.inputs[path]?.imports ?? []).some(
      (entry) =>
        entry.kind === 'import-statement' &&
        (entry.external
          ? !LOADED_AT_START.has(entry.path)
          : entry.path.startsWith('vendor:') || entry.path.startsWith('feature:') || loads(entry.path)),
    );
    found.set(path, result);
    return result;
  };
  return new Set(Object.keys(metafile.inputs).filter((path) => path.startsWith('src/') && loads(path)));
}

/** The own modules of src/ a build bundled. */
const ownInputs = (metafile) => new Set(Object.keys(metafile.inputs).filter((path) => path.startsWith('src/')));

/**
 * main.cjs and dist/features/: what main.cjs holds is what src/cli/main.ts reaches without the
 * features' entries, plus any module two features share (so that one process never loads two
 * copies of it); each feature holds the rest of what it reaches. Returns what own code imports
 * from each vendor bundle (for bundleVendors). Fails if an own module lands in two bundles.
 */
export async function bundleOwnCode(staging, define) {
  const vendorImports = new Map();
  const mainBuild = ({ asked, extra = [], lazilyHosted = new Set(), write = false }) =>
    build({
      ...ownCode(define),
      entryPoints: { main: 'src/cli/main.ts' },
      outdir: staging,
      plugins: [
        vendorPlugin(false, vendorImports),
        mainFeaturesPlugin(asked, extra, lazilyHosted),
        loaderFromEntryPlugin,
      ],
      metafile: true,
      write,
    });
  const featureBuild = ({ name, inMain, asked = new Map(), write = false }) =>
    build({
      ...ownCode(define),
      entryPoints: { [name]: FEATURES[name] },
      outdir: join(staging, 'features'),
      plugins: [vendorPlugin(true, vendorImports), featurePlugin(name, inMain, asked)],
      metafile: true,
      write,
    });
  // Every feature takes the loader (its vendor imports use it), whatever else it asks for.
  const askedOf = () =>
    new Map(Object.keys(FEATURES).map((name) => [name, new Map([[LOADER, new Set(['requireBundle'])]])]));

  // Probe: what main.cjs holds, then what the features share.
  let probed = (await mainBuild({ asked: askedOf() })).metafile;
  let inMain = new Set([...ownInputs(probed), LOADER]);
  const seen = new Map();
  for (const name of Object.keys(FEATURES))
    for (const path of ownInputs((await featureBuild({ name, inMain })).metafile))
      seen.set(path, (seen.get(path) ?? 0) + 1);
  const shared = [...seen].filter(([path, count]) => count > 1 && !featureOf.has(path)).map(([path]) => path);
  if (shared.length > 0) {
    probed = (await mainBuild({ asked: askedOf(), extra: shared })).metafile;
    inMain = new Set([...ownInputs(probed), LOADER]);
  }

  // Write: the features first, which say what they take from main.cjs; then main.cjs, which gives it.
  const asked = askedOf();
  const bundledBy = new Map();
  const record = (metafile, bundle) => {
    for (const path of ownInputs(metafile)) bundledBy.set(path, [...(bundledBy.get(path) ?? []), bundle]);
  };
  for (const name of Object.keys(FEATURES))
    record((await featureBuild({ name, inMain, asked: asked.get(name), write: true })).metafile, name);
  record((await mainBuild({ asked, lazilyHosted: costlyToLoad(probed), write: true })).metafile, 'main');
  const twice = [...bundledBy].filter(([, bundles]) => bundles.length > 1);
  if (twice.length > 0)
    throw new Error(
      `own modules bundled twice: ${twice.map(([path, bundles]) => `${path} (${bundles.join(', ')})`).join('; ')}`,
    );
  return vendorImports;
}

/**
 * Every bundle that src/code-cache.ts or the bin loads (all but the bin, which Node loads) stored as Node
 * would wrap a CommonJS module: the loader compiles the text as it reads it, with no second copy
 * of it made at every start (see src/code-cache.ts).
 */
export function wrapLoadedBundles(staging) {
  for (const name of readdirSync(staging, { recursive: true })) {
    const file = join(staging, name);
    if (!file.endsWith('.cjs') || name === 'stsenv.cjs') continue;
    // A #! line is a comment only at the very start of a file: kept as an empty line, so that lines keep their numbers.
    writeFileSync(file, Module.wrap(readFileSync(file, 'utf8').replace(/^#!.*/, '')));
  }
}
