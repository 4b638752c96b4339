/**
 * MFA codes asked on the terminal itself, through a real
 * pseudo-terminal (util-linux `script`), never on stdout or stderr; the
 * aws-vault way for role profiles (one GetSessionToken with the code, cached,
 * then AssumeRole calls that need no code); fast, clear failures without one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { planKeys, type Plan } from '../../src/engine/plan.js';
import { CLI, isolatedEnv, runCli } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';
import { shQuote, which } from '../support/shells.js';

const SERIAL = 'arn:aws:iam::123456789012:mfa/tester';
const SESSION_PLAN: Plan = {
  root: { kind: 'unsigned', key: 'keys', label: 'keys' },
  steps: [
    { operation: 'GetSessionToken', input: { DurationSeconds: 43200 }, mfaSerial: SERIAL, describe: 'MFA session' },
  ],
};
const STATIC_KEY = 'AKIDMFASTATICBASE001';

const sts = useStsFixture({
  eachTest: true,
  setup: ({ home }) => {
    mkdirSync(join(home.dir, '.aws'));
    writeFileSync(
      join(home.dir, '.aws', 'config'),
      `[profile base]\nregion = eu-west-1\n\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\nmfa_serial = ${SERIAL}\n\n[profile readonly]\nrole_arn = arn:aws:iam::123456789012:role/readonly\nsource_profile = base\nmfa_serial = ${SERIAL}\n`,
    );
    writeFileSync(
      join(home.dir, '.aws', 'credentials'),
      `[base]\naws_access_key_id = ${STATIC_KEY}\naws_secret_access_key = static/secret\n`,
    );
  },
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, { AWS_ENDPOINT_URL_STS: sts.fake.url, STSENV_NO_CACHE: undefined, ...extra });
}

interface TtyRun {
  code: number | null;
  /** What the terminal showed: the prompt and the echo of what was typed. */
  terminal: string;
  stdout: string;
  stderr: string;
}

/**
 * Runs stsenv under a pseudo-terminal with `script`; its stdout and stderr go
 * to files, so the terminal shows only what stsenv wrote to /dev/tty.
 */
function runOnTerminal(
  t: TestContext,
  args: string[],
  typed: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<TtyRun> | undefined {
  const script = which('script');
  if (!script) {
    t.skip('script (util-linux) is not installed');
    return undefined;
  }
  const out = join(sts.home.dir, 'tty.out');
  const err = join(sts.home.dir, 'tty.err');
  const command = `${shQuote(process.execPath)} ${shQuote(CLI)} ${args.map(shQuote).join(' ')} >${shQuote(out)} 2>${shQuote(err)}`;
  return new Promise((resolve, reject) => {
    const child = spawn(script, ['-qec', command, '/dev/null'], { env: env(extra), stdio: ['pipe', 'pipe', 'pipe'] });
    let terminal = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (terminal += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, terminal, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') });
    });
    child.stdin.end(typed);
  });
}

