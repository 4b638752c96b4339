/**
 * `stsenv sso login` / `sso logout` end to end: the built CLI against the fake
 * IAM Identity Center and the fake STS, the token cache it writes read back
 * by boto3 and by the JS SDK's own SSO provider, the other commands on top of
 * an SSO profile, and what they say when the token is missing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, stsenvOnPath, type CliResult } from '../support/run-cli.js';
import { LEGACY_START_URL, SSO_ACCOUNT, START_URL, useSsoFixture } from '../support/sso-fixture.js';

const fixture = useSsoFixture();

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function stsenv(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(args, { env: fixture.env(extra) });
}

/** Every secret the fake issued: none may reach stderr. */
function secrets(): string[] {
  return [
    ...fixture.sso.tokens.flatMap((t) => [t.accessToken, t.refreshToken ?? '']),
    ...fixture.sso.registrations.map((r) => r.clientSecret),
    ...fixture.sso.requestsFor('CreateToken').map((r) => String(r.body.deviceCode ?? '')),
    ...fixture.sso.roleCredentials.flatMap((c) => [c.secretAccessKey, c.sessionToken]),
  ].filter((s) => s.length > 0);
}

function assertNoSecrets(text: string): void {
  for (const secret of secrets()) assert.ok(!text.includes(secret), 'a secret reached stderr');
}

/** A device code sign-in (the authorization code flow has tests of its own, sso-pkce.test.ts), even with a valid token cached. */
async function login(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const result = await stsenv(['sso', 'login', '--use-device-code', '--force', ...args], extra);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '', 'stdout stays empty');
  return result;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Runs python3 with a script on stdin; asynchronous, since the fakes answer from this process. */
