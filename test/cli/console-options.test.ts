/**
 * The console as people use it: --service, --logout-first and --browser-command /
 * STSENV_BROWSER, against the loopback STS and the fake federation endpoint
 * (--signin-url); the URL built (--url) and the browser command's argv.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { browserArgv } from '../../src/console/browser-command.js';
import { servicePath } from '../../src/console/services.js';
import { logoutFirstUrl } from '../../src/console/urls.js';
import { startFakeSignin, type FakeSignin } from '../support/fake-signin.js';
import { isolatedEnv, runCli } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const NODE = process.execPath;

const sts = useStsFixture();
let signin: FakeSignin;
before(async () => {
  signin = await startFakeSignin(() => sts.fake.issued);
});
after(async () => {
  await signin.close();
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    DISPLAY: undefined,
    WAYLAND_DISPLAY: undefined,
    CI: undefined,
    STSENV_BROWSER: undefined,
    ...extra,
  });
}

async function printedUrl(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<URL> {
  const result = await runCli(['console', ROLE, '--url', '--signin-url', signin.url, ...args], { env: env(extra) });
  assert.equal(result.code, 0, result.stderr);
  return new URL(result.stdout.trim());
}

describe('--service', () => {
  const cases: Array<[string, string]> = [
    ['s3', 'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1'],
    ['EC2', 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1'],
    ['logs', 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups'],
    ['dynamodb', 'https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1'],
    ['quicksight', 'https://eu-west-1.console.aws.amazon.com/quicksight/home?region=eu-west-1'],
    ['ec2/home#Instances:', 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:'],
  ];
  for (const [service, destination] of cases) {
    test(`--service ${service}: ${destination}`, async () => {
      const url = await printedUrl(['--service', service, '--region', 'eu-west-1']);
      assert.equal(url.searchParams.get('Action'), 'login');
      assert.equal(url.searchParams.get('Destination'), destination);
    });
  }

  test('--service and --destination together, or an empty --service: exit 2 before any request', async () => {
    sts.fake.reset();
    const both = await runCli(['console', ROLE, '--url', '--service', 's3', '--destination', 'ec2/home'], {
      env: env(),
    });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give --service or --destination, not both/);
    const empty = await runCli(['console', ROLE, '--url', '--service', ' '], { env: env() });
    assert.equal(empty.code, 2);
    assert.equal(sts.fake.requests.length, 0);
  });

  test('the table: names as typed, paths as given', () => {
    assert.equal(servicePath('Lambda'), 'lambda/home');
    assert.equal(servicePath('stepfunctions'), 'states/home');
    assert.equal(servicePath('bogus'), 'bogus/home');
    assert.equal(servicePath('iam/home#/roles'), 'iam/home#/roles');
  });
});

describe('--logout-first', () => {
  test("the sign-out address of the endpoint's origin, sending the browser on to the login URL", async () => {
    const url = await printedUrl(['--logout-first', '--service', 's3']);
    assert.equal(`${url.origin}${url.pathname}`, new URL('/oauth', signin.url).href);
    assert.equal(url.searchParams.get('Action'), 'logout');
    const login = new URL(url.searchParams.get('redirect_uri')!);
    assert.equal(`${login.origin}${login.pathname}`, signin.url);
    assert.equal(login.searchParams.get('Action'), 'login');
    assert.equal(login.searchParams.get('SigninToken'), signin.tokens.at(-1));
    assert.equal(login.searchParams.get('Destination'), 'https://console.aws.amazon.com/s3/home');
  });

  test("per partition: the sign-in host of the partition's first region, for the sign-out and the login alike", () => {
    const login = 'https://signin.aws.amazon.com/federation?Action=login&Issuer=stsenv&Destination=x&SigninToken=T';
    const aws = new URL(logoutFirstUrl('aws', login));
    assert.equal(`${aws.origin}${aws.pathname}`, 'https://us-east-1.signin.aws.amazon.com/oauth');
    assert.equal(aws.searchParams.get('redirect_uri'), login.replace('//signin.', '//us-east-1.signin.'));
    const gov = new URL(
      logoutFirstUrl('aws-us-gov', 'https://signin.amazonaws-us-gov.com/federation?Action=login&SigninToken=T'),
    );
    assert.equal(gov.origin, 'https://us-gov-west-1.signin.amazonaws-us-gov.com');
    assert.equal(
      new URL(gov.searchParams.get('redirect_uri')!).origin,
      'https://us-gov-west-1.signin.amazonaws-us-gov.com',
    );
  });
});

describe('--browser-command and STSENV_BROWSER', () => {
  /** A browser command that records its arguments and fetches the address, as a browser would. */
  function fakeBrowser(): { script: string; log: string } {
    const dir = join(sts.home.dir, `browser-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir, { recursive: true });
    const log = join(dir, 'log.json');
    const script = join(dir, 'my browser.cjs');
    writeFileSync(
      script,
      `const { writeFileSync } = require('node:fs');
const target = process.argv.slice(2).find((a) => a.startsWith('http://127.0.0.1:'));
fetch(target, { redirect: 'manual' }).then((res) => writeFileSync(${JSON.stringify(log)} + '.tmp', JSON.stringify({ argv: process.argv.slice(2), status: res.status, location: res.headers.get('location') }))).then(() => require('node:fs').renameSync(${JSON.stringify(log)} + '.tmp', ${JSON.stringify(log)}));`,
    );
    chmodSync(script, 0o755);
    return { script, log };
  }

  /** The browser runs on after stsenv is done (detached): its record, once written. */
  async function record(log: string): Promise<{ argv: string[]; status: number; location: string }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        return JSON.parse(readFileSync(log, 'utf8')) as { argv: string[]; status: number; location: string };
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  test('--browser-command: run without a shell, {url} replaced by the one-time address, no display needed', async () => {
    const browser = fakeBrowser();
    const line = `"${NODE}" "${browser.script}" --profile-directory="Profile 1" --new-window '{url}' "$HOME"`;
    const result = await runCli(
      ['console', ROLE, '--signin-url', signin.url, '--service', 'iam', '--browser-command', line],
      { env: env() },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    const seen = await record(browser.log);
    assert.equal(seen.argv.length, 4);
    assert.deepEqual(
      [seen.argv[0], seen.argv[1], seen.argv[3]],
      ['--profile-directory=Profile 1', '--new-window', '$HOME'],
    );
    assert.match(seen.argv[2]!, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
    assert.equal(seen.status, 302);
    const login = new URL(seen.location);
    assert.equal(login.searchParams.get('SigninToken'), signin.tokens.at(-1));
    assert.equal(login.searchParams.get('Destination'), 'https://console.aws.amazon.com/iam/home');
  });

  test('STSENV_BROWSER without {url}: the address is its last argument; with --logout-first the browser is sent through the sign-out', async () => {
    const browser = fakeBrowser();
    const result = await runCli(['console', ROLE, '--signin-url', signin.url, '--logout-first'], {
      env: env({ STSENV_BROWSER: `${NODE} '${browser.script}'` }),
    });
    assert.equal(result.code, 0, result.stderr);
    const seen = await record(browser.log);
    assert.equal(seen.argv.length, 1);
    const logout = new URL(seen.location);
    assert.equal(logout.searchParams.get('Action'), 'logout');
    assert.equal(
      new URL(logout.searchParams.get('redirect_uri')!).searchParams.get('SigninToken'),
      signin.tokens.at(-1),
    );
  });

  test('a browser command that is not there, or cannot be read: an error before any request', async () => {
    sts.fake.reset();
    const missing = await runCli(
      ['console', ROLE, '--signin-url', signin.url, '--browser-command', 'no-such-browser-here {url}'],
      { env: env() },
    );
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /command not found: 'no-such-browser-here'/);
    const unquoted = await runCli(['console', ROLE, '--signin-url', signin.url], {
      env: env({ STSENV_BROWSER: 'firefox "unclosed' }),
    });
    assert.equal(unquoted.code, 2);
    assert.match(unquoted.stderr, /cannot read STSENV_BROWSER/);
    assert.equal(sts.fake.requests.length, 0);
  });

  test('the argv, in place or appended', () => {
    assert.deepEqual(browserArgv(['firefox', 'ext+container:name=prod&url={url}'], 'http://127.0.0.1:1/x'), [
      'firefox',
      'ext+container:name=prod&url=http://127.0.0.1:1/x',
    ]);
    assert.deepEqual(browserArgv(['chromium', '--incognito'], 'http://127.0.0.1:1/x'), [
      'chromium',
      '--incognito',
      'http://127.0.0.1:1/x',
    ]);
  });
});
