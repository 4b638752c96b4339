// Bundles the CLI into dist/, shaped for start-up time (npm run bench measures it):
//   stsenv.cjs       the entry: --version and --help, nothing else loaded (CommonJS
//                    starts faster than an ES module, and the entry parses in no time)
//   main.cjs         stsenv's own code for the common paths; each command initialised only when run
//   complete.cjs     the completion callback (`stsenv __complete`, every Tab), standalone: the
//                    commands' tables as data, the config reader, no main.cjs
//   features/NAME.cjs stsenv's own code for rarely run paths (sso, console, the picker, completion...)
//   vendor/yargs.cjs yargs, for the command lines the lean parser leaves to it
//   vendor/aws.cjs   the AWS SDK, for the commands that call STS
//   vendor/proxy.cjs hpagent, for an https proxy
//   vendor/sso.cjs   the SDK's SSO OIDC and SSO portal clients, for `stsenv sso login` and `logout` only
//   vendor/browser.cjs the `open` package, for `stsenv sso login` to open the sign-in page
//   vendor/picker.cjs @clack/prompts, for the profile picker of `stsenv assume` with no role
//   vendor/spawn.cjs cross-spawn, for `stsenv exec`
//   vendor/nearest.cjs fastest-levenshtein, for the nearest command or option to a mistyped one
//   vendor/split.cjs  shlex, for the command lines of mfa_process, saml_assertion_process and --browser-command
//   vendor/keyring.cjs @napi-rs/keyring, for keys in the keystore; its native part stays in its platform package
//   help/WIDTH.json  every --help text, rendered by yargs here at build time, a file per width
//   shells/          a copy of shells/, the scripts `stsenv init` and `stsenv completion` print
//   stsenv.mjs       the former entry, kept so that `node dist/stsenv.mjs` still works
// Third-party code lives only in vendor/, each of stsenv's own modules in main.cjs or in one
// feature bundle, so no module is ever loaded twice (an error class in two copies would
// break instanceof).
// Type checking is tsc's job (npm run typecheck, part of npm test).
import { build } from 'esbuild';
import { importedNames } from './build/imported-names.mjs';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const staging = `dist.tmp-${process.pid}`;
// shells/ is the one source of the shell integration: `stsenv init` prints these, from dist/shells/.
const shellsDir = new URL('./shells/', import.meta.url);

const define = { STSENV_VERSION: JSON.stringify(version) };
// The caches build-code-cache.mjs makes fit the Node that runs this build (it trains with
// process.execPath): src/code-cache.ts reads them first on that Node, and its own elsewhere.
const bundled = {
  ...define,
  STSENV_BUNDLED: 'true',
  STSENV_CODE_CACHE_NODE: JSON.stringify(`${process.version}-${process.arch}`),
};

/** Which vendor bundle a package goes to; packages not listed are bundled into main.cjs (chalk: small, and loaded lazily there). */
function vendorOf(specifier) {
  if (specifier === 'yargs' || specifier.startsWith('yargs/')) return 'yargs';
  // Only with a proxy: its https.Agent subclass would load node:https and node:tls at every start.
  if (specifier === 'hpagent') return 'proxy';
  // Only `sso login` and `sso logout` talk to IAM Identity Center: every other request would pay for them.
  if (specifier === '@aws-sdk/client-sso-oidc' || specifier === '@aws-sdk/client-sso') return 'sso';
  if (specifier === 'open') return 'browser';
  // Only `assume` with neither a role nor --profile, on a terminal, draws the picker.
  if (specifier === '@clack/prompts') return 'picker';
  // Only `stsenv exec` spawns (cross-spawn, for Windows' .cmd programs and quoting).
  if (specifier === 'cross-spawn' || specifier.startsWith('cross-spawn/')) return 'spawn';
  // Only a mistyped command or option is measured against the right ones.
  if (specifier === 'fastest-levenshtein') return 'nearest';
  // Only a command line a profile or --browser-command gives is split (mfa_process, saml_assertion_process).
  if (specifier === 'shlex') return 'split';
  // Only runs that read or change keys in the keystore load its binding (and its native part).
  if (specifier === '@napi-rs/keyring') return 'keyring';
  if (/^(@aws-sdk|@smithy|@aws)\//.test(specifier)) return 'aws';
  return undefined;
}

const cjs = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import() becomes a require() inside a promise: Node's ES module loader never starts.
  supported: { 'dynamic-import': false },
  legalComments: 'linked',
  logLevel: 'warning',
};

