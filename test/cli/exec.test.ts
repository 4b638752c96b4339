/**
 * `stsenv exec` runs a command with the credentials in its
 * environment: no shell, stdio shared, exit code and signals passed through.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { IssuedCredentials } from '../support/fake-sts.js';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, CLI, isolatedEnv, runCli, tempDir } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const NODE = process.execPath;
/** A child that prints the variables it was given, as JSON. */
const PRINT_ENV = `const names = ['AWS_ACCESS_KEY_ID','AWS_SECRET_ACCESS_KEY','AWS_SESSION_TOKEN','AWS_CREDENTIAL_EXPIRATION','AWS_SESSION_EXPIRATION','AWS_REGION','AWS_DEFAULT_REGION','AWS_PROFILE','AWS_DEFAULT_PROFILE','AWS_SECURITY_TOKEN','KEEP_ME'];
process.stdout.write(JSON.stringify(Object.fromEntries(names.filter((n) => n in process.env).map((n) => [n, process.env[n]]))));`;

const sts = useStsFixture({
  setup: ({ home }) => {
    mkdirSync(join(home.dir, '.aws'));
    writeFileSync(
      join(home.dir, '.aws', 'credentials'),
      `[work]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
    );
  },
});

/** The user's environment: a profile for the base credentials and the stale variables exec must drop. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    STSENV_NO_CACHE: '1',
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_PROFILE: 'work',
    AWS_DEFAULT_PROFILE: 'stale-default',
    AWS_SECURITY_TOKEN: 'stale-token',
    KEEP_ME: 'kept',
    ...extra,
  });
}

function lastIssued(): IssuedCredentials {
  const issued = sts.fake.issued.at(-1);
  assert.ok(issued, 'the endpoint issued credentials');
  return issued;
}

function expectedEnv(issued: IssuedCredentials, region?: string): Record<string, string> {
  const expiration = issued.expiration.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    AWS_ACCESS_KEY_ID: issued.accessKeyId,
    AWS_SECRET_ACCESS_KEY: issued.secretAccessKey,
    AWS_SESSION_TOKEN: issued.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: expiration,
    AWS_SESSION_EXPIRATION: expiration,
    ...(region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {}),
    KEEP_ME: 'kept',
  };
}

describe('exec gives the command the credentials', () => {
  test('assume: the child sees the new credentials, no profile, and its stdout is the only stdout', async () => {
    sts.fake.reset();
    const result = await runCli(['exec', ROLE, '--region', 'eu-west-1', '--', NODE, '-e', PRINT_ENV], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), expectedEnv(lastIssued(), 'eu-west-1'));
    assert.equal(
      sts.fake.requestsFor('AssumeRole')[0]!.accessKeyId,
      BASE_ACCESS_KEY_ID,
      'the base credentials came from the profile',
    );
    assert.equal(result.stderr, '');
  });

  test("the child's environment is the parent's, plus the credentials, minus the cleared variables, and nothing else", async () => {
    sts.fake.reset();
    const parent = env();
    // Everything the child has, as JSON: no variable of stsenv's own (the SDK's Node-version switch) may be among them.
    const dump = 'process.stdout.write(JSON.stringify(process.env))';
    const result = await runCli(['exec', ROLE, '--region', 'eu-west-1', '--', NODE, '-e', dump], { env: parent });
    assert.equal(result.code, 0, result.stderr);
    const child = JSON.parse(result.stdout) as Record<string, string>;
    const expected: Record<string, string | undefined> = {
      ...parent,
      ...expectedEnv(lastIssued(), 'eu-west-1'),
      STSENV_ROLE_ARN: ROLE,
      STSENV_REGION: 'eu-west-1',
    };
    for (const cleared of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN']) delete expected[cleared];
    assert.deepEqual(Object.keys(child).sort(), Object.keys(expected).sort());
    for (const [name, value] of Object.entries(expected)) assert.equal(child[name], value, name);
  });

  test('--session: GetSessionToken, with the session options', async () => {
    sts.fake.reset();
    const result = await runCli(['exec', '--session', '--duration', '2h', '--', NODE, '-e', PRINT_ENV], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), expectedEnv(lastIssued()));
    const [request] = sts.fake.requestsFor('GetSessionToken');
    assert.equal(request?.params.DurationSeconds, '7200');
    assert.equal(sts.fake.requestsFor('AssumeRole').length, 0);
  });

  test('assume options reach AssumeRole', async () => {
    sts.fake.reset();
    const result = await runCli(
      [
        'exec',
        ROLE,
        '--session-name',
        'ci-7',
        '--duration',
        '15m',
        '--external-id',
        'partner-42',
        '--',
        NODE,
        '-e',
        '',
      ],
      { env: env() },
    );
    assert.equal(result.code, 0, result.stderr);
    const params = sts.fake.requestsFor('AssumeRole')[0]!.params;
    assert.equal(params.RoleSessionName, 'ci-7');
    assert.equal(params.DurationSeconds, '900');
    assert.equal(params.ExternalId, 'partner-42');
  });

  test('arguments after -- arrive exactly, options and numbers included', async () => {
    sts.fake.reset();
    const args = ['007', '--region', 'a  b', '*', '$HOME', "it's", '', '-e', '--'];
    const result = await runCli(
      ['exec', ROLE, '--', NODE, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args],
      { env: env() },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), args);
  });

  test("a --debug after -- is the program's: stsenv prints no debug lines", async () => {
    // Node reads options after -e's code up to the first other word: 'x' ends them.
    const program = [NODE, '-e', 'process.stdout.write(process.argv.slice(1).join(" "))', 'x', '--debug'];
    const result = await runCli(['exec', ROLE, '--', ...program], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'x --debug');
    assert.doesNotMatch(result.stderr, /debug:/);
    const debugged = await runCli(['exec', '--debug', ROLE, '--', NODE, '-e', ''], { env: env() });
    assert.equal(debugged.code, 0, debugged.stderr);
    assert.match(debugged.stderr, /stsenv: debug: /);
  });

  test("stdin is the child's", async () => {
    sts.fake.reset();
    const result = await runCli(['exec', ROLE, '--', NODE, '-e', 'process.stdin.pipe(process.stdout)'], {
      env: env(),
      input: 'from stdin\n',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'from stdin\n');
  });
});

describe('exec exit codes', () => {
  for (const code of [0, 1, 2, 7, 255]) {
    test(`the child's exit code ${code} is stsenv's`, async () => {
      const result = await runCli(['exec', ROLE, '--', NODE, '-e', `process.exit(${code})`], { env: env() });
      assert.equal(result.code, code, result.stderr);
      assert.equal(result.stdout, '');
    });
  }

  for (const signal of ['SIGKILL', 'SIGTERM', 'SIGSEGV'] as const) {
    test(`a child killed by ${signal} gives 128+${constants.signals[signal]}`, async () => {
      const result = await runCli(['exec', ROLE, '--', NODE, '-e', `process.kill(process.pid, '${signal}')`], {
        env: env(),
      });
      assert.equal(result.code, 128 + constants.signals[signal], result.stderr);
      assert.equal(result.signal, null, 'stsenv itself exits normally');
    });
  }

  test('a command that is not found: 127, before any request', async () => {
    sts.fake.reset();
    const result = await runCli(['exec', ROLE, '--', 'stsenv-no-such-command'], { env: env() });
    assert.equal(result.code, 127);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /command not found: 'stsenv-no-such-command'/);
    assert.equal(sts.fake.requests.length, 0);
  });

  test('a file that is not executable: 126', async () => {
    const file = join(sts.home.dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    const result = await runCli(['exec', ROLE, '--', file], { env: env() });
    assert.equal(result.code, 126);
    assert.match(result.stderr, /permission denied/);
  });

  test('an AWS error is exit 1 and the command never runs', async () => {
    sts.fake.reset();
    sts.fake.failNext({ error: 'AccessDenied' });
    const marker = join(sts.home.dir, 'ran');
    const result = await runCli(
      ['exec', ROLE, '--', NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
      { env: env() },
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /AccessDenied/);
    assert.equal(existsSync(marker), false);
  });

  const usage: Array<[string, string[], RegExp]> = [
    ['no command', ['exec', ROLE], /needs a command after --/],
    ['no role and no --session', ['exec', '--', 'true'], /needs a role ARN, --profile of a role profile, or --session/],
    ['both a role and --session', ['exec', ROLE, '--session', '--', 'true'], /not both/],
    [
      'an AssumeRole option with --session',
      ['exec', '--session', '--tag', 'a=b', '--', 'true'],
      /--tag does not apply to --session/,
    ],
    [
      'a word before --',
      ['exec', ROLE, 'aws', 's3', 'ls'],
      /put -- before the command: stsenv exec arn:aws:iam::123456789012:role\/deploy -- aws s3 ls/,
    ],
    ['a bad role ARN', ['exec', 'not-an-arn', '--', 'true'], /invalid role ARN/],
  ];
  for (const [title, args, message] of usage) {
    test(`${title}: exit 2, nothing run, no request`, async () => {
      sts.fake.reset();
      const result = await runCli(args, { env: env() });
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
      assert.equal(sts.fake.requests.length, 0);
    });
  }
});

describe('exec forwards signals', () => {
  /**
   * The child says "ready" once its handler is in place; the test then
   * signals stsenv (not the child), and the child reports what reached it.
   */
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    test(`${signal} sent to stsenv reaches the child`, async () => {
      const child = `process.on('${signal}', () => { process.stdout.write('got ${signal}\\n'); process.exit(42); });
process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`;
      const proc = spawn(NODE, [CLI, 'exec', ROLE, '--', NODE, '-e', child], {
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const watchdog = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout === 'ready\n') proc.kill(signal);
      });
      const [code, killedBy] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        proc.on('close', (c, s) => resolve([c, s])),
      );
      clearTimeout(watchdog);
      assert.equal(stdout, `ready\ngot ${signal}\n`, stderr);
      assert.equal(killedBy, null);
      assert.equal(code, 42);
    });
  }
});

describe('exec gets its credentials the way assume does', () => {
  test('a role profile, and the cache: the second run makes no request', async () => {
    const { dir, cleanup } = tempDir();
    try {
      mkdirSync(join(dir, '.aws'));
      writeFileSync(
        join(dir, '.aws', 'credentials'),
        `[work]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
      );
      writeFileSync(
        join(dir, '.aws', 'config'),
        `[profile deploy]\nrole_arn = ${ROLE}\nsource_profile = work\nrole_session_name = exec-test\n`,
      );
      const cached = isolatedEnv(dir, {
        AWS_ENDPOINT_URL_STS: sts.fake.url,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        STSENV_NO_CACHE: undefined,
      });
      sts.fake.reset();
      const first = await runCli(['exec', '--profile', 'deploy', '--', NODE, '-e', PRINT_ENV], { env: cached });
      assert.equal(first.code, 0, first.stderr);
      const second = await runCli(['exec', '--profile', 'deploy', '--', NODE, '-e', PRINT_ENV], { env: cached });
      assert.equal(second.code, 0, second.stderr);
      const requests = sts.fake.requestsFor('AssumeRole');
      assert.equal(requests.length, 1, 'the second exec is answered from the cache');
      assert.equal(requests[0]!.params.RoleSessionName, 'exec-test');
      assert.equal(requests[0]!.accessKeyId, BASE_ACCESS_KEY_ID);
      const issued = lastIssued();
      for (const run of [first, second])
        assert.equal((JSON.parse(run.stdout) as Record<string, string>).AWS_SECRET_ACCESS_KEY, issued.secretAccessKey);
    } finally {
      cleanup();
    }
  });
});
