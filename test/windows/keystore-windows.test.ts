/**
 * Keys in Windows Credential Manager (README: Keys in the keystore), under
 * Wine: the Windows Node with stsenv installed as npm installs it, the
 * binding's win32-x64 package beside it as npm would install the optional
 * dependency. Wine 8 has no bcryptprimitives.dll, which the Rust-built
 * binding imports ProcessPrng from; a stand-in built here with mingw-w64
 * (test/support/windows/process-prng.c) goes beside the .node file of the
 * test install only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFakeSts, type FakeSts } from '../support/fake-sts.js';
import { findShell, testCacheDir, which, winePath } from '../support/shells.js';
import { installWindows, runBatch, windowsEnv, type WindowsInstall } from '../support/windows-node.js';

const KEY_ID = 'AKIAWINKEYEXAMPLE001';
const SECRET = 'windows/Secret+EXAMPLE00000000000000000000';
const MINGW = 'x86_64-w64-mingw32-gcc';
const BINDING = '@napi-rs/keyring-win32-x64-msvc';
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    optionalDependencies: Record<string, string>;
  }
).optionalDependencies[BINDING]!;

const missing = !findShell('cmd')
  ? 'wine is not installed'
  : !which(MINGW)
    ? `${MINGW} is not installed (apt-get install gcc-mingw-w64-x86-64-win32)`
    : undefined;

let fake: FakeSts;
let win: WindowsInstall | undefined;
before(async () => {
  fake = await startFakeSts();
});
after(async () => {
  await fake?.close();
  win?.remove();
});

/** The binding's win32-x64 package (npm pack: its "os" keeps npm install from taking it on Linux) and the stand-in DLL, made once in the test cache folder. */
function bindingPackage(): string {
  const target = join(testCacheDir(), `keyring-win32-x64-msvc-${VERSION}`);
  if (existsSync(join(target, 'bcryptprimitives.dll'))) return target;
  const work = mkdtempSync(join(tmpdir(), 'stsenv-keyring-win-'));
  try {
    const pack = spawnSync(
      'npm',
      ['pack', `${BINDING}@${VERSION}`, '--cache', join(work, 'npm-cache'), '--loglevel=error'],
      { cwd: work, encoding: 'utf8' },
    );
    if (pack.status !== 0) throw new Error(`npm pack ${BINDING}@${VERSION} failed: ${pack.stderr}`);
    const tar = spawnSync('tar', ['xzf', pack.stdout.trim().split('\n').pop()!], { cwd: work, encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`unpacking ${BINDING} failed: ${tar.stderr}`);
    const source = fileURLToPath(new URL('../support/windows/process-prng.c', import.meta.url));
    const cc = spawnSync(
      MINGW,
      ['-O2', '-shared', '-s', '-o', join(work, 'package', 'bcryptprimitives.dll'), source, '-ladvapi32'],
      { encoding: 'utf8' },
    );
    if (cc.status !== 0) throw new Error(`${MINGW} failed: ${cc.stderr}`);
    mkdirSync(testCacheDir(), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(join(work, 'package'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

test('Windows Credential Manager under Wine: keys add from stdin, keys list, session signs with them, keys rm', {
  skip: missing,
  timeout: 600_000,
}, async () => {
  const binding = bindingPackage();
  win = await installWindows();
  // Where npm puts an optional dependency of a global package: stsenv's own node_modules.
  cpSync(binding, join(win.linux(win.npmPrefix), 'node_modules', 'stsenv', 'node_modules', ...BINDING.split('/')), {
    recursive: true,
  });
  const dir = join(win.root, 'case');
  mkdirSync(dir);
  writeFileSync(join(dir, 'keys.txt'), `${KEY_ID}\r\n${SECRET}\r\n`);
  // A profile of this run's own: Wine keeps Credential Manager in the shared prefix.
  const profile = `win-${process.pid}`;
  const env = windowsEnv({ AWS_ENDPOINT_URL_STS: fake.url, STSENV_NO_CACHE: '1' });
  const result = await runBatch(
    dir,
    [
      ...win.prologue(),
      `call stsenv keys add ${profile} < "${winePath(join(dir, 'keys.txt'))}" 2> "${winePath(join(dir, 'add.err'))}"`,
      `>"${winePath(join(dir, 'add.code'))}" echo %ERRORLEVEL%`,
      `call stsenv keys list > "${winePath(join(dir, 'list.out'))}"`,
      `call stsenv session --profile ${profile} --shell json > "${winePath(join(dir, 'session.json'))}" 2> "${winePath(join(dir, 'session.err'))}"`,
      `call stsenv keys rm ${profile} 2> "${winePath(join(dir, 'rm.err'))}"`,
      `>"${winePath(join(dir, 'rm.code'))}" echo %ERRORLEVEL%`,
    ],
    { env },
  );
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(read('add.code').trim(), '0', read('add.err'));
  assert.match(read('add.err'), /in Windows Credential Manager/);
  assert.match(read('list.out'), new RegExp(`^${profile}\\tAKIA…E001\\tWindows Credential Manager\\r?\\n$`));
  assert.equal(JSON.parse(read('session.json')).AccessKeyId, fake.issued[0]?.accessKeyId, read('session.err'));
  assert.deepEqual(
    fake.requests.map((r) => [r.action, r.accessKeyId]),
    [['GetSessionToken', KEY_ID]],
  );
  assert.equal(read('rm.code').trim(), '0', read('rm.err'));
  for (const name of ['add.err', 'session.err', 'rm.err']) assert.ok(!read(name).includes(SECRET));
});
