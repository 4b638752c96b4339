/**
 * `stsenv exec --server` against the loopback STS. The command gets
 * a credentials endpoint instead of keys: the AWS SDK for JavaScript, the
 * AWS CLI v2 (/usr/bin/aws) and boto3 sign as the role through it; the token
 * is required; credentials are renewed (once, however many requests) when
 * too little is left, a failed renewal is one 5xx answer and one line on
 * stderr; the endpoint is gone when the command exits.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, CLI, isolatedEnv, runCli } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const ROLE_SESSION_ARN = 'arn:aws:sts::123456789012:assumed-role/deploy/served';
const AWS_CLI_V2 = '/usr/bin/aws';
const NODE = process.execPath;
const MINUTE = 60_000;

/** Variables the command must not see, or must see, as JSON names to whether they are set. */
const WATCHED = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_SESSION_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'KEEP_ME',
];

/**
 * A command that talks to its endpoint when told: it prints one JSON line
 * when it starts (its environment), then reads one JSON command per line from
 * stdin: { count, auth: 'right' | 'wrong' | 'none' } makes that many requests
 * at once and prints their answers; { exit: N } exits with N.
 */
const PROBE = `
const http = require('node:http');
const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
const out = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
const get = (auth) => new Promise((resolve) => {
  const req = http.get(url, { headers: auth === undefined ? {} : { Authorization: auth }, agent: false }, (res) => {
    let text = '';
    res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
    res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
  });
  req.on('error', (error) => resolve({ error: error.code }));
});
out({ env: Object.fromEntries(${JSON.stringify(WATCHED)}.map((name) => [name, process.env[name]])) });
require('node:readline').createInterface({ input: process.stdin }).on('line', async (line) => {
  const command = JSON.parse(line);
  if (command.exit !== undefined) process.exit(command.exit);
  const auth = command.auth === 'none' ? undefined : command.auth === 'wrong' ? token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') : token;
  out(await Promise.all(Array.from({ length: command.count ?? 1 }, () => get(auth))));
});
`;

