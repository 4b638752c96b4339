/**
 * Keys in the keystore (README: Keys in the keystore) against a real Secret
 * Service: gnome-keyring-daemon on a private D-Bus session bus, started and
 * ended here. Every command that signs with a profile's keys signs with the
 * keystore's, against the loopback STS; the secret shows up nowhere.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeSignin, type FakeSignin } from '../support/fake-signin.js';
import { CLI, isolatedEnv, runCli, type CliResult } from '../support/run-cli.js';
import { secretServiceMissing, startSecretService, type SecretService } from '../support/secret-service.js';
import { useStsFixture } from '../support/sts-fixture.js';

const NODE = process.execPath;
const KEY_ID = 'AKIAKEYSTOREEXAMPLE1';
const SECRET = 'keystore/Secret+EXAMPLE0000000000000000000';
const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const AWS_CLI_V2 = '/usr/bin/aws';
/** What --write-profile leaves: session credentials, which keys import --all passes over. */
const SESSION_SECTION =
  '\n[stsenv]\naws_access_key_id = ASIASESSIONEXAMPLE01\naws_secret_access_key = session/secret\naws_session_token = token\n';
const PRINT_ENV = `process.stdout.write(JSON.stringify(process.env))`;

const missing = secretServiceMissing();
const sts = useStsFixture();
let service: SecretService;

let signin: FakeSignin;
before(async () => {
  signin = await startFakeSignin(() => sts.fake.issued);
});
after(async () => {
  service?.stop();
  await signin.close();
});

function aws(dir = sts.home.dir) {
  return join(dir, '.aws');
}