async function python(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('python3', ['-'], {
    env: { ...env, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end(script);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('sso login', () => {
  test('sso-session format: device flow on request, the code on stderr, the token cached as the AWS CLI caches it', async () => {
    const { stderr } = await login(['--profile', 'modern']);
    const { sso } = fixture;
    assert.deepEqual(
      sso.requests.map((r) => r.operation),
      ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken', 'CreateToken'],
      'register, authorize, one CreateToken before showing the code (pending), one after',
    );
    const register = sso.requestsFor('RegisterClient')[0]!;
    assert.equal(register.body.clientType, 'public');
    assert.deepEqual(register.body.scopes, ['sso:account:access']);
    assert.equal(sso.requestsFor('StartDeviceAuthorization')[0]!.body.startUrl, START_URL);
    assert.equal(sso.requestsFor('CreateToken')[0]!.body.grantType, 'urn:ietf:params:oauth:grant-type:device_code');

    const authorization = sso.requestsFor('StartDeviceAuthorization')[0]!;
    assert.ok(authorization);
    assert.match(stderr, new RegExp(`${sso.url.replaceAll('.', '\\.')}/start/#/device\\n`), 'the verification URL');
    assert.match(stderr, /\n {4}[B-Z]{4}-[B-Z]{4}\n/, 'the user code');
    assert.match(stderr, new RegExp(`signed in to ${START_URL} \\(sso-session 'corp'\\) until \\d{4}-`));
    assertNoSecrets(stderr);

    const file = fixture.tokenFile('corp');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(fixture.cacheDir()).mode & 0o777, 0o700);
    const token = readJson(file);
    const issued = sso.tokens.at(-1)!;
    const registration = sso.registrations.at(-1)!;
    assert.deepEqual(Object.keys(token), [
      'startUrl',
      'region',
      'accessToken',
      'expiresAt',
      'clientId',
      'clientSecret',
      'registrationExpiresAt',
      'refreshToken',
    ]);
    assert.equal(token.startUrl, START_URL);
    assert.equal(token.region, 'eu-west-1');
    assert.equal(token.accessToken, issued.accessToken);
    assert.equal(token.refreshToken, issued.refreshToken);
    assert.equal(token.clientId, registration.clientId);
    assert.equal(token.clientSecret, registration.clientSecret);
    assert.match(String(token.expiresAt), ISO_SECONDS);
    assert.equal(token.registrationExpiresAt, registration.expiresAt.toISOString().replace('.000Z', 'Z'));
    assert.ok(Math.abs(new Date(String(token.expiresAt)).getTime() - issued.expiresAt.getTime()) < 5000);
  });

  test('legacy format: the token cached under the start URL; no scopes, as the AWS CLI registers', async () => {
    await login(['--profile', 'legacy']);
    const register = fixture.sso.requestsFor('RegisterClient')[0]!;
    assert.equal(register.body.scopes, undefined);
    const token = readJson(fixture.tokenFile(LEGACY_START_URL));
    assert.equal(token.startUrl, LEGACY_START_URL);
    assert.equal(token.region, 'us-east-2');
    assert.equal(token.refreshToken, undefined, 'Identity Center gives no refresh token without scopes');
  });

  test('--sso-session, AWS_PROFILE, and a role profile (its source_profile chain) all find the session', async () => {
    await login(['--sso-session', 'corp']);
    await login([], { AWS_PROFILE: 'modern' });
    await login(['--profile', 'deploy']);
    assert.ok(existsSync(fixture.tokenFile('corp')));
    assert.equal(fixture.sso.requestsFor('StartDeviceAuthorization').length, 3);
  });

  test('a valid client registration is reused: no RegisterClient at the next sign-in', async () => {
    await login(['--profile', 'modern']);
    await login(['--profile', 'modern', '--debug']);
    assert.equal(fixture.sso.requestsFor('RegisterClient').length, 1);
    const [first, second] = fixture.sso.requestsFor('StartDeviceAuthorization');
    assert.equal(second!.body.clientId, first!.body.clientId);
    // The registration sits beside the token, keyed as botocore keys it.
    const files = readdirSync(fixture.cacheDir()).filter((n) => n.endsWith('.json'));
    assert.equal(files.length, 2);
  });

  test('--debug says what it does and never prints a token, refresh token, client secret or device code', async () => {
    const { stderr } = await login(['--profile', 'modern', '--debug']);
    assert.match(stderr, /stsenv: debug: RegisterClient via /);
    assert.match(stderr, /stsenv: debug: CreateToken via /);
    assertNoSecrets(stderr);
  });

  test('denied in the browser: exit 1, a clear message, nothing cached, stdout empty', async () => {
    fixture.sso.scriptNext(['pending', 'deny']);
    const result = await stsenv(['sso', 'login', '--use-device-code', '--profile', 'modern']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /stsenv: error: the sign-in request was denied in the browser \(AccessDeniedException\) \(run stsenv sso login again/,
    );
    assert.ok(!existsSync(fixture.tokenFile('corp')));
    assertNoSecrets(result.stderr);
  });

  test('the code expires before approval: exit 1, a clear message, nothing cached', async () => {
    fixture.sso.scriptNext(['pending', 'pending', 'expire']);
    const result = await stsenv(['sso', 'login', '--use-device-code', '--profile', 'modern', '--debug']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /the code expired before the request was approved \(ExpiredTokenException\)/);
    assert.ok(!existsSync(fixture.tokenFile('corp')));
    assertNoSecrets(result.stderr);
  });

  test('usage errors: exit 2 before any request', async () => {
    for (const [args, message] of [
      [['sso', 'login', '--profile', 'nope'], /--profile names profile 'nope'/],
      [['sso', 'login', '--sso-session', 'nope'], /sso-session 'nope' is not in the AWS config file/],
      [['sso', 'login', '--profile', 'plain'], /profile 'plain' does not sign in with IAM Identity Center/],
      [['sso', 'login', '--profile', 'modern', '--sso-session', 'corp'], /give --profile or --sso-session, not both/],
      [['sso', 'login', '--all'], /--all is for sso logout/],
      [['sso', 'logout', '--no-browser'], /--no-browser is for sso login/],
      [['sso', 'logout', '--all', '--profile', 'modern'], /give --all, or --profile/],
    ] as const) {
      const result = await stsenv([...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
    }
    assert.equal(fixture.sso.requests.length, 0);
  });

  test('the browser opens on the page with the code filled in, through xdg-open, where there is a display', async () => {
    const bin = stsenvOnPath(fixture.home.dir);
    const fifo = join(fixture.home.dir, 'opened');
    const made = await python(`import os; os.mkfifo(${JSON.stringify(fifo)})`, { PATH: process.env.PATH });
    assert.equal(made.code, 0, made.stderr);
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${fifo}'\n`, { mode: 0o755 });
    const opened = new Promise<string>((resolve, reject) => {
      let text = '';
      createReadStream(fifo, 'utf8')
        .on('data', (c) => (text += c))
        .on('end', () => resolve(text))
        .on('error', reject);
    });
    const env = { PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':0' };
    const { stderr } = await login(['--profile', 'modern'], env);
    assert.match(stderr, /Opening it in your browser now/);
    const authorizationUrl = /Or (\S+), which fills in the code/.exec(stderr)?.[1];
    assert.equal((await opened).trim(), authorizationUrl);
  });
});

describe('the token cache, read by others', () => {
  test('boto3 reads the tokens stsenv wrote (both formats), and they are byte for byte what botocore writes', async (t) => {
    if ((await python('import boto3', { PATH: process.env.PATH })).code !== 0)
      return t.skip('boto3 is not installed for python3 (pip install boto3)');
    await login(['--profile', 'modern']);
    await login(['--profile', 'legacy']);
    const script = `
import json, boto3
for name in ('modern', 'legacy'):
    creds = boto3.Session(profile_name=name).get_credentials().get_frozen_credentials()
    print(name, creds.access_key)
for path in ${JSON.stringify([fixture.tokenFile('corp'), fixture.tokenFile(LEGACY_START_URL)])}:
    text = open(path).read()
    # JSONFileCache(dumps_func=_sso_json_dumps): json.dumps with the default separators.
    assert json.dumps(json.loads(text)) == text, path
print('same')
`;
    const result = await python(script, fixture.env());
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    const keys = fixture.sso.roleCredentials.map((c) => c.accessKeyId);
    assert.deepEqual(lines, [`modern ${keys[0]}`, `legacy ${keys[1]}`, 'same']);
    const bearers = fixture.sso.requestsFor('GetRoleCredentials').map((r) => r.bearer);
    assert.deepEqual(bearers, [
      readJson(fixture.tokenFile('corp')).accessToken,
      readJson(fixture.tokenFile(LEGACY_START_URL)).accessToken,
    ]);
  });

  test("the JS SDK's own SSO provider reads them (both formats)", async () => {
    await login(['--profile', 'modern']);
    await login(['--profile', 'legacy']);
    const script = `
const { fromSSO } = require('@aws-sdk/credential-provider-sso');
(async () => {
  for (const profile of ['modern', 'legacy']) {
    const creds = await fromSSO({ profile })();
    console.log(profile, creds.accessKeyId);
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
`;
    const child = spawn(process.execPath, ['-e', script], {
      env: fixture.env({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }),
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 0, stderr);
    const keys = fixture.sso.roleCredentials.map((c) => c.accessKeyId);
    assert.equal(stdout, `modern ${keys[0]}\nlegacy ${keys[1]}\n`);
  });
});

describe('commands on top of an SSO profile', () => {
  test("stsenv export --profile of the SSO profile prints the portal's role credentials", async () => {
    await login(['--profile', 'modern']);
    const result = await stsenv(['export', '--profile', 'modern']);
    assert.equal(result.code, 0, result.stderr);
    const issued = fixture.sso.roleCredentials.at(-1)!;
    assert.equal(issued.accountId, SSO_ACCOUNT);
    assert.equal(issued.roleName, 'Admin');
    assert.match(result.stdout, new RegExp(`export AWS_ACCESS_KEY_ID='${issued.accessKeyId}';`));
    assert.equal(
      fixture.sso.requestsFor('GetRoleCredentials')[0]!.bearer,
      readJson(fixture.tokenFile('corp')).accessToken,
    );
  });

  test('stsenv assume --profile of a role profile whose source_profile is the SSO profile', async () => {
    await login(['--profile', 'modern']);
    const result = await stsenv(['assume', '--profile', 'deploy']);
    assert.equal(result.code, 0, result.stderr);
    const [assume] = fixture.sts.requestsFor('AssumeRole');
    assert.equal(
      assume!.accessKeyId,
      fixture.sso.roleCredentials.at(-1)!.accessKeyId,
      'signed with the SSO role credentials',
    );
    assert.equal(assume!.params.RoleArn, `arn:aws:iam::${SSO_ACCOUNT}:role/deploy`);
    assert.match(result.stdout, new RegExp(`export AWS_ACCESS_KEY_ID='${fixture.sts.issued[0]!.accessKeyId}';`));
  });

  test('an expired token with a refresh token is refreshed by the SDK (no sign-in needed)', async () => {
    await login(['--profile', 'modern']);
    const file = fixture.tokenFile('corp');
    const token = readJson(file);
    writeFileSync(file, JSON.stringify({ ...token, expiresAt: '2020-01-01T00:00:00Z' }));
    const result = await stsenv(['export', '--profile', 'modern']);
    assert.equal(result.code, 0, result.stderr);
    const refresh = fixture.sso.requestsFor('CreateToken').at(-1)!;
    assert.equal(refresh.body.grantType, 'refresh_token');
    assert.notEqual(readJson(file).accessToken, token.accessToken, 'the SDK wrote the new token back');
  });

  for (const [what, prepare, wording] of [
    ['missing', () => {}, /profile 'modern' has no valid SSO token: it is missing, expired or was revoked/],
    [
      'revoked',
      () => fixture.sso.revokeAll(),
      /profile 'modern' has no valid SSO token: it is missing, expired or was revoked/,
    ],
  ] as const) {
    test(`a ${what} token: every command says to run stsenv sso login --profile NAME (exit 1, stdout empty, no browser)`, async () => {
      if (what !== 'missing') await login(['--profile', 'modern']);
      prepare();
      for (const [args, failed] of [
        [['export', '--profile', 'modern'], 'resolving credentials failed'],
        [['assume', '--profile', 'deploy'], 'AssumeRole failed'],
        [['whoami', '--profile', 'modern'], 'GetCallerIdentity failed'],
        [['assume', `arn:aws:iam::${SSO_ACCOUNT}:role/x`], 'AssumeRole failed'],
      ] as const) {
        fixture.sso.reset();
        const result = await stsenv([...args, '--debug'], args.length === 2 ? { AWS_PROFILE: 'modern' } : {});
        assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.stdout, '');
        const line = result.stderr.split('\n').find((l) => l.startsWith('stsenv: error:'));
        assert.match(line ?? '', new RegExp(`^stsenv: error: ${failed}: `));
        assert.match(line ?? '', wording);
        assert.match(line ?? '', /\(run stsenv sso login --profile modern, then try again\)$/);
        assert.equal(fixture.sso.requestsFor('StartDeviceAuthorization').length, 0, 'no sign-in started');
        assertNoSecrets(result.stderr);
      }
    });
  }

  test('an expired legacy token (not refreshable) says it has expired', async () => {
    await login(['--profile', 'legacy']);
    const file = fixture.tokenFile(LEGACY_START_URL);
    writeFileSync(file, JSON.stringify({ ...readJson(file), expiresAt: '2020-01-01T00:00:00Z' }));
    const result = await stsenv(['export', '--profile', 'legacy']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /the SSO token of profile 'legacy' has expired \(run stsenv sso login --profile legacy, then try again\)/,
    );
  });
});

describe('sso logout', () => {
  test('--profile, --sso-session and --all remove the tokens, and keep client registrations', async () => {
    await login(['--profile', 'modern']);
    await login(['--profile', 'legacy']);
    const corp = fixture.tokenFile('corp');
    const legacy = fixture.tokenFile(LEGACY_START_URL);

    let result = await stsenv(['sso', 'logout', '--profile', 'modern']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`signed out of ${START_URL} \\(sso-session 'corp'\\): removed `));
    assert.ok(!existsSync(corp) && existsSync(legacy));

    result = await stsenv(['sso', 'logout', '--sso-session', 'corp']);
    assert.equal(result.code, 0);
    assert.match(result.stderr, /no SSO token was cached for sso-session 'corp'/);

    await login(['--sso-session', 'corp']);
    result = await stsenv(['sso', 'logout', '--all']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /removed 2 SSO tokens from /);
    assert.ok(!existsSync(corp) && !existsSync(legacy));
    assert.equal(readdirSync(fixture.cacheDir()).length, 2, 'both client registrations stay');

    result = await stsenv(['export', '--profile', 'modern']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /run stsenv sso login --profile modern/);
  });

  test('the session ends at IAM Identity Center too: the removed token no longer works anywhere', async () => {
    await login(['--profile', 'modern']);
    const accessToken = String(readJson(fixture.tokenFile('corp')).accessToken);
    const result = await stsenv(['sso', 'logout', '--profile', 'modern', '--debug']);
    assert.equal(result.code, 0, result.stderr);
    const [logout] = fixture.sso.requestsFor('Logout');
    assert.equal(logout?.bearer, accessToken);
    assert.ok(fixture.sso.tokens.find((t) => t.accessToken === accessToken)!.revoked);
    assertNoSecrets(result.stderr);
  });

  test('a portal that cannot be reached: a warning, and the token is removed all the same', async () => {
    await login(['--profile', 'modern']);
    const result = await stsenv(['sso', 'logout', '--profile', 'modern'], {
      AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /stsenv: warning: could not end the session at IAM Identity Center \(http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED\); the token is removed here all the same/,
    );
    assert.ok(!existsSync(fixture.tokenFile('corp')));
    assertNoSecrets(result.stderr);
  });

  test('--profile NAME of a legacy profile, and the default profile from AWS_PROFILE', async () => {
    await login(['--profile', 'legacy']);
    const result = await stsenv(['sso', 'logout'], { AWS_PROFILE: 'legacy' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`signed out of ${LEGACY_START_URL} \\(profile 'legacy'\\)`));
    assert.ok(!existsSync(fixture.tokenFile(LEGACY_START_URL)));
  });
});
