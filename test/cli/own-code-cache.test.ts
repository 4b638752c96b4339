/**
 * stsenv's own V8 code cache, for a Node the shipped one (dist/*.cjs.cache,
 * made by the Node that ran the build) does not fit: made at the end of the
 * first run in stsenv-code-cache/ beside the credential cache (0700, files
 * 0600), used from the second; and a cache that cannot be written or must not
 * be trusted costs only speed, never an error or a line on stderr.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI, isolatedEnv, tempDir } from '../support/run-cli.js';
import { MAJORS, nodeBinary } from '../support/runtimes.mjs';

/** A supported Node other than the one that runs the tests (and built dist/): its V8 rejects the shipped caches. */
const OTHER_NODE = MAJORS.map((major) => nodeBinary(major)).find(
  (node) => spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim() !== process.version,
)!;

const home = tempDir('stsenv-code-cache-');
after(() => home.cleanup());

let homes = 0;
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = join(home.dir, `home-${++homes}`);
  mkdirSync(dir);
  return isolatedEnv(dir, extra);
}

function stsenv(
  args: string[],
  environment: NodeJS.ProcessEnv,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(OTHER_NODE, [CLI, ...args], { env: environment, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const UNSET = ['unset', '--shell', 'bash'];

test('another Node: the first run makes a cache (0700 folder, 0600 file), the second uses it as it is', () => {
  const e = env();
  const folder = join(e.XDG_CACHE_HOME!, 'stsenv-code-cache');
  const first = stsenv(UNSET, e);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stderr, '');
  const files = readdirSync(folder);
  assert.equal(files.length, 1, `one bundle loaded, one cache: ${files.join(', ')}`);
  assert.equal(statSync(folder).mode & 0o777, 0o700);
  const file = join(folder, files[0]!);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(existsSync(join(e.XDG_CACHE_HOME!, 'stsenv')), false, 'nothing in the credential cache folder');
  const made = statSync(file);
  const second = stsenv(UNSET, e);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
  assert.equal(second.stderr, '');
  const used = statSync(file);
  assert.deepEqual([used.ino, used.mtimeMs], [made.ino, made.mtimeMs], 'accepted by V8: not written again');
  assert.deepEqual(readdirSync(folder), files, 'no temp file left');
});

test('a cache that cannot be written costs nothing else: no error, no stderr, the same output', () => {
  const reference = stsenv(UNSET, env());
  // A cache root that is not a folder (as a full disk or a read-only HOME fails a write).
  const blocked = env();
  writeFileSync(join(blocked.HOME!, 'not-a-folder'), '');
  const run = stsenv(UNSET, { ...blocked, XDG_CACHE_HOME: join(blocked.HOME!, 'not-a-folder') });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.equal(run.stdout, reference.stdout);
});

test('a folder or file someone else could have written is neither used nor followed', () => {
  // A folder writable by others: not trusted, nothing written into it.
  const open = env();
  const openFolder = join(open.XDG_CACHE_HOME!, 'stsenv-code-cache');
  mkdirSync(openFolder, { recursive: true });
  chmodSync(openFolder, 0o777);
  const first = stsenv(UNSET, open);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stderr, '');
  assert.deepEqual(readdirSync(openFolder), []);

  // A folder that is a symbolic link: not followed.
  const linked = env();
  const real = join(linked.HOME!, 'real');
  mkdirSync(real, { mode: 0o700 });
  mkdirSync(linked.XDG_CACHE_HOME!, { recursive: true });
  symlinkSync(real, join(linked.XDG_CACHE_HOME!, 'stsenv-code-cache'));
  const second = stsenv(UNSET, linked);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stderr, '');
  assert.deepEqual(readdirSync(real), []);

  // A cache file writable by others (planted): not read, replaced by one of our own.
  const planted = env();
  const made = stsenv(UNSET, planted);
  assert.equal(made.code, 0, made.stderr);
  const folder = join(planted.XDG_CACHE_HOME!, 'stsenv-code-cache');
  const file = join(folder, readdirSync(folder)[0]!);
  writeFileSync(file, 'not a code cache');
  chmodSync(file, 0o666);
  const third = stsenv(UNSET, planted);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(third.stderr, '');
  assert.equal(statSync(file).mode & 0o777, 0o600, 'replaced by one of our own');
});
