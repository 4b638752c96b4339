/**
 * The keystore binding's native part as a single executable loads it
 * (src/keystore/embedded-binding.ts), in-process with a stand-in for the
 * executable's assets holding the real .node file of this platform: written
 * once, checked byte for byte before every load, never through a link or
 * from a folder that is not the user's own. The executables themselves are
 * test/windows/single-executable.test.ts's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { SeaHost } from '../../src/built-files.js';
import { loadEmbeddedBinding, NATIVE_ASSET, nativeFolder } from '../../src/keystore/embedded-binding.js';
import { tempDir } from '../support/run-cli.js';

/** This machine's .node file of the binding, where npm installed it (Linux x64 glibc here). */
function installedNative(): Buffer | undefined {
  const require = createRequire(import.meta.url);
  const name = `@napi-rs/keyring-${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : process.platform === 'win32' ? '-msvc' : ''}`;
  try {
    const dir = join(require.resolve(`${name}/package.json`), '..');
    const file = readdirSync(dir).find((f) => f.endsWith('.node'));
    return file ? readFileSync(join(dir, file)) : undefined;
  } catch {
    return undefined;
  }
}

const native = installedNative();
const home = tempDir();
after(() => home.cleanup());

let homes = 0;
function setup(withAsset = true) {
  const asset = withAsset ? native : undefined;
  const dir = join(home.dir, `home-${++homes}`);
  mkdirSync(dir);
  const env = { HOME: dir, XDG_CACHE_HOME: join(dir, '.cache') };
  const debugged: string[] = [];
  const io = {
    env,
    platform: process.platform,
    local: { pid: process.pid, uid: process.getuid?.(), isAlive: () => true },
    debug: (line: string) => debugged.push(line),
  };
  const sea: SeaHost = { root: '/nonexistent', asset: (name) => (name === NATIVE_ASSET ? asset : undefined) };
  const folder = nativeFolder(env, process.platform);
  const file = join(
    folder,
    `keyring-${createHash('sha256')
      .update(asset ?? '')
      .digest('hex')}.node`,
  );
  return { io, sea, folder, file, debugged };
}

describe('the native part of a single executable', {
  skip: native ? false : 'no binding package installed here',
}, () => {
  test('written once into a 0700 folder beside the cache, named by its SHA-256; loaded as it is after that', () => {
    const { io, sea, folder, file, debugged } = setup();
    assert.equal(typeof loadEmbeddedBinding(sea, io).Entry, 'function');
    assert.equal(folder, join(io.env.XDG_CACHE_HOME, 'stsenv-native'));
    assert.deepEqual(readdirSync(folder), [file.slice(folder.length + 1)]);
    assert.deepEqual(readFileSync(file), native);
    if (process.platform !== 'win32') {
      assert.equal(statSync(folder).mode & 0o777, 0o700);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    }
    assert.ok(debugged.some((line) => line.startsWith('keystore: writing')));
    const inode = statSync(file).ino;
    debugged.length = 0;
    assert.equal(typeof loadEmbeddedBinding(sea, io).Entry, 'function');
    assert.equal(statSync(file).ino, inode, 'not written again');
    assert.ok(!debugged.some((line) => line.startsWith('keystore: writing')));
  });

  test('a changed copy, a link planted in its name and an older build are replaced; what the link points to is untouched', () => {
    const { io, sea, folder, file } = setup();
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const older = join(folder, `keyring-${'0'.repeat(64)}.node`);
    writeFileSync(older, 'an older build', { mode: 0o600 });
    const target = join(io.env.HOME, 'elsewhere.node');
    writeFileSync(target, native!);
    symlinkSync(target, file);
    loadEmbeddedBinding(sea, io);
    assert.ok(lstatSync(file).isFile(), 'the link replaced by a file');
    assert.deepEqual(readdirSync(folder), [file.slice(folder.length + 1)], 'the older build removed');
    assert.deepEqual(readFileSync(target), native);
    writeFileSync(file, Buffer.alloc(native!.length, 0x90));
    loadEmbeddedBinding(sea, io);
    assert.deepEqual(readFileSync(file), native);
  });

  test('a folder that is a link, or that others can write, is refused and nothing is loaded', {
    skip: process.platform === 'win32' ? 'no POSIX modes on Windows' : false,
  }, () => {
    const linked = setup();
    const real = `${linked.folder}.real`;
    mkdirSync(real, { recursive: true, mode: 0o700 });
    symlinkSync(real, linked.folder);
    assert.throws(() => loadEmbeddedBinding(linked.sea, linked.io), /stsenv-native is a symbolic link/);
    assert.deepEqual(readdirSync(real), []);

    const open = setup();
    mkdirSync(open.folder, { recursive: true, mode: 0o700 });
    chmodSync(open.folder, 0o1777);
    assert.throws(() => loadEmbeddedBinding(open.sea, open.io), /stsenv-native is not a folder only you can write/);
    assert.deepEqual(readdirSync(open.folder), []);
  });

  test('an executable without the asset says so', () => {
    const { io, sea, folder } = setup(false);
    assert.throws(() => loadEmbeddedBinding(sea, io), /this executable carries no native part/);
    assert.equal(existsSync(folder), false);
    rmSync(io.env.HOME, { recursive: true, force: true });
  });
});