/** The user's environment: no key variables (the profile's keys sign), the private Secret Service. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    ...service.env,
    HOME: sts.home.dir,
    ...extra,
  });
}

const outputs: CliResult[] = [];
async function stsenv(args: string[], extra: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  const result = await runCli(args, { env: env(extra), input });
  outputs.push(result);
  return result;
}

function secretToolLookup(profile: string): string {
  return spawnSync('secret-tool', ['lookup', 'service', 'stsenv', 'username', profile], {
    env: service.env,
    encoding: 'utf8',
  }).stdout;
}

describe('keys in the Secret Service', { skip: missing }, () => {
  before(async () => {
    service = await startSecretService(sts.home.dir);
    mkdirSync(aws(), { recursive: true });
    writeFileSync(
      join(aws(), 'config'),
      `[profile dev]\nregion = eu-west-1\n\n[profile deploy]\nrole_arn = ${ROLE}\nsource_profile = dev\n`,
    );
  });

  test('keys add reads the key id and the secret from stdin; keys list shows the profile, its key id shortened, no secret', async () => {
    const added = await stsenv(['keys', 'add', 'dev'], {}, `${KEY_ID}\n${SECRET}\n`);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout, '');
    assert.match(added.stderr, /stored the keys of profile 'dev' \(access key AKIA…PLE1\) in the Secret Service/);
    assert.deepEqual(JSON.parse(secretToolLookup('dev')), { accessKeyId: KEY_ID, secretAccessKey: SECRET });
    const listed = await stsenv(['keys', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(
      listed.stdout,
      'dev\tAKIA…PLE1\tthe Secret Service (org.freedesktop.secrets on the D-Bus session bus)\n',
    );
    const index = join(aws(), 'stsenv-keys.json');
    assert.equal(statSync(index).mode & 0o777, 0o600);
    assert.ok(!readFileSync(index, 'utf8').includes(SECRET));
  });

  test('session, assume --profile (a role chain), whoami and exec sign with the keystore keys', async () => {
    sts.fake.reset();
    const session = await stsenv(['session', '--profile', 'dev', '--endpoint-url', sts.fake.url, '--shell', 'json']);
    assert.equal(session.code, 0, session.stderr);
    assert.equal(JSON.parse(session.stdout).AccessKeyId, sts.fake.issued[0]!.accessKeyId);
    const assumed = await stsenv([
      'assume',
      '--profile',
      'deploy',
      '--endpoint-url',
      sts.fake.url,
      '--shell',
      'json',
      '--debug',
    ]);
    assert.equal(assumed.code, 0, assumed.stderr);
    assert.match(assumed.stderr, /in the keystore/);
    const whoami = await stsenv(['whoami', '--profile', 'dev', '--endpoint-url', sts.fake.url, '--json']);
    assert.equal(whoami.code, 0, whoami.stderr);
    // AWS_PROFILE, not --profile: the same keys.
    const exec = await stsenv(['exec', ROLE, '--endpoint-url', sts.fake.url, '--', NODE, '-e', PRINT_ENV], {
      AWS_PROFILE: 'dev',
    });
    assert.equal(exec.code, 0, exec.stderr);
    const child = JSON.parse(exec.stdout) as NodeJS.ProcessEnv;
    assert.equal(child.AWS_ACCESS_KEY_ID, sts.fake.issued.at(-1)!.accessKeyId);
    assert.ok(!JSON.stringify(child).includes(SECRET), 'the long-term secret is not in the child environment');
    assert.deepEqual(
      sts.fake.requests.map((r) => [r.action, r.accessKeyId]),
      [
        ['GetSessionToken', KEY_ID],
        ['AssumeRole', KEY_ID],
        ['GetCallerIdentity', KEY_ID],
        ['AssumeRole', KEY_ID],
      ],
    );
  });

  test('exec --server serves a role of the keystore keys; console signs in with a federation token of them', async () => {
    sts.fake.reset();
    const probe = `fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN } }).then((r) => r.text()).then((t) => process.stdout.write(t))`;
    const served = await stsenv([
      'exec',
      '--server',
      ROLE,
      '--profile',
      'dev',
      '--endpoint-url',
      sts.fake.url,
      '--',
      NODE,
      '-e',
      probe,
    ]);
    assert.equal(served.code, 0, served.stderr);
    assert.equal(JSON.parse(served.stdout).AccessKeyId, sts.fake.issued[0]!.accessKeyId);
    const signedIn = await stsenv(
      ['console', '--profile', 'dev', '--url', '--endpoint-url', sts.fake.url, '--signin-url', signin.url],
      { HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost' },
    );
    assert.equal(signedIn.code, 0, signedIn.stderr);
    assert.match(signedIn.stdout, /SigninToken=/);
    assert.deepEqual(
      sts.fake.requests.map((r) => [r.action, r.accessKeyId]),
      [
        ['AssumeRole', KEY_ID],
        ['GetFederationToken', KEY_ID],
      ],
    );
  });

  test('a cache hit never opens the keystore: the same session with no Secret Service to reach', async () => {
    sts.fake.reset();
    const first = await stsenv(['session', '--profile', 'dev', '--endpoint-url', sts.fake.url, '--shell', 'json'], {
      STSENV_NO_CACHE: undefined,
    });
    assert.equal(first.code, 0, first.stderr);
    const again = await stsenv(
      ['session', '--profile', 'dev', '--endpoint-url', sts.fake.url, '--shell', 'json', '--debug'],
      {
        STSENV_NO_CACHE: undefined,
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
      },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    assert.match(again.stderr, /cache hit/);
    assert.equal(sts.fake.requests.length, 1);
  });

  test("the AWS CLI reads a session of the keystore keys through the profile's own credential_process, which does not loop", async (t) => {
    if (!existsSync(AWS_CLI_V2)) return t.skip('AWS CLI v2 is not installed at /usr/bin/aws');
    sts.fake.reset();
    const config = readFileSync(join(aws(), 'config'), 'utf8');
    // The same profile: stsenv finds its keys in the keystore before the SDK would run this line again.
    writeFileSync(
      join(aws(), 'config'),
      config.replace(
        '[profile dev]\n',
        `[profile dev]\ncredential_process = ${NODE} ${CLI} session --profile dev --duration 1h --endpoint-url ${sts.fake.url} --shell json\n`,
      ),
    );
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        AWS_CLI_V2,
        ['sts', 'get-caller-identity', '--profile', 'dev', '--endpoint-url', sts.fake.url, '--output', 'json'],
        { env: env({ STSENV_NO_CACHE: undefined }), timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stderr.includes(SECRET));
    const issued = sts.fake.issued[0]!;
    assert.deepEqual(
      sts.fake.requests.map((r) => [r.action, r.accessKeyId]),
      [
        ['GetSessionToken', KEY_ID],
        ['GetCallerIdentity', issued.accessKeyId],
      ],
    );
    writeFileSync(join(aws(), 'config'), config);
  });

  test('keys import moves verified keys out of the credentials file, every other byte kept; keys that do not verify stay', async () => {
    sts.fake.reset();
    const credentials =
      '# my keys\r\n[other]\naws_access_key_id = AKIAOTHEREXAMPLE0001\naws_secret_access_key = other/secret0000000000000000000000000\n\n' +
      `[ci] ; the build\naws_access_key_id = AKIACIEXAMPLE0000001\nregion = us-east-2\n  aws_secret_access_key=ci/secret00000000000000000000000000000\n# kept\n` +
      SESSION_SECTION;
    writeFileSync(join(aws(), 'credentials'), credentials, { mode: 0o600 });
    // The first verification fails: 'ci' is left as it was.
    sts.fake.failNext({
      error: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
    });
    const failed = await stsenv(['keys', 'import', 'ci', '--endpoint-url', sts.fake.url]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /profile 'ci' left in .*InvalidClientTokenId|profile 'ci' left in .*invalid/);
    assert.equal(readFileSync(join(aws(), 'credentials'), 'utf8'), credentials);
    assert.equal(secretToolLookup('ci'), '');

    const moved = await stsenv(['keys', 'import', 'ci', '--endpoint-url', sts.fake.url]);
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(
      moved.stderr,
      /moved the keys of profile 'ci' \(access key AKIA…0001, arn:aws:iam::123456789012:user\/base-user\)/,
    );
    assert.equal(
      readFileSync(join(aws(), 'credentials'), 'utf8'),
      `# my keys\r\n[other]\naws_access_key_id = AKIAOTHEREXAMPLE0001\naws_secret_access_key = other/secret0000000000000000000000000\n\n[ci] ; the build\nregion = us-east-2\n# kept\n${SESSION_SECTION}`,
    );
    assert.equal(statSync(join(aws(), 'credentials')).mode & 0o777, 0o600);
    assert.equal(JSON.parse(secretToolLookup('ci')).accessKeyId, 'AKIACIEXAMPLE0000001');
    assert.deepEqual(
      sts.fake.requests.map((r) => [r.action, r.accessKeyId]),
      [
        ['GetCallerIdentity', 'AKIACIEXAMPLE0000001'],
        ['GetCallerIdentity', 'AKIACIEXAMPLE0000001'],
      ],
    );
    // The moved profile signs as before, from the keystore.
    const session = await stsenv(['session', '--profile', 'ci', '--endpoint-url', sts.fake.url, '--shell', 'json']);
    assert.equal(session.code, 0, session.stderr);
    assert.equal(sts.fake.requests.at(-1)!.accessKeyId, 'AKIACIEXAMPLE0000001');

    const all = await stsenv(['keys', 'import', '--all', '--endpoint-url', sts.fake.url]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(
      readFileSync(join(aws(), 'credentials'), 'utf8'),
      `# my keys\r\n[other]\n\n[ci] ; the build\nregion = us-east-2\n# kept\n${SESSION_SECTION}`,
    );
    const listed = await stsenv(['keys', 'list', '--json']);
    assert.deepEqual(
      JSON.parse(listed.stdout).map((row: { profile: string }) => row.profile),
      ['ci', 'dev', 'other'],
    );
  });

  test('keys rm removes the item and the profile from the list', async () => {
    const removed = await stsenv(['keys', 'rm', 'other']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(secretToolLookup('other'), '');
    const again = await stsenv(['keys', 'rm', 'other']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /profile 'other' has no keys in the keystore/);
  });

  test('no Secret Service to reach: one line naming it and how to enable one, exit 1, nothing on stdout', async () => {
    const result = await stsenv(
      ['keys', 'add', 'nowhere'],
      { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      `${KEY_ID}\n${SECRET}\n`,
    );
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(
      result.stderr,
      /^stsenv: error: no keystore reachable: the Secret Service \(org\.freedesktop\.secrets on the D-Bus session bus\) did not answer .*STSENV_KEYSTORE=file/,
    );
    const signing = await stsenv(['session', '--profile', 'dev', '--endpoint-url', sts.fake.url], {
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    });
    assert.equal(signing.code, 1);
    assert.match(signing.stderr, /no keystore reachable/);
  });

  test('no secret in any stdout, stderr or --debug line of this file', () => {
    for (const result of outputs) {
      assert.ok(!result.stderr.includes(SECRET) && !result.stderr.includes('keystore/Secret'), result.stderr);
      assert.ok(!result.stdout.includes(SECRET));
    }
  });
});
