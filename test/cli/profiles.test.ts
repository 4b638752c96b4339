/**
 * AWS config profiles end to end. Role chains against the loopback
 * STS: the exact calls, in order, and which access key signed each; the
 * settings of each profile sent as asked, flags overriding; bad profiles
 * refused before any request.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { BASE_ACCESS_KEY_ID, isolatedEnv, runCli } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const STATIC_KEY = 'AKIDPROFILESTATIC001';
const STATIC_SECRET = 'profile/static+SECRET00000000000000000000';
const PROCESS_KEY = 'AKIDFROMPROCESS00001';

const CONFIG = `# the user's own notes stay untouched
[default]
region = us-west-2

[profile dev]
region = eu-west-1

[profile hop1]
role_arn = arn:aws:iam::111111111111:role/hop1
source_profile = dev
external_id = ext-hop1
role_session_name = hop1-session
duration_seconds = 1800

[profile hop2]
role_arn = arn:aws:iam::222222222222:role/hop2
source_profile = hop1
region = eu-central-1

[profile from-env]
role_arn = arn:aws:iam::333333333333:role/env-role
credential_source = Environment

[profile self]
role_arn = arn:aws:iam::444444444444:role/self
source_profile = self
aws_access_key_id = AKIDSELFSOURCE000001
aws_secret_access_key = self/secret

[profile loop-a]
role_arn = arn:aws:iam::555555555555:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::555555555555:role/b
source_profile = loop-a

[profile dangling]
role_arn = arn:aws:iam::666666666666:role/d
source_profile = nowhere

[profile no-source]
role_arn = arn:aws:iam::666666666666:role/n

[profile via-process]
role_arn = arn:aws:iam::777777777777:role/p
source_profile = process
`;

const CREDENTIALS = `[dev]
aws_access_key_id = ${STATIC_KEY}
aws_secret_access_key = ${STATIC_SECRET}
`;

const sts = useStsFixture({
  setup: ({ home }) => {
    mkdirSync(join(home.dir, 'conf'));
    // Not ~/.aws: proves AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are what is read.
    // A source profile only the SDK can resolve: credential_process.
    const script = join(home.dir, 'conf', 'process.mjs');
    writeFileSync(
      script,
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: '${PROCESS_KEY}', SecretAccessKey: 'process/secret' }));\n`,
    );
    writeFileSync(
      join(home.dir, 'conf', 'my-config'),
      `${CONFIG}\n[profile process]\ncredential_process = ${process.execPath} ${script}\n`,
    );
    writeFileSync(join(home.dir, 'conf', 'my-credentials'), CREDENTIALS);
  },
});
beforeEach(() => sts.fake.reset());

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    AWS_CONFIG_FILE: join(sts.home.dir, 'conf', 'my-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(sts.home.dir, 'conf', 'my-credentials'),
    ...extra,
  });
}

/** Each request as "Action RoleArn signed-by". */
function calls(): string[] {
  return sts.fake.requests.map((r) => `${r.action} ${r.params.RoleArn ?? '-'} ${r.accessKeyId ?? 'unsigned'}`);
}

function exported(stdout: string, name: string): string | undefined {
  return new RegExp(`^export ${name}='([^']*)';$`, 'm').exec(stdout)?.[1];
}

