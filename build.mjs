// Bundles the CLI into dist/, shaped for start-up time (npm run bench measures it):
//   stsenv.cjs       the entry: --version and --help, nothing else loaded (CommonJS
//                    starts faster than an ES module, and the entry parses in no time)
//   main.cjs         all of stsenv's own code; each command initialised only when run
//   vendor/yargs.cjs yargs, for the command lines the lean parser leaves to it
//   vendor/aws.cjs   the AWS SDK, for the commands that call STS
//   vendor/proxy.cjs hpagent, for an https proxy
//   vendor/config.cjs the SDK's shared config file loader, for profiles without the SDK
//   vendor/sso.cjs   the SDK's SSO OIDC and SSO portal clients, for `stsenv sso login` and `logout` only
//   vendor/browser.cjs the `open` package, for `stsenv sso login` to open the sign-in page
//   vendor/picker.cjs @clack/prompts, for the profile picker of `stsenv assume` with no role
//   vendor/spawn.cjs cross-spawn, for `stsenv exec`
//   vendor/nearest.cjs fastest-levenshtein, for the nearest command or option to a mistyped one
//   help.json        every --help text, rendered by yargs here at build time
//   shells.json      the files of shells/, which `stsenv init` and `stsenv completion` print
//   stsenv.mjs       the former entry, kept so that `node dist/stsenv.mjs` still works
// Third-party code lives only in vendor/, stsenv's own modules only in main.cjs, so
// no module is ever loaded twice (an error class in two copies would break instanceof).
// Type checking is tsc's job (npm run typecheck, part of npm test).
import { build, transform } from 'esbuild';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const staging = `dist.tmp-${process.pid}`;
// shells/ is the one source of the shell integration: `stsenv init` prints these, from dist/shells.json.
const shellsDir = new URL('./shells/', import.meta.url);
const shellFiles = Object.fromEntries(readdirSync(shellsDir).map((name) => [name, readFileSync(new URL(name, shellsDir), 'utf8')]));

const define = { STSENV_VERSION: JSON.stringify(version) };
const bundled = { ...define, STSENV_BUNDLED: 'true' };

/** Which vendor bundle a package goes to; packages not listed are bundled into main.cjs (chalk: small, and loaded lazily there). */
function vendorOf(specifier) {
  // The shared-file loader alone, so that reading ~/.aws/config (a profile's region
  // or role on a cache hit) does not load the SDK; the SDK bundle has its own copy.
  if (specifier === '@smithy/core/config') return 'config';
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

// Every package specifier main.cjs imports, by vendor bundle, with the names it may use: a vendor
// bundle keeps only those (tree-shaken), so that no unused part runs at load. (Whole, the SDK's
// @smithy/node-http-handler would set up its HTTP/2 handler, loading node:http2 and node:assert.)
const vendored = { yargs: new Map(), aws: new Map(), config: new Map(), proxy: new Map(), sso: new Map(), browser: new Map(), picker: new Map(), spawn: new Map(), nearest: new Map() };
const vendorKey = (specifier) => specifier.replace(/[^A-Za-z0-9]/g, '_');

/**
 * The names a source file imports from a package: `import { a, b as c }`, `import d, { e }` and
 * `const { f } = await import()`; every name the package exports when the file imports it any
 * other way (a namespace, say). Read from esbuild's own JavaScript for the file, which has no
 * comments and no type-only imports.
 */
async function importedNames(file, specifier) {
  const { code } = await transform(readFileSync(file, 'utf8'), { loader: file.endsWith('.ts') ? 'ts' : 'js', format: 'esm' });
  const quoted = JSON.stringify(specifier).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const list = (text) => text.split(',').map((part) => part.trim().split(/\s+as\s+|\s*:\s*/)[0]).filter(Boolean);
  const names = new Set();
  let uses = 0;
  for (const m of code.matchAll(new RegExp(`import\\s*(?:([\\w$]+)\\s*,?\\s*)?(?:\\{([^{}]*)\\})?\\s*from\\s*${quoted}`, 'g'))) {
    uses++;
    if (m[1]) names.add('default');
    if (m[2]) list(m[2]).forEach((name) => names.add(name));
  }
  for (const m of code.matchAll(new RegExp(`\\{([^{}]*)\\}\\s*=\\s*await\\s+import\\(${quoted}\\)`, 'g'))) {
    uses++;
    list(m[1]).forEach((name) => names.add(name));
  }
  if (code.split(JSON.stringify(specifier)).length - 1 === uses) return names;
  return new Set(Object.keys(await import(specifier)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name)));
}

