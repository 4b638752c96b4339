/**
 * `stsenv console` against the loopback STS and a loopback fake of
 * the federation endpoint (--signin-url): each source of credentials (a
 * role, a role profile, session credentials in the environment, long-term
 * keys through GetFederationToken), the URL's parts, the region, the
 * partitions, --duration, the browser (a stand-in xdg-open), and no secret
 * on stderr even with --debug.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeSignin, type FakeSignin } from '../support/fake-signin.js';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, isolatedEnv, runCli, type CliResult } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const NODE = process.execPath;

const sts = useStsFixture({
  setup: ({ home }) => {
    mkdirSync(join(home.dir, '.aws'));
    writeFileSync(
      join(home.dir, '.aws', 'config'),
      [
        '[profile dev]',
        'region = eu-central-1',
        '[profile deploy]',
        `role_arn = ${ROLE}`,
        'source_profile = dev',
        'region = eu-central-1',
        '[profile admin]',
        'role_arn = arn:aws:iam::210987654321:role/admin',
        'source_profile = deploy',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(home.dir, '.aws', 'credentials'),
      `[dev]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
    );
  },
});

let signin: FakeSignin;
before(async () => {
  // Read at each request: the fixture's fake STS may start after this hook.
  signin = await startFakeSignin(() => sts.fake.issued);
});
after(async () => {
  await signin.close();
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    DISPLAY: undefined,
    WAYLAND_DISPLAY: undefined,
    CI: undefined,
    ...extra,
  });
}

function reset(): void {
  sts.fake.reset();
  signin.reset();
}

/** `stsenv console ... --signin-url FAKE`: the printed URL's parts, checked against what the fakes saw. */
async function consoleUrl(
  args: string[],
  extra: NodeJS.ProcessEnv = {},
): Promise<{ result: CliResult; url: URL; params: Record<string, string> }> {
  const result = await runCli(['console', ...args, '--signin-url', signin.url], { env: env(extra) });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.equal(lines.length, 2, `one line on stdout: ${result.stdout}`);
  const url = new URL(lines[0]!);
  return { result, url, params: Object.fromEntries(url.searchParams) };
}

/** The key that signed in and the token it got, and the login URL's parts apart from the destination. */
function assertSignedIn(url: URL, params: Record<string, string>, accessKeyId: string): void {
  assert.equal(`${url.origin}${url.pathname}`, signin.url);
  const tokenRequests = signin.requests.filter((r) => r.action === 'getSigninToken');
  assert.equal(tokenRequests.length, 1);
  assert.equal(tokenRequests[0]!.accessKeyId, accessKeyId);
  assert.equal(tokenRequests[0]!.status, 200);
  assert.deepEqual(Object.keys(params).sort(), ['Action', 'Destination', 'Issuer', 'SigninToken']);
  assert.equal(params.Action, 'login');
  assert.equal(params.Issuer, 'stsenv');
  assert.equal(params.SigninToken, signin.tokens.at(-1));
}

function issuedBy(action: string) {
  const issued = sts.fake.issued.filter((i) => i.action === action);
  assert.equal(issued.length, 1, `${action} issued once`);
  return issued[0]!;
}

