/**
 * One rule for every file stsenv writes or trusts (src/files/trust.ts, README
 * "Security"): another user's symbolic link or file is refused, so is a
 * folder others can write without the sticky bit; reads never block on a
 * FIFO and stop at a size no real file reaches. Each attack here got
 * through once. Foreign ownership is a chown to a uid that is not ours
 * (the tests run as root where they can; elsewhere those cases are skipped).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lchownSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
  ftruncateSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedEnv, runCli, writeBaseProfile, type CliResult } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const OTHER_UID = 12345;
const asRoot = process.getuid?.() === 0;
const POSIX = process.platform !== 'win32';
/** A hang is a failure, not a stalled run. */
const QUICK = 20_000;

const fixture = useStsFixture({ eachTest: true });
const env = (extra: NodeJS.ProcessEnv = {}) =>
  isolatedEnv(fixture.home.dir, { AWS_ENDPOINT_URL_STS: fixture.fake.url, AWS_REGION: 'us-east-1', ...extra });
const run = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  runCli(args, { env: env(extra), timeoutMs: QUICK });

function fifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

describe('--write-profile', { skip: !POSIX }, () => {
  test("another user's symbolic link in a sticky shared folder is not followed (it pointed at the victim's .bashrc)", {
    skip: !asRoot,
  }, async () => {
    const shared = join(fixture.home.dir, 'ci');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const bashrc = join(fixture.home.dir, '.bashrc');
    writeFileSync(bashrc, 'alias ll="ls -l"\n', { mode: 0o644 });
    const link = join(shared, 'creds');
    symlinkSync(bashrc, link);
    lchownSync(link, OTHER_UID, OTHER_UID);
    const result = await run(['assume', ROLE, '--write-profile', 'ci'], { AWS_SHARED_CREDENTIALS_FILE: link });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /symbolic link owned by uid 12345/);
    assert.equal(readFileSync(bashrc, 'utf8'), 'alias ll="ls -l"\n', 'the target is untouched');
  });

  test('a credentials file owned by another user is refused, not only warned about', { skip: !asRoot }, async () => {
    const file = join(fixture.home.dir, 'creds');
    writeFileSync(file, '[x]\naws_access_key_id = A\n', { mode: 0o600 });
    chownSync(file, OTHER_UID, OTHER_UID);
    const result = await run(['assume', ROLE, '--write-profile', 'p'], { AWS_SHARED_CREDENTIALS_FILE: file });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /owned by uid 12345/);
    assert.equal(readFileSync(file, 'utf8'), '[x]\naws_access_key_id = A\n');
  });

  test('a folder others can write without the sticky bit is refused', async () => {
    const open = join(fixture.home.dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const result = await run(['assume', ROLE, '--write-profile', 'p'], {
      AWS_SHARED_CREDENTIALS_FILE: join(open, 'creds'),
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /writable by group or others without the sticky bit/);
    assert.deepEqual(readdirSync(open), []);
  });

  test('a FIFO as credentials.lock fails at once instead of hanging', async () => {
    writeBaseProfile(fixture.home.dir);
    fifo(join(fixture.home.dir, '.aws', 'credentials.lock'));
    const result = await run(['assume', ROLE, '--write-profile', 'p']);
    assert.equal(result.signal, null, 'killed: it hung');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /credentials\.lock: it is not a regular file/);
  });
});