// Our own code keeps its identifiers so that --debug stack traces mean something.
const ownCode = {
  ...cjs,
  minifyWhitespace: true,
  minifySyntax: true,
  define: { ...bundled, 'import.meta.url': '__stsenvFile.url' },
  // import.meta.url as CommonJS has it, worked out only if a path asks (most never do).
  banner: { js: 'var __stsenvFile = { get url() { return require("node:url").pathToFileURL(__filename).href; } };' },
};

// Every package specifier own code imports, by vendor bundle, with the names it may use: a vendor
// bundle keeps only those (tree-shaken), so that no unused part runs at load. (Whole, the SDK's
// @smithy/node-http-handler would set up its HTTP/2 handler, loading node:http2 and node:assert.)
const vendored = {
  yargs: new Map(),
  aws: new Map(),
  proxy: new Map(),
  sso: new Map(),
  browser: new Map(),
  picker: new Map(),
  spawn: new Map(),
  nearest: new Map(),
  split: new Map(),
  keyring: new Map(),
};
const vendorKey = (specifier) => specifier.replace(/[^A-Za-z0-9]/g, '_');

/** The names own code imports from a package; every name the package exports when it takes the package whole. */
async function vendorNames(file, specifier) {
  return (
    importedNames(file, specifier) ??
    new Set(Object.keys(await import(specifier)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name)))
  );
}

/**
 * Own code reaches third-party code through require('vendor/NAME.cjs'), only where a module first
 * needs it. `fromFeature`: the importer is a feature bundle, in dist/features/.
 */
const vendorPlugin = (fromFeature) => ({
  name: 'vendor',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      const vendor = vendorOf(args.path);
      if (!vendor || args.namespace === 'vendor') return undefined;
      const names = vendored[vendor].get(args.path) ?? new Set();
      for (const name of await vendorNames(args.importer, args.path)) names.add(name);
      vendored[vendor].set(args.path, names);
      return { path: args.path, namespace: 'vendor', pluginData: vendor };
    });
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => {
      // One path for a bundle whoever loads it (requireBundle's cache is keyed by it).
      const dist = fromFeature ? "require('node:path').dirname(__dirname)" : '__dirname';
      const loader = fromFeature
        ? `const { requireBundle } = require('${HOST}')('src/code-cache.ts');`
        : "import { requireBundle } from './code-cache.ts';";
      // Named exports spelled out, so that imports mean what they mean unbundled.
      return {
        resolveDir: fileURLToPath(new URL('./src/', import.meta.url)),
        contents: `${loader}\n${reexport(`requireBundle(${dist} + '/vendor/${args.pluginData}.cjs').${vendorKey(args.path)}`, vendored[args.pluginData].get(args.path))}`,
        loader: 'js',
      };
    });
  },
});

/**
 * The SSO OIDC and portal APIs are unsigned (every operation is smithy.api#noAuth), yet their
 * clients import the SDK's whole default credential chain as a default they never call: half of
 * their bundle.
 * The chain is replaced by a provider that says so, should a future operation ever ask.
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

/** The entry reaches main.cjs by require, not by bundling it in. */
const entryPlugin = {
  name: 'entry',
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: './main.cjs', external: true }));
  },
};

/**
 * Own code that only rarely run paths need, in bundles of its own (dist/features/NAME.cjs), so
 * that main.cjs, which every start reads and loads, holds what the common paths run. Each
 * entry here is a module that main.cjs reaches only through `await import()`; its feature
 * bundle takes every module main.cjs holds from main.cjs itself (through the host, below), so
 * that no module is ever loaded twice, and main.cjs loads the feature where a module first
 * asks for it, as it loads vendor bundles.
 */
