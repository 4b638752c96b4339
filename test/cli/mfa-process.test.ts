/**
 * mfa_process: the profile's command prints the MFA code, on every path that
 * asks for one (GetSessionToken of `session`, the MFA session of a role
 * chain, the AssumeRole that carries the code), its failures, and stsenv as
 * the AWS CLI's credential_process with no terminal.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, CLI, isolatedEnv, runCli } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const ROLE = 'arn:aws:iam::123456789012:role/admin';
const AWS_CLI_V2 = '/usr/bin/aws';

const sts = useStsFixture({ eachTest: true });

/** Base keys only in the profiles: none in the environment. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    ...extra,
  });
}

/** A stand-in for ykman: prints `code` (exit `status`), says "touch" on stderr, counts its runs, and records its arguments. */
function fakeYkman(code: string, status = 0): string {
  const bin = join(sts.home.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const path = join(bin, 'ykman');
  writeFileSync(
    path,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "$HOME/ykman-args"\necho run >> "$HOME/ykman-runs"\necho 'Touch your YubiKey...' >&2\nprintf '%s\\n' '${code}'\nexit ${status}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

function runs(): number {
  const file = join(sts.home.dir, 'ykman-runs');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

function writeConfig(
  config: string,
  credentials = `[base]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
): void {
  mkdirSync(join(sts.home.dir, '.aws'), { recursive: true });
  writeFileSync(join(sts.home.dir, '.aws', 'config'), config);
  writeFileSync(join(sts.home.dir, '.aws', 'credentials'), credentials);
}

const mfaLine = (ykman: string) =>
  `mfa_process = "${ykman}" oath accounts code --single "arn:aws:iam::123456789012:mfa/alice"`;

describe('mfa_process', () => {
  test('session --profile: GetSessionToken with the code it prints, split without a shell, its stderr passed through', async () => {
    const ykman = fakeYkman('123456');
    writeConfig(`[profile base]\nmfa_serial = ${SERIAL}\n${mfaLine(ykman)}\n`);
    const run = await runCli(['session', '--profile', 'base', '-s', 'sh'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Touch your YubiKey/);
    const request = sts.fake.requestsFor('GetSessionToken')[0]!;
    assert.equal(request.params.TokenCode, '123456');
    assert.equal(request.params.SerialNumber, SERIAL);
    assert.deepEqual(readFileSync(join(sts.home.dir, 'ykman-args'), 'utf8').split('\n').filter(Boolean), [
      'oath',
      'accounts',
      'code',
      '--single',
      SERIAL,
    ]);
  });

  test('a role chain from long-term keys: the MFA session gets the code, cached, so the next run needs none', async () => {
    const ykman = fakeYkman('234567');
    writeConfig(
      `[profile admin]\nrole_arn = ${ROLE}\nsource_profile = base\nmfa_serial = ${SERIAL}\n${mfaLine(ykman)}\n`,
    );
    const cached = env({ STSENV_NO_CACHE: undefined });
    const run = await runCli(['assume', '--profile', 'admin', '-s', 'sh'], { env: cached });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      sts.fake.requests.map((r) => r.action),
      ['GetSessionToken', 'AssumeRole'],
    );
    assert.equal(sts.fake.requests[0]!.params.TokenCode, '234567');
    const again = await runCli(['exec', '--profile', 'admin', '--refresh', '--', 'true'], { env: cached });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(runs(), 1, 'the cached MFA session needs no new code');
  });

  test('a chain from session credentials: the code goes with the AssumeRole; --token-code wins over mfa_process', async () => {
    const ykman = fakeYkman('345678');
    writeConfig(
      `[profile admin]\nrole_arn = ${ROLE}\nsource_profile = base\nmfa_serial = ${SERIAL}\n${mfaLine(ykman)}\n`,
      `[base]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\naws_session_token = session-token-of-base\n`,
    );
    const run = await runCli(['assume', '--profile', 'admin', '-s', 'sh'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      sts.fake.requests.map((r) => [r.action, r.params.TokenCode]),
      [['AssumeRole', '345678']],
    );
    const given = await runCli(['assume', '--profile', 'admin', '--token-code', '999999', '-s', 'sh'], { env: env() });
    assert.equal(given.code, 0, given.stderr);
    assert.equal(sts.fake.requests[1]!.params.TokenCode, '999999');
    assert.equal(runs(), 1);
  });

  test('its failure, or anything but a code, is an error naming it, never showing what it printed', async () => {
    writeConfig(`[profile base]\nmfa_serial = ${SERIAL}\n${mfaLine(fakeYkman('123456', 3))}\n`);
    const failed = await runCli(['session', '--profile', 'base'], { env: env() });
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, '');
    assert.match(failed.stderr, /mfa_process of profile 'base' failed \(exit code 3\)/);
    writeConfig(`[profile base]\nmfa_serial = ${SERIAL}\n${mfaLine(fakeYkman('not-a-code-9'))}\n`);
    const garbage = await runCli(['session', '--profile', 'base'], { env: env() });
    assert.equal(garbage.code, 1);
    assert.match(garbage.stderr, /mfa_process of profile 'base' did not print a 6-digit code/);
    assert.doesNotMatch(garbage.stderr, /not-a-code-9/);
    writeConfig(`[profile base]\nmfa_serial = ${SERIAL}\nmfa_process = no-such-ykman-here code\n`);
    const missing = await runCli(['session', '--profile', 'base'], { env: env() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /mfa_process of profile 'base': command not found: 'no-such-ykman-here'/);
    writeConfig(`[profile base]\nmfa_serial = ${SERIAL}\nmfa_process = ykman "unclosed\n`);
    const unquoted = await runCli(['session', '--profile', 'base'], { env: env() });
    assert.equal(unquoted.code, 2);
    assert.match(unquoted.stderr, /cannot read mfa_process of profile 'base'/);
    assert.equal(sts.fake.requests.length, 0);
  });

  test('with no mfa_process and no terminal: fails at once, naming mfa_process and the cached MFA session', async () => {
    writeConfig(`[profile base]\nmfa_serial = ${SERIAL}\n`);
    // --no-prompt stands for the missing terminal (the test's own may be one): the same line.
    const run = await runCli(['session', '--profile', 'base', '--no-prompt'], { env: env() });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /an MFA code is needed for .* and --no-prompt is set/);
    assert.match(run.stderr, /set mfa_process in the profile/);
    assert.match(run.stderr, /MFA session is cached/);
  });
});

