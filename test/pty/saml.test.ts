/**
 * `stsenv saml` and SAML profiles end to end: the built CLI against the
 * loopback STS, which takes AssumeRoleWithSAML for a base64 SAML response
 * pairing the role with the provider.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KEYS, scriptExecutable, startPty } from '../support/pty.js';
import { CLI, isolatedEnv, runCli } from '../support/run-cli.js';
import { shQuote } from '../support/shells.js';
import { SAML_PROVIDER, samlResponse } from '../support/saml.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ADMIN = 'arn:aws:iam::123456789012:role/Admin';
const READER = 'arn:aws:iam::210987654321:role/ReadOnly';
const DEPLOY = 'arn:aws:iam::123456789012:role/deploy';

const sts = useStsFixture({ eachTest: true });

/** No base credentials at all: AssumeRoleWithSAML must not need them. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    ...extra,
  });
}

function assertionFile(text: string, name = 'saml.b64'): string {
  const path = join(sts.home.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('stsenv saml', () => {
  test('from a file: unsigned AssumeRoleWithSAML with the role, the provider and every option that applies', async () => {
    const file = assertionFile(`${samlResponse([[ADMIN, SAML_PROVIDER]])}\n`);
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
    const run = await runCli(
      [
        'saml',
        ADMIN,
        '--principal-arn',
        SAML_PROVIDER,
        '--assertion-file',
        file,
        '--duration',
        '2h',
        '--policy',
        policy,
        '--policy-arn',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        '--region',
        'eu-west-1',
        '-s',
        'sh',
      ],
      { env: env() },
    );
    assert.equal(run.code, 0, run.stderr);
    const [request] = sts.fake.requestsFor('AssumeRoleWithSAML');
    assert.equal(request!.signed, false);
    assert.equal(request!.params.RoleArn, ADMIN);
    assert.equal(request!.params.PrincipalArn, SAML_PROVIDER);
    assert.equal(request!.params.DurationSeconds, '7200');
    assert.equal(request!.params.Policy, policy);
    assert.equal(request!.params['PolicyArns.member.1.arn'], 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    assert.equal(request!.params.SAMLAssertion, samlResponse([[ADMIN, SAML_PROVIDER]]));
    assert.match(run.stdout, new RegExp(`^export AWS_ACCESS_KEY_ID='${sts.fake.issued[0]!.accessKeyId}';?$`, 'm'));
    assert.match(run.stdout, /^export AWS_REGION='eu-west-1';?$/m);
    assert.match(run.stdout, new RegExp(`^export STSENV_ROLE_ARN='${ADMIN}';?$`, 'm'));
  });

  test('from standard input; the role and provider from the assertion when it grants one (provider first, as some IdPs write it)', async () => {
    const run = await runCli(['saml', '--assertion-file', '-', '-s', 'sh'], {
      env: env(),
      input: samlResponse([[ADMIN, SAML_PROVIDER]], 'bob', { providerFirst: true }),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^export AWS_ACCESS_KEY_ID='ASIA/m);
    const [request] = sts.fake.requestsFor('AssumeRoleWithSAML');
    assert.equal(request!.params.RoleArn, ADMIN);
    assert.equal(request!.params.PrincipalArn, SAML_PROVIDER);
    assert.equal(sts.fake.issued[0]!.arn, 'arn:aws:sts::123456789012:assumed-role/Admin/bob');
  });

  test('several roles: --role picks by ARN or name; without it and without a terminal, the roles are listed', async () => {
    const file = assertionFile(
      samlResponse([
        [ADMIN, SAML_PROVIDER],
        [READER, 'arn:aws:iam::210987654321:saml-provider/Okta'],
      ]),
    );
    const byName = await runCli(['saml', '--role', 'ReadOnly', '--assertion-file', file, '-s', 'json'], { env: env() });
    assert.equal(byName.code, 0, byName.stderr);
    assert.equal(
      sts.fake.requestsFor('AssumeRoleWithSAML')[0]!.params.PrincipalArn,
      'arn:aws:iam::210987654321:saml-provider/Okta',
    );
    const byArn = await runCli(['saml', '--role', ADMIN, '--assertion-file', file, '-s', 'json'], { env: env() });
    assert.equal(byArn.code, 0, byArn.stderr);
    assert.equal(sts.fake.requestsFor('AssumeRoleWithSAML')[1]!.params.RoleArn, ADMIN);
    const neither = await runCli(['saml', '--assertion-file', file], { env: env() });
    assert.equal(neither.code, 2);
    assert.equal(neither.stdout, '');
    assert.match(neither.stderr, /grants 2 roles and there is no terminal to pick one on/);
    assert.match(
      neither.stderr,
      /pass --role with one of: arn:aws:iam::123456789012:role\/Admin, arn:aws:iam::210987654321:role\/ReadOnly/,
    );
    const notGranted = await runCli(['saml', '--role', 'Nobody', '--assertion-file', file], { env: env() });
    assert.equal(notGranted.code, 2);
    assert.match(notGranted.stderr, /grants no role 'Nobody'/);
    assert.equal(sts.fake.requestsFor('AssumeRoleWithSAML').length, 2);
  });

  test('several roles on a terminal: the picker lists them, filtered as one types; Enter assumes the one picked', async (t) => {
    const script = scriptExecutable();
    if (!script) return t.skip('script (util-linux) is not installed');
    const file = assertionFile(
      samlResponse([
        [ADMIN, SAML_PROVIDER],
        [READER, 'arn:aws:iam::210987654321:saml-provider/Okta'],
      ]),
    );
    const [out, err] = [join(sts.home.dir, 'out'), join(sts.home.dir, 'err')];
    const command = `${[process.execPath, CLI, 'saml', '--assertion-file', file, '-s', 'sh'].map(shQuote).join(' ')} > ${shQuote(out)} 2> ${shQuote(err)}`;
    const session = startPty(script, command, env());
    await session.waitFor(/Role to assume with the SAML assertion/);
    await session.waitFor(/role\/ReadOnly/);
    await session.press('ReadOnly');
    await session.press(KEYS.enter, /[\s\S]/);
    assert.equal(await session.exit, 0, readFileSync(err, 'utf8'));
    assert.match(readFileSync(out, 'utf8'), new RegExp(`^export STSENV_ROLE_ARN='${READER}';?$`, 'm'));
    assert.equal(
      sts.fake.requestsFor('AssumeRoleWithSAML')[0]!.params.PrincipalArn,
      'arn:aws:iam::210987654321:saml-provider/Okta',
    );
  });

  test("a bad assertion is named, with what to give, before any request; STS's refusal keeps its code", async () => {
    const cases: Array<[string, RegExp]> = [
      ['not base64 at all!', /--assertion-file '.*' is not base64: not a SAML response/],
      [Buffer.from('hello').toString('base64'), /is base64 but not a SAML response \(no XML inside\)/],
      [
        Buffer.from('<html><body/></html>').toString('base64'),
        /is XML but not a SAML response \(no Response element\)/,
      ],
      [samlResponse([]), /grants no AWS role/],
    ];
    for (const [text, message] of cases) {
      const run = await runCli(['saml', '--assertion-file', assertionFile(text)], { env: env() });
      assert.equal(run.code, 2, text);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      assert.match(run.stderr, /SAMLResponse|role mapping/);
    }
    const missing = await runCli(['saml', ADMIN], { env: env() });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /saml needs --assertion-file FILE/);
    assert.equal(sts.fake.requests.length, 0);
    // A role the assertion does not grant, with a provider given: STS decides, and says no.
    const refused = await runCli(
      [
        'saml',
        DEPLOY,
        '--principal-arn',
        SAML_PROVIDER,
        '--assertion-file',
        assertionFile(samlResponse([[ADMIN, SAML_PROVIDER]])),
      ],
      { env: env() },
    );
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /AccessDenied/);
  });

  test('cached like assume: the same assertion and role again asks nothing; --write-profile writes the profile', async () => {
    const file = assertionFile(samlResponse([[ADMIN, SAML_PROVIDER]]));
    const cached = env({ STSENV_NO_CACHE: undefined });
    const first = await runCli(['saml', '--assertion-file', file, '-s', 'json'], { env: cached });
    assert.equal(first.code, 0, first.stderr);
    const second = await runCli(['saml', '--assertion-file', file, '-s', 'json'], { env: cached });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(sts.fake.requestsFor('AssumeRoleWithSAML').length, 1);
    assert.equal(JSON.parse(second.stdout).AccessKeyId, JSON.parse(first.stdout).AccessKeyId);
    const written = await runCli(['saml', '--assertion-file', file, '--write-profile', 'okta', '--no-cache'], {
      env: env(),
    });
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout, '');
    assert.match(written.stderr, /wrote profile 'okta'/);
  });
});

describe('SAML profiles: saml_assertion_process', () => {
  function writeConfig(): void {
    const bin = join(sts.home.dir, 'bin');
    mkdirSync(bin, { recursive: true });
    mkdirSync(join(sts.home.dir, '.aws'), { recursive: true });
    // The identity provider's tool: prints the assertion, and counts its runs.
    const tool = join(bin, 'idp-login');
    writeFileSync(
      tool,
      `#!/bin/sh\necho run >> "$HOME/idp-runs"\necho 'Approve the push on your phone' >&2\nprintf '%s\\n' '${samlResponse([[ADMIN, SAML_PROVIDER]])}'\n`,
    );
    chmodSync(tool, 0o755);
    writeFileSync(
      join(sts.home.dir, '.aws', 'config'),
      `[profile okta]\nrole_arn = ${ADMIN}\nsaml_principal_arn = ${SAML_PROVIDER}\nsaml_assertion_process = "${tool}" --app aws\n\n[profile okta-deploy]\nrole_arn = ${DEPLOY}\nsource_profile = okta\n`,
    );
  }

  test('assume --profile runs the command for the assertion, and a chain starts from it; its stderr reaches the person', async () => {
    writeConfig();
    const run = await runCli(['assume', '--profile', 'okta-deploy', '-s', 'sh'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Approve the push on your phone/);
    assert.deepEqual(
      sts.fake.requests.map((r) => r.action),
      ['AssumeRoleWithSAML', 'AssumeRole'],
    );
    assert.equal(sts.fake.issued[1]!.signerArn, 'arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com');
    assert.match(run.stdout, new RegExp(`^export STSENV_ROLE_ARN='${DEPLOY}';?$`, 'm'));
  });

  test('a cache hit runs no command; exec uses the profile too', async () => {
    writeConfig();
    const cached = env({ STSENV_NO_CACHE: undefined });
    assert.equal((await runCli(['export', '--profile', 'okta', '-s', 'json'], { env: cached })).code, 0);
    const again = await runCli(['exec', '--profile', 'okta', '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'], {
      env: cached,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, sts.fake.issued[0]!.accessKeyId);
    assert.equal(sts.fake.requestsFor('AssumeRoleWithSAML').length, 1);
  });

  test('a profile missing saml_principal_arn, or with a source too, is refused', async () => {
    mkdirSync(join(sts.home.dir, '.aws'), { recursive: true });
    writeFileSync(
      join(sts.home.dir, '.aws', 'config'),
      `[profile a]\nrole_arn = ${ADMIN}\nsaml_assertion_process = true\n\n[profile b]\nrole_arn = ${ADMIN}\nsaml_principal_arn = ${SAML_PROVIDER}\nsaml_assertion_process = true\nsource_profile = a\n`,
    );
    const a = await runCli(['assume', '--profile', 'a'], { env: env() });
    assert.equal(a.code, 2);
    assert.match(a.stderr, /profile 'a' has saml_assertion_process but no saml_principal_arn/);
    const b = await runCli(['assume', '--profile', 'b'], { env: env() });
    assert.equal(b.code, 2);
    assert.match(b.stderr, /profile 'b' has saml_assertion_process and source_profile/);
  });
});

describe('reading an assertion (in-process)', () => {
  test('roles in either order, any namespace prefix, line-wrapped base64; duplicates once', async () => {
    const { readSamlAssertion } = await import('../../src/saml/assertion.js');
    const b64 = samlResponse(
      [
        [ADMIN, SAML_PROVIDER],
        [ADMIN, SAML_PROVIDER],
        [READER, 'arn:aws:iam::210987654321:saml-provider/Okta'],
      ],
      'x',
      { providerFirst: true },
    );
    const wrapped = b64.replace(/(.{76})/g, '$1\r\n');
    const read = readSamlAssertion(wrapped, 'the test');
    assert.equal(read.base64, b64);
    assert.deepEqual(read.roles, [
      { roleArn: ADMIN, principalArn: SAML_PROVIDER },
      { roleArn: READER, principalArn: 'arn:aws:iam::210987654321:saml-provider/Okta' },
    ]);
    const unprefixed = Buffer.from(
      Buffer.from(b64, 'base64').toString('utf8').replaceAll('saml2:', '').replaceAll('saml2p:', ''),
    ).toString('base64');
    assert.equal(readSamlAssertion(unprefixed, 'the test').roles.length, 2);
  });

  test('a Role value that is no pair of ARNs, or a role name with a control character, is refused', async () => {
    const { readSamlAssertion } = await import('../../src/saml/assertion.js');
    assert.throws(
      () =>
        readSamlAssertion(samlResponse([['arn:aws:iam::123456789012:role/A\u001b[31m', SAML_PROVIDER]]), 'the test'),
      /not "role ARN,provider ARN"/,
    );
    assert.throws(() => readSamlAssertion(samlResponse([[ADMIN, ADMIN]]), 'the test'), /not "role ARN,provider ARN"/);
  });

  test('choosing: the ARN given must be granted unless a provider is given; --role by name', async () => {
    const { chooseSamlRole } = await import('../../src/saml/read-saml.js');
    const assertion = {
      base64: 'x',
      roles: [
        { roleArn: ADMIN, principalArn: SAML_PROVIDER },
        { roleArn: READER, principalArn: SAML_PROVIDER },
      ],
    };
    assert.deepEqual(chooseSamlRole(assertion, { role: 'Admin' }), {
      kind: 'chosen',
      role: { roleArn: ADMIN, principalArn: SAML_PROVIDER },
    });
    assert.equal(chooseSamlRole(assertion, {}).kind, 'ask');
    assert.throws(() => chooseSamlRole(assertion, { roleArn: DEPLOY }), /does not grant/);
    assert.deepEqual(chooseSamlRole(assertion, { roleArn: DEPLOY, principalArn: SAML_PROVIDER }), {
      kind: 'chosen',
      role: { roleArn: DEPLOY, principalArn: SAML_PROVIDER },
    });
    assert.throws(() => chooseSamlRole(assertion, { roleArn: ADMIN, role: 'Admin' }), /not both/);
    assert.throws(
      () => chooseSamlRole(assertion, { role: 'Admin', principalArn: 'arn:aws:iam::123456789012:oidc-provider/x' }),
      /invalid --principal-arn/,
    );
  });
});
