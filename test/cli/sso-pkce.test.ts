/**
 * `stsenv sso login` with the authorization code flow and PKCE, end to end:
 * the built CLI against the fake IAM Identity Center, with this test playing
 * the browser (it reads the page from stderr, or is the `xdg-open` the CLI
 * starts, and follows /authorize's redirect to the loopback callback). Also:
 * the state check, a second callback, the time limit, device code on request,
 * and a cached token refreshed without a browser on every path.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { CLI, stsenvOnPath, type CliResult } from '../support/run-cli.js';
import { startFakeSignin } from '../support/fake-signin.js';
import { LEGACY_START_URL, START_URL, useSsoFixture } from '../support/sso-fixture.js';

const fixture = useSsoFixture();

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function secrets(): string[] {
  return [
    ...fixture.sso.tokens.flatMap((t) => [t.accessToken, t.refreshToken ?? '']),
    ...fixture.sso.registrations.map((r) => r.clientSecret),
    ...fixture.sso
      .requestsFor('CreateToken')
      .flatMap((r) => [String(r.body.code ?? ''), String(r.body.codeVerifier ?? '')]),
  ].filter((s) => s.length > 0);
}

function assertNoSecrets(text: string): void {
  for (const secret of secrets()) assert.ok(!text.includes(secret), 'a secret reached the terminal');
}

/**
 * Runs the built CLI; `browser` is called with the sign-in page once stderr shows it
 * (--no-browser prints it), while the CLI waits.
 */
async function run(
  args: string[],
  extra: NodeJS.ProcessEnv = {},
  browser?: (url: string) => Promise<void>,
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { env: fixture.env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let visited: Promise<void> | undefined;
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
    const url = /^ {4}(http\S+\/authorize\?\S+)$/m.exec(stderr)?.[1];
    if (url && browser && !visited) visited = browser(url);
  });
  const [code] = (await once(child, 'close')) as [number | null];
  await visited;
  return { code, stdout, stderr } as CliResult;
}

/** The browser's part: /authorize, then its redirect to the loopback callback; the callback's status and page. */
async function approve(url: string): Promise<{ callback: URL; status: number; page: string }> {
  const authorize = await fetch(url, { redirect: 'manual' });
  assert.equal(authorize.status, 302, await authorize.text());
  const callback = new URL(authorize.headers.get('location')!);
  const answer = await fetch(callback);
  return { callback, status: answer.status, page: await answer.text() };
}