describe('mfa_process as the AWS CLI credential_process, with no terminal', () => {
  function awsCli(
    args: string[],
    environment: NodeJS.ProcessEnv,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      // detached: a session of its own, so no controlling terminal (/dev/tty cannot open), as under an IDE or a daemon.
      const child = spawn(AWS_CLI_V2, args, { env: environment, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr });
      });
    });
  }

  function config(withProcess: boolean, refresh = false): void {
    const ykman = fakeYkman('456789');
    writeConfig(
      `[profile admin]\nrole_arn = ${ROLE}\nsource_profile = base\nmfa_serial = ${SERIAL}\n${withProcess ? `${mfaLine(ykman)}\n` : ''}\n` +
        `[profile via-stsenv]\nregion = us-east-1\ncredential_process = ${process.execPath} ${CLI} export --profile admin${refresh ? ' --refresh' : ''} --shell json\n`,
    );
  }

  const args = () => [
    'sts',
    'get-caller-identity',
    '--profile',
    'via-stsenv',
    '--endpoint-url',
    sts.fake.url,
    '--output',
    'json',
  ];

  test('mfa_process gives the code; without it, the cached MFA session; without either, one line naming both', async (t) => {
    if (!existsSync(AWS_CLI_V2)) return t.skip('AWS CLI v2 is not installed at /usr/bin/aws');
    const cached = env({ STSENV_NO_CACHE: undefined });
    config(false);
    const none = await awsCli(args(), cached);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /no terminal to ask on.*set mfa_process in the profile.*MFA session is cached/s);
    assert.equal(sts.fake.requests.length, 0);
    config(true);
    const withProcess = await awsCli(args(), cached);
    assert.equal(withProcess.code, 0, withProcess.stderr);
    assert.equal(JSON.parse(withProcess.stdout).Arn.startsWith('arn:aws:sts::123456789012:assumed-role/admin/'), true);
    assert.equal(sts.fake.requestsFor('GetSessionToken')[0]!.params.TokenCode, '456789');
    // The role asked for again (--refresh), with no mfa_process: the cached MFA session signs the new AssumeRole.
    config(false, true);
    const fromSession = await awsCli(args(), cached);
    assert.equal(fromSession.code, 0, fromSession.stderr);
    assert.deepEqual(
      sts.fake.requests.filter((r) => r.action !== 'GetCallerIdentity').map((r) => r.action),
      ['GetSessionToken', 'AssumeRole', 'AssumeRole'],
    );
    assert.equal(runs(), 1);
  });
});

describe('the command runner of mfa_process, saml_assertion_process and --browser-command (in-process)', () => {
  test('split as botocore splits credential_process: quotes and backslashes, no variables, globs or pipes', async () => {
    const { splitCommandLine } = await import('../../src/exec/helper-command.js');
    assert.deepEqual(
      splitCommandLine(`ykman oath accounts code --single "arn:aws:iam::1:mfa/a b" 'it''s' x\\ y $HOME * |`, 'w'),
      ['ykman', 'oath', 'accounts', 'code', '--single', 'arn:aws:iam::1:mfa/a b', 'its', 'x y', '$HOME', '*', '|'],
    );
    assert.throws(
      () => splitCommandLine('ykman "open', "mfa_process of profile 'p'"),
      /cannot read mfa_process of profile 'p'/,
    );
    assert.throws(() => splitCommandLine('   ', "mfa_process of profile 'p'"), /mfa_process of profile 'p' is empty/);
  });

  test('stopped at its time limit; a failure named with its exit code; too much output refused', async () => {
    const { runHelperCommand } = await import('../../src/exec/helper-command.js');
    const { testContext } = await import('../support/test-context.js');
    const ctx = testContext({ env: { PATH: process.env.PATH } });
    await assert.rejects(
      runHelperCommand('sleep 30', { what: "mfa_process of profile 'slow'", timeoutMs: 1000, ctx }),
      /mfa_process of profile 'slow' did not finish within 1s/,
    );
    await assert.rejects(
      runHelperCommand('sh -c "exit 4"', { what: 'x', timeoutMs: 5000, ctx }),
      /x failed \(exit code 4\)/,
    );
    await assert.rejects(
      runHelperCommand('head -c 2000000 /dev/zero', { what: 'x', timeoutMs: 5000, ctx }),
      /x printed more than 1024 KiB/,
    );
    assert.equal(await runHelperCommand('printf 123456', { what: 'x', timeoutMs: 5000, ctx }), '123456');
  });
});