/** Runs stsenv in a new session: no controlling terminal at all. */
function runWithoutTerminal(
  args: string[],
  extra: NodeJS.ProcessEnv = {},
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

describe('the MFA prompt', () => {
  test('session --mfa-serial: asks on the terminal, sends the code, prints only the credentials', async (t) => {
    const run = await runOnTerminal(t, ['session', '--mfa-serial', SERIAL, '--debug'], '246813\n');
    if (!run) return;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.terminal, new RegExp(`MFA code for ${SERIAL}: `));
    const [request] = sts.fake.requestsFor('GetSessionToken');
    assert.equal(request!.params.SerialNumber, SERIAL);
    assert.equal(request!.params.TokenCode, '246813');
    assert.match(run.stdout, new RegExp(`^export AWS_ACCESS_KEY_ID='${sts.fake.issued[0]!.accessKeyId}';$`, 'm'));
    assert.doesNotMatch(run.stdout, /MFA code/, 'the prompt is not on stdout');
    assert.doesNotMatch(run.stderr, /MFA code for/, 'nor on stderr');
    assert.equal(run.stderr.includes('246813'), false, 'the code is in no output, --debug included');
  });

  test('a role profile with mfa_serial: one GetSessionToken with the code, then AssumeRole signed by that session; the next role needs no code', async (t) => {
    const run = await runOnTerminal(t, ['assume', '--profile', 'admin'], '135790\n');
    if (!run) return;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.terminal, /MFA code for/);
    assert.deepEqual(
      sts.fake.requests.map((r) => [r.action, r.accessKeyId, r.params.SerialNumber, r.params.TokenCode]),
      [
        ['GetSessionToken', STATIC_KEY, SERIAL, '135790'],
        ['AssumeRole', sts.fake.issued[0]!.accessKeyId, undefined, undefined],
      ],
    );
    assert.equal(
      sts.fake.requests[0]!.params.DurationSeconds,
      '43200',
      'the MFA session lasts, so the code is asked for rarely',
    );
    // No terminal and --no-prompt: the cached MFA session signs the next role.
    const next = await runWithoutTerminal(['assume', '--profile', 'readonly', '--no-prompt']);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(sts.fake.requests.length, 3);
    assert.deepEqual(
      [sts.fake.requests[2]!.action, sts.fake.requests[2]!.accessKeyId, sts.fake.requests[2]!.params.RoleArn],
      ['AssumeRole', sts.fake.issued[0]!.accessKeyId, 'arn:aws:iam::123456789012:role/readonly'],
    );
  });

  test('the MFA session is one per serial and partition: a role in another region asks for no second code', async () => {
    const first = await runWithoutTerminal(['assume', '--profile', 'admin', '--token-code', '112233']);
    assert.equal(first.code, 0, first.stderr);
    const other = await runWithoutTerminal([
      'assume',
      '--profile',
      'readonly',
      '--region',
      'eu-central-1',
      '--no-prompt',
    ]);
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(
      sts.fake.requests.map((r) => r.action),
      ['GetSessionToken', 'AssumeRole', 'AssumeRole'],
    );
    const list = await runWithoutTerminal(['cache', 'list']);
    assert.equal(
      list.stderr.split('\n').filter((line) => line.startsWith('GetSessionToken')).length +
        list.stdout.split('\n').filter((line) => line.startsWith('GetSessionToken')).length,
      1,
      list.stdout + list.stderr,
    );
    // Another partition's credentials are another session.
    const gov = planKeys(SESSION_PLAN, { region: 'us-gov-west-1', endpoint: undefined });
    assert.deepEqual(
      planKeys(SESSION_PLAN, { region: 'eu-central-1', endpoint: undefined }),
      planKeys(SESSION_PLAN, { region: 'us-east-1', endpoint: 'https://sts.amazonaws.com' }),
    );
    assert.notDeepEqual(gov, planKeys(SESSION_PLAN, { region: 'eu-central-1', endpoint: undefined }));
  });

  test('--token-code given: no prompt, the code goes with the request', async () => {
    const run = await runWithoutTerminal(['assume', '--profile', 'admin', '--token-code', '864209']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sts.fake.requests[0]!.params.TokenCode, '864209');
  });

  test('something that is not a code is asked again', async (t) => {
    const run = await runOnTerminal(t, ['session', '--mfa-serial', SERIAL], 'abc\n975310\n');
    if (!run) return;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.terminal, /6 digits/);
    assert.equal(sts.fake.requests[0]!.params.TokenCode, '975310');
  });
});

describe('no code to be had', () => {
  const cases: Array<{ name: string; args: string[] }> = [
    { name: '--no-prompt', args: ['session', '--mfa-serial', SERIAL, '--no-prompt'] },
    { name: 'no terminal', args: ['session', '--mfa-serial', SERIAL] },
    { name: 'no terminal, mfa_serial from the profile', args: ['assume', '--profile', 'admin'] },
  ];
  for (const { name, args } of cases) {
    test(`${name}: exit 2 at once, naming --token-code, no request`, async () => {
      const run = await runWithoutTerminal(args);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /MFA code is needed for arn:aws:iam::123456789012:mfa\/tester.*--token-code/);
      assert.equal(run.stderr.trim().split('\n').length, 1);
      assert.equal(sts.fake.requests.length, 0);
    });
  }

  test('--no-prompt fails even with a terminal', async (t) => {
    const run = await runOnTerminal(t, ['session', '--mfa-serial', SERIAL, '--no-prompt'], '');
    if (!run) return;
    assert.equal(run.code, 2);
    assert.doesNotMatch(run.terminal, /MFA code for/);
    assert.equal(sts.fake.requests.length, 0);
  });

  test('a wrong code: AccessDenied, said plainly, the code not repeated', async () => {
    sts.fake.failNext({
      error: 'AccessDenied',
      message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.',
    });
    const run = await runCli(['session', '--mfa-serial', SERIAL, '--token-code', '918273'], { env: env() });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /AccessDenied: MultiFactorAuthentication failed/);
    assert.match(run.stderr, /MFA code was refused/);
    assert.equal(run.stderr.includes('918273'), false);
  });
});
