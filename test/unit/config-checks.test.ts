/**
 * A large shared file found well-formed is remembered as such until it
 * changes (src/config/checked-files.ts): a run that finds it as it was skips
 * the pass over every line, and nothing but that is taken from the record.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { recordText, rememberChecks, WORTH_REMEMBERING } from '../../src/config/checked-files.js';
import { sharedConfig } from '../../src/config/shared-files.js';
import { stateOf } from '../../src/files/file-state.js';
import { fnv1a } from '../../src/files/private-files.js';
import { tempDir } from '../support/run-cli.js';

const scratch = tempDir('stsenv-checks-');
after(() => scratch.cleanup());
const posix = process.platform !== 'win32';
const keeper = { pid: process.pid, uid: process.getuid?.() };
let cases = 0;

/** A config of `count` role profiles: 3,000 make about 300 KB. */
function largeConfig(count: number, extra = ''): string {
  const lines = ['[profile base]', 'region = us-east-1', extra];
  for (let i = 0; i < count; i++)
    lines.push(`[profile p${i}]`, `role_arn = arn:aws:iam::123456789012:role/r${i}`, 'source_profile = base', '');
  return lines.join('\n');
}

/** Malformed at its very last line. */
const BROKEN = `${largeConfig(3000)}\n[profile broken\n`;

function setUp(config: string) {
  const dir = join(scratch.dir, `case-${++cases}`);
  const folder = join(dir, 'checks');
  const configPath = join(scratch.dir, `case-${cases}.config`);
  writeFileSync(configPath, config);
  const baseEnv = { HOME: dir, AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
  /** A run of its own: sharedConfig reads the files once per environment object. */
  const run = () => {
    const env = { ...baseEnv };
    rememberChecks(env, { folder: () => folder, keeper });
    return sharedConfig(env);
  };
  const records = () => (existsSync(folder) ? readdirSync(folder) : []);
  const record = join(folder, fnv1a(configPath));
  /** A record that says the file, as it is now, was found well-formed. */
  const plant = (text = recordText(configPath, stateOf(statSync(configPath)), false)) => {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    writeFileSync(record, text, { mode: 0o600 });
  };
  return { run, records, record, plant, configPath, folder };
}

/** Files written just now may still change within the same tick of the file system's clock: nothing is kept before it passes. */
const settle = () => sleep(150);

describe('large shared files: checked whole once while unchanged', () => {
  test('a well-formed large file is remembered 0600 in a 0700 folder, without its content', async () => {
    const { run, records, record, folder } = setUp(largeConfig(3000));
    await settle();
    assert.equal(run().profile('p1500')?.role_arn, 'arn:aws:iam::123456789012:role/r1500');
    assert.equal(records().length, 1);
    const text = readFileSync(record, 'utf8');
    assert.match(text, /well-formed\n$/);
    assert.doesNotMatch(text, /role|us-east-1|p1500/);
    if (posix) {
      assert.equal(statSync(record).mode & 0o777, 0o600);
      assert.equal(statSync(folder).mode & 0o777, 0o700);
    }
    // Used: the next run still reads its values from the file itself.
    assert.equal(run().profile('base')?.region, 'us-east-1');
  });

  test('a run that finds the file as its record says skips the check; any change and it is checked again', async () => {
    const { run, plant, configPath } = setUp(BROKEN);
    await settle();
    assert.throws(() => run(), /malformed at line 12004: a section header without its closing \]/);
    // Only the record can let this file through.
    plant();
    assert.equal(run().profile('p7')?.source_profile, 'base');
    appendFileSync(configPath, '\n');
    assert.throws(() => run(), /malformed at line 12004/);
  });

  test('a record of another form, or in a folder others may write, is not trusted', async () => {
    const { run, plant, configPath, folder } = setUp(BROKEN);
    await settle();
    plant(recordText(configPath, stateOf(statSync(configPath)), false).replace('well-formed', 'checked'));
    assert.throws(() => run(), /malformed at line/);
    plant(recordText(`${configPath}.other`, stateOf(statSync(configPath)), false));
    assert.throws(() => run(), /malformed at line/);
    if (posix) {
      plant();
      chmodSync(folder, 0o777);
      assert.throws(() => run(), /malformed at line/);
    }
  });

  test('nothing is kept of a small file, of a malformed one, or of one that has just changed', async () => {
    assert.ok(largeConfig(10).length < WORTH_REMEMBERING);
    const small = setUp(largeConfig(10));
    await settle();
    small.run().profile('p1');
    assert.deepEqual(small.records(), []);

    const broken = setUp(BROKEN);
    await settle();
    assert.throws(() => broken.run(), /malformed at line/);
    assert.deepEqual(broken.records(), []);

    const fresh = setUp(largeConfig(3000));
    fresh.run().profile('p1');
    assert.deepEqual(fresh.records(), []);
    await settle();
    fresh.run().profile('p1');
    assert.equal(fresh.records().length, 1);
  });

  test('a file the loader reads as empty stays empty when remembered', async () => {
    const { run, record } = setUp(largeConfig(3000, '[profile __proto__]\nregion = eu-west-1\n'));
    await settle();
    assert.equal(run().profile('p1'), undefined);
    assert.match(readFileSync(record, 'utf8'), /read as empty/);
    assert.equal(run().profile('p1'), undefined);
    assert.deepEqual(run().profileNames(), []);
  });
});