describe('console: each source of credentials', () => {
  test('a role: AssumeRole as assume does it, then the role signs in', async () => {
    reset();
    const { url, params, result } = await consoleUrl([ROLE, '--url', '--region', 'eu-west-1', '--session-name', 'web']);
    const role = issuedBy('AssumeRole');
    assert.equal(sts.fake.requestsFor('AssumeRole')[0]!.accessKeyId, BASE_ACCESS_KEY_ID);
    assert.equal(
      sts.fake.requestsFor('AssumeRole')[0]!.params.DurationSeconds,
      '3600',
      "--duration is the console's, not the role's",
    );
    assertSignedIn(url, params, role.accessKeyId);
    assert.equal(params.Destination, 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');
    assert.equal(signin.requests[0]!.sessionDuration, undefined);
    assert.equal(result.stderr, '');
    // The URL signs in: the fake's login redirects to the destination, once.
    const login = await fetch(url, { redirect: 'manual' });
    assert.equal(login.status, 302);
    assert.equal(login.headers.get('location'), params.Destination);
    assert.equal((await fetch(url, { redirect: 'manual' })).status, 400);
  });

  test('a role from the cache: a second run asks STS nothing', async () => {
    reset();
    const cached = { STSENV_NO_CACHE: undefined };
    await consoleUrl([ROLE, '--url', '--session-name', 'web'], cached);
    await consoleUrl([ROLE, '--url', '--session-name', 'web'], cached);
    assert.equal(sts.fake.requestsFor('AssumeRole').length, 1);
    assert.equal(signin.requests.filter((r) => r.action === 'getSigninToken').length, 2);
  });

  test("a role profile: its chain, and the profile's region for the console", async () => {
    reset();
    const { url, params } = await consoleUrl(['--profile', 'deploy', '--url'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });
    const role = issuedBy('AssumeRole');
    assert.equal(
      sts.fake.requestsFor('AssumeRole')[0]!.accessKeyId,
      BASE_ACCESS_KEY_ID,
      'signed with source_profile dev',
    );
    assertSignedIn(url, params, role.accessKeyId);
    assert.equal(params.Destination, 'https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1');
  });

  test('session credentials in the environment: no STS call, they sign in as they are', async () => {
    reset();
    const assumed = await runCli(['assume', ROLE, '--shell', 'json'], { env: env() });
    assert.equal(assumed.code, 0, assumed.stderr);
    const keys = JSON.parse(assumed.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const { url, params } = await consoleUrl(['--url', '--duration', '2h'], {
      AWS_ACCESS_KEY_ID: keys.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.SecretAccessKey,
      AWS_SESSION_TOKEN: keys.SessionToken,
    });
    assert.deepEqual(
      sts.fake.requests.map((r) => r.action),
      ['AssumeRole'],
      'only the assume run asked STS',
    );
    assertSignedIn(url, params, keys.AccessKeyId);
    assert.equal(signin.requests[0]!.sessionDuration, '7200');
    assert.equal(params.Destination, 'https://console.aws.amazon.com/', "no region: the console's home");
  });

  test('long-term keys: GetFederationToken first (allow-all policy, 1h), its credentials sign in without SessionDuration', async () => {
    reset();
    const { url, params } = await consoleUrl(['--url', '--region', 'us-east-1']);
    const [request] = sts.fake.requestsFor('GetFederationToken');
    assert.equal(request!.accessKeyId, BASE_ACCESS_KEY_ID);
    assert.equal(request!.params.DurationSeconds, '3600');
    assert.equal(request!.params.Name, 'stsenv-tester');
    assert.deepEqual(JSON.parse(request!.params.Policy!), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    assertSignedIn(url, params, issuedBy('GetFederationToken').accessKeyId);
    assert.equal(signin.requests[0]!.sessionDuration, undefined);
    assert.equal(params.Destination, 'https://console.aws.amazon.com/console/home?region=us-east-1');
  });

  test("long-term keys of a profile: --duration is GetFederationToken's, --session-name its Name", async () => {
    reset();
    const { url, params } = await consoleUrl(
      ['--profile', 'dev', '--url', '--duration', '20h', '--session-name', 'alice'],
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    );
    const [request] = sts.fake.requestsFor('GetFederationToken');
    assert.equal(request!.accessKeyId, BASE_ACCESS_KEY_ID);
    assert.equal(request!.params.DurationSeconds, '72000');
    assert.equal(request!.params.Name, 'alice');
    assertSignedIn(url, params, issuedBy('GetFederationToken').accessKeyId);
    assert.equal(
      params.Destination,
      'https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1',
      "the profile's region",
    );
  });

  test('an identity that may not call GetFederationToken: exit 1, a clear error, nothing on stdout', async () => {
    reset();
    sts.fake.failNext({ error: 'AccessDenied' });
    const result = await runCli(['console', '--url', '--signin-url', signin.url], { env: env() });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^stsenv: error: GetFederationToken failed: AccessDenied: .*sts:GetFederationToken.* \(GetFederationToken needs the long-term keys of an IAM user .*stsenv console ROLE_ARN\)\n$/,
    );
    assert.equal(signin.requests.length, 0);
  });

  test("credentials the endpoint refuses (GetSessionToken's): exit 1, what to do", async () => {
    reset();
    const session = await runCli(['session', '--shell', 'json'], { env: env() });
    assert.equal(session.code, 0, session.stderr);
    const keys = JSON.parse(session.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const result = await runCli(['console', '--url', '--signin-url', signin.url], {
      env: env({
        AWS_ACCESS_KEY_ID: keys.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.SecretAccessKey,
        AWS_SESSION_TOKEN: keys.SessionToken,
      }),
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /getSigninToken failed: http:\/\/127\.0\.0\.1:\d+\/federation answered HTTP 400 \(.*not from GetSessionToken/,
    );
  });
});

describe('console: --duration', () => {
  test('a role: SessionDuration', async () => {
    reset();
    await consoleUrl([ROLE, '--url', '--duration', '12h']);
    assert.equal(signin.requests[0]!.sessionDuration, '43200');
  });

  test('out of range, or above 1h for a chained role: exit 2 before any request', async () => {
    for (const args of [
      [ROLE, '--duration', '13h'],
      [ROLE, '--duration', '10m'],
      [ROLE, '--duration', 'soon'],
      ['--profile', 'admin', '--duration', '2h'],
      ['--duration', '37h'],
    ]) {
      reset();
      const result = await runCli(['console', ...args, '--url', '--signin-url', signin.url], { env: env() });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /--duration/);
      assert.equal(result.stdout, '');
      assert.equal(sts.fake.requests.length, 0, args.join(' '));
      assert.equal(signin.requests.length, 0);
    }
  });

  test('a chained role within 1h signs in', async () => {
    reset();
    const { params } = await consoleUrl(['--profile', 'admin', '--url', '--duration', '1h'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });
    assert.equal(sts.fake.requestsFor('AssumeRole').length, 2);
    assert.equal(signin.requests[0]!.sessionDuration, '3600');
    assert.equal(signin.requests[0]!.status, 200);
    assert.equal(params.Action, 'login');
  });
});

describe('console: region, partition, destination', () => {
  const cases: Array<[string, string[], string]> = [
    [
      'aws, a regional console',
      ['--region', 'ap-southeast-2'],
      'https://ap-southeast-2.console.aws.amazon.com/console/home?region=ap-southeast-2',
    ],
    [
      'aws-cn',
      ['--region', 'cn-northwest-1'],
      'https://cn-northwest-1.console.amazonaws.cn/console/home?region=cn-northwest-1',
    ],
    [
      'aws-us-gov',
      ['--region', 'us-gov-west-1'],
      'https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1',
    ],
    ['AWS_REGION', [], 'https://eu-north-1.console.aws.amazon.com/console/home?region=eu-north-1'],
    [
      '--destination',
      ['--region', 'eu-west-1', '--destination', 's3/buckets'],
      'https://eu-west-1.console.aws.amazon.com/s3/buckets?region=eu-west-1',
    ],
  ];
  for (const [name, args, destination] of cases) {
    test(name, async () => {
      reset();
      const { params } = await consoleUrl([ROLE, '--url', ...args], {
        AWS_REGION: name === 'AWS_REGION' ? 'eu-north-1' : undefined,
      });
      assert.equal(params.Destination, destination);
    });
  }

  test('a --destination off the console: exit 2 before any request', async () => {
    reset();
    const result = await runCli(
      ['console', ROLE, '--url', '--destination', 'https://example.com/', '--signin-url', signin.url],
      { env: env() },
    );
    assert.equal(result.code, 2);
    assert.equal(sts.fake.requests.length, 0);
  });

  test('a bad --signin-url: exit 2', async () => {
    const result = await runCli(['console', ROLE, '--url', '--signin-url', 'ftp://x'], { env: env() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--signin-url/);
  });
});

describe('console: the browser', () => {
  /** A stand-in xdg-open on PATH that records its arguments and fetches the address it is given, as a browser would. */
  let browsers = 0;
  function fakeBrowser(behaviour: 'fetch' | 'fail'): { bin: string; log: string } {
    const dir = join(sts.home.dir, `browser-${++browsers}`);
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const log = join(dir, 'log.json');
    const script = join(dir, 'browser.cjs');
    writeFileSync(
      script,
      `const { writeFileSync } = require('node:fs');
const target = process.argv[2];
if (${JSON.stringify(behaviour)} === 'fail') { writeFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2) })); process.exit(3); }
fetch(target, { redirect: 'manual' }).then((res) => writeFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), status: res.status, location: res.headers.get('location') })));`,
    );
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nexec ${JSON.stringify(NODE)} ${JSON.stringify(script)} "$@"\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    return { bin, log };
  }

  test('with a display: the browser gets a one-time loopback address that redirects to the sign-in URL', async () => {
    reset();
    const browser = fakeBrowser('fetch');
    const result = await runCli(['console', ROLE, '--signin-url', signin.url, '--region', 'eu-west-1'], {
      env: env({ DISPLAY: ':99', PATH: `${browser.bin}:${process.env.PATH}` }),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '', 'nothing on stdout when the browser opened');
    assert.equal(result.stderr, '');
    // The launcher is detached: it may write its log after stsenv has exited.
    for (let i = 0; i < 100 && !existsSync(browser.log); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const seen = JSON.parse(readFileSync(browser.log, 'utf8')) as { argv: string[]; status: number; location: string };
    assert.equal(seen.argv.length, 1);
    assert.match(seen.argv[0]!, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
    const token = signin.tokens.at(-1)!;
    assert.ok(!seen.argv[0]!.includes(token), 'the sign-in token is not in any argument');
    assert.equal(seen.status, 302);
    const login = new URL(seen.location);
    assert.equal(login.searchParams.get('SigninToken'), token);
    assert.equal(
      login.searchParams.get('Destination'),
      'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
    );
  });

  test('--signin-url: https, or plain http only to this machine; a password in it is never shown', async () => {
    for (const url of ['http://signin.example.com/federation', 'http://10.0.0.1/federation']) {
      const result = await runCli(['console', ROLE, '--signin-url', url, '--url'], { env: env() });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /refusing --signin-url .*plain http would send the credentials in clear/);
    }
    const secret = await runCli(['console', ROLE, '--signin-url', 'ftp://user:TOPSECRET@host/', '--url'], {
      env: env(),
    });
    assert.equal(secret.code, 2);
    assert.doesNotMatch(secret.stderr, /TOPSECRET/);
  });

  test('another user who reads the one-time address from the process list gets nothing; it is reported, exit 1', {
    skip: process.getuid?.() !== 0,
  }, async (t) => {
    reset();
    const dir = join(sts.home.dir, 'thief');
    mkdirSync(join(dir, 'bin'), { recursive: true, mode: 0o755 });
    // The thief is any local program another user can run: a node that uid 12345 can reach (the
    // pinned one may sit in root's 0700 home, where only root can start it).
    const thiefNode = [NODE, '/usr/bin/node', '/usr/local/bin/node'].find(
      (node) => spawnSync(node, ['-e', '0'], { uid: 12345, gid: 12345 }).status === 0,
    );
    if (!thiefNode) return t.skip('no node that another user can start');
    const log = join(dir, 'log.json');
    // The launcher's argv is what /proc/PID/cmdline shows every user: a process of uid 12345 fetches it first.
    const script = join(dir, 'browser.cjs');
    writeFileSync(
      script,
      `const { spawnSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const thief = spawnSync(${JSON.stringify(thiefNode)}, ['-e', "fetch(process.argv[1], { redirect: 'manual' }).then((r) => console.log(JSON.stringify({ status: r.status, location: r.headers.get('location') })))", process.argv[2]], { uid: 12345, gid: 12345, encoding: 'utf8' });
writeFileSync(${JSON.stringify(log)}, thief.stdout || thief.stderr || String(thief.error));`,
    );
    chmodSync(dir, 0o755);
    writeFileSync(
      join(dir, 'bin', 'xdg-open'),
      `#!/bin/sh\nexec ${JSON.stringify(NODE)} ${JSON.stringify(script)} "$@"\n`,
    );
    chmodSync(join(dir, 'bin', 'xdg-open'), 0o755);
    const result = await runCli(['console', ROLE, '--signin-url', signin.url], {
      env: env({ DISPLAY: ':99', PATH: `${join(dir, 'bin')}:${process.env.PATH}` }),
    });
    // The launcher is detached: it may write its log after stsenv has exited.
    for (let i = 0; i < 100 && !existsSync(log); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const seen = JSON.parse(readFileSync(log, 'utf8')) as { status: number; location: string | null };
    assert.equal(seen.status, 403, 'the thief got no redirect');
    assert.equal(seen.location, null);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /uid 12345, another user on this machine, asked for the one-time sign-in address/);
    assert.ok(!result.stderr.includes(signin.tokens.at(-1)!), 'no sign-in token in the message');
  });

  test('a browser launcher that fails: the URL on stdout and a warning', async () => {
    reset();
    const browser = fakeBrowser('fail');
    const result = await runCli(['console', ROLE, '--signin-url', signin.url], {
      env: env({ DISPLAY: ':99', PATH: `${browser.bin}:${process.env.PATH}` }),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(new URL(result.stdout.trim()).searchParams.get('SigninToken'), signin.tokens.at(-1));
    assert.match(
      result.stderr,
      /^stsenv: warning: no browser opened \(the browser launcher .* failed \(exit code 3\)\): the sign-in URL is on stdout\n$/,
    );
  });

  for (const [name, extra] of [
    ['no display', {}],
    ['CI', { DISPLAY: ':99', CI: 'true' }],
  ] as const) {
    test(`${name}: the URL on stdout, no browser started`, async () => {
      reset();
      const browser = fakeBrowser('fetch');
      const result = await runCli(['console', ROLE, '--signin-url', signin.url], {
        env: env({ ...extra, PATH: `${browser.bin}:${process.env.PATH}` }),
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(new URL(result.stdout.trim()).searchParams.get('SigninToken'), signin.tokens.at(-1));
      assert.match(
        result.stderr,
        name === 'CI'
          ? /no browser opened \(CI is set\)/
          : /no browser opened \(no display: DISPLAY and WAYLAND_DISPLAY are unset\)/,
      );
      assert.throws(() => readFileSync(browser.log), /ENOENT/, 'the browser was not started');
    });
  }
});

describe('console: no secret on stderr, even with --debug', () => {
  const runs: Array<[string, string[], NodeJS.ProcessEnv]> = [
    ['a role', [ROLE], {}],
    ['a role profile', ['--profile', 'deploy'], { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }],
    ['long-term keys', [], {}],
    [
      "a profile's long-term keys",
      ['--profile', 'dev'],
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    ],
  ];
  for (const [name, args, extra] of runs) {
    test(name, async () => {
      reset();
      const result = await runCli(['console', ...args, '--url', '--debug', '--signin-url', signin.url], {
        env: env(extra),
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /getSigninToken via http:\/\/127\.0\.0\.1:\d+\/federation/);
      const secrets = [
        BASE_SECRET_ACCESS_KEY,
        ...sts.fake.issued.flatMap((i) => [i.secretAccessKey, i.sessionToken]),
        ...signin.tokens,
      ];
      assert.ok(secrets.length >= 3);
      for (const secret of secrets)
        assert.ok(
          !result.stderr.includes(secret) && !result.stderr.includes(encodeURIComponent(secret)),
          `a secret is on stderr in: ${name}`,
        );
    });
  }

  test('a failed sign-in with --debug', async () => {
    reset();
    const result = await runCli(
      [
        'console',
        ROLE,
        '--url',
        '--debug',
        '--duration',
        '12h',
        '--signin-url',
        signin.url.replace('/federation', '/nowhere'),
      ],
      { env: env() },
    );
    assert.equal(result.code, 1);
    for (const secret of [
      BASE_SECRET_ACCESS_KEY,
      ...sts.fake.issued.flatMap((i) => [i.secretAccessKey, i.sessionToken]),
    ]) {
      assert.ok(
        !result.stderr.includes(secret) && !result.stderr.includes(encodeURIComponent(secret)),
        'a secret is on stderr',
      );
    }
    assert.doesNotMatch(result.stderr, /Session=|sessionKey/);
  });
});
