/**
 * STSENV_KEYSTORE=file, the encrypted file for machines without a keystore
 * service: its passphrase asked on the terminal once per run, a wrong
 * passphrase and a changed file refused with a clear line, and writers in
 * several processes at once each keeping the others' keys.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fileBackend } from '../../src/keystore/file-backend.js';
import { StsenvError } from '../../src/errors.js';
import { screenText, scriptExecutable, startPty } from '../support/pty.js';
import { CLI, isolatedEnv, tempDir } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const KEY_ID = 'AKIAFILEKEYEXAMPLE01';
const SECRET = 'file/Secret+EXAMPLE000000000000000000000000';
const local = { pid: process.pid, uid: process.getuid?.(), isAlive: () => true };

function backend(file: string, passphrase: string) {
  let asked = 0;
  const store = fileBackend(file, {
    local,
    passphrase: async () => {
      asked++;
      return passphrase;
    },
  });
  return { store, asked: () => asked };
}

async function refusal(run: Promise<unknown>): Promise<StsenvError> {
  try {
    await run;
  } catch (error) {
    assert.ok(error instanceof StsenvError, String(error));
    return error;
  }
  assert.fail('no error');
}

test('keys are sealed in a 0600 file that holds no secret in clear; one passphrase per backend, however many profiles', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'keys.enc');
    const writer = backend(file, 'correct horse');
    await writer.store.set('dev', { accessKeyId: KEY_ID, secretAccessKey: SECRET });
    await writer.store.set('ci', { accessKeyId: 'AKIACIKEYEXAMPLE0001', secretAccessKey: SECRET });
    assert.equal(writer.asked(), 1);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(SECRET) && !text.includes(KEY_ID));
    const reader = backend(file, 'correct horse');
    assert.deepEqual(await reader.store.get('dev'), { accessKeyId: KEY_ID, secretAccessKey: SECRET });
    assert.deepEqual((await reader.store.get('ci'))?.accessKeyId, 'AKIACIKEYEXAMPLE0001');
    assert.equal(await reader.store.get('nobody'), undefined);
    assert.equal(reader.asked(), 1);
    assert.equal(await reader.store.remove('ci'), true);
    assert.equal(await backend(file, 'correct horse').store.get('ci'), undefined);
  } finally {
    cleanup();
  }
});

test('a wrong passphrase is said as such (exit 2), and nothing is written', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'keys.enc');
    await backend(file, 'correct horse').store.set('dev', { accessKeyId: KEY_ID, secretAccessKey: SECRET });
    const before = readFileSync(file, 'utf8');
    const error = await refusal(backend(file, 'wrong horse').store.get('dev'));
    assert.match(error.message, /^wrong passphrase for the encrypted keystore /);
    assert.equal(error.exitCode, 2);
    await refusal(backend(file, 'wrong horse').store.set('other', { accessKeyId: KEY_ID, secretAccessKey: SECRET }));
    assert.equal(readFileSync(file, 'utf8'), before);
  } finally {
    cleanup();
  }
});

test('a changed file is refused as damaged: a flipped byte, an item moved to another profile, broken JSON', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'keys.enc');
    await backend(file, 'pw').store.set('dev', { accessKeyId: KEY_ID, secretAccessKey: SECRET });
    await backend(file, 'pw').store.set('prod', { accessKeyId: 'AKIAPRODEXAMPLE00001', secretAccessKey: SECRET });
    const original = JSON.parse(readFileSync(file, 'utf8'));

    const flipped = structuredClone(original);
    const data = Buffer.from(flipped.profiles.dev.data, 'base64');
    data.writeUInt8(data.readUInt8(0) ^ 1, 0);
    flipped.profiles.dev.data = data.toString('base64');
    writeFileSync(file, JSON.stringify(flipped));
    let error = await refusal(backend(file, 'pw').store.get('dev'));
    assert.match(
      error.message,
      /is damaged or was changed by something other than stsenv \(the item of profile 'dev' does not verify\)/,
    );
    assert.equal(error.exitCode, 1);

    const swapped = structuredClone(original);
    swapped.profiles.dev = original.profiles.prod;
    writeFileSync(file, JSON.stringify(swapped));
    error = await refusal(backend(file, 'pw').store.get('dev'));
    assert.match(error.message, /damaged/);

    writeFileSync(file, '{"version":1,');
    error = await refusal(backend(file, 'pw').store.get('dev'));
    assert.match(error.message, /damaged .*\(not JSON\)/);
    for (const message of [error.message, error.hint ?? '']) assert.ok(!message.includes(SECRET));
  } finally {
    cleanup();
  }
});

const WRITER = `
import { fileBackend } from ${JSON.stringify(fileURLToPath(new URL('../../src/keystore/file-backend.ts', import.meta.url)))};
const [file, profile] = process.argv.slice(-2);
const local = { pid: process.pid, uid: process.getuid(), isAlive: (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } } };
await fileBackend(file, { local, passphrase: async () => 'shared passphrase' }).set(profile, { accessKeyId: 'AKIA' + profile.toUpperCase().padEnd(16, '0'), secretAccessKey: 'secret/' + profile + '0000000000000000' });
`;

test('writers in six processes at once, the file new to all of them: every profile is kept', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'keys.enc');
    const script = join(dir, 'writer.mts');
    writeFileSync(script, WRITER);
    const profiles = ['one', 'two', 'three', 'four', 'five', 'six'];
    const codes = await Promise.all(
      profiles.map(
        (profile) =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', script, file, profile], {
              stdio: ['ignore', 'ignore', 'pipe'],
            });
            let stderr = '';
            child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
            child.on('close', (code) => resolve(`${code}${stderr}`));
          }),
      ),
    );
    assert.deepEqual(
      codes,
      profiles.map(() => '0'),
    );
    const reader = backend(file, 'shared passphrase');
    for (const profile of profiles)
      assert.equal((await reader.store.get(profile))?.accessKeyId, `AKIA${profile.toUpperCase().padEnd(16, '0')}`);
  } finally {
    cleanup();
  }
});

const sts = useStsFixture();

function pty(t: TestContext, command: string, env: NodeJS.ProcessEnv) {
  const script = scriptExecutable();
  if (!script) {
    t.skip('script (util-linux) is not installed');
    return undefined;
  }
  return startPty(script, command, env);
}

test('STSENV_KEYSTORE=file end to end: keys add asks the passphrase twice on the terminal, the secret not shown; session asks it once and signs', async (t) => {
  mkdirSync(join(sts.home.dir, '.aws'), { recursive: true });
  const env = isolatedEnv(sts.home.dir, {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    STSENV_KEYSTORE: 'file',
  });
  const out = join(sts.home.dir, 'out');
  const add = pty(t, `${process.execPath} ${CLI} keys add dev 2>${out}.add`, env);
  if (!add) return;
  await add.waitFor(/Access key id for profile 'dev': $/);
  await add.press(`${KEY_ID}\r`, /Secret access key \(not shown\): $/);
  await add.press(`${SECRET}\r`, /Passphrase for .*stsenv-keys\.enc: $/);
  await add.press('pass phrase\r', /The same passphrase again: $/);
  await add.press('pass phrase\r');
  assert.equal(await add.exit, 0, readFileSync(`${out}.add`, 'utf8'));
  assert.ok(
    !add.raw.includes(SECRET) && !add.raw.includes('pass phrase'),
    'neither the secret nor the passphrase is echoed',
  );
  assert.ok(screenText(add.raw).includes(KEY_ID), 'the key id is echoed');
  assert.match(readFileSync(`${out}.add`, 'utf8'), /in the encrypted file .*stsenv-keys\.enc/);

  const session = pty(
    t,
    `${process.execPath} ${CLI} session --profile dev --endpoint-url ${sts.fake.url} --shell json >${out}.json 2>${out}.err`,
    env,
  );
  await session!.waitFor(/Passphrase for .*: $/);
  await session!.press('pass phrase\r');
  assert.equal(await session!.exit, 0, readFileSync(`${out}.err`, 'utf8'));
  assert.equal(JSON.parse(readFileSync(`${out}.json`, 'utf8')).AccessKeyId, sts.fake.issued[0]!.accessKeyId);
  assert.deepEqual(
    sts.fake.requests.map((r) => [r.action, r.accessKeyId]),
    [['GetSessionToken', KEY_ID]],
  );

  const wrong = pty(
    t,
    `${process.execPath} ${CLI} session --profile dev --endpoint-url ${sts.fake.url} 2>${out}.wrong`,
    env,
  );
  await wrong!.waitFor(/Passphrase for .*: $/);
  await wrong!.press('not it\r');
  assert.equal(await wrong!.exit, 2);
  assert.match(
    readFileSync(`${out}.wrong`, 'utf8'),
    /^stsenv: error: wrong passphrase for the encrypted keystore .*stsenv-keys\.enc/,
  );
});