const sts = useStsFixture({
  setup: ({ home }) => {
    writeFileSync(join(home.dir, 'probe.cjs'), PROBE);
    mkdirSync(join(home.dir, '.aws'));
    writeFileSync(
      join(home.dir, '.aws', 'credentials'),
      `[work]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
    );
  },
});

interface Answer {
  status?: number;
  body?: Record<string, string>;
  error?: string;
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    AWS_REGION: 'us-east-1',
    AWS_PROFILE: undefined,
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  });
}

/** stsenv exec --server running the probe: its lines one by one, commands sent to it, and the end. */
function startProbe(extraArgs: string[], runEnv: NodeJS.ProcessEnv) {
  const child = spawn(
    NODE,
    [
      CLI,
      'exec',
      '--server',
      ROLE,
      '--session-name',
      'served',
      ...extraArgs,
      '--',
      NODE,
      join(sts.home.dir, 'probe.cjs'),
    ],
    { env: runEnv, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ended = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return {
    async next<T>(): Promise<T> {
      const { value, done } = await lines.next();
      assert.ok(!done, `stsenv ended early: ${stderr}`);
      return JSON.parse(value as string) as T;
    },
    async ask(command: { count?: number; auth?: 'right' | 'wrong' | 'none' }): Promise<Answer[]> {
      child.stdin.write(`${JSON.stringify(command)}\n`);
      return this.next<Answer[]>();
    },
    exit(code: number) {
      child.stdin.write(`${JSON.stringify({ exit: code })}\n`);
      return ended;
    },
    stderr: () => stderr,
  };
}

function roleKeys(): string[] {
  return sts.fake.issued.filter((i) => i.action === 'AssumeRole').map((i) => i.accessKeyId);
}

describe('exec --server: the command gets an endpoint, not keys', () => {
  test('its environment: the endpoint and the region; no keys, profiles or other credential sources', async () => {
    sts.fake.reset();
    const probe = startProbe(
      [],
      env({
        AWS_PROFILE: 'work',
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SECURITY_TOKEN: 'stale',
        AWS_CREDENTIAL_EXPIRATION: '2000-01-01T00:00:00Z',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/nowhere',
        AWS_WEB_IDENTITY_TOKEN_FILE: '/nowhere',
        AWS_ROLE_ARN: ROLE,
        AWS_DEFAULT_PROFILE: 'old',
        KEEP_ME: 'kept',
      }),
    );
    const { env: seen } = await probe.next<{ env: Record<string, string | undefined> }>();
    const set = Object.fromEntries(Object.entries(seen).filter(([, value]) => value !== undefined));
    assert.deepEqual(Object.keys(set).sort(), [
      'AWS_CONTAINER_AUTHORIZATION_TOKEN',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_DEFAULT_REGION',
      'AWS_REGION',
      'KEEP_ME',
    ]);
    assert.match(set.AWS_CONTAINER_CREDENTIALS_FULL_URI!, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const [answer] = await probe.ask({});
    assert.equal(answer!.status, 200);
    const issued = sts.fake.issued[0]!;
    assert.deepEqual(answer!.body, {
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      Token: issued.sessionToken,
      Expiration: issued.expiration.toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    const { code, stderr } = await probe.exit(7);
    assert.equal(code, 7, "the exit code is the command's");
    assert.equal(stderr, '');
    assert.deepEqual(
      sts.fake.requests.map((r) => [r.action, r.accessKeyId]),
      [['AssumeRole', BASE_ACCESS_KEY_ID]],
    );
  });

  test('a request without the token gets 401, with a wrong one 403', async () => {
    sts.fake.reset();
    const probe = startProbe([], env());
    await probe.next();
    const [none] = await probe.ask({ auth: 'none' });
    assert.equal(none!.status, 401);
    const [wrong] = await probe.ask({ auth: 'wrong' });
    assert.equal(wrong!.status, 403);
    for (const refused of [none!, wrong!]) assert.equal(refused.body!.AccessKeyId, undefined);
    const [right] = await probe.ask({});
    assert.equal(right!.status, 200);
    assert.equal((await probe.exit(0)).code, 0);
  });

  test('the endpoint is gone when the command exits, kept-alive connections too', async () => {
    sts.fake.reset();
    const probe = startProbe([], env());
    const { env: seen } = await probe.next<{ env: Record<string, string> }>();
    const agent = new Agent({ keepAlive: true });
    const fetchOnce = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          seen.AWS_CONTAINER_CREDENTIALS_FULL_URI!,
          { headers: { Authorization: seen.AWS_CONTAINER_AUTHORIZATION_TOKEN! }, agent },
          (res) => {
            res.resume().on('end', () => resolve(res.statusCode!));
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      assert.equal(await fetchOnce(), 200, 'this test holds a kept-alive connection to the endpoint');
      const { code } = await probe.exit(3);
      assert.equal(code, 3, 'stsenv ended although a connection was open');
      await assert.rejects(fetchOnce(), /ECONNREFUSED|ECONNRESET|socket hang up/);
    } finally {
      agent.destroy();
    }
  });
});

describe('exec --server: renewal', () => {
  test('credentials with less than --min-remaining left are renewed by the next request, once', async () => {
    sts.fake.reset();
    // The first credentials have 2 minutes left: less than the default 5m.
    sts.fake.failNext({ expiration: new Date(Date.now() + 2 * MINUTE) });
    const probe = startProbe([], env());
    await probe.next();
    const [renewed] = await probe.ask({});
    assert.equal(renewed!.status, 200);
    const [first, second] = roleKeys();
    assert.equal(renewed!.body!.AccessKeyId, second, 'the answer is the renewed credentials');
    assert.notEqual(first, second);
    const [again] = await probe.ask({});
    assert.equal(again!.body!.AccessKeyId, second);
    assert.equal(sts.fake.requestsFor('AssumeRole').length, 2);
    assert.ok(
      sts.fake
        .requestsFor('AssumeRole')
        .every((r) => r.accessKeyId === BASE_ACCESS_KEY_ID && r.params.RoleSessionName === 'served'),
    );
    const { code, stderr } = await probe.exit(0);
    assert.equal(code, 0);
    assert.equal(stderr, '');
  });

  test('--min-remaining 30m renews credentials that have 20 minutes left', async () => {
    sts.fake.reset();
    sts.fake.failNext({ expiration: new Date(Date.now() + 20 * MINUTE) });
    const probe = startProbe(['--min-remaining', '30m'], env());
    await probe.next();
    const [answer] = await probe.ask({});
    assert.equal(answer!.body!.AccessKeyId, roleKeys()[1]);
    assert.equal((await probe.exit(0)).code, 0);
  });

  test('20 concurrent requests make one STS call and get the same credentials', async () => {
    sts.fake.reset();
    sts.fake.failNext({ expiration: new Date(Date.now() + MINUTE) });
    const probe = startProbe([], env());
    await probe.next();
    const answers = await probe.ask({ count: 20 });
    assert.equal(answers.length, 20);
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.deepEqual(new Set(answers.map((a) => a.body!.AccessKeyId)), new Set([roleKeys()[1]]));
    assert.equal(sts.fake.requestsFor('AssumeRole').length, 2, 'the first credentials, then one renewal');
    assert.equal((await probe.exit(0)).code, 0);
  });

  test('STS failing at renewal: that request gets a 5xx JSON error, stderr one line, the next request tries again', async () => {
    sts.fake.reset();
    sts.fake.failNext({ expiration: new Date(Date.now() + MINUTE) });
    const probe = startProbe(['--debug'], env());
    await probe.next();
    sts.fake.failNext({ error: 'AccessDenied' });
    const [failed] = await probe.ask({});
    assert.ok(failed!.status! >= 500 && failed!.status! < 600, `status ${failed!.status}`);
    assert.match(failed!.body!.Message!, /AccessDenied/);
    const errors = probe
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('stsenv: error:'));
    assert.equal(errors.length, 1, probe.stderr());
    assert.match(
      errors[0]!,
      /^stsenv: error: renewing the command's credentials failed: AssumeRole failed: AccessDenied: .* \(.+\)$/,
    );
    const [next] = await probe.ask({});
    assert.equal(next!.status, 200);
    assert.equal(next!.body!.AccessKeyId, roleKeys()[1]);
    const { code, stderr } = await probe.exit(0);
    assert.equal(code, 0);
    // --debug says what the endpoint does, never a secret: keys, tokens, the endpoint's token.
    for (const issued of sts.fake.issued) {
      assert.ok(
        !stderr.includes(issued.secretAccessKey) && !stderr.includes(issued.sessionToken),
        'an issued secret is on stderr',
      );
    }
    assert.ok(!stderr.includes(BASE_SECRET_ACCESS_KEY));
    assert.match(stderr, /credentials endpoint listening on 127\.0\.0\.1:\d+/);
  });
});

describe('exec --server: real clients sign as the role', () => {
  /** The command's STS call reached the fake signed with the role's key, not the base key. */
  function assertSignedAsRole(stdout: string): void {
    assert.equal(stdout.trim(), ROLE_SESSION_ARN);
    const call = sts.fake.requestsFor('GetCallerIdentity');
    assert.equal(call.length, 1);
    assert.equal(call[0]!.accessKeyId, roleKeys()[0]);
    assert.equal(call[0]!.headers['x-amz-security-token'], sts.fake.issued[0]!.sessionToken);
  }

  test('the AWS SDK for JavaScript v3', async () => {
    sts.fake.reset();
    const script = `
      const { STSClient, GetCallerIdentityCommand } = require('node:module').createRequire(${JSON.stringify(join(ROOT, 'package.json'))})('@aws-sdk/client-sts');
      new STSClient({ region: 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL_STS }).send(new GetCallerIdentityCommand({})).then((r) => process.stdout.write(r.Arn));`;
    const result = await runCli(['exec', '--server', ROLE, '--session-name', 'served', '--', NODE, '-e', script], {
      env: env({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }),
    });
    assert.equal(result.code, 0, result.stderr);
    assertSignedAsRole(result.stdout);
  });

  test('the AWS CLI v2', async (t) => {
    if (!existsSync(AWS_CLI_V2)) return t.skip('AWS CLI v2 is not installed at /usr/bin/aws (apt-get install awscli)');
    sts.fake.reset();
    const result = await runCli(
      [
        'exec',
        '--server',
        ROLE,
        '--session-name',
        'served',
        '--',
        AWS_CLI_V2,
        'sts',
        'get-caller-identity',
        '--endpoint-url',
        sts.fake.url,
        '--query',
        'Arn',
        '--output',
        'text',
      ],
      { env: env() },
    );
    assert.equal(result.code, 0, result.stderr);
    assertSignedAsRole(result.stdout);
  });

  test('boto3', async (t) => {
    try {
      execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
    } catch {
      return t.skip('python3 with boto3 is not installed');
    }
    sts.fake.reset();
    const script =
      "import boto3, os; print(boto3.client('sts', region_name='us-east-1', endpoint_url=os.environ['AWS_ENDPOINT_URL_STS']).get_caller_identity()['Arn'])";
    const result = await runCli(['exec', '--server', ROLE, '--session-name', 'served', '--', 'python3', '-c', script], {
      env: env(),
    });
    assert.equal(result.code, 0, result.stderr);
    assertSignedAsRole(result.stdout);
  });
});

describe('exec --server: warnings and errors', () => {
  test('a default profile with keys, which the SDKs would use first, is warned about', async () => {
    sts.fake.reset();
    const home = join(sts.home.dir, 'with-default');
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(
      join(home, '.aws', 'credentials'),
      '[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n',
    );
    const result = await runCli(['exec', '--server', ROLE, '--', NODE, '-e', ''], {
      env: env({ AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials') }),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /^stsenv: warning: profile 'default' .* has credentials, which the command's AWS SDKs use before the endpoint/m,
    );
    assert.ok(!result.stderr.includes('default-secret'));
  });

  test('an AWS error before the command starts: exit 1, the command never runs', async () => {
    sts.fake.reset();
    sts.fake.failNext({ error: 'AccessDenied' });
    const result = await runCli(['exec', '--server', ROLE, '--', NODE, '-e', 'process.stdout.write("ran")'], {
      env: env(),
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /AccessDenied/);
  });
});
