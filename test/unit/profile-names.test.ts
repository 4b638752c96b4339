/**
 * The profile names a Tab offers are kept between runs
 * (src/cache/profile-names.ts): the same names the loader gives, kept
 * only while neither shared file changes, only in a folder of our own, and
 * never a value of the config.
 */
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { type NameKeeper, profileNameLines } from '../../src/cache/profile-names.js';
import { tempDir } from '../support/run-cli.js';

const scratch = tempDir('stsenv-names-');
after(() => scratch.cleanup());

const local: NameKeeper = { pid: process.pid, uid: process.getuid?.(), platform: process.platform };
const posix = process.platform !== 'win32';
let cases = 0;

/** A config and credentials of their own, and a cache home of their own. */
function setUp(config: string, credentials?: string) {
  const dir = join(scratch.dir, `case-${++cases}`);
  const cache = join(dir, 'cache');
  writeFileSync(join(scratch.dir, `case-${cases}.config`), config);
  if (credentials !== undefined) writeFileSync(join(scratch.dir, `case-${cases}.credentials`), credentials);
  const env = {
    HOME: dir,
    XDG_CACHE_HOME: cache,
    AWS_CONFIG_FILE: join(scratch.dir, `case-${cases}.config`),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch.dir, `case-${cases}.credentials`),
  };
  const folder = join(cache, 'stsenv-profile-names');
  const kept = () => (existsSync(folder) ? readdirSync(folder).map((name) => join(folder, name)) : []);
  return { env, folder, kept };
}

/** Each call as a run of its own: a run reads the shared files once (sharedConfig keeps them by its env). */
const names = (env: NodeJS.ProcessEnv) => profileNameLines({ ...env }, local);

/** Files written just now may still change within the same tick of the file system's clock: names are kept only after it. */
const settle = () => sleep(150);

const CONFIG =
  '[default]\nregion = eu-west-1\n\n[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/secret-role\n';

describe('profile names kept between Tabs', () => {
  test('the names the loader gives, kept 0600 in a 0700 folder, names only', async () => {
    const { env, folder, kept } = setUp(CONFIG, '[keys]\naws_access_key_id = AKIAEXAMPLEKEY\n');
    await settle();
    assert.equal(names(env), 'default\ndev\nkeys');
    const [file, ...more] = kept();
    assert.ok(file !== undefined && more.length === 0);
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /secret-role|AKIAEXAMPLEKEY|eu-west-1/);
    if (posix) {
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(folder).mode & 0o777, 0o700);
    }
    // Read from the file while neither shared file changes.
    writeFileSync(file, text.replace('default\\ndev\\nkeys', 'from-the-index'));
    assert.equal(names(env), 'from-the-index');
  });

  test('a change to either file, or a file that appears, and the names are read again', async () => {
    const { env, kept } = setUp(CONFIG);
    await settle();
    assert.equal(names(env), 'default\ndev');
    const [file] = kept();
    const plant = () => writeFileSync(file!, readFileSync(file!, 'utf8').replace(/"names":"[^"]*"/, '"names":"stale"'));
    plant();
    assert.equal(names(env), 'stale');
    appendFileSync(env.AWS_CONFIG_FILE, '[profile added]\nregion = eu-north-1\n');
    assert.equal(names(env), 'default\ndev\nadded');
    await settle();
    assert.equal(names(env), 'default\ndev\nadded');
    plant();
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, '[creds]\naws_access_key_id = AKIAEXAMPLEKEY\n');
    assert.equal(names(env), 'default\ndev\nadded\ncreds');
  });

  test('files changed just now: the names are read, not kept', () => {
    const { env, kept } = setUp(CONFIG);
    assert.equal(names(env), 'default\ndev');
    assert.deepEqual(kept(), []);
  });

  test('without the process that keeps them, nothing is written', async () => {
    const { env, kept } = setUp(CONFIG);
    await settle();
    assert.equal(profileNameLines({ ...env }), 'default\ndev');
    assert.deepEqual(kept(), []);
  });

  test('a malformed config: an error as every command gives, and nothing kept', async () => {
    const { env, kept } = setUp('[profile dev\nregion = eu-west-1\n');
    await settle();
    assert.throws(() => names(env), /malformed at line 1/);
    assert.deepEqual(kept(), []);
  });

  test('a folder others can write: neither read nor written', { skip: !posix }, async () => {
    const { env, folder, kept } = setUp(CONFIG);
    await settle();
    names(env);
    const [file] = kept();
    writeFileSync(file!, readFileSync(file!, 'utf8').replace(/"names":"[^"]*"/, '"names":"planted"'));
    chmodSync(folder, 0o777);
    assert.equal(names(env), 'default\ndev');
    assert.match(readFileSync(file!, 'utf8'), /planted/);
    chmodSync(folder, 0o700);
    chmodSync(file!, 0o666);
    assert.equal(names(env), 'default\ndev');
  });
});
