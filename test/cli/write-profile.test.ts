/**
 * --write-profile. One section of the shared credentials file
 * replaced, every other line kept; 0600; racing writers lose nothing;
 * SIGKILL mid-write leaves the old file; the AWS CLI reads what was written.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, isolatedEnv, runCli } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/written';
const AWS_CLI_V2 = '/usr/bin/aws';

const sts = useStsFixture({ eachTest: true });

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, { AWS_ENDPOINT_URL_STS: sts.fake.url, ...extra });
}

function credentialsFile(): string {
  return join(sts.home.dir, '.aws', 'credentials');
}

const EXISTING = `# my credentials; keep this comment
[default]
aws_access_key_id = AKIDDEFAULT000000001
aws_secret_access_key = default/secret

; the section stsenv writes
[work]
# note inside the section
region = eu-west-1
aws_access_key_id = ASIAOLDOLDOLDOLD0001
aws_secret_access_key = old/secret
aws_session_token = old-token
aws_security_token = old-token

[other]
aws_access_key_id = AKIDOTHER00000000001
aws_secret_access_key = other/secret
`;

describe('--write-profile', () => {
  test('a name the config file gives a role, SSO or credential_process profile is refused (exit 2, naming it) before any request; --force writes it', async () => {
    mkdirSync(join(sts.home.dir, '.aws'), { recursive: true });
    writeFileSync(
      join(sts.home.dir, '.aws', 'config'),
      '[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = default\n[profile portal]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[profile tool]\ncredential_process = /bin/false\n',
    );
    for (const [name, kind] of [
      ['deploy', /role profile \(role_arn\)/],
      ['portal', /SSO profile/],
      ['tool', /credential_process profile/],
    ] as const) {
      const run = await runCli(['assume', ROLE, '--write-profile', name], { env: env() });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`--write-profile ${name}: profile '${name}' is `));
      assert.match(run.stderr, kind);
      assert.match(run.stderr, /--force/);
      assert.equal(run.stdout, '');
    }
    assert.equal(sts.fake.requests.length, 0, 'refused before any request');
    assert.equal(existsSync(credentialsFile()), false);
    const forced = await runCli(['assume', ROLE, '--write-profile', 'deploy', '--force'], { env: env() });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(credentialsFile(), 'utf8'), /^\[deploy\]$/m);
  });

  test('creates the file 0600 when missing; stdout stays empty; the AWS CLI reads the profile', async (t) => {
    const run = await runCli(['assume', ROLE, '--session-name', 'written-session', '--write-profile', 'fresh'], {
      env: env(),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '', 'nothing for the shell');
    assert.match(run.stderr, /wrote profile 'fresh' to .*credentials/);
    assert.equal(statSync(credentialsFile()).mode & 0o777, 0o600);
    const issued = sts.fake.issued[0]!;
    const expiration = issued.expiration.toISOString().replace(/\.\d+Z$/, 'Z');
    assert.equal(
      readFileSync(credentialsFile(), 'utf8'),
      `[fresh]\naws_access_key_id = ${issued.accessKeyId}\naws_secret_access_key = ${issued.secretAccessKey}\naws_session_token = ${issued.sessionToken}\naws_credential_expiration = ${expiration}\n`,
    );
    assert.equal(run.stderr.includes(issued.secretAccessKey), false);

    if (!existsSync(AWS_CLI_V2)) return t.skip('AWS CLI v2 is not installed at /usr/bin/aws');
    const cliEnv = env({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_DEFAULT_REGION: 'us-east-1',
    });
    const who = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        AWS_CLI_V2,
        ['sts', 'get-caller-identity', '--profile', 'fresh', '--endpoint-url', sts.fake.url, '--output', 'json'],
        { env: cliEnv, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    assert.equal(who.code, 0, who.stderr);
    assert.equal(JSON.parse(who.stdout).Arn, 'arn:aws:sts::123456789012:assumed-role/written/written-session');
    assert.equal(sts.fake.requests.at(-1)!.accessKeyId, issued.accessKeyId);
  });

  test('replaces only its own keys of that section; other sections, comments and keys stay as they were', async () => {
    mkdirSync(join(sts.home.dir, '.aws'), { mode: 0o700 });
    writeFileSync(credentialsFile(), EXISTING, { mode: 0o600 });
    const run = await runCli(['session', '--write-profile', 'work'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    const issued = sts.fake.issued[0]!;
    const expiration = issued.expiration.toISOString().replace(/\.\d+Z$/, 'Z');
    assert.equal(
      readFileSync(credentialsFile(), 'utf8'),
      EXISTING.replace(
        'aws_access_key_id = ASIAOLDOLDOLDOLD0001\naws_secret_access_key = old/secret\naws_session_token = old-token\naws_security_token = old-token\n',
        `aws_access_key_id = ${issued.accessKeyId}\naws_secret_access_key = ${issued.secretAccessKey}\naws_session_token = ${issued.sessionToken}\naws_credential_expiration = ${expiration}\n`,
      ),
    );
  });

  test('with --shell too, the credentials are also printed', async () => {
    const run = await runCli(['assume', ROLE, '--write-profile', 'both', '--shell', 'json'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).AccessKeyId, sts.fake.issued[0]!.accessKeyId);
    assert.match(readFileSync(credentialsFile(), 'utf8'), /^\[both\]$/m);
  });

  test('a credentials file writable by others is refused and left alone; a bad profile name is refused before any request', async () => {
    mkdirSync(join(sts.home.dir, '.aws'));
    writeFileSync(credentialsFile(), EXISTING);
    chmodSync(credentialsFile(), 0o666);
    const refused = await runCli(['assume', ROLE, '--write-profile', 'work'], { env: env() });
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /refusing to write credentials to .*writable by group or others/);
    assert.equal(readFileSync(credentialsFile(), 'utf8'), EXISTING);
    sts.fake.reset();
    for (const name of ['bad]name', 'two words', '']) {
      const bad = await runCli(['assume', ROLE, '--write-profile', name], { env: env() });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /--write-profile/);
    }
    assert.equal(sts.fake.requests.length, 0);
  });

  test('16 processes writing 16 profiles into one file at once: every section there, whole, no lock or temp file left', async () => {
    mkdirSync(join(sts.home.dir, '.aws'));
    writeFileSync(credentialsFile(), EXISTING, { mode: 0o600 });
    const names = Array.from({ length: 16 }, (_, i) => `racer-${i}`);
    const runs = await Promise.all(
      names.map((name) => runCli(['assume', ROLE, '--session-name', name, '--write-profile', name], { env: env() })),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const text = readFileSync(credentialsFile(), 'utf8');
    assert.ok(text.startsWith(EXISTING.slice(0, EXISTING.indexOf('[work]'))), 'the sections before are unchanged');
    assert.match(text, /\[other\]\naws_access_key_id = AKIDOTHER00000000001\naws_secret_access_key = other\/secret\n/);
    const bySession = new Map(sts.fake.issued.map((c) => [c.arn.split('/').at(-1), c]));
    for (const name of names) {
      const issued = bySession.get(name)!;
      const section = new RegExp(
        `^\\[${name}\\]\\naws_access_key_id = ${issued.accessKeyId}\\naws_secret_access_key = ${issued.secretAccessKey.replace(/[+/]/g, '\\$&')}\\naws_session_token = `,
        'm',
      );
      assert.match(text, section, `section ${name} holds its own credentials`);
    }
    assert.deepEqual(readdirSync(join(sts.home.dir, '.aws')).sort(), ['credentials']);
    assert.equal(statSync(credentialsFile()).mode & 0o777, 0o600);
  });

  test('SIGKILL between writing and renaming leaves the old file; its lock is broken by the next writer', async () => {
    mkdirSync(join(sts.home.dir, '.aws'));
    writeFileSync(credentialsFile(), EXISTING, { mode: 0o600 });
    const fifo = join(sts.home.dir, 'pause.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, 'assume', ROLE, '--write-profile', 'work'], {
      env: env({ STSENV_TEST_PAUSE_BEFORE_RENAME: fifo }),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    assert.equal(Number((await readFile(fifo, 'utf8')).trim()), child.pid);
    assert.ok(existsSync(`${credentialsFile()}.lock`), 'the writer holds the lock');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.equal(readFileSync(credentialsFile(), 'utf8'), EXISTING, 'the old file is intact');
    const next = await runCli(['assume', ROLE, '--write-profile', 'work'], { env: env() });
    assert.equal(next.code, 0, next.stderr);
    assert.match(
      readFileSync(credentialsFile(), 'utf8'),
      new RegExp(`aws_access_key_id = ${sts.fake.issued.at(-1)!.accessKeyId}`),
    );
    assert.deepEqual(
      readdirSync(join(sts.home.dir, '.aws')),
      ['credentials'],
      "no lock, and the dead writer's temp file removed",
    );
  });
});