/** main.cjs reaches third-party code through require('./vendor/NAME.cjs'), only where a module first needs it. */
const vendorPlugin = {
  name: 'vendor',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      const vendor = vendorOf(args.path);
      if (!vendor || args.namespace === 'vendor') return undefined;
      const names = vendored[vendor].get(args.path) ?? new Set();
      for (const name of await importedNames(args.importer, args.path)) names.add(name);
      vendored[vendor].set(args.path, names);
      return { path: args.path, namespace: 'vendor', pluginData: vendor };
    });
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => {
      // Named exports spelled out, so that imports mean what they mean unbundled.
      const imported = vendored[args.pluginData].get(args.path);
      const names = [...imported].filter((name) => name !== 'default');
      const hasDefault = imported.has('default');
      const from = `requireBundle(__dirname + '/vendor/${args.pluginData}.cjs').${vendorKey(args.path)}`;
      return {
        resolveDir: fileURLToPath(new URL('./src/', import.meta.url)),
        contents: `import { requireBundle } from './code-cache.ts';\nconst m = ${from};\n${hasDefault ? 'export default m.default;\n' : ''}${names.length ? `export const { ${names.join(', ')} } = m;\n` : ''}`,
        loader: 'js',
      };
    });
  },
};

/**
 * The SSO OIDC and portal APIs are unsigned (every operation is smithy.api#noAuth), yet their
 * clients import the SDK's whole default credential chain as a default they never call: half of
 * their bundle.
 * The chain is replaced by a provider that says so, should a future operation ever ask.
 */
const unsignedClientPlugin = {
  name: 'unsigned-client',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => ({ path: args.path, namespace: 'unsigned-client' }));
    b.onLoad({ filter: /.*/, namespace: 'unsigned-client' }, () => ({
      contents: 'export const defaultProvider = () => async () => { throw new Error("stsenv: the SSO clients sign no request"); };',
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

// Help is rendered here by yargs, from the same option tables, so that `stsenv --help` needs
// no yargs at run time.
const helpBuild = `dist.help-${process.pid}`;
let help;
try {
  // CommonJS packages (cross-spawn) call require() for Node's modules: an ES module has none of its own.
  const requireBanner = "import { createRequire as __stsenvCreateRequire } from 'node:module'; const require = __stsenvCreateRequire(import.meta.url);";
  await build({ bundle: true, format: 'esm', platform: 'node', target: 'node20', define, logLevel: 'warning', banner: { js: requireBanner }, entryPoints: { help: 'src/cli/yargs-parser.ts' }, outdir: helpBuild, outExtension: { '.js': '.mjs' } });
  const { prerenderHelp } = await import(pathToFileURL(`${helpBuild}/help.mjs`).href);
  help = await prerenderHelp();
} finally {
  rmSync(helpBuild, { recursive: true, force: true });
}

await build({ ...ownCode, entryPoints: { stsenv: 'src/cli/entry.ts' }, outdir: staging, outExtension: { '.js': '.cjs' }, plugins: [entryPlugin] });
await build({
  ...ownCode,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: staging,
  outExtension: { '.js': '.cjs' },
  plugins: [vendorPlugin],
});

// Each vendor bundle exports, per package specifier, an object of the names main.cjs imports from it.
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
  });
}

// The old entry name, for anyone (and any script) running `node dist/stsenv.mjs`.
writeFileSync(`${staging}/stsenv.mjs`, "#!/usr/bin/env node\nimport './stsenv.cjs';\n");
chmodSync(`${staging}/stsenv.mjs`, 0o755);
chmodSync(`${staging}/stsenv.cjs`, 0o755);
writeFileSync(`${staging}/help.json`, JSON.stringify(help));
writeFileSync(`${staging}/shells.json`, JSON.stringify(shellFiles));

// V8's code cache for each bundle, taken after training runs of the common commands
// (build-code-cache.mjs), in a process of its own: a clean module cache, and only the
// Node flags every start has.
const training = spawnSync(process.execPath, [fileURLToPath(new URL('./build-code-cache.mjs', import.meta.url)), staging], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
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
