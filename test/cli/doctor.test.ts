/**
 * `stsenv doctor` end to end: a clean configuration, each fault it names
 * (one config each), which credentials sign, the cache folder, the shell
 * integration, and the clock against the loopback STS's Date header, true
 * and skewed. No secret in any line.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, isolatedEnv, runCli, type CliResult } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const sts = useStsFixture({ eachTest: true });

const CLEAN_CONFIG = `[default]
region = eu-west-1

[profile dev]
region = eu-west-1

[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = dev
duration_seconds = 7200

[profile admin]
role_arn = arn:aws:iam::210987654321:role/admin
source_profile = deploy
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`;
const CLEAN_CREDENTIALS = `[dev]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`;

function write(config: string, credentials = CLEAN_CREDENTIALS): void {
  mkdirSync(join(sts.home.dir, '.aws'), { recursive: true });
  writeFileSync(join(sts.home.dir, '.aws', 'config'), config);
  writeFileSync(join(sts.home.dir, '.aws', 'credentials'), credentials);
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  });
}

async function doctor(args: string[] = [], extra: NodeJS.ProcessEnv = {}): Promise<CliResult & { lines: string[] }> {
  const result = await runCli(['doctor', ...args], { env: env(extra) });
  assert.equal(result.stdout, '', 'the report is on stderr: stdout is for the shell');
  for (const secret of [BASE_SECRET_ACCESS_KEY, 'session-token-SECRET'])
    assert.ok(!result.stderr.includes(secret), 'no secret in the report');
  return { ...result, lines: result.stderr.trimEnd().split('\n') };
}

function problems(lines: string[]): string[] {
  return lines.filter((line) => line.startsWith('problem: '));
}

describe('stsenv doctor', () => {
  test('a clean configuration, the clock true: exit 0, a line per check, nothing wrong', async () => {
    write(CLEAN_CONFIG.replace('duration_seconds = 7200\n', ''));
    const run = await doctor();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(problems(run.lines), []);
    assert.equal(run.lines.at(-1), 'no problems found');
    for (const topic of [
      'runtime',
      'shell integration',
      'credential store',
      'config',
      "profile 'admin'",
      "profile 'sso'",
      'credentials',
      'clock',
    ]) {
      assert.ok(
        run.lines.some((line) => line.includes(`: ${topic}: `)),
        `a line about ${topic}:\n${run.stderr}`,
      );
    }
    assert.ok(
      run.lines.includes(`ok: credentials: the key variables sign: access key ${BASE_ACCESS_KEY_ID} (long-term keys)`),
      run.stderr,
    );
    assert.match(run.stderr, /^ok: clock: within a second or two of 127\.0\.0\.1:\d+$/m);
    assert.equal(sts.fake.requests.length, 1, 'one request: the clock');
  });

  test('a skewed clock is named with the fix; --offline sends nothing and says the clock was not checked', async () => {
    write(CLEAN_CONFIG.replace('duration_seconds = 7200\n', ''));
    sts.fake.skewDate(-7 * 60_000);
    const skewed = await doctor();
    assert.equal(skewed.code, 1);
    assert.match(
      skewed.stderr,
      /^problem: clock: this machine's clock is (?:6m 59s|7m 0s|7m 1s) ahead of 127\.0\.0\.1:\d+: requests signed more than 5 minutes off fail \(SignatureDoesNotMatch, Signature expired\); sync it: sudo timedatectl set-ntp true$/m,
    );
    sts.fake.skewDate(90_000);
    assert.match((await doctor()).stderr, /^problem: clock: this machine's clock is 1m (?:29|30|31)s behind/m);
    sts.fake.skewDate(20_000);
    const small = await doctor();
    assert.equal(small.code, 0, small.stderr);
    assert.match(small.stderr, /^note: clock: (?:19|20|21)s behind .*fine, under a minute$/m);
    sts.fake.reset();
    const offline = await doctor(['--offline'], { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
    assert.equal(offline.code, 0, offline.stderr);
    assert.ok(offline.lines.includes('note: clock: not checked (--offline)'));
    assert.equal(sts.fake.requests.length, 0);
    const badRegion = await doctor([], { AWS_ENDPOINT_URL_STS: undefined, AWS_REGION: 'moon-1' });
    assert.equal(badRegion.code, 1);
    assert.match(badRegion.stderr, /^problem: clock: not checked: invalid AWS_REGION 'moon-1'/m);
    const unreachable = await doctor([], { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
    assert.equal(unreachable.code, 1);
    assert.match(
      unreachable.stderr,
      /^problem: clock: cannot reach http:\/\/127\.0\.0\.1:9 to compare clocks \(ECONNREFUSED\)/m,
    );
  });

  const faults: Array<[string, string, string | undefined, RegExp]> = [
    [
      'a source_profile that names nothing',
      '[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = nowhere\n',
      undefined,
      /^problem: profile 'a': source_profile of profile 'a' names profile 'nowhere', which is not in the AWS config or credentials file/m,
    ],
    [
      'an sso_session that names nothing',
      '[profile a]\nsso_session = gone\nsso_account_id = 123456789012\nsso_role_name = x\n',
      undefined,
      /^problem: profile 'a': sso_session = gone names no \[sso-session gone\] section/m,
    ],
    [
      'a credential_source no tool knows',
      '[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\ncredential_source = Environmnet\n',
      undefined,
      /^problem: profile 'a': credential_source = Environmnet is none of Environment, Ec2InstanceMetadata, EcsContainer/m,
    ],
    [
      'a role_arn of the wrong shape',
      '[profile a]\nrole_arn = arn:aws:iam::12345:role/a\nsource_profile = a\n',
      undefined,
      /^problem: profile 'a': invalid role_arn in profile 'a'/m,
    ],
    [
      'a profile defined twice',
      '[profile a]\nregion = eu-west-1\n\n[profile a]\nregion = us-east-1\n',
      undefined,
      /^problem: config: .*config line 4: \[profile a\] is written twice .* \(first on line 1\)/m,
    ],
    [
      'a key set twice',
      '[profile a]\nregion = eu-west-1\nregion = us-east-1\n',
      undefined,
      /^problem: config: .*config line 3: region is set twice in \[a\] \(first on line 2\): the later value wins/m,
    ],
    [
      'a key with a typo',
      '[profile a]\nsource_profil = b\n',
      undefined,
      /^problem: config: .*config line 2: unknown key 'source_profil': did you mean source_profile\?/m,
    ],
    [
      'an indented key',
      '[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\n  source_profile = dev\n',
      undefined,
      /^problem: config: .*config line 3: 'source_profile' is indented: the AWS CLI reads it as part of the value of 'role_arn' above it/m,
    ],
    [
      'a key with stray whitespace',
      '[profile a]\nrole arn = arn:aws:iam::123456789012:role/a\n',
      undefined,
      /^problem: config: .*config line 2: the key 'role arn' has stray whitespace .*: write role_arn/m,
    ],
    [
      'a section with stray whitespace',
      '[profile  a ]\nregion = eu-west-1\n',
      undefined,
      /^problem: config: .*config line 1: section \[profile {2}a \] has stray whitespace: write \[profile a\]/m,
    ],
    [
      'a config section without `profile`',
      '[a]\nregion = eu-west-1\n',
      undefined,
      /^problem: config: .*config line 1: \[a\] in the config file is read by no AWS CLI or SDK: write \[profile a\]/m,
    ],
    [
      'a role chain asking for more than an hour',
      CLEAN_CONFIG.replace('source_profile = deploy\n', 'source_profile = deploy\nduration_seconds = 7200\n').replace(
        'duration_seconds = 7200\n',
        '',
      ),
      undefined,
      /^problem: profile 'admin': duration_seconds = 7200, but it is assumed with another role's credentials \(deploy -> admin\), which AWS allows 1 hour at most/m,
    ],
    [
      'a loop',
      '[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n',
      undefined,
      /^problem: profile 'a': profiles form a loop: a -> b -> a/m,
    ],
    [
      'a secret key without its id, in the credentials file',
      '[profile a]\nregion = eu-west-1\n',
      `[a]\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
      /^problem: profile 'a': has aws_secret_access_key but no aws_access_key_id$/m,
    ],
  ];
  for (const [name, config, credentials, expected] of faults) {
    test(`names ${name}, exit 1`, async () => {
      write(config, credentials ?? CLEAN_CREDENTIALS);
      const run = await doctor(['--offline']);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, expected);
      assert.notEqual(run.lines.at(-1), 'no problems found');
    });
  }

  test('which credentials sign: AWS_PROFILE without keys, a profile that is not there, half a key pair, expired variables', async () => {
    write(CLEAN_CONFIG);
    const viaProfile = await doctor(['--offline'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: 'admin',
    });
    assert.ok(
      viaProfile.lines.includes(
        "ok: credentials: profile 'admin' signs (from AWS_PROFILE; no key variables are set), through its role chain",
      ),
      viaProfile.stderr,
    );
    const keysFirst = await doctor(['--offline'], { AWS_PROFILE: 'admin' });
    assert.match(keysFirst.stderr, /the key variables sign: .*; they come before AWS_PROFILE=admin, as in the AWS CLI/);
    const missing = await doctor(['--offline'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: 'nope',
    });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^problem: credentials: AWS_PROFILE names profile 'nope', which is in neither/m);
    const half = await doctor(['--offline'], { AWS_SECRET_ACCESS_KEY: undefined });
    assert.match(half.stderr, /^problem: credentials: AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY/m);
    const expired = await doctor(['--offline'], {
      AWS_SESSION_TOKEN: 'session-token-SECRET',
      AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z',
      STSENV_ROLE_ARN: 'arn:aws:iam::123456789012:role/deploy',
    });
    assert.match(
      expired.stderr,
      /^ok: credentials: the key variables sign: access key \S+ \(session credentials, of role arn:aws:iam::123456789012:role\/deploy from stsenv\)$/m,
    );
    assert.match(
      expired.stderr,
      /^problem: credentials: the credentials in the key variables expired at 2020-01-01T00:00:00Z: run stsenv unset/m,
    );
  });

  test('a cache folder others can read is named with the fix', async (t) => {
    if (process.platform === 'win32') return t.skip('POSIX modes');
    write(CLEAN_CONFIG.replace('duration_seconds = 7200\n', ''));
    const dir = join(sts.home.dir, '.cache', 'stsenv');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, `${'a'.repeat(64)}.json`), '{}', { mode: 0o644 });
    const run = await doctor(['--offline']);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(
        `^problem: credential store: ${dir} can be read or changed by others \\(mode 755\\): chmod 700 ${dir}$`,
        'm',
      ),
    );
    assert.match(run.stderr, /^problem: credential store: 1 file in .* can be read by others: chmod 600/m);
  });

  test('through the init function (STSENV_EVAL): the integration is loaded, and nothing goes to stdout for the shell to evaluate', async () => {
    write(CLEAN_CONFIG.replace('duration_seconds = 7200\n', ''));
    const run = await doctor(['--offline'], { STSENV_EVAL: 'bash' });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(
      run.lines.includes('ok: shell integration: loaded: this ran through the stsenv function of stsenv init (bash)'),
      run.stderr,
    );
    const plain = await doctor(['--offline']);
    assert.match(plain.stderr, /^note: shell integration: not loaded/m);
  });
});

describe('the shared files as written (in-process)', () => {
  test('nested settings under an empty key are not indented keys; comments, blank lines and [services] are fine', async () => {
    const { lintSharedFile } = await import('../../src/doctor/config-lint.js');
    const text =
      '# top\n[default]\nregion = eu-west-1 ; note\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\n\n[services dev]\nsts =\n  endpoint_url = http://127.0.0.1:1\n[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n';
    assert.deepEqual(lintSharedFile(text, 'config', 'config'), []);
  });

  test('the credentials file: [profile x] is a profile named "profile x"; values never appear', async () => {
    const { lintSharedFile } = await import('../../src/doctor/config-lint.js');
    const findings = lintSharedFile(
      `[profile a]\naws_access_key_id = AKID\n aws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
      'credentials',
      'credentials',
    );
    assert.deepEqual(
      findings.map((f) => f.level),
      ['problem', 'problem'],
    );
    assert.match(findings[0]!.text, /names a profile called 'profile a': write \[a\]/);
    assert.match(findings[1]!.text, /'aws_secret_access_key' is indented/);
    assert.ok(!JSON.stringify(findings).includes(BASE_SECRET_ACCESS_KEY));
  });
});
