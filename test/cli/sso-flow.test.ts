/**
 * The SSO sign-in in-process, in milliseconds: the device flow with a fake
 * clock and recorded waits (slow_down, expiry, registration reuse), the whole
 * `sso login` over the SDK's client against the fake IAM Identity Center,
 * when a browser may open, which sign-in a profile names, and the cache's
 * names and JSON held to botocore's own code (python3).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StsenvError } from '../../src/errors.js';
import { noBrowserReason } from '../../src/browser.js';
import { parseScopes, resolveSsoTarget, type SsoTarget } from '../../src/sso/config.js';
import {
  deviceLogin,
  type DeviceAuthorization,
  type LoginWorld,
  type OidcApi,
  type TokenAttempt,
} from '../../src/sso/device-flow.js';
import { ssoLogin, type SsoWorld } from '../../src/sso/login.js';
import {
  pythonJson,
  readToken,
  registrationPath,
  tokenCacheFile,
  writeRegistration,
} from '../../src/sso/token-cache.js';
import { startFakeSso, type FakeSso } from '../support/fake-sso.js';
import { tempDir } from '../support/run-cli.js';

const TARGET: SsoTarget = {
  sessionName: 'corp',
  startUrl: 'https://corp.awsapps.com/start',
  region: 'eu-west-1',
  scopes: ['sso:account:access'],
  label: "sso-session 'corp'",
};
const T0 = Date.parse('2026-03-01T10:00:00Z');

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir?.cleanup();
  dir = tempDir('stsenv-sso-flow-');
});
after(() => dir?.cleanup());

/** An OIDC API that answers from a script, and a world whose clock moves only when the flow waits. */
function scripted(answers: TokenAttempt['outcome'][], authorization: Partial<DeviceAuthorization> = {}) {
  let clock = T0;
  const calls: string[] = [];
  const waits: number[] = [];
  const opened: string[] = [];
  const stderr: string[] = [];
  let registrations = 0;
  let refuseClients = 0;
  const oidc: OidcApi = {
    endpoint: 'https://oidc.example.invalid',
    async registerClient(input) {
      calls.push(`RegisterClient ${input.clientName} ${input.scopes?.join(',') ?? '-'}`);
      registrations++;
      return {
        clientId: `client-${registrations}`,
        clientSecret: `client-secret-${registrations}`,
        clientSecretExpiresAt: T0 / 1000 + 90 * 86400,
      };
    },
    async startDeviceAuthorization(input) {
      calls.push(`StartDeviceAuthorization ${input.clientId}`);
      if (refuseClients > 0) {
        refuseClients--;
        return undefined;
      }
      return {
        deviceCode: 'device-code-secret',
        userCode: 'ABCD-EFGH',
        verificationUri: 'https://device.example.invalid/',
        verificationUriComplete: 'https://device.example.invalid/?user_code=ABCD-EFGH',
        expiresIn: 600,
        interval: 1,
        ...authorization,
      };
    },
    async createToken() {
      calls.push('CreateToken');
      const outcome = answers.length > 1 ? answers.shift()! : answers[0]!;
      return outcome === 'token'
        ? { outcome, accessToken: 'access-token-secret', expiresIn: 3600, refreshToken: 'refresh-token-secret' }
        : { outcome };
    },
    async exchangeCode() {
      throw new Error('the device flow exchanges no code');
    },
    async refreshToken() {
      throw new Error('the device flow refreshes nothing');
    },
  };
  const world: LoginWorld = {
    oidc,
    local: { pid: process.pid, uid: process.getuid?.(), isAlive: () => true },
    now: () => new Date(clock),
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    stderr: { write: (text: string) => stderr.push(text) },
    openBrowser: async (url) => {
      opened.push(url);
      return true;
    },
    cacheDir: join(dir.dir, 'cache'),
    debug: () => {},
    warn: () => {},
  };
  return { world, calls, waits, opened, stderr, refuse: (n: number) => (refuseClients = n) };
}