const FEATURES = {
  sso: 'src/sso/login.ts',
  console: 'src/console/run-console.ts',
  server: 'src/server/serve-credentials.ts',
  picker: 'src/picker/pick-profile.ts',
  complete: 'src/cli/complete.ts',
  mistakes: 'src/cli/mistakes.ts',
  'full-parser': 'src/cli/yargs-parser.ts',
  'write-profile': 'src/config/credentials-file.ts',
  saml: 'src/saml/read-saml.ts',
  doctor: 'src/doctor/run-doctor.ts',
  keystore: 'src/keystore/keystore.ts',
  // How credentials are obtained, for the commands that obtain them: `unset`, `init` and the
  // help and mistakes paths load none of it.
  engine: 'src/engine/index.ts',
  // A request to STS, for the runs the cache does not answer.
  sts: 'src/aws/sts.ts',
  // Commands that run now and then, each with what only it uses; the commands a shell runs at
  // a prompt (assume, session, unset, init, refresh, export, web-identity) stay in main.cjs.
  'command-whoami': 'src/commands/whoami.ts',
  'command-saml': 'src/commands/saml.ts',
  'command-exec': 'src/commands/exec.ts',
  'command-console': 'src/commands/console.ts',
  'command-doctor': 'src/commands/doctor.ts',
  'command-keys': 'src/commands/keys.ts',
  'command-cache': 'src/commands/cache.ts',
  'command-sso': 'src/commands/sso.ts',
  'command-completion': 'src/commands/completion.ts',
  // The helper commands of mfa_process, saml_assertion_process and --browser-command (engine and console).
  'helper-command': 'src/exec/helper-command.ts',
};
const repoPath = (file) => relative(process.cwd(), file).split(sep).join('/');
const featureOf = new Map(Object.entries(FEATURES).map(([name, entry]) => [entry, name]));
/** What a feature bundle require()s for its host: (path) => the names it takes from that module of main.cjs. */
const HOST = 'stsenv:host';

