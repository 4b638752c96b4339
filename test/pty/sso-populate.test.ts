/**
 * `stsenv sso populate` end to end: the built CLI against the fake IAM
 * Identity Center, whose accounts come in pages and carry hostile names, in a
 * config file written by hand around what populate writes. Then the AWS CLI
 * v2 reads the result: `aws configure list-profiles`, and a generated profile
 * used by `aws` against the fake portal (reached through a recording proxy
 * and a TLS front, as the AWS CLI of this machine may predate
 * AWS_ENDPOINT_URL_SSO).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, type CliResult } from '../support/run-cli.js';
import { KEYS, scriptExecutable, startPty } from '../support/pty.js';
import { shQuote } from '../support/shells.js';
import { SSO_CONFIG, useSsoFixture } from '../support/sso-fixture.js';
import { startRecordingProxy, startTlsFront } from '../support/proxy.js';
import type { FakeSsoAccount } from '../support/fake-sso.js';
import { safeName, profileNames } from '../../src/sso/populate-names.js';
import { populateConfig } from '../../src/sso/populate-config.js';

const fixture = useSsoFixture();

const HAND_WRITTEN = `# my own settings, kept as they are
[default]
region = us-east-1   ; inline comment

[profile Prod-Account.ReadOnly]
# written by hand: populate must not take this name
region = eu-central-1
`;

const ACCOUNTS: FakeSsoAccount[] = [
  {
    accountId: '111111111111',
    accountName: 'Prod Account',
    emailAddress: 'p@example.com',
    roles: ['Admin', 'ReadOnly', 'Billing'],
  },
  { accountId: '222222222222', accountName: 'Dév "équipe" [x]', roles: ['Admin'] },
  { accountId: '333333333333', accountName: 'Prod  Account', roles: ['Admin'] },
  {
    accountId: '444444444444',
    accountName: 'Evil\n[default]\naws_access_key_id = AKIAEVIL',
    roles: ['Admin', 'bad\nrole = x', 'Ops'],
  },
  { accountId: 'not-an-id', accountName: 'Odd', roles: ['Admin'] },
];

function configFile(): string {
  return join(fixture.home.dir, '.aws', 'config');
}

async function stsenv(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(args, { env: fixture.env(extra) });
}

async function setUp(): Promise<void> {
  fixture.sso.accounts.splice(0, fixture.sso.accounts.length, ...structuredClone(ACCOUNTS));
  writeFileSync(configFile(), `${HAND_WRITTEN}\n${SSO_CONFIG}`);
  const login = await stsenv(['sso', 'login', '--use-device-code', '--sso-session', 'corp', '--no-browser']);
  assert.equal(login.code, 0, login.stderr);
  fixture.sso.reset();
}

async function populate(args: string[] = []): Promise<CliResult> {
  const result = await stsenv(['sso', 'populate', '--sso-session', 'corp', ...args]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, args.includes('--json') ? result.stdout : '', 'stdout stays empty');
  return result;
}

describe('sso populate', () => {
  test('a profile per account and role, all pages read, names made safe and told apart, the hand-written file kept', async () => {
    await setUp();
    const before = readFileSync(configFile(), 'utf8');
    const { stderr } = await populate();
    // 5 accounts in pages of 2: 3 pages; then the roles of the 4 valid-looking and the odd account.
    assert.equal(fixture.sso.requestsFor('ListAccounts').length, 3);
    assert.equal(fixture.sso.requestsFor('ListAccountRoles').length, 7, 'two pages for each account with three roles');
    const after = readFileSync(configFile(), 'utf8');
    assert.ok(after.startsWith(before), 'every existing line kept byte for byte');
    assert.equal(statSync(configFile()).mode & 0o777, 0o600);
    const added = after.slice(before.length);
    const names = [...added.matchAll(/^\[profile (.+)\]$/gm)].map((m) => m[1]);
    assert.deepEqual(
      names.sort(),
      [
        '444444444444.Admin',
        'Dev-equipe-x.Admin',
        'Evil-default-aws_access_key_id-AKIAEVIL.Admin',
        'Evil-default-aws_access_key_id-AKIAEVIL.Ops',
        'Prod-Account.Admin.111111111111',
        'Prod-Account.Admin.333333333333',
        'Prod-Account.Billing',
        'Prod-Account.ReadOnly.111111111111',
      ].filter((n) => n !== '444444444444.Admin'),
    );
    assert.match(
      added,
      /\[profile Prod-Account.Billing\]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Billing\nregion = eu-west-1\nstsenv_populate = corp\n/,
    );
    assert.ok(!/AKIAEVIL\n|^aws_access_key_id/m.test(added), 'no line injected');
    assert.match(stderr, /skipping role 'bad\\x0arole = x' of account 444444444444: not an IAM role name/);
    assert.match(stderr, /skipping account 'not-an-id'/);
    assert.match(
      stderr,
      /wrote .*config for sso-session 'corp' \(7 roles\): 7 added, 0 updated, 0 removed, 0 unchanged/,
    );

    // A second run with nothing changed changes no byte, and writes nothing at all.
    const { mtimeMs, ino } = statSync(configFile());
    const again = await populate();
    assert.equal(readFileSync(configFile(), 'utf8'), after);
    assert.equal(statSync(configFile()).ino, ino);
    assert.equal(statSync(configFile()).mtimeMs, mtimeMs);
    assert.match(again.stderr, /already has a profile for each of the 7 roles of sso-session 'corp'; nothing changed/);
  });

  test('a role no longer granted: kept and named, --dry-run --prune says it would go and writes nothing, --prune removes only it', async () => {
    await setUp();
    await populate();
    writeFileSync(
      configFile(),
      readFileSync(configFile(), 'utf8').replace(
        'sso_role_name = Billing\n',
        'sso_role_name = Billing\noutput = json\n',
      ),
    );
    const written = readFileSync(configFile(), 'utf8');
    fixture.sso.accounts[0]!.roles = ['Admin', 'ReadOnly'];
    fixture.sso.accounts[1]!.roles = ['Admin', 'PowerUser'];
    const kept = await populate();
    assert.match(kept.stderr, /keep \[profile Prod-Account.Billing\]: no longer granted \(--prune removes it\)/);
    assert.match(kept.stderr, /1 added/);
    const withNew = readFileSync(configFile(), 'utf8');
    assert.ok(withNew.startsWith(written));

    const dry = await populate(['--dry-run', '--prune']);
    assert.match(dry.stderr, /dry run .* would have 0 added, 0 updated, 1 removed, 7 unchanged; nothing written/);
    assert.match(dry.stderr, /would remove \[profile Prod-Account.Billing\]/);
    assert.equal(readFileSync(configFile(), 'utf8'), withNew);

    const pruned = await populate(['--prune']);
    assert.match(pruned.stderr, /1 removed/);
    const text = readFileSync(configFile(), 'utf8');
    assert.ok(!text.includes('Prod-Account.Billing'));
    assert.ok(!text.includes('output = json'), 'the whole section went, with the key added by hand to it');
    assert.ok(text.startsWith(`${HAND_WRITTEN}\n${SSO_CONFIG}`), 'hand-written sections untouched');
    assert.match(text, /\[profile Dev-equipe-x.PowerUser\]/);
  });

  test('--json lists accounts, roles and their profile names, and writes nothing; --template and --region', async () => {
    await setUp();
    const before = readFileSync(configFile(), 'utf8');
    const { stdout } = await populate(['--json']);
    const listed = JSON.parse(stdout) as {
      ssoSession: string;
      accounts: { accountId: string; accountName: string; roles: { roleName: string; profile?: string }[] }[];
    };
    assert.equal(listed.ssoSession, 'corp');
    assert.equal(listed.accounts.length, 5);
    assert.deepEqual(
      listed.accounts[0]!.roles.map((r) => r.profile),
      ['Prod-Account.Admin.111111111111', 'Prod-Account.ReadOnly.111111111111', 'Prod-Account.Billing'],
    );
    assert.equal(listed.accounts[3]!.accountName, ACCOUNTS[3]!.accountName, 'names as the portal gives them');
    assert.equal(readFileSync(configFile(), 'utf8'), before);

    await populate(['--template', 'sso-{account_id}-{role_name}', '--region', 'us-west-2']);
    const text = readFileSync(configFile(), 'utf8');
    assert.match(
      text,
      /\[profile sso-111111111111-Admin\]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = us-west-2\n/,
    );
  });

  test('a legacy profile (start URL in the profile): profiles with sso_start_url and sso_region, marked with the start URL; --debug shows no secret', async () => {
    await setUp();
    const login = await stsenv(['sso', 'login', '--use-device-code', '--profile', 'legacy', '--no-browser']);
    assert.equal(login.code, 0, login.stderr);
    const result = await stsenv(['sso', 'populate', '--profile', 'legacy', '--debug']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    const text = readFileSync(configFile(), 'utf8');
    assert.match(
      text,
      /\[profile Prod-Account.Billing\]\nsso_start_url = https:\/\/legacy.awsapps.com\/start\nsso_region = us-east-2\nsso_account_id = 111111111111\nsso_role_name = Billing\nregion = us-east-2\nstsenv_populate = https:\/\/legacy.awsapps.com\/start\n/,
    );
    for (const token of fixture.sso.tokens) {
      assert.ok(!result.stderr.includes(token.accessToken));
      if (token.refreshToken) assert.ok(!result.stderr.includes(token.refreshToken));
    }
    for (const registration of fixture.sso.registrations) assert.ok(!result.stderr.includes(registration.clientSecret));
    // The sso-session's own populate does not count the legacy sections as its own, nor remove them.
    const corp = await populate(['--prune']);
    assert.match(corp.stderr, /0 removed/);
    assert.match(readFileSync(configFile(), 'utf8'), /stsenv_populate = https:\/\/legacy/);
  });

  test('usage errors: exit 2, nothing asked or written', async () => {
    await setUp();
    const before = readFileSync(configFile(), 'utf8');
    for (const [args, message] of [
      [['--template', '{account_name}'], /must contain \{role_name\}/],
      [['--template', '{nope}.{role_name}'], /unknown placeholder \{nope\}/],
      [['--json', '--prune'], /--json lists and writes nothing/],
      [['--region', 'moon'], /invalid --region 'moon'/],
    ] as const) {
      const result = await stsenv(['sso', 'populate', '--sso-session', 'corp', ...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
    }
    const login = await stsenv(['sso', 'login', '--sso-session', 'corp', '--prune']);
    assert.equal(login.code, 2);
    assert.match(login.stderr, /--prune is for sso populate/);
    assert.equal(fixture.sso.requests.length, 0);
    assert.equal(readFileSync(configFile(), 'utf8'), before);
  });

  test('no token: one line naming stsenv sso login; an expired one is refreshed first, without a browser', async () => {
    writeFileSync(configFile(), SSO_CONFIG);
    const missing = await stsenv(['sso', 'populate', '--sso-session', 'corp']);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /no valid SSO token for sso-session 'corp'.*\(run stsenv sso login --sso-session corp, then try again\)/,
    );
    await setUp();
    const file = fixture.tokenFile('corp');
    const token = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...token, expiresAt: '2020-01-01T00:00:00Z' }));
    await populate();
    assert.equal(fixture.sso.requestsFor('CreateToken')[0]?.body.grantType, 'refresh_token');
    assert.notEqual(JSON.parse(readFileSync(file, 'utf8')).accessToken, token.accessToken);
  });

  test('the picker of stsenv assume shows them; picking one gives its credentials; completion offers them', async (t) => {
    const script = scriptExecutable();
    if (!script) return t.skip('script (util-linux) is not installed');
    await setUp();
    await populate();
    const dir = fixture.home.dir;
    const [out, err] = [join(dir, 'out'), join(dir, 'err')];
    const session = startPty(
      script,
      `${[process.execPath, CLI, 'assume'].map(shQuote).join(' ')} > ${shQuote(out)} 2> ${shQuote(err)}`,
      fixture.env(),
    );
    await session.waitFor(/Role profile to assume[\s\S]*Enter/);
    await session.press('Billing', /\(1 match\)/);
    await session.press(KEYS.enter);
    assert.equal(await session.exit, 0, readFileSync(err, 'utf8'));
    const issued = fixture.sso.roleCredentials.at(-1)!;
    assert.deepEqual([issued.accountId, issued.roleName], ['111111111111', 'Billing']);
    assert.match(readFileSync(out, 'utf8'), new RegExp(`export AWS_ACCESS_KEY_ID='${issued.accessKeyId}';`));

    const completion = await stsenv(['__complete', 'export', '--profile', 'Prod-Account.B']);
    assert.equal(completion.code, 0, completion.stderr);
    assert.match(completion.stdout, /^Prod-Account\.Billing(\t|$)/m);
  });

  test('the AWS CLI v2 lists the profiles and uses one against the fake portal', async (t) => {
    const aws = ['/usr/local/bin/aws', '/usr/bin/aws'].find(
      (p) => existsSync(p) && /aws-cli\/2\./.test(spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout),
    );
    const openssl = spawnSync('openssl', ['version']).status === 0;
    if (!aws || !openssl) return t.skip('AWS CLI v2 or openssl not installed');
    await setUp();
    await populate();
    const env = fixture.env({ AWS_PAGER: '', AWS_REGION: undefined });
    const list = spawnSync(aws, ['configure', 'list-profiles'], { env, encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    for (const name of [
      'default',
      'Prod-Account.ReadOnly',
      'Prod-Account.Billing',
      'Dev-equipe-x.Admin',
      'Prod-Account.Admin.333333333333',
    ])
      assert.ok(list.stdout.split('\n').includes(name), `${name} in ${list.stdout}`);

    // The portal's real host name, answered by the fake behind a TLS front that the proxy tunnels to.
    const dir = fixture.home.dir;
    const host = 'portal.sso.eu-west-1.amazonaws.com';
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${host}`,
        '-addext',
        `subjectAltName=DNS:${host}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    const front = await startTlsFront(
      fixture.sso.port,
      readFileSync(join(dir, 'cert.pem'), 'utf8'),
      readFileSync(join(dir, 'key.pem'), 'utf8'),
    );
    const proxy = await startRecordingProxy({ upstream: { host: '127.0.0.1', port: front.port } });
    try {
      const child = spawn(
        aws,
        ['configure', 'export-credentials', '--profile', 'Prod-Account.Billing', '--format', 'process'],
        {
          env: {
            ...env,
            HTTPS_PROXY: proxy.url,
            NO_PROXY: '127.0.0.1,localhost',
            AWS_CA_BUNDLE: join(dir, 'cert.pem'),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const [code] = (await once(child, 'close')) as [number | null];
      assert.equal(code, 0, stderr);
      const issued = fixture.sso.roleCredentials.at(-1)!;
      assert.equal(issued.accountId, '111111111111');
      assert.equal(issued.roleName, 'Billing');
      assert.equal((JSON.parse(stdout) as { AccessKeyId: string }).AccessKeyId, issued.accessKeyId);
    } finally {
      await proxy.close();
      await front.close();
    }
  });
});

describe('populate, in-process: the naming rule and the file rules', () => {
  test('the safe-name rule', () => {
    assert.equal(safeName('Prod Account'), 'Prod-Account');
    assert.equal(safeName('Ünïcödé “quotes” [x]=y;#z'), 'Unicode-quotes-x-y-z');
    assert.equal(safeName('..--weird--..'), 'weird');
    assert.equal(safeName('日本'), '');
  });

  test('collisions are told apart the same way at every run, whatever the order the portal gives', () => {
    const grants = [
      { accountId: '2', accountName: 'A B', roleName: 'R' },
      { accountId: '1', accountName: 'A  B', roleName: 'R' },
      { accountId: '3', accountName: '日本', roleName: 'R' },
    ];
    const one = profileNames(grants, '{account_name}.{role_name}', 'corp', new Set());
    const two = profileNames([...grants].reverse(), '{account_name}.{role_name}', 'corp', new Set());
    assert.deepEqual([...one.entries()].sort(), [...two.entries()].sort());
    assert.deepEqual([...one.values()].sort(), ['3.R', 'A-B.R.1', 'A-B.R.2']);
  });

  test('pruning the last section leaves no blank line behind it', () => {
    const text = '[profile hand]\nregion = a\n\n[profile old]\nsso_session = corp\nstsenv_populate = corp\n';
    assert.equal(populateConfig(text, 'corp', [], true).text, '[profile hand]\nregion = a\n');
    assert.equal(populateConfig(text, 'corp', [], false).text, text);
  });

  test('CRLF files keep their line endings; sections of another source are never touched', () => {
    const text = '[profile x]\r\nregion = a\r\n\r\n[profile y]\r\nsso_session = other\r\nstsenv_populate = other\r\n';
    const { text: out } = populateConfig(text, 'corp', [{ name: 'z', entries: [['sso_session', 'corp']] }], true);
    assert.equal(out, `${text}\r\n[profile z]\r\nsso_session = corp\r\nstsenv_populate = corp\r\n`);
  });
});