describe('the device flow', () => {
  test('pending, then a token: polls at the interval given, shows the code once, opens the page with the code', async () => {
    const s = scripted(['pending', 'pending', 'token']);
    const token = await deviceLogin(TARGET, s.world, false);
    assert.deepEqual(s.calls, [
      'RegisterClient stsenv-client-corp sso:account:access',
      'StartDeviceAuthorization client-1',
      'CreateToken',
      'CreateToken',
      'CreateToken',
    ]);
    assert.deepEqual(s.waits, [1000, 1000]);
    assert.deepEqual(s.opened, ['https://device.example.invalid/?user_code=ABCD-EFGH']);
    assert.equal(s.stderr.length, 1);
    assert.match(s.stderr[0]!, /ABCD-EFGH/);
    assert.ok(!s.stderr.join('').includes('secret'), 'no secret shown');
    assert.equal(token.expiresAt.getTime(), T0 + 2000 + 3600_000);
    assert.deepEqual(readToken(tokenCacheFile(s.world.cacheDir, TARGET), s.world), token);
  });

  test('approved already: no code shown, no browser', async () => {
    const s = scripted(['token']);
    await deviceLogin(TARGET, s.world, false);
    assert.deepEqual(s.stderr, []);
    assert.deepEqual(s.opened, []);
  });

  test('slow_down adds 5 seconds to the interval, for good', async () => {
    const s = scripted(['slow_down', 'pending', 'slow_down', 'pending', 'token']);
    await deviceLogin(TARGET, s.world, false);
    assert.deepEqual(s.waits, [6000, 6000, 11_000, 11_000]);
  });

  test('no interval given: 5 seconds (RFC 8628)', async () => {
    const s = scripted(['pending', 'token'], { interval: undefined });
    await deviceLogin(TARGET, s.world, false);
    assert.deepEqual(s.waits, [5000]);
  });

  test('denied and expired end with their own messages; nothing is cached', async () => {
    for (const [outcome, message] of [
      ['denied', /denied in the browser/],
      ['expired', /the code expired before the request was approved/],
    ] as const) {
      const s = scripted(['pending', outcome]);
      await assert.rejects(
        deviceLogin(TARGET, s.world, false),
        (e: unknown) => e instanceof StsenvError && e.exitCode === 1 && message.test(e.message),
      );
      assert.deepEqual(readdirSync(s.world.cacheDir).length, 1, 'only the registration');
    }
  });

  test('a code nobody approves ends when it expires, by this clock too', async () => {
    const s = scripted(['pending'], { expiresIn: 10, interval: 3 });
    await assert.rejects(deviceLogin(TARGET, s.world, false), /the code expired/);
    assert.deepEqual(s.waits, [3000, 3000, 3000]);
  });

  test('--timeout shorter than the code: the wait ends at the time limit, with its own line', async () => {
    const s = scripted(['pending'], { expiresIn: 600, interval: 5 });
    await assert.rejects(
      deviceLogin(TARGET, s.world, false, 12_000),
      /^StsenvError: no sign-in within 12 seconds: stopped waiting \(--timeout\)$/,
    );
    assert.deepEqual(s.waits, [5000, 5000]);
    const longer = scripted(['pending'], { expiresIn: 10, interval: 3 });
    await assert.rejects(
      deviceLogin(TARGET, longer.world, false, 60_000),
      /the code expired/,
      'a limit past the code: the code ends first',
    );
  });

  test('--no-browser shows the code and opens nothing', async () => {
    const s = scripted(['pending', 'token']);
    await deviceLogin(TARGET, s.world, true);
    assert.deepEqual(s.opened, []);
    assert.match(
      s.stderr[0]!,
      /Or open https:\/\/device\.example\.invalid\/\?user_code=ABCD-EFGH, which fills in the code/,
    );
  });

  test('a page that is not http(s) is never opened; server text reaches the terminal without control characters', async () => {
    const s = scripted(['pending', 'token'], {
      verificationUri: 'file:///etc/passwd\u001b[2J',
      verificationUriComplete: 'javascript:alert(1)',
      userCode: 'AB\u001b]0;pwned\u0007CD\r\nX',
    });
    await deviceLogin(TARGET, s.world, false);
    assert.deepEqual(s.opened, []);
    assert.doesNotMatch(s.stderr.join(''), /[\u0000-\u0009\u000b-\u001f\u007f]/);
    assert.match(s.stderr.join(''), /\n {4}AB\\x1b\]0;pwned\\x07CD\\x0d\\x0aX\n/);
  });

  test('the client registration is reused while it has 15 minutes left; then, or when refused, registered again', async () => {
    const s = scripted(['token']);
    await deviceLogin(TARGET, s.world, false);
    await deviceLogin(TARGET, s.world, false);
    assert.equal(s.calls.filter((c) => c.startsWith('RegisterClient')).length, 1);

    const path = registrationPath(s.world.cacheDir, TARGET);
    writeRegistration(
      s.world.cacheDir,
      path,
      { clientId: 'old', clientSecret: 'old-secret', expiresAt: new Date(T0 + 14 * 60_000), scopes: TARGET.scopes },
      s.world,
    );
    await deviceLogin(TARGET, s.world, false);
    assert.equal(s.calls.filter((c) => c.startsWith('RegisterClient')).length, 2, 'nearly expired: replaced');

    s.refuse(1);
    await deviceLogin(TARGET, s.world, false);
    assert.deepEqual(s.calls.slice(-4), [
      'StartDeviceAuthorization client-2',
      'RegisterClient stsenv-client-corp sso:account:access',
      'StartDeviceAuthorization client-3',
      'CreateToken',
    ]);
  });

  test("the AWS CLI's authorization-code registration is not used for the device grant", async () => {
    const s = scripted(['token']);
    const path = registrationPath(s.world.cacheDir, TARGET);
    mkdirSync(s.world.cacheDir, { recursive: true });
    writeFileSync(
      path,
      JSON.stringify({
        clientId: 'pkce',
        clientSecret: 'pkce-secret',
        expiresAt: '2027-01-01T00:00:00Z',
        scopes: ['sso:account:access'],
        grantTypes: ['authorization_code', 'refresh_token'],
      }),
    );
    await deviceLogin(TARGET, s.world, false);
    assert.deepEqual(s.calls.slice(0, 2), [
      'RegisterClient stsenv-client-corp sso:account:access',
      'StartDeviceAuthorization client-1',
    ]);
  });
});

