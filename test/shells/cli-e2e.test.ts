/**
 * End to end: the built CLI against the loopback STS endpoint, its
 * stdout evaluated by real shells, the environment read back.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { listStructs, listValues, type IssuedCredentials } from '../support/fake-sts.js';
import { assertCredentialEnv, exportedExpiration } from '../support/expect-env.js';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, CLI, isolatedEnv, runCli, tempDir } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';
import {
  cmdEvalAndDump,
  dumpEnvCommand,
  parseCmdDump,
  parseEnvDump,
  requireShellOrSkip,
  runCmdBatch,
  runShellScript,
  scratchFile,
  shQuote,
} from '../support/shells.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const STALE = { AWS_PROFILE: 'stale-profile', AWS_DEFAULT_PROFILE: 'stale-default', AWS_SECURITY_TOKEN: 'stale-token' };

const sts = useStsFixture();

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, { AWS_ENDPOINT_URL_STS: sts.fake.url, ...extra });
}

function lastIssued(): IssuedCredentials {
  const issued = sts.fake.issued.at(-1);
  assert.ok(issued, 'the endpoint issued credentials');
  return issued;
}

function asStrings(dump: Map<string, Buffer>): Map<string, string> {
  return new Map([...dump].map(([k, v]) => [k, v.toString('utf8')]));
}

const cliWord = `${shQuote(process.execPath)} ${shQuote(CLI)}`;

describe('assume, evaluated by real shells', () => {
  // The stale variables are exported after stsenv ran (it would use AWS_PROFILE
  // for its own base credentials) and before its output is evaluated.
  const staleExports = Object.entries(STALE)
    .map(([k, v]) => `export ${k}=${v}`)
    .join('\n');
  const staleFish = Object.entries(STALE)
    .map(([k, v]) => `set -gx ${k} ${v}`)
    .join('\n');
  const cases: Array<{ shell: string; format: string; script: (args: string) => string }> = [
    {
      shell: 'bash',
      format: 'bash',
      script: (args) => `out="$(${cliWord} ${args})" || exit 9\n${staleExports}\neval "$out"\n${dumpEnvCommand()}\n`,
    },
    // Unquoted, as in countless blog posts: the shell joins the lines into one.
    {
      shell: 'bash',
      format: 'bash',
      script: (args) => `out=$(${cliWord} ${args}) || exit 9\n${staleExports}\neval $out\n${dumpEnvCommand()}\n`,
    },
    {
      shell: 'dash',
      format: 'sh',
      script: (args) => `out="$(${cliWord} ${args})" || exit 9\n${staleExports}\neval "$out"\n${dumpEnvCommand()}\n`,
    },
    {
      shell: 'zsh',
      format: 'zsh',
      script: (args) => `out="$(${cliWord} ${args})" || exit 9\n${staleExports}\neval "$out"\n${dumpEnvCommand()}\n`,
    },
    {
      shell: 'fish',
      format: 'fish',
      script: (args) =>
        `set -l out (${cliWord} ${args} | string collect); or exit 9\n${staleFish}\nprintf '%s\\n' "$out" | source\n${dumpEnvCommand()}\n`,
    },
  ];
  for (const [index, { shell, format, script }] of cases.entries()) {
    const label = index === 1 ? 'bash, unquoted eval $(...)' : shell;
    test(label, async (t) => {
      if (!requireShellOrSkip(t, shell)) return;
      const args = `assume ${ROLE} --shell ${format} --region eu-west-2`;
      const result = await runShellScript(shell, script(args), { env: env() as Record<string, string> });
      assert.equal(result.code, 0, result.stderr);
      assertCredentialEnv(asStrings(parseEnvDump(result.stdout)), lastIssued(), 'eu-west-2');
      assert.equal(result.stderr, '', 'nothing for people on a quiet success');
    });
  }

  test('cmd under Wine reads --shell cmd output', async (t) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    const run = await runCli(['assume', ROLE, '--shell', 'cmd'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^set "AWS_ACCESS_KEY_ID=[^"]+"\r\n/);
    const batch = await runCmdBatch(cmdEvalAndDump(scratchFile('.txt', run.stdout), 'AWS_'));
    assert.equal(batch.code, 0, batch.stderr);
    const vars = parseCmdDump(batch.stdout, 'AWS_');
    const issued = lastIssued();
    assert.equal(vars.get('AWS_ACCESS_KEY_ID'), issued.accessKeyId);
    assert.equal(vars.get('AWS_SECRET_ACCESS_KEY'), issued.secretAccessKey);
    assert.equal(vars.get('AWS_SESSION_TOKEN'), issued.sessionToken);
    assert.equal(vars.has('AWS_PROFILE'), false);
  });
});

describe('assume sends exactly what was asked', () => {
  test('every option reaches STS, signed with the base key', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const policyFile = join(dir, 'policy.json');
      const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
      writeFileSync(policyFile, policy);
      sts.fake.reset();
      const run = await runCli(
        [
          'assume',
          ROLE,
          '--session-name',
          'ci.build@42',
          '--duration',
          '15m',
          '--external-id',
          'partner-42',
          '--policy',
          `@${policyFile}`,
          '--policy-arn',
          'arn:aws:iam::aws:policy/ReadOnlyAccess',
          '--policy-arn',
          'arn:aws:iam::123456789012:policy/extra',
          '--tag',
          'team=ops',
          '--tag',
          'env=a=b',
          '--transitive-tag',
          'team',
          '--source-identity',
          'alice',
          '--mfa-serial',
          'arn:aws:iam::123456789012:mfa/alice',
          '--token-code',
          '123456',
          '--shell',
          'json',
        ],
        { env: env() },
      );
      assert.equal(run.code, 0, run.stderr);
      const [request] = sts.fake.requestsFor('AssumeRole');
      assert.ok(request);
      assert.equal(request.accessKeyId, BASE_ACCESS_KEY_ID);
      const p = request.params;
      assert.equal(p.RoleArn, ROLE);
      assert.equal(p.RoleSessionName, 'ci.build@42');
      assert.equal(p.DurationSeconds, '900');
      assert.equal(p.ExternalId, 'partner-42');
      assert.equal(p.Policy, policy);
      assert.deepEqual(
        listStructs(p, 'PolicyArns').map((x) => x.arn),
        ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::123456789012:policy/extra'],
      );
      assert.deepEqual(listStructs(p, 'Tags'), [
        { Key: 'team', Value: 'ops' },
        { Key: 'env', Value: 'a=b' },
      ]);
      assert.deepEqual(listValues(p, 'TransitiveTagKeys'), ['team']);
      assert.equal(p.SourceIdentity, 'alice');
      assert.equal(p.SerialNumber, 'arn:aws:iam::123456789012:mfa/alice');
      assert.equal(p.TokenCode, '123456');
      const json = JSON.parse(run.stdout) as Record<string, unknown>;
      const issued = lastIssued();
      assert.deepEqual(json, {
        Version: 1,
        AccessKeyId: issued.accessKeyId,
        SecretAccessKey: issued.secretAccessKey,
        SessionToken: issued.sessionToken,
        Expiration: exportedExpiration(issued),
      });
    } finally {
      cleanup();
    }
  });

  test('defaults: 1h and a session name from the user and the time', async () => {
    sts.fake.reset();
    const run = await runCli(['assume', ROLE], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    const p = sts.fake.requestsFor('AssumeRole')[0]!.params;
    assert.equal(p.DurationSeconds, '3600');
    assert.match(p.RoleSessionName!, /^stsenv-tester-\d{10}$/);
    assert.match(run.stdout, /^export AWS_ACCESS_KEY_ID='ASIA/);
    assert.doesNotMatch(run.stdout, /AWS_REGION/, 'no region known: none exported');
  });

  test('a user name STS would reject still gives a valid session name', async () => {
    sts.fake.reset();
    const run = await runCli(['assume', ROLE], { env: env({ USER: 'Jöns Jacob' }) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(sts.fake.requestsFor('AssumeRole')[0]!.params.RoleSessionName!, /^stsenv-J_ns_Jacob-\d+$/);
  });

  test('--endpoint-url wins over AWS_ENDPOINT_URL_STS; AWS_ENDPOINT_URL is honoured too', async () => {
    sts.fake.reset();
    const viaFlag = await runCli(['assume', ROLE, '--endpoint-url', sts.fake.url], {
      env: env({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1' }),
    });
    assert.equal(viaFlag.code, 0, viaFlag.stderr);
    const viaGeneric = await runCli(['assume', ROLE], {
      env: env({ AWS_ENDPOINT_URL_STS: undefined, AWS_ENDPOINT_URL: sts.fake.url }),
    });
    assert.equal(viaGeneric.code, 0, viaGeneric.stderr);
    assert.equal(sts.fake.requestsFor('AssumeRole').length, 2);
  });

  test('region: flag, then AWS_REGION, AWS_DEFAULT_REGION, then the profile', async () => {
    const { dir, cleanup } = tempDir();
    try {
      mkdirSync(join(dir, '.aws'));
      writeFileSync(
        join(dir, '.aws', 'config'),
        '[default]\nregion = ap-southeast-2\n[profile other]\nregion = sa-east-1\n',
      );
      const base = isolatedEnv(dir, { AWS_ENDPOINT_URL_STS: sts.fake.url });
      const region = async (extra: NodeJS.ProcessEnv, args: string[] = []) => {
        const run = await runCli(['assume', ROLE, '-s', 'dotenv', ...args], { env: { ...base, ...extra } });
        assert.equal(run.code, 0, run.stderr);
        return /^AWS_REGION=(.*)$/m.exec(run.stdout)?.[1];
      };
      assert.equal(
        await region({ AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-north-1' }, ['--region', 'eu-west-1']),
        'eu-west-1',
      );
      assert.equal(await region({ AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-north-1' }), 'us-west-2');
      assert.equal(await region({ AWS_DEFAULT_REGION: 'eu-north-1' }), 'eu-north-1');
      assert.equal(await region({}), 'ap-southeast-2');
    } finally {
      cleanup();
    }
  });
});

describe('session, web-identity, whoami', () => {
  test('session: GetSessionToken for 12h by default, with MFA when given', async () => {
    sts.fake.reset();
    const run = await runCli(
      ['session', '--mfa-serial', 'arn:aws:iam::123456789012:mfa/me', '--token-code', '654321', '-s', 'fish'],
      { env: env() },
    );
    assert.equal(run.code, 0, run.stderr);
    const p = sts.fake.requestsFor('GetSessionToken')[0]!.params;
    assert.equal(p.DurationSeconds, '43200');
    assert.equal(p.SerialNumber, 'arn:aws:iam::123456789012:mfa/me');
    assert.equal(p.TokenCode, '654321');
    assert.match(run.stdout, /^set -gx AWS_ACCESS_KEY_ID 'ASIA/);
    assert.match(run.stdout, /^set -e AWS_PROFILE; or true;$/m);
  });

  test('web-identity: unsigned, token from a file or the flag', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln\n');
      sts.fake.reset();
      // No base credentials at all: the call must not need them.
      const noKeys = env({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
      const fromFile = await runCli(['web-identity', ROLE, '--token-file', tokenFile, '--session-name', 'gha-1'], {
        env: noKeys,
      });
      assert.equal(fromFile.code, 0, fromFile.stderr);
      const fromFlag = await runCli(['web-identity', ROLE, '--token', 'eyJ.flag.token', '--duration', '2h'], {
        env: noKeys,
      });
      assert.equal(fromFlag.code, 0, fromFlag.stderr);
      const [first, second] = sts.fake.requestsFor('AssumeRoleWithWebIdentity');
      assert.equal(first!.signed, false);
      assert.equal(first!.params.WebIdentityToken, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln');
      assert.equal(first!.params.RoleSessionName, 'gha-1');
      assert.equal(second!.params.WebIdentityToken, 'eyJ.flag.token');
      assert.equal(second!.params.DurationSeconds, '7200');
      const fromEnv = await runCli(['web-identity'], {
        env: { ...noKeys, AWS_ROLE_ARN: ROLE, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile },
      });
      assert.equal(fromEnv.code, 0, fromEnv.stderr);
      // `--token-file -`: standard input, so that the token is in no process's arguments.
      const fromStdin = await runCli(['web-identity', ROLE, '--token-file', '-'], {
        env: noKeys,
        input: 'eyJ.stdin.token\n',
      });
      assert.equal(fromStdin.code, 0, fromStdin.stderr);
      assert.equal(
        sts.fake.requestsFor('AssumeRoleWithWebIdentity').at(-1)!.params.WebIdentityToken,
        'eyJ.stdin.token',
      );
      const emptyStdin = await runCli(['web-identity', ROLE, '--token-file', '-'], { env: noKeys, input: '' });
      assert.equal(emptyStdin.code, 2);
      assert.match(emptyStdin.stderr, /standard input \(--token-file -\) is empty/);
      assert.equal(emptyStdin.stdout, '');
    } finally {
      cleanup();
    }
  });

  test('whoami: the identity the printed credentials give', async () => {
    sts.fake.reset();
    const assumed = await runCli(['assume', ROLE, '--session-name', 'who', '-s', 'json'], { env: env() });
    assert.equal(assumed.code, 0, assumed.stderr);
    const creds = JSON.parse(assumed.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const asRole = env({
      AWS_ACCESS_KEY_ID: creds.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
      AWS_SESSION_TOKEN: creds.SessionToken,
    });
    const text = await runCli(['whoami'], { env: asRole });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Account: 123456789012$/m);
    assert.match(text.stdout, /^Arn: +arn:aws:sts::123456789012:assumed-role\/deploy\/who$/m);
    const json = await runCli(['whoami', '--json'], { env: asRole });
    assert.equal((JSON.parse(json.stdout) as { Arn: string }).Arn, 'arn:aws:sts::123456789012:assumed-role/deploy/who');
    assert.equal(sts.fake.requestsFor('GetCallerIdentity').at(-1)!.accessKeyId, creds.AccessKeyId);
  });
});

describe('failures: exit code, empty stdout, one clear line', () => {
  const badInputs: Array<{ args: string[]; message: RegExp }> = [
    { args: ['assume', 'not-an-arn'], message: /invalid role ARN 'not-an-arn'/ },
    { args: ['assume', 'arn:aws:iam::12345:role/x'], message: /invalid role ARN/ },
    { args: ['assume', ROLE, '--duration', '10m'], message: /--duration 10m is out of range for AssumeRole/ },
    { args: ['assume', ROLE, '--duration', '13h'], message: /out of range/ },
    { args: ['assume', ROLE, '--duration', 'soon'], message: /invalid --duration 'soon'/ },
    { args: ['session', '--duration', '37h'], message: /out of range for GetSessionToken/ },
    { args: ['assume', ROLE, '--token-code', '123456'], message: /--token-code needs --mfa-serial/ },
    {
      args: ['assume', ROLE, '--mfa-serial', 'arn:aws:iam::123456789012:mfa/me', '--token-code', '12345'],
      message: /invalid --token-code/,
    },
    {
      args: ['assume', ROLE, '--mfa-serial', 'arn:aws:iam::123456789012:mfa/me', '--token-code', 'abcdef'],
      message: /invalid --token-code/,
    },
    { args: ['assume', ROLE, '--shell', 'rc'], message: /unknown --shell 'rc'/ },
    { args: ['assume', ROLE, '--tag', 'novalue'], message: /invalid --tag 'novalue'.*Key=Value/ },
    { args: ['assume', ROLE, '--tag', '=v'], message: /invalid --tag/ },
    { args: ['assume', ROLE, '--policy', '{"Version": '], message: /--policy text is not valid JSON/ },
    { args: ['assume', ROLE, '--session-name', 'has space'], message: /invalid --session-name/ },
    { args: ['assume', ROLE, '--bogus-flag'], message: /unknown option '--bogus-flag' for stsenv assume/ },
    { args: ['assume'], message: /role-arn|arguments/ },
    { args: ['frobnicate'], message: /unknown command 'frobnicate'/ },
  ];
  for (const { args, message } of badInputs) {
    test(`exit 2: stsenv ${args.join(' ')}`, async () => {
      sts.fake.reset();
      const run = await runCli(args, { env: env() });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(sts.fake.requests.length, 0, 'no request was made');
    });
  }

  test('file errors exit 1, as the table says: an unreadable --policy @FILE or --token-file', async () => {
    sts.fake.reset();
    for (const [args, message] of [
      [
        ['assume', ROLE, '--policy', '@/nonexistent/policy.json'],
        /cannot read --policy file '\/nonexistent\/policy.json': ENOENT/,
      ],
      [
        ['web-identity', ROLE, '--token-file', '/nonexistent/token'],
        /cannot read --token-file '\/nonexistent\/token': ENOENT/,
      ],
    ] as const) {
      const run = await runCli(args, { env: env() });
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
    }
    assert.equal(sts.fake.requests.length, 0);
  });

  test("a role's MaxSessionDuration: the error says what limits the duration and what to do", async () => {
    sts.fake.reset();
    sts.fake.failNext({ error: 'ValidationError' });
    const run = await runCli(['assume', ROLE, '--duration', '4h'], { env: env() });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration/);
    assert.match(
      run.stderr,
      /MaxSessionDuration \(1h unless raised in IAM\).*shorter --duration.*maximum session duration in IAM/,
    );
    sts.fake.failNext({
      error: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
    const chained = await runCli(['assume', ROLE, '--duration', '2h'], { env: env() });
    assert.match(chained.stderr, /a role chain\) lasts at most 1h: pass --duration 1h or less/);
  });

  test('AccessDenied: exit 1, the AWS code and the identity used, no stack', async () => {
    sts.fake.reset();
    sts.fake.failNext({ error: 'AccessDenied', message: 'User is not authorized to perform sts:AssumeRole' });
    const run = await runCli(['assume', ROLE], { env: env() });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /AccessDenied/);
    assert.match(run.stderr, new RegExp(BASE_ACCESS_KEY_ID));
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.doesNotMatch(run.stderr, new RegExp(BASE_SECRET_ACCESS_KEY.replace(/[+/]/g, '\\$&')));
  });

  test('a value the format cannot carry: exit 2, names the variable and format, not the value', async () => {
    sts.fake.reset();
    sts.fake.failNext({ hostile: { secretAccessKey: 'abc"def%PATH%' } });
    const run = await runCli(['assume', ROLE, '--shell', 'cmd'], { env: env() });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /AWS_SECRET_ACCESS_KEY/);
    assert.match(run.stderr, /cmd/);
    assert.doesNotMatch(run.stderr, /abc"def/);
  });
});

describe('what people see on stderr', () => {
  test("no raw SDK warning: not Node 20's, not the multi-line credential sources one", async () => {
    const { dir, cleanup } = tempDir();
    try {
      mkdirSync(join(dir, '.aws'));
      writeFileSync(
        join(dir, '.aws', 'credentials'),
        `[base]\naws_access_key_id = AKIDPROFILEKEY000001\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
      );
      // An SSO profile is what the SDK resolves itself: with --profile it must sign, the key variables set or not.
      writeFileSync(
        join(dir, '.aws', 'config'),
        '[profile sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = dev\n',
      );
      const run = await runCli(['assume', ROLE, '--profile', 'base'], {
        env: isolatedEnv(dir, { AWS_ENDPOINT_URL_STS: sts.fake.url }),
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '', 'nothing for people: no SDK warning, no stsenv warning');
      const sso = await runCli(['whoami', '--profile', 'sso'], {
        env: isolatedEnv(dir, { AWS_ENDPOINT_URL_STS: sts.fake.url, AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9' }),
      });
      assert.doesNotMatch(sso.stderr, /NodeVersionSupportWarning|node >=|a\.co\//);
      assert.doesNotMatch(sso.stderr, /defaultProvider|Multiple credential sources|warning/);
    } finally {
      cleanup();
    }
  });

  test('key variables come before AWS_PROFILE, as in the AWS CLI; --debug says which signed', async () => {
    const { dir, cleanup } = tempDir();
    try {
      mkdirSync(join(dir, '.aws'));
      writeFileSync(
        join(dir, '.aws', 'credentials'),
        `[base]\naws_access_key_id = AKIDPROFILEKEY000001\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
      );
      writeFileSync(join(dir, '.aws', 'config'), '[profile base]\nregion = eu-north-1\n');
      sts.fake.reset();
      const run = await runCli(['assume', ROLE, '--debug'], {
        env: isolatedEnv(dir, { AWS_ENDPOINT_URL_STS: sts.fake.url, AWS_PROFILE: 'base' }),
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(sts.fake.requests[0]!.accessKeyId, BASE_ACCESS_KEY_ID, 'the key variables signed');
      assert.match(
        run.stderr,
        /debug: base credentials: the key variables \(access key AKIDBASEEXAMPLE00001\), which come before AWS_PROFILE=base/,
      );
      assert.doesNotMatch(run.stderr, /warning/);
      // The region still comes from the profile AWS_PROFILE names.
      assert.match(run.stdout, /export AWS_REGION='eu-north-1';/);
      sts.fake.reset();
      const flag = await runCli(['assume', ROLE, '--profile', 'base'], {
        env: isolatedEnv(dir, { AWS_ENDPOINT_URL_STS: sts.fake.url, AWS_PROFILE: 'base' }),
      });
      assert.equal(flag.code, 0, flag.stderr);
      assert.equal(
        sts.fake.requests[0]!.accessKeyId,
        'AKIDPROFILEKEY000001',
        '--profile comes before the key variables',
      );
      sts.fake.reset();
      const bare = await runCli(['assume', ROLE], {
        env: isolatedEnv(dir, {
          AWS_ENDPOINT_URL_STS: sts.fake.url,
          AWS_PROFILE: 'base',
          AWS_ACCESS_KEY_ID: undefined,
          AWS_SECRET_ACCESS_KEY: undefined,
        }),
      });
      assert.equal(bare.code, 0, bare.stderr);
      assert.equal(sts.fake.requests[0]!.accessKeyId, 'AKIDPROFILEKEY000001', 'without key variables, AWS_PROFILE');
    } finally {
      cleanup();
    }
  });

  test('--debug explains without secrets; --version and --help', async () => {
    sts.fake.reset();
    const run = await runCli(['assume', ROLE, '--debug'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /debug: AssumeRole via/);
    const issued = lastIssued();
    for (const secret of [issued.secretAccessKey, issued.sessionToken, BASE_SECRET_ACCESS_KEY])
      assert.equal(run.stderr.includes(secret), false);
    const version = await runCli(['--version'], { env: env() });
    assert.match(version.stdout, /^\d+\.\d+\.\d+ \(npm package; Node\.js v\d+\.\d+\.\d+ \w+-\w+\)\n$/);
    assert.ok(version.stdout.includes(`Node.js ${process.version} `), 'the Node that runs it');
    const help = await runCli(['assume', '--help'], { env: env() });
    assert.equal(help.code, 0);
    assert.equal(help.stdout, '', 'help is for people: stderr');
    assert.match(help.stderr, /--session-name/);
  });

  test('default format: fish when $SHELL is fish, POSIX otherwise', async () => {
    const fish = await runCli(['unset'], { env: env({ STSENV_SHELL: undefined, SHELL: '/usr/bin/fish' }) });
    assert.match(fish.stdout, /^set -e AWS_ACCESS_KEY_ID; or true;$/m);
    const posix = await runCli(['unset'], { env: env({ STSENV_SHELL: undefined, SHELL: '/bin/bash' }) });
    assert.match(posix.stdout, /^unset AWS_ACCESS_KEY_ID;$/m);
  });
});
