/**
 * `stsenv refresh` and what the init functions record (README "Long
 * sessions"), run as the built CLI against the loopback STS: the record holds
 * the request and never a code, key or token; refresh repeats it with the
 * profile it started from, past a cache entry, and keeps the record; what it
 * cannot repeat it says in one line, stdout empty.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeRequest } from '../../src/commands/recorded-request.js';
import { BASE_ACCESS_KEY_ID, CLI, isolatedEnv, runCli, writeBaseProfile } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const SERIAL = 'arn:aws:iam::123456789012:mfa/tester';

const sts = useStsFixture({ eachTest: true, setup: ({ home }) => writeBaseProfile(home.dir) });

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_PROFILE: 'work',
    ...extra,
  });
}

/** The variables a bash function would set from `out`. */
function exported(out: string): Map<string, string> {
  return new Map([...out.matchAll(/^export (\w+)='([^']*)';$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** Runs stsenv in a new session: no controlling terminal. */
function withoutTerminal(
  args: string[],
  extra: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: env(extra),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the record of the init functions', () => {
  test('assume through the function records its request, never the MFA code; by hand it clears the record', async () => {
    const through = await runCli(
      [
        'assume',
        ROLE,
        '--duration',
        '15m',
        '--tag',
        'team=ops',
        '--session-name',
        'me',
        '--mfa-serial',
        SERIAL,
        '--token-code',
        '123456',
      ],
      {
        env: env({ STSENV_EVAL: 'bash' }),
      },
    );
    assert.equal(through.code, 0, through.stderr);
    const vars = exported(through.stdout);
    const record = decodeRequest(vars.get('STSENV_REQUEST')!);
    assert.deepEqual(record, {
      command: 'assume',
      options: {
        roleArn: ROLE,
        profile: 'work',
        duration: '15m',
        sessionName: 'me',
        mfaSerial: SERIAL,
        tag: ['team=ops'],
      },
      label: 'deploy',
      signedWithEnvironmentKeys: undefined,
    });
    assert.doesNotMatch(Buffer.from(vars.get('STSENV_REQUEST')!, 'base64url').toString(), /123456"/);
    assert.equal(vars.get('STSENV_LABEL'), 'deploy');
    assert.equal(vars.get('STSENV_EXPIRES_EPOCH'), String(sts.fake.issued[0]!.expiration.getTime() / 1000));

    const byHand = await runCli(['assume', ROLE, '--shell', 'bash'], { env: env() });
    assert.equal(byHand.code, 0, byHand.stderr);
    assert.match(byHand.stdout, /^unset STSENV_REQUEST;$/m);
    assert.doesNotMatch(byHand.stdout, /export STSENV_REQUEST/);
  });

  test('web-identity with the token on the command line is not recorded; with a token file, the file is', async () => {
    const tokenFile = join(sts.home.dir, 'token');
    writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
    const inline = await runCli(['web-identity', ROLE, '--token', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'], {
      env: env({ STSENV_EVAL: 'bash' }),
    });
    assert.equal(inline.code, 0, inline.stderr);
    assert.match(inline.stdout, /^unset STSENV_REQUEST;$/m);
    const fromFile = await runCli(['web-identity', ROLE, '--token-file', tokenFile], {
      env: env({ STSENV_EVAL: 'bash' }),
    });
    assert.equal(fromFile.code, 0, fromFile.stderr);
    const record = decodeRequest(exported(fromFile.stdout).get('STSENV_REQUEST')!);
    assert.equal(record.options.tokenFile, tokenFile);
    assert.doesNotMatch(JSON.stringify(record), /eyJ/);
  });
});

describe('stsenv refresh', () => {
  test('nothing recorded: exit 2, stdout empty, what to run instead', async () => {
    const result = await runCli(['refresh'], { env: env({ STSENV_EVAL: 'bash' }) });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /nothing to refresh.*stsenv assume ROLE/);
  });

  test('repeats the request past a fresh cache entry, signed by the profile rather than the credentials it replaces, and keeps the record', async () => {
    const first = await runCli(['assume', ROLE, '--duration', '15m'], {
      env: env({ STSENV_EVAL: 'bash', STSENV_NO_CACHE: undefined }),
    });
    assert.equal(first.code, 0, first.stderr);
    const vars = exported(first.stdout);
    // The shell after the function evaluated those lines: the role's keys, no AWS_PROFILE.
    const shell = env({
      ...Object.fromEntries(vars),
      AWS_PROFILE: undefined,
      STSENV_NO_CACHE: undefined,
      STSENV_EVAL: 'bash',
    });
    const result = await runCli(['refresh'], { env: shell });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(sts.fake.issued.length, 2, 'STS asked again, not the cache');
    const [, again] = sts.fake.requestsFor('AssumeRole');
    assert.equal(again!.accessKeyId, BASE_ACCESS_KEY_ID);
    assert.equal(again!.params.DurationSeconds, '900');
    const next = exported(result.stdout);
    assert.equal(next.get('AWS_ACCESS_KEY_ID'), sts.fake.issued[1]!.accessKeyId);
    assert.equal(next.get('STSENV_REQUEST'), vars.get('STSENV_REQUEST'));
    assert.match(result.stderr, /^stsenv: refreshed deploy until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\d+m left\)\n$/);
  });

  test('a denied refresh: one line saying the current credentials stay, stdout empty, exit 1', async () => {
    const first = await runCli(['assume', ROLE], { env: env({ STSENV_EVAL: 'bash' }) });
    const vars = exported(first.stdout);
    sts.fake.failAlways({ error: 'AccessDenied', message: 'not allowed' });
    const result = await runCli(['refresh'], {
      env: env({ ...Object.fromEntries(vars), AWS_PROFILE: undefined, STSENV_EVAL: 'bash' }),
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, result.stderr);
    assert.match(result.stderr, /could not refresh deploy: .*the current credentials stay until /);
  });

  test('credentials first signed with the key variables cannot be refreshed: said in one line', async () => {
    const first = await runCli(['assume', ROLE], {
      env: env({
        STSENV_EVAL: 'bash',
        AWS_PROFILE: undefined,
        AWS_ACCESS_KEY_ID: BASE_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: 'base/secret+EXAMPLE0000000000000000000000',
      }),
    });
    assert.equal(first.code, 0, first.stderr);
    const result = await runCli(['refresh'], {
      env: env({ ...Object.fromEntries(exported(first.stdout)), AWS_PROFILE: undefined, STSENV_EVAL: 'bash' }),
    });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /cannot refresh deploy: it was signed with keys from AWS_ACCESS_KEY_ID/);
  });

  test('an MFA code needed and no terminal: no refresh, one line', async () => {
    const first = await runCli(['assume', ROLE, '--mfa-serial', SERIAL, '--token-code', '123456', '--no-cache'], {
      env: env({ STSENV_EVAL: 'bash' }),
    });
    assert.equal(first.code, 0, first.stderr);
    const result = await withoutTerminal(['refresh'], {
      ...Object.fromEntries(exported(first.stdout)),
      AWS_PROFILE: undefined,
      STSENV_EVAL: 'bash',
    });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, result.stderr);
    assert.match(result.stderr, /could not refresh deploy: .*no terminal/);
    assert.equal(sts.fake.issued.length, 1);
  });
});