describe('role profiles', () => {
  test('a chain: each hop signed with the one before, from the static keys of the source profile', async () => {
    const run = await runCli(['assume', '--profile', 'hop2'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    const [first, second] = sts.fake.issued;
    assert.deepEqual(calls(), [
      `AssumeRole arn:aws:iam::111111111111:role/hop1 ${STATIC_KEY}`,
      `AssumeRole arn:aws:iam::222222222222:role/hop2 ${first!.accessKeyId}`,
    ]);
    const [hop1, hop2] = sts.fake.requests.map((r) => r.params);
    assert.equal(hop1!.ExternalId, 'ext-hop1');
    assert.equal(hop1!.RoleSessionName, 'hop1-session');
    assert.equal(hop1!.DurationSeconds, '1800');
    assert.equal(hop2!.ExternalId, undefined, 'settings stay with their profile');
    assert.match(hop2!.RoleSessionName!, /^stsenv-tester-\d+$/);
    assert.equal(exported(run.stdout, 'AWS_ACCESS_KEY_ID'), second!.accessKeyId);
    assert.equal(exported(run.stdout, 'AWS_SESSION_TOKEN'), second!.sessionToken);
    assert.equal(exported(run.stdout, 'AWS_REGION'), 'eu-central-1', "the named profile's region");
  });

  test('flags override the profile: session name, duration, external id; tags and policy are sent', async () => {
    const run = await runCli(
      [
        'assume',
        '--profile',
        'hop1',
        '--session-name',
        'mine',
        '--duration',
        '15m',
        '--external-id',
        'ext-flag',
        '--tag',
        'team=ops',
        '--region',
        'ap-south-1',
      ],
      { env: env() },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(calls(), [`AssumeRole arn:aws:iam::111111111111:role/hop1 ${STATIC_KEY}`]);
    const p = sts.fake.requests[0]!.params;
    assert.equal(p.RoleSessionName, 'mine');
    assert.equal(p.DurationSeconds, '900');
    assert.equal(p.ExternalId, 'ext-flag');
    assert.equal(p['Tags.member.1.Key'], 'team');
    assert.equal(exported(run.stdout, 'AWS_REGION'), 'ap-south-1');
  });

  test('assume ROLE --profile ROLE_PROFILE: the role profile is the base of one more hop', async () => {
    const run = await runCli(['assume', 'arn:aws:iam::999999999999:role/target', '--profile', 'hop1'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(calls(), [
      `AssumeRole arn:aws:iam::111111111111:role/hop1 ${STATIC_KEY}`,
      `AssumeRole arn:aws:iam::999999999999:role/target ${sts.fake.issued[0]!.accessKeyId}`,
    ]);
  });

  test('assume ROLE --profile STATIC_PROFILE signs with that profile, not the environment', async () => {
    const run = await runCli(['assume', 'arn:aws:iam::999999999999:role/target', '--profile', 'dev'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(calls(), [`AssumeRole arn:aws:iam::999999999999:role/target ${STATIC_KEY}`]);
  });

  test('AWS_PROFILE naming a role profile is followed the same way (when no key variables come first)', async () => {
    const run = await runCli(['assume', 'arn:aws:iam::999999999999:role/target'], {
      env: env({ AWS_PROFILE: 'hop1', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sts.fake.requests[0]!.accessKeyId, STATIC_KEY);
    assert.equal(sts.fake.requests[1]!.accessKeyId, sts.fake.issued[0]!.accessKeyId);
  });

  test('credential_source = Environment: the environment keys sign the first hop', async () => {
    const run = await runCli(['assume', '--profile', 'from-env'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(calls(), [`AssumeRole arn:aws:iam::333333333333:role/env-role ${BASE_ACCESS_KEY_ID}`]);
  });

  test('a source profile the SDK resolves (credential_process) signs the first hop', async () => {
    const run = await runCli(['assume', '--profile', 'via-process'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(calls(), [`AssumeRole arn:aws:iam::777777777777:role/p ${PROCESS_KEY}`]);
  });

  test('a profile that is its own source_profile uses its own keys', async () => {
    const run = await runCli(['assume', '--profile', 'self'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(calls(), ['AssumeRole arn:aws:iam::444444444444:role/self AKIDSELFSOURCE000001']);
  });

  const refused: Array<{ args: string[]; message: RegExp }> = [
    { args: ['assume', '--profile', 'loop-a'], message: /loop: loop-a -> loop-b -> loop-a/ },
    { args: ['assume', '--profile', 'nope'], message: /'nope'.*not in the AWS config/ },
    { args: ['assume', 'arn:aws:iam::999999999999:role/target', '--profile', 'nope'], message: /'nope'/ },
    {
      args: ['assume', '--profile', 'dangling'],
      message: /source_profile of profile 'dangling' names profile 'nowhere'/,
    },
    { args: ['assume', '--profile', 'no-source'], message: /neither source_profile nor credential_source/ },
    { args: ['assume', '--profile', 'dev'], message: /'dev' is not a role profile/ },
    { args: ['export', '--profile', 'nope'], message: /'nope'/ },
    { args: ['session', '--profile', 'hop1'], message: /role profile/ },
  ];
  for (const { args, message } of refused) {
    test(`exit 2 before any request: stsenv ${args.join(' ')}`, async () => {
      const run = await runCli(args, { env: env() });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.equal(sts.fake.requests.length, 0);
    });
  }
});

describe('export', () => {
  test('a static profile: its keys, no request, in any format', async () => {
    const run = await runCli(['export', '--profile', 'dev', '--shell', 'json'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { Version: 1, AccessKeyId: STATIC_KEY, SecretAccessKey: STATIC_SECRET });
    assert.equal(sts.fake.requests.length, 0);
    const posix = await runCli(['export', '--profile', 'dev'], { env: env() });
    assert.equal(exported(posix.stdout, 'AWS_ACCESS_KEY_ID'), STATIC_KEY);
    assert.match(posix.stdout, /^unset AWS_SESSION_TOKEN;$/m, 'no token: an old one is cleared');
  });

  test('the default chain: the environment keys', async () => {
    const run = await runCli(['export', '--shell', 'dotenv'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^AWS_ACCESS_KEY_ID=${BASE_ACCESS_KEY_ID}$`, 'm'));
  });

  test('a role profile: the chain, like assume --profile', async () => {
    const run = await runCli(['export', '--profile', 'hop2', '--shell', 'json'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sts.fake.requests.length, 2);
    const issued = sts.fake.issued.at(-1)!;
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.AccessKeyId, issued.accessKeyId);
    assert.equal(doc.SessionToken, issued.sessionToken);
  });
});

describe('whoami --profile', () => {
  test('a role profile resolves through the engine, as assume --profile does: its chain, its session name, the cache', async () => {
    const cached = env({ STSENV_NO_CACHE: undefined });
    const run = await runCli(['whoami', '--profile', 'hop2', '--json'], { env: cached });
    assert.equal(run.code, 0, run.stderr);
    const [first, second] = sts.fake.issued;
    assert.deepEqual(calls(), [
      `AssumeRole arn:aws:iam::111111111111:role/hop1 ${STATIC_KEY}`,
      `AssumeRole arn:aws:iam::222222222222:role/hop2 ${first!.accessKeyId}`,
      `GetCallerIdentity - ${second!.accessKeyId}`,
    ]);
    assert.match(sts.fake.requestsFor('AssumeRole')[1]!.params.RoleSessionName!, /^stsenv-/);
    // The role's credentials are cached as assume caches them: assume then makes no request.
    sts.fake.reset();
    const assume = await runCli(['assume', '--profile', 'hop2', '--shell', 'json'], { env: cached });
    assert.equal(assume.code, 0, assume.stderr);
    assert.deepEqual(calls(), []);
  });

  test('a credential_source profile works for whoami as it does for assume', async () => {
    const run = await runCli(['whoami', '--profile', 'from-env'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      calls().map((line) => line.split(' ')[0]),
      ['AssumeRole', 'GetCallerIdentity'],
    );
  });
});
