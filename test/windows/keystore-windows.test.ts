/**
 * Keys in Windows Credential Manager (README: Keys in the keystore), under
 * Wine: the Windows Node with stsenv installed as npm installs it, the
 * binding's win32-x64 package beside it as npm would install the optional
 * dependency. Wine 8 has no bcryptprimitives.dll, which the Rust-built
 * binding imports ProcessPrng from; a stand-in built with mingw-w64
 * (test/support/windows-keyring.ts) goes beside the .node file of the
 * test install only.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeSts, type FakeSts } from '../support/fake-sts.js';
import { winePath } from '../support/shells.js';
import { installWindows, runBatch, windowsEnv, type WindowsInstall } from '../support/windows-node.js';
import { KEYRING_WINDOWS_PACKAGE, windowsKeyringMissing, windowsKeyringPackage } from '../support/windows-keyring.js';

const KEY_ID = 'AKIAWINKEYEXAMPLE001';
const SECRET = 'windows/Secret+EXAMPLE00000000000000000000';

const missing = windowsKeyringMissing();

let fake: FakeSts;
let win: WindowsInstall | undefined;
before(async () => {
  fake = await startFakeSts();
});
after(async () => {
  await fake?.close();
  win?.remove();
});

test('Windows Credential Manager under Wine: keys add from stdin, keys list, session signs with them, keys rm', {
  skip: missing,
  timeout: 600_000,
}, async () => {
  const binding = windowsKeyringPackage();
  win = await installWindows();
  // Where npm puts an optional dependency of a global package: stsenv's own node_modules.
  cpSync(
    binding,
    join(win.linux(win.npmPrefix), 'node_modules', 'stsenv', 'node_modules', ...KEYRING_WINDOWS_PACKAGE.split('/')),
    {
      recursive: true,
    },
  );
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
