/**
 * Where the keystore stands among a profile's credentials, in-process: the
 * plan the engine builds from the non-secret index alone (README: Keys in
 * the keystore). Reading the keys themselves is test/cli/keystore.test.ts's.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assumePlan, baseRoot, sessionPlan } from '../../src/engine/build-plan.js';
import { planKeys } from '../../src/engine/plan.js';
import { chooseProfile } from '../../src/engine/profile-choice.js';
import { tempDir } from '../support/run-cli.js';
import { testContext } from '../support/test-context.js';

const KEYSTORE_ID = 'AKIAKEYSTOREENGINE01';
const FILE_ID = 'AKIAFILEENGINE000001';
const ROLE = 'arn:aws:iam::123456789012:role/deploy';

const home = tempDir();
before(() => {
  mkdirSync(join(home.dir, '.aws'));
  writeFileSync(
    join(home.dir, '.aws', 'config'),
    `[profile sso-too]\ncredential_process = false\n\n[profile deploy]\nrole_arn = ${ROLE}\nsource_profile = vaulted\n\n[profile sso-only]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n\n[profile process-only]\ncredential_process = false\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n`,
  );
  writeFileSync(
    join(home.dir, '.aws', 'credentials'),
    `[both]\naws_access_key_id = ${FILE_ID}\naws_secret_access_key = file/secret\n`,
  );
  const profiles = Object.fromEntries(
    ['vaulted', 'both', 'sso-too', 'default'].map((name) => [name, { accessKeyId: KEYSTORE_ID, backend: 'os' }]),
  );
  writeFileSync(join(home.dir, '.aws', 'stsenv-keys.json'), JSON.stringify({ version: 1, profiles }), { mode: 0o600 });
});
after(() => home.cleanup());

function context(extra: NodeJS.ProcessEnv = {}) {
  return testContext({
    env: {
      HOME: home.dir,
      AWS_CONFIG_FILE: join(home.dir, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home.dir, '.aws', 'credentials'),
      ...extra,
    },
  });
}

const cases: Array<{
  name: string;
  profile?: string;
  env?: NodeJS.ProcessEnv;
  root: { kind: string; label?: RegExp };
}> = [
  {
    name: "a profile known only to the keystore exists, and its keys are the keystore's",
    profile: 'vaulted',
    root: { kind: 'keystore', label: /profile 'vaulted' \(access key AKIAKEYSTOREENGINE01, in the keystore\)/ },
  },
  {
    name: 'keys in the credentials file come before the keystore',
    profile: 'both',
    root: { kind: 'keys', label: /AKIAFILEENGINE000001/ },
  },
  {
    name: 'the keystore comes before what the SDK would resolve (credential_process)',
    profile: 'sso-too',
    root: { kind: 'keystore' },
  },
  { name: "a profile without keystore keys is the SDK's, as before", profile: 'sso-only', root: { kind: 'sdk' } },
  {
    name: 'a credential_process profile without keystore keys runs its process (stsenv runs it)',
    profile: 'process-only',
    root: { kind: 'process' },
  },
  {
    name: 'the key variables come before AWS_PROFILE, keystore or not',
    env: { AWS_PROFILE: 'vaulted', AWS_ACCESS_KEY_ID: 'AKIAENVEXAMPLE000001', AWS_SECRET_ACCESS_KEY: 'env/secret' },
    root: { kind: 'keys', label: /AWS_ACCESS_KEY_ID/ },
  },
  {
    name: "no profile: the keystore's default stands where the default profile's keys would",
    root: { kind: 'keystore', label: /profile 'default'/ },
  },
];

for (const c of cases) {
  test(`base credentials: ${c.name}`, async () => {
    const ctx = context(c.env);
    const choice = chooseProfile(c.profile, ctx.env);
    const signing = c.env?.AWS_ACCESS_KEY_ID ? undefined : choice;
    const root = await baseRoot(signing, ctx);
    assert.equal(root.kind, c.root.kind);
    if (c.root.label) assert.match(root.label, c.root.label);
  });
}

test('a role chain whose source_profile has its keys in the keystore: MFA through GetSessionToken (long-term keys), and cache keys from the index alone', async () => {
  const ctx = context();
  const plan = await assumePlan(
    {
      kind: 'assume-role',
      fields: {},
      mfa: { mfaSerial: 'arn:aws:iam::123456789012:mfa/me' },
      connection: { profile: 'deploy' },
      cache: {},
    } as never,
    chooseProfile('deploy', ctx.env),
    ctx,
  );
  assert.equal(plan.root.kind, 'keystore');
  assert.deepEqual(
    plan.steps.map((s) => s.operation),
    ['GetSessionToken', 'AssumeRole'],
  );
  assert.equal(plan.root.key, `keystore:vaulted:${KEYSTORE_ID}`);
  assert.equal(planKeys(plan, { region: 'us-east-1', endpoint: undefined }).length, 2);
});

test('session --profile of a keystore profile plans GetSessionToken of its keys', async () => {
  const ctx = context();
  const plan = await sessionPlan(
    { kind: 'session-token', durationSeconds: 3600, mfa: {}, connection: { profile: 'vaulted' }, cache: {} } as never,
    chooseProfile('vaulted', ctx.env),
    ctx,
  );
  assert.equal(plan.root.kind, 'keystore');
  assert.equal(plan.steps[0]!.operation, 'GetSessionToken');
});
