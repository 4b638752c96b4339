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
import { MAX_KEYS, recordText, rememberChecks, WORTH_REMEMBERING } from '../../src/config/checked-files.js';
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
  return { run, records, record, plant, configPath, credentialsPath: baseEnv.AWS_SHARED_CREDENTIALS_FILE, folder };
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
    assert.match(text, /\nwell-formed\n/);
    // Where the sections looked up are, never what they hold.
    assert.doesNotMatch(text, /role|us-east-1|arn:/);
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

  test('a run that needs only the sections earlier runs looked up reads only those', async () => {
    // p7 twice: the loader merges both sections; a record that held only the first would show it.
    const { run, record, configPath } = setUp(largeConfig(3000, '[profile p7]\nexternal_id = second-section\n'));
    await settle();
    const whole = run().profile('p7');
    assert.equal(whole?.external_id, 'second-section');
    const [, , , , listed] = readFileSync(record, 'utf8').split('\n');
    const sections = new Map(JSON.parse(listed!) as Array<[string, Array<[number, number]>]>);
    assert.equal(sections.get('profile.p7')?.length, 2);
    assert.deepEqual(run().profile('p7'), whole);
    // Only the recorded parts are read: a record that leaves out the second section hides it.
    const state = stateOf(statSync(configPath));
    const first = new Map([['profile.p7', sections.get('profile.p7')!.slice(1)]]);
    writeFileSync(record, recordText(configPath, state, false, first), { mode: 0o600 });
    assert.equal(run().profile('p7')?.external_id, undefined);
  });

  test('a section no record holds is read from the whole file, and recorded; a record that lies is not used', async () => {
    const { run, record, configPath } = setUp(largeConfig(3000));
    await settle();
    const plain = (name: string) =>
      sharedConfig({ AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' }).profile(name);
    assert.deepEqual(run().profile('p10'), plain('p10'));
    // Remembered p10 only: p11 is asked of the whole file, then kept.
    assert.deepEqual(run().profile('p11'), plain('p11'));
    assert.match(readFileSync(record, 'utf8'), /"profile\.p10".*"profile\.p11"/);
    assert.deepEqual(run().profile('p11'), plain('p11'));
    // A range that is not a section of its key: the file is read whole.
    const state = stateOf(statSync(configPath));
    const recorded = new Map(
      JSON.parse(readFileSync(record, 'utf8').split('\n')[4]!) as Array<[string, Array<[number, number]>]>,
    );
    writeFileSync(
      record,
      recordText(configPath, state, false, new Map([['profile.p10', recorded.get('profile.p11')!]])),
      { mode: 0o600 },
    );
    assert.deepEqual(run().profile('p10'), plain('p10'));
    writeFileSync(record, recordText(configPath, state, false, new Map([['profile.p10', [[5, 10_000_000]]]])), {
      mode: 0o600,
    });
    assert.deepEqual(run().profile('p10'), plain('p10'));
  });

  test('the sections of the newest keys only, and none for a file of characters wider than a byte', async () => {
    const many = setUp(largeConfig(3000));
    await settle();
    for (let i = 0; i < MAX_KEYS + 8; i++) many.run().profile(`p${i}`);
    const listed = JSON.parse(readFileSync(many.record, 'utf8').split('\n')[4]!) as Array<[string]>;
    assert.equal(listed.length, MAX_KEYS);
    assert.equal(listed.at(-1)![0], `profile.p${MAX_KEYS + 7}`);

    const wide = setUp(largeConfig(3000, '[profile cafe]\nregion = eu-west-3\nnote = café\n'));
    await settle();
    assert.equal(wide.run().profile('cafe')?.note, 'café');
    assert.match(readFileSync(wide.record, 'utf8'), /\nwell-formed\n\[\]\n$/);
    assert.equal(wide.run().profile('cafe')?.note, 'café');
  });

  test('a run from the recorded parts sees what a run of the whole file sees, and hands the SDK the same', async () => {
    const filler = Array.from({ length: 1500 }, (_, i) => `[profile f${i}]\nregion = eu-west-1\n`).join('');
    for (let seed = 1; seed <= 12; seed++) {
      const names = ['a', 'b', 'default', '2', 'nope', 'x+y', 'a.b'];
      const text = `${filler}[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a${seed}\nsource_profile = b\n\n  [profile b]\nregion = us-west-${seed % 3}\n[default]\ns3 =\n  max_concurrent_requests = ${seed}\n[profile "x+y"]\nk = v\n[profile a]\nexternal_id = e${seed}\n`;
      const { run, record, configPath, credentialsPath } = setUp(text);
      await settle();
      const plainEnv = { AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath };
      for (const round of [1, 2, 3]) {
        const files = run();
        for (const name of names)
          assert.deepEqual(
            files.profile(name),
            sharedConfig({ ...plainEnv }).profile(name),
            `seed ${seed} round ${round} ${name}`,
          );
        assert.deepEqual(
          files.sdkFiles(['a']),
          sharedConfig({ ...plainEnv }).sdkFiles(['a']),
          `seed ${seed} round ${round}`,
        );
        // From the second round on, the runs read the parts the first recorded.
        if (round === 1) assert.match(readFileSync(record, 'utf8'), /"profile\.a".*"profile\.b"/);
      }
    }
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