describe('the credential cache', { skip: !POSIX }, () => {
  const cacheDir = () => join(fixture.home.dir, '.cache', 'stsenv');
  const cached = { STSENV_NO_CACHE: undefined };

  test('a FIFO as a cache entry is refused at once: assume and cache list go on', async () => {
    assert.equal((await run(['assume', ROLE], cached)).code, 0);
    const [entry] = readdirSync(cacheDir()).filter((n) => n.endsWith('.json'));
    rmSync(join(cacheDir(), entry!));
    fifo(join(cacheDir(), entry!));
    const again = await run(['assume', ROLE], cached);
    assert.equal(again.signal, null, 'killed: it hung');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /ignoring cache entry .*not a regular file/);
    const list = await run(['cache', 'list'], cached);
    assert.equal(list.signal, null, 'killed: it hung');
    assert.equal(list.code, 0, list.stderr);
  });

  test('a 2 GB sparse cache entry is not read', async () => {
    assert.equal((await run(['assume', ROLE], cached)).code, 0);
    const [entry] = readdirSync(cacheDir()).filter((n) => n.endsWith('.json'));
    const fd = openSync(join(cacheDir(), entry!), 'r+');
    ftruncateSync(fd, 2 * 1024 ** 3);
    closeSync(fd);
    const started = Date.now();
    const again = await run(['assume', ROLE], cached);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /larger than 65536 bytes/);
    assert.ok(Date.now() - started < 10_000, 'read quickly');
  });

  test('a cache entry owned by another user is never used', { skip: !asRoot }, async () => {
    assert.equal((await run(['assume', ROLE], cached)).code, 0);
    const [entry] = readdirSync(cacheDir()).filter((n) => n.endsWith('.json'));
    chownSync(join(cacheDir(), entry!), OTHER_UID, OTHER_UID);
    const again = await run(['assume', ROLE], cached);
    assert.match(again.stderr, /ignoring cache entry .*owned by uid 12345/);
    assert.equal(fixture.fake.requestsFor('AssumeRole').length, 2, 'asked STS again');
  });
});

describe('the SSO token cache', { skip: !POSIX }, () => {
  const ssoConfig = () => {
    mkdirSync(join(fixture.home.dir, '.aws'), { recursive: true });
    writeFileSync(
      join(fixture.home.dir, '.aws', 'config'),
      '[profile corp]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
    );
    const cache = join(fixture.home.dir, '.aws', 'sso', 'cache');
    return cache;
  };

  test("the cache folder as a link to another user's world-writable folder is refused before the SDK reads it", {
    skip: !asRoot,
  }, async () => {
    const cache = ssoConfig();
    const theirs = join(fixture.home.dir, 'theirs');
    mkdirSync(theirs);
    chmodSync(theirs, 0o777);
    chownSync(theirs, OTHER_UID, OTHER_UID);
    mkdirSync(join(cache, '..'), { recursive: true });
    symlinkSync(theirs, cache);
    lchownSync(cache, OTHER_UID, OTHER_UID);
    const result = await run(['assume', ROLE, '--profile', 'corp']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /not using the SSO cache: .*symbolic link owned by uid 12345/);
  });

  test('a world-writable cache folder, and a token file of another user, are refused', async (t) => {
    const cache = ssoConfig();
    mkdirSync(cache, { recursive: true });
    chmodSync(cache, 0o777);
    const open = await run(['assume', ROLE, '--profile', 'corp']);
    assert.equal(open.code, 1, open.stderr);
    assert.match(open.stderr, /not using the SSO cache: .*writable by group or others without the sticky bit/);
    if (!asRoot) return t.skip('needs root to chown');
    chmodSync(cache, 0o700);
    const token = join(cache, `${'a'.repeat(40)}.json`);
    writeFileSync(token, '{}', { mode: 0o644 });
    chownSync(token, OTHER_UID, OTHER_UID);
    const swapped = await run(['assume', ROLE, '--profile', 'corp']);
    assert.equal(swapped.code, 1, swapped.stderr);
    assert.match(swapped.stderr, /not using the SSO cache: .*owned by uid 12345/);
  });

  test('a FIFO in the cache folder: sso logout --all does not hang', async () => {
    const cache = ssoConfig();
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    fifo(join(cache, `${'b'.repeat(40)}.json`));
    const result = await run(['sso', 'logout', '--all']);
    assert.equal(result.signal, null, 'killed: it hung');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /not a regular file/);
    assert.ok(existsSync(join(cache, `${'b'.repeat(40)}.json`)));
  });
});

describe('the shared config file', { skip: !POSIX }, () => {
  test('a FIFO as the AWS config file is refused at once', async () => {
    mkdirSync(join(fixture.home.dir, '.aws'), { recursive: true });
    fifo(join(fixture.home.dir, '.aws', 'config'));
    const result = await run(['assume', ROLE, '--profile', 'x']);
    assert.equal(result.signal, null, 'killed: it hung');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /cannot read AWS config file .*not a regular file/);
  });
});