describe('sso login: the authorization code flow with PKCE', () => {
  test('by default: registration, the /authorize page, the callback, the code exchanged with its verifier, the token cached', async () => {
    let visit: Awaited<ReturnType<typeof approve>> | undefined;
    const result = await run(['sso', 'login', '--profile', 'modern', '--no-browser'], {}, async (url) => {
      visit = await approve(url);
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    const { sso } = fixture;
    assert.deepEqual(
      sso.requests.map((r) => r.operation),
      ['RegisterClient', 'Authorize', 'CreateToken'],
    );
    const register = sso.requestsFor('RegisterClient')[0]!.body;
    assert.equal(register.clientType, 'public');
    assert.deepEqual(register.grantTypes, ['authorization_code', 'refresh_token']);
    assert.deepEqual(register.redirectUris, ['http://127.0.0.1/oauth/callback']);
    assert.equal(register.issuerUrl, START_URL);
    assert.deepEqual(register.scopes, ['sso:account:access']);

    const query = sso.requestsFor('Authorize')[0]!.query;
    assert.equal(query.response_type, 'code');
    assert.equal(query.client_id, sso.registrations[0]!.clientId);
    assert.match(query.redirect_uri!, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    assert.equal(query.code_challenge_method, 'S256');
    assert.equal(query.scopes, 'sso:account:access');
    assert.match(query.state!, /^[0-9a-f-]{36}$/);
    const exchange = sso.requestsFor('CreateToken')[0]!.body;
    assert.equal(exchange.grantType, 'authorization_code');
    assert.equal(exchange.redirectUri, query.redirect_uri);
    assert.equal(
      createHash('sha256').update(String(exchange.codeVerifier)).digest('base64url'),
      query.code_challenge,
      'the verifier of the challenge',
    );
    assert.equal(visit!.status, 200);
    assert.match(visit!.page, /You may close this page/);

    assert.match(result.stderr, /open this page in a browser on this machine/);
    assert.match(result.stderr, new RegExp(`signed in to ${START_URL} \\(sso-session 'corp'\\) until \\d{4}-`));
    assertNoSecrets(result.stderr);
    const file = fixture.tokenFile('corp');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const token = readJson(file);
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
    assert.equal(token.accessToken, sso.tokens[0]!.accessToken);
    assert.equal(token.refreshToken, sso.tokens[0]!.refreshToken);
    // The registration is kept for the next sign-in, marked as the authorization code kind.
    const registration = Object.values(readdirJson(fixture.cacheDir())).find((r) => r.grantTypes);
    assert.deepEqual(registration?.grantTypes, ['authorization_code', 'refresh_token']);
  });

  test('the browser opens the page itself where there is one (xdg-open), and the registration is reused', async () => {
    const bin = stsenvOnPath(fixture.home.dir);
    // This xdg-open is the browser: it follows /authorize's redirect to the callback.
    writeFileSync(
      join(bin, 'xdg-open'),
      `#!/bin/sh\nexec '${process.execPath}' -e 'fetch(process.argv[1]).then((r) => r.text())' "$1"\n`,
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':0' };
    for (const round of [1, 2]) {
      const result = await run(['sso', 'login', '--sso-session', 'corp', '--force'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /approve the request in the page that opened in your browser/);
      assert.equal(fixture.sso.requestsFor('Authorize').length, round);
    }
    assert.equal(fixture.sso.requestsFor('RegisterClient').length, 1, 'registered once');
  });

  test('a callback with a forged state gets an error page and the flow goes on waiting; a second callback changes nothing', async () => {
    const pages: { status: number; page: string }[] = [];
    let second: string | undefined;
    const result = await run(['sso', 'login', '--profile', 'modern', '--no-browser'], {}, async (url) => {
      const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
      for (const search of ['?code=stolen&state=forged', '?code=stolen', '?error=access_denied&state=forged']) {
        const forged = await fetch(new URL(search, redirect));
        pages.push({ status: forged.status, page: await forged.text() });
      }
      const { callback } = await approve(url);
      second = await fetch(callback).then(
        (r) => `status ${r.status}`,
        () => 'refused',
      );
    });
    assert.equal(result.code, 0, result.stderr);
    for (const { status, page } of pages) {
      assert.equal(status, 400);
      assert.match(page, /does not belong to the sign-in stsenv is waiting for/);
    }
    assert.ok(second === 'refused' || second === 'status 400', second);
    assert.equal(fixture.sso.requestsFor('CreateToken').length, 1, 'only the right code was exchanged');
    assert.ok(existsSync(fixture.tokenFile('corp')));
  });

  test('denied in the browser: exit 1, one line, nothing cached', async () => {
    fixture.sso.authorizeNext(['deny']);
    const result = await run(['sso', 'login', '--profile', 'modern', '--no-browser'], {}, async (url) => {
      await approve(url);
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /stsenv: error: the sign-in was not approved in the browser \(access_denied\)/);
    assert.ok(!existsSync(fixture.tokenFile('corp')));
  });

  test('--timeout: nobody comes back, the wait ends with one line (exit 1)', async () => {
    const started = Date.now();
    const result = await run(['sso', 'login', '--profile', 'modern', '--no-browser', '--timeout', '1']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('stsenv: error:'));
    assert.deepEqual(errors, [
      'stsenv: error: no sign-in within 1 seconds: stopped waiting (--timeout) (run stsenv sso login again, with a longer --timeout if you need more time)',
    ]);
    assert.ok(Date.now() - started < 15_000);
    assert.ok(!existsSync(fixture.tokenFile('corp')));
  });

  test('no browser can open here: the page is printed, with a word on --use-device-code', async () => {
    const result = await run(['sso', 'login', '--profile', 'modern', '--timeout', '1'], {
      DISPLAY: '',
      WAYLAND_DISPLAY: '',
      CI: '',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no browser opened: no display.*use stsenv sso login --use-device-code/);
  });

  test('--use-device-code, and the legacy format always: the device flow (as the AWS CLI)', async () => {
    for (const args of [
      ['--profile', 'modern', '--use-device-code'],
      ['--profile', 'legacy'],
    ]) {
      fixture.sso.reset();
      const result = await run(['sso', 'login', '--no-browser', ...args]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        fixture.sso.requests.map((r) => r.operation),
        ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken', 'CreateToken'],
      );
      assert.match(result.stderr, /and enter the code:/);
    }
    assert.ok(existsSync(fixture.tokenFile(LEGACY_START_URL)));
  });
});

function readdirJson(dir: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readJson(join(dir, name))]));
}

describe('a cached token: valid, refreshed without a browser, or a sign-in', () => {
  async function signIn(): Promise<void> {
    const result = await run(['sso', 'login', '--profile', 'modern', '--no-browser'], {}, async (url) => {
      await approve(url);
    });
    assert.equal(result.code, 0, result.stderr);
  }

  function expire(): Record<string, unknown> {
    const file = fixture.tokenFile('corp');
    const token = readJson(file);
    writeFileSync(file, JSON.stringify({ ...token, expiresAt: '2020-01-01T00:00:00Z' }), { mode: 0o600 });
    return token;
  }

  test('sso login with a valid token says until when and asks nothing; --force signs in again', async () => {
    await signIn();
    fixture.sso.reset();
    const result = await run(['sso', 'login', '--profile', 'modern', '--no-browser']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /already signed in to .* until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: the cached token is valid; --force signs in again/,
    );
    assert.equal(fixture.sso.requests.length, 0);
    const forced = await run(['sso', 'login', '--profile', 'modern', '--no-browser', '--force'], {}, async (url) => {
      await approve(url);
    });
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(fixture.sso.requestsFor('Authorize').length, 1);
  });

  test('sso login with an expired token refreshes it (grant refresh_token) and writes it back, no browser', async () => {
    await signIn();
    const old = expire();
    fixture.sso.reset();
    const result = await run(['sso', 'login', '--profile', 'modern', '--no-browser']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /the token was refreshed without a browser/);
    assert.deepEqual(
      fixture.sso.requests.map((r) => [r.operation, r.body.grantType]),
      [['CreateToken', 'refresh_token']],
    );
    const token = readJson(fixture.tokenFile('corp'));
    assert.notEqual(token.accessToken, old.accessToken);
    assert.ok(new Date(String(token.expiresAt)).getTime() > Date.now());
    assert.equal(statSync(fixture.tokenFile('corp')).mode & 0o777, 0o600);
    assertNoSecrets(result.stderr);
  });

  test('a refresh token no longer accepted: sso login signs in again', async () => {
    await signIn();
    expire();
    fixture.sso.revokeAll();
    for (const t of fixture.sso.tokens) t.refreshToken = undefined;
    fixture.sso.reset();
    const result = await run(['sso', 'login', '--profile', 'modern', '--no-browser'], {}, async (url) => {
      await approve(url);
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      fixture.sso.requests.map((r) => r.operation),
      ['CreateToken', 'Authorize', 'CreateToken'],
    );
  });

  test('export, assume, exec and console on an expired token: refreshed and written back, no browser', async () => {
    const signin = await startFakeSignin(() => fixture.sts.issued);
    after(() => signin.close());
    for (const args of [
      ['export', '--profile', 'modern'],
      ['assume', '--profile', 'deploy'],
      ['exec', '--profile', 'deploy', '--', 'true'],
      ['console', '--profile', 'deploy', '--url', '--signin-url', signin.url],
    ]) {
      await signIn();
      const old = expire();
      fixture.sso.reset();
      const result = await run(args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(fixture.sso.requestsFor('CreateToken').at(-1)?.body.grantType, 'refresh_token', args.join(' '));
      assert.equal(fixture.sso.requestsFor('Authorize').length, 0);
      assert.notEqual(readJson(fixture.tokenFile('corp')).accessToken, old.accessToken, args.join(' '));
    }
  });
});