/** Resolves an own (relative) import as esbuild would, for the plugins below; undefined for anything else. */
async function resolveOwn(b, args) {
  // Only imports in src/'s files: the virtual modules of these plugins spell out their own.
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

/** The names an own import takes: named or destructured, so that the build can spell them out. */
function ownImportNames(importer, specifier) {
  const names = importedNames(importer, specifier);
  if (names) return names;
  throw new Error(
    `${repoPath(importer)} imports all of ${specifier}: name what it uses, so that the build can spell it out between main.cjs and a feature bundle`,
  );
}

/** A virtual module that exports `names` of `source` (an expression), as an import of the real module would. */
function reexport(source, names) {
  const named = [...names].filter((name) => name !== 'default');
  return `const m = ${source};\n${names.has('default') ? 'export default m.default;\n' : ''}${named.length ? `export const { ${named.join(', ')} } = m;\n` : ''}`;
}

/**
 * main.cjs's side: an import of a feature's entry becomes the feature bundle's exports, through
 * the feature's loader (one per feature, whoever imports it). Its host gives the modules the
 * feature takes from main.cjs (`asked`, by feature), each when the feature first asks for it;
 * a feature that imports another feature's entry gets that feature's exports from the host
 * too, loaded when asked. `lazilyHosted`: the modules of main.cjs that cost to load (costlyToLoad()).
 * `extra`: modules main.cjs must hold for the features, imported for their own sake.
 */
const mainFeaturesPlugin = (asked, extra = [], lazilyHosted = new Set()) => ({
  name: 'main-features',
  setup(b) {
    b.onResolve({ filter: /^\./ }, async (args) => {
      const path = await resolveOwn(b, args);
      const feature = path && featureOf.get(path);
      if (!feature) return undefined;
      const names = await ownImportNames(args.importer, args.path);
      return {
        path: `${feature}?from=${repoPath(args.importer)}`,
        namespace: 'feature',
        pluginData: { feature, names },
      };
    });
    b.onLoad({ filter: /.*/, namespace: 'feature' }, ({ pluginData: { feature, names } }) => ({
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      contents: `import { loadFeature } from 'feature-load:${feature}';\n${reexport('loadFeature()', names)}`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^feature-load:/ }, (args) => ({
      path: args.path.slice('feature-load:'.length),
      namespace: 'feature-load',
    }));
    b.onLoad({ filter: /.*/, namespace: 'feature-load' }, ({ path: feature }) => {
      const modules = [...(asked.get(feature) ?? new Map())].sort(([x], [y]) => x.localeCompare(y));
      if (!modules.some(([path]) => path === 'src/code-cache.ts'))
        throw new Error(`feature ${feature} does not take requireBundle from main.cjs`);
      const imports = [];
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
      const loader = modules.findIndex(([path]) => path === 'src/code-cache.ts');
      return {
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
        contents: [
          ...imports,
          ...extra.map((path) => `import './${path}';`),
          `const modules = { ${table.join(', ')} };`,
          `export function loadFeature() { return h${loader}_requireBundle(__dirname + '/features/${feature}.cjs', (path) => modules[path]); }`,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
});

/**
 * A feature bundle's side: every module main.cjs holds (`inMain`), and every other feature's
 * entry, is taken through the host; `asked` collects what, by module.
 */
const featurePlugin = (self, inMain, asked) => ({
  name: 'feature',
  setup(b) {
    b.onResolve({ filter: /^\./ }, async (args) => {
      const path = await resolveOwn(b, args);
      if (!path || featureOf.get(path) === self) return undefined;
      // Another feature's entry is that feature's bundle, loaded through the host; a module of main.cjs is main.cjs's.
      if (!featureOf.has(path) && !inMain.has(path)) return undefined;
      const names = await ownImportNames(args.importer, args.path);
      const taken = asked.get(path) ?? new Set();
      for (const name of names) taken.add(name);
      asked.set(path, taken);
      return { path: `${path}?from=${repoPath(args.importer)}`, namespace: 'hosted', pluginData: { path, names } };
    });
    b.onLoad({ filter: /.*/, namespace: 'hosted' }, ({ pluginData: { path, names } }) => ({
      contents: reexport(`require('${HOST}')(${JSON.stringify(path)})`, names),
      loader: 'js',
    }));
    b.onResolve({ filter: new RegExp(`^${HOST}$`) }, () => ({ path: HOST, external: true }));
  },
});

/** Node's modules that every start of stsenv has loaded already: importing them costs nothing. */
const LOADED_AT_START = new Set(['node:fs', 'node:path', 'node:module', 'node:vm']);

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

// Help is rendered here by yargs, from the same option tables, so that `stsenv --help` needs
// no yargs at run time.
const helpBuild = `dist.help-${process.pid}`;
let help;
let completionTables;
try {
  // CommonJS packages (cross-spawn) call require() for Node's modules: an ES module has none of its own.
  const requireBanner =
    "import { createRequire as __stsenvCreateRequire } from 'node:module'; const require = __stsenvCreateRequire(import.meta.url);";
  await build({
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define,
    logLevel: 'warning',
    banner: { js: requireBanner },
    external: ['@napi-rs/keyring'],
    entryPoints: { help: 'src/cli/yargs-parser.ts', tables: 'src/cli/completion-tables.ts' },
    outdir: helpBuild,
    outExtension: { '.js': '.mjs' },
  });
  const { prerenderHelp } = await import(pathToFileURL(`${helpBuild}/help.mjs`).href);
  help = await prerenderHelp();
  completionTables = await (await import(pathToFileURL(`${helpBuild}/tables.mjs`).href)).completionTables();
} finally {
  rmSync(helpBuild, { recursive: true, force: true });
}

await build({
  ...ownCode,
  entryPoints: { stsenv: 'src/cli/entry.ts' },
  outdir: staging,
  outExtension: { '.js': '.cjs' },
  plugins: [entryPlugin],
});
// The completion callback, standalone: every command's table written in as data, so that a Tab
// loads this bundle (and the config files) and not main.cjs with every command.
await build({
  ...ownCode,
  define: { ...ownCode.define, STSENV_COMPLETION_COMMANDS: JSON.stringify(completionTables) },
  entryPoints: { complete: 'src/cli/complete-instantly.ts' },
  outdir: staging,
  outExtension: { '.js': '.cjs' },
});
const mainBuild = (asked, extra, write, lazilyHosted) =>
  build({
    ...ownCode,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir: staging,
    outExtension: { '.js': '.cjs' },
    plugins: [vendorPlugin(false), mainFeaturesPlugin(asked, extra, lazilyHosted)],
    metafile: true,
    write,
  });
const featureBuild = (name, inMain, asked, write) =>
  build({
    ...ownCode,
    entryPoints: { [name]: FEATURES[name] },
    outdir: `${staging}/features`,
    outExtension: { '.js': '.cjs' },
    plugins: [vendorPlugin(true), featurePlugin(name, inMain, asked)],
    metafile: true,
    write,
  });
/** What each feature takes from main.cjs: to begin with, the loader of vendor bundles, which its third-party imports use. */
const askedOf = () =>
  new Map(Object.keys(FEATURES).map((name) => [name, new Map([['src/code-cache.ts', new Set(['requireBundle'])]])]));
const probe = askedOf();

// What main.cjs holds without the features; a module two features share joins it, so that one
// process never loads two copies of it (the yargs path loads two features).
let probed = (await mainBuild(probe, [], false)).metafile;
let inMain = ownInputs(probed);
const seen = new Map();
for (const name of Object.keys(FEATURES)) {
  for (const path of ownInputs((await featureBuild(name, inMain, new Map(), false)).metafile))
    seen.set(path, (seen.get(path) ?? 0) + 1);
}
const shared = [...seen].filter(([path, count]) => count > 1 && !featureOf.has(path)).map(([path]) => path);
if (shared.length > 0) {
  probed = (await mainBuild(probe, shared, false)).metafile;
  inMain = ownInputs(probed);
}
const lazilyHosted = costlyToLoad(probed);
const asked = askedOf();
const bundledBy = new Map();
for (const name of Object.keys(FEATURES)) {
  for (const path of ownInputs((await featureBuild(name, inMain, asked.get(name), true)).metafile))
    bundledBy.set(path, [...(bundledBy.get(path) ?? []), name]);
}
for (const path of ownInputs((await mainBuild(asked, [], true, lazilyHosted)).metafile))
  bundledBy.set(path, [...(bundledBy.get(path) ?? []), 'main']);
// The promise above, checked: each own module in exactly one bundle.
const twice = [...bundledBy].filter(([, bundles]) => bundles.length > 1);
if (twice.length > 0)
  throw new Error(
    `own modules bundled twice: ${twice.map(([path, bundles]) => `${path} (${bundles.join(', ')})`).join('; ')}`,
  );

// Each vendor bundle exports, per package specifier, an object of the names own code imports from it.
mkdirSync(`${staging}/vendor`);
for (const [vendor, specifiers] of Object.entries(vendored)) {
  const list = [...specifiers.keys()].sort();
  const contents = list
    .map((s, i) => {
      const names = [...specifiers.get(s)].sort();
      return `import * as m${i} from ${JSON.stringify(s)};\nexport const ${vendorKey(s)} = { ${names.map((n) => `${JSON.stringify(n)}: m${i}.${n}`).join(', ')} };`;
    })
    .join('\n');
  await build({
    ...cjs,
    stdin: { contents, resolveDir: '.', sourcefile: `vendor-${vendor}.js` },
    outfile: `${staging}/vendor/${vendor}.cjs`,
    // ES module builds of the SDK: tree-shaken, no CommonJS interop at load.
    mainFields: ['module', 'main'],
    minify: true,
    // yargs finds its own files from import.meta.url.
    define: { 'import.meta.url': '__stsenvFile.url' },
    banner: ownCode.banner,
    plugins: vendor === 'sso' ? [unsignedClientPlugin] : [],
    // The binding's native part cannot be bundled: it is the platform's own package (an optional
    // dependency of stsenv, installed by npm for this platform only), which the binding requires by name.
    external: vendor === 'keyring' ? ['@napi-rs/keyring-*', '*.node'] : [],
  });
}

// The old entry name, for anyone (and any script) running `node dist/stsenv.mjs`.
writeFileSync(`${staging}/stsenv.mjs`, "#!/usr/bin/env node\nimport './stsenv.cjs';\n");
chmodSync(`${staging}/stsenv.mjs`, 0o755);
chmodSync(`${staging}/stsenv.cjs`, 0o755);
mkdirSync(`${staging}/help`);
for (const [width, texts] of Object.entries(help))
  writeFileSync(`${staging}/help/${width}.json`, JSON.stringify(texts));
mkdirSync(`${staging}/shells`);
for (const name of readdirSync(shellsDir))
  writeFileSync(`${staging}/shells/${name}`, readFileSync(new URL(name, shellsDir)));

// V8's code cache for each bundle, taken after training runs of the common commands
// (build-code-cache.mjs), in a process of its own: a clean module cache, and only the
// Node flags every start has.
const training = spawnSync(
  process.execPath,
  [fileURLToPath(new URL('./build-code-cache.mjs', import.meta.url)), staging],
  { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
);
if (training.status !== 0) throw new Error(`code cache training failed:\n${training.stderr}`);

// Swap the new build in whole, so a test running beside a rebuild never sees half a dist/.
const old = `dist.old-${process.pid}`;
try {
  renameSync('dist', old);
} catch {
  // no previous build
}
renameSync(staging, 'dist');
rmSync(old, { recursive: true, force: true });