describe('sso login over the SDK client, against the fake IAM Identity Center', () => {
  let sso: FakeSso;
  const envBefore = { ...process.env };
  before(async () => {
    sso = await startFakeSso({ interval: 2 });
  });
  after(async () => {
    await sso.close();
    process.env = envBefore;
  });

  function world(env: NodeJS.ProcessEnv, opened: string[], waits: number[], stderr: string[]): SsoWorld {
    return {
      env,
      platform: 'linux',
      local: { pid: process.pid, uid: process.getuid?.(), isAlive: () => true },
      stderr: { write: (text: string) => stderr.push(text) },
      now: () => new Date(),
      debug: (m) => stderr.push(`debug: ${m}\n`),
      warn: (m) => stderr.push(`warning: ${m}\n`),
      sleep: async (ms) => {
        waits.push(ms);
      },
      openBrowser: async (url) => {
        opened.push(url);
        return true;
      },
    };
  }

  test('slow_down and pending through the real client; the browser only where it may open', async () => {
    const home = join(dir.dir, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(
      join(home, '.aws', 'config'),
      '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
    );
    // The SDK's loaders and endpoint settings read process.env.
    const env: NodeJS.ProcessEnv = {
      ...envBefore,
      HOME: home,
      AWS_CONFIG_FILE: join(home, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
      AWS_ENDPOINT_URL_SSO_OIDC: sso.url,
      HTTPS_PROXY: '',
      HTTP_PROXY: '',
      https_proxy: '',
      http_proxy: '',
      CI: '',
      DISPLAY: ':0',
    };
    process.env = env;
    for (const [extra, opens] of [
      [{}, true],
      [{ CI: 'true' }, false],
      [{ DISPLAY: '' }, false],
    ] as const) {
      Object.assign(env, { CI: '', DISPLAY: ':0' }, extra);
      sso.reset();
      sso.scriptNext(['slow_down', 'pending', 'approve']);
      const opened: string[] = [];
      const waits: number[] = [];
      const stderr: string[] = [];
      assert.equal(
        await ssoLogin({ ssoSession: 'corp', useDeviceCode: true, force: true }, world(env, opened, waits, stderr)),
        0,
      );
      assert.deepEqual(waits, [7000, 7000], 'interval 2, plus 5 after slow_down');
      assert.equal(opened.length, opens ? 1 : 0, JSON.stringify(extra));
      const text = stderr.join('');
      for (const secret of [
        ...sso.tokens.flatMap((t) => [t.accessToken, t.refreshToken!]),
        ...sso.registrations.map((r) => r.clientSecret),
      ])
        assert.ok(!text.includes(secret));
    }
    assert.equal(sso.requestsFor('RegisterClient').length, 0, 'reused from the first sign-in');
    assert.equal(sso.registrations.length, 1);
  });
});

describe('when a browser may open', () => {
  test('never in CI, over SSH on macOS, or without a display', () => {
    const cases: Array<[NodeJS.ProcessEnv, NodeJS.Platform, boolean]> = [
      [{ DISPLAY: ':0' }, 'linux', true],
      [{ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', true],
      [{}, 'linux', false],
      [{ DISPLAY: ':0', CI: 'true' }, 'linux', false],
      [{ DISPLAY: ':0', CI: '1' }, 'linux', false],
      [{ DISPLAY: ':0', CI: 'false' }, 'linux', true],
      [{}, 'darwin', true],
      [{ SSH_CONNECTION: '10.0.0.1 22 10.0.0.2 22' }, 'darwin', false],
      [{ CI: 'true' }, 'darwin', false],
      [{}, 'win32', true],
      [{ CI: 'true' }, 'win32', false],
      [{ DISPLAY: ':0' }, 'freebsd', true],
      [{ WSL_DISTRO_NAME: 'Debian' }, 'linux', true],
      [{ WSL_DISTRO_NAME: 'Debian', SSH_CONNECTION: '10.0.0.1 22 10.0.0.2 22' }, 'linux', false],
      [{ WSL_DISTRO_NAME: 'Debian', CI: 'true' }, 'linux', false],
    ];
    for (const [env, platform, expected] of cases)
      assert.equal(noBrowserReason(env, platform) === undefined, expected, `${platform} ${JSON.stringify(env)}`);
  });
});

describe('which sign-in a profile names', () => {
  const profiles = {
    modern: { sso_session: 'corp', sso_account_id: '1', sso_role_name: 'r' },
    legacy: { sso_start_url: 'https://legacy.awsapps.com/start', sso_region: 'us-east-2' },
    deploy: { role_arn: 'arn:aws:iam::111122223333:role/deploy', source_profile: 'modern' },
    keys: { aws_access_key_id: 'AKID', aws_secret_access_key: 'secret' },
    conflict: { sso_session: 'corp', sso_start_url: 'https://other.awsapps.com/start' },
    dangling: { sso_session: 'gone' },
    noregion: { sso_start_url: 'https://x.awsapps.com/start' },
    badurl: { sso_start_url: 'corp.awsapps.com', sso_region: 'us-east-1' },
    default: { sso_session: 'scoped' },
  };
  const sessions = {
    corp: { sso_start_url: 'https://corp.awsapps.com/start', sso_region: 'eu-west-1' },
    scoped: {
      sso_start_url: 'https://scoped.awsapps.com/start',
      sso_region: 'ap-southeast-2',
      sso_registration_scopes: 'sso:account:access, codewhisperer:completions ,',
    },
  };

  test('both formats, role profiles, the default profile', () => {
    assert.deepEqual(resolveSsoTarget({ profile: 'modern' }, profiles, sessions, {}), { ...TARGET, profile: 'modern' });
    assert.deepEqual(resolveSsoTarget({ ssoSession: 'corp' }, profiles, sessions, {}), {
      ...TARGET,
      profile: undefined,
    });
    assert.deepEqual(resolveSsoTarget({ profile: 'legacy' }, profiles, sessions, {}), {
      startUrl: 'https://legacy.awsapps.com/start',
      region: 'us-east-2',
      profile: 'legacy',
      label: "profile 'legacy'",
    });
    assert.equal(resolveSsoTarget({ profile: 'deploy' }, profiles, sessions, {}).sessionName, 'corp');
    assert.equal(
      resolveSsoTarget({}, profiles, sessions, { AWS_PROFILE: 'legacy' }).startUrl,
      'https://legacy.awsapps.com/start',
    );
    assert.deepEqual(resolveSsoTarget({}, profiles, sessions, {}).scopes, [
      'sso:account:access',
      'codewhisperer:completions',
    ]);
  });

  test('what is refused, before any request (exit 2)', () => {
    for (const [selection, message] of [
      [{ profile: 'keys' }, /does not sign in with IAM Identity Center/],
      [{ profile: 'conflict' }, /an sso_start_url other than its sso-session's/],
      [{ profile: 'dangling' }, /sso-session 'gone' is not in the AWS config file/],
      [{ profile: 'noregion' }, /profile 'noregion' has no sso_region/],
      [{ profile: 'badurl' }, /invalid sso_start_url in profile 'badurl'/],
      [{ profile: 'missing' }, /--profile names profile 'missing'/],
      [{ profile: 'modern', ssoSession: 'corp' }, /not both/],
    ] as const) {
      assert.throws(
        () => resolveSsoTarget(selection, profiles, sessions, {}),
        (e: unknown) => e instanceof StsenvError && e.exitCode === 2 && message.test(e.message),
        JSON.stringify(selection),
      );
    }
    assert.throws(() => resolveSsoTarget({}, { other: {} }, {}, {}), /no profile to sign in with/);
  });

  test('sso_registration_scopes as the AWS CLI parses it', () => {
    assert.deepEqual(parseScopes(' a , b,,c '), ['a', 'b', 'c']);
    assert.equal(parseScopes(' , '), undefined);
    assert.equal(parseScopes(undefined), undefined);
  });
});

describe("the cache's names and JSON, held to botocore", () => {
  // The AWS CLI v2's own botocore (Debian's awscli), where the device flow lives.
  const botocore = (script: string) => {
    const result = spawnSync('/usr/bin/python3', ['-c', `import awscli\n${script}`], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trim();
  };

  test("JSON exactly as Python's json.dumps prints it, whatever the characters", () => {
    const value = { startUrl: 'https://x/é\u2028"\\\u0001\u007f😀', list: ['a', 'b'], none: null, n: 3 };
    const python = botocore(
      `import json,sys; sys.stdout.write(json.dumps(json.loads(${JSON.stringify(JSON.stringify(value))})))`,
    );
    assert.equal(pythonJson(value), python);
  });

  const noCli = existsSync('/usr/bin/aws')
    ? false
    : 'the AWS CLI v2 is not installed at /usr/bin/aws (apt-get install awscli)';

  test("the registration's file name is botocore's SSOTokenFetcher._registration_cache_key", { skip: noCli }, () => {
    for (const key of [
      {
        startUrl: 'https://corp.awsapps.com/start',
        region: 'eu-west-1',
        scopes: ['sso:account:access'],
        sessionName: 'corp',
      },
      { startUrl: 'https://legacy.awsapps.com/start', region: 'us-east-2' },
    ]) {
      const python = botocore(
        `from botocore.utils import SSOTokenFetcher; f = SSOTokenFetcher(${JSON.stringify(key.region)}, None, None) if 'parsed_globals' in SSOTokenFetcher.__init__.__code__.co_varnames else SSOTokenFetcher(${JSON.stringify(key.region)}, None); print(f._registration_cache_key(${JSON.stringify(key.startUrl)}, ${key.sessionName ? JSON.stringify(key.sessionName) : 'None'}, ${key.scopes ? JSON.stringify(key.scopes) : 'None'}))`,
      );
      assert.equal(registrationPath('', key), `${python}.json`);
    }
  });

  test("the token's file name is botocore's SSOTokenLoader key: sha1 of the session name, else of the start URL", {
    skip: noCli,
  }, () => {
    const python = botocore(
      `from botocore.utils import SSOTokenLoader; l = SSOTokenLoader(); print(l._generate_cache_key('https://legacy.awsapps.com/start', None), l._generate_cache_key('https://corp.awsapps.com/start', 'corp'))`,
    );
    const ours = [
      tokenCacheFile('', { startUrl: 'https://legacy.awsapps.com/start' }),
      tokenCacheFile('', { startUrl: 'https://corp.awsapps.com/start', sessionName: 'corp' }),
    ].map((p) => p.replace('.json', ''));
    assert.equal(ours.join(' '), python);
  });

  test('a registration file that is not ours, or not JSON, is not used', () => {
    const s = scripted(['token']);
    const path = registrationPath(s.world.cacheDir, TARGET);
    mkdirSync(s.world.cacheDir, { recursive: true });
    writeFileSync(path, '{not json');
    return deviceLogin(TARGET, s.world, false).then(() => {
      assert.equal(s.calls[0], 'RegisterClient stsenv-client-corp sso:account:access');
      assert.match(
        readFileSync(path, 'utf8'),
        /^\{"clientId": "client-1", "clientSecret": "client-secret-1", "expiresAt": "2026-05-30T10:00:00Z", "scopes": \["sso:account:access"\]\}$/,
      );
    });
  });
});
