/**
 * The credential engine in-process (src/engine): a test Context, the loopback
 * fake STS, tables of cases. Nothing is spawned; each case takes milliseconds.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { assumePlan } from '../../src/engine/build-plan.js';
import { prepareSignin, resolveCredentials } from '../../src/engine/index.js';
import { planKeys } from '../../src/engine/plan.js';
import { chooseProfile } from '../../src/engine/profile-choice.js';
import type {
  AssumeRoleRequest,
  CacheSettings,
  ConnectionRequest,
  CredentialRequest,
  SigninRequest,
} from '../../src/engine/request.js';
import { resolveRegion } from '../../src/engine/target.js';
import { StsenvError } from '../../src/errors.js';
import { startFakeSts, type FakeSts } from '../support/fake-sts.js';
import { tempDir } from '../support/run-cli.js';
import { testContext } from '../support/test-context.js';

const BASE_KEY = 'AKIDENGINEBASE000001';
const BASE_SECRET = 'engine/base/secret/0000000000000000000000';
const OTHER_KEY = 'AKIDENGINEOTHER00002';
const ENV_KEY = 'AKIDENGINEENVKEY0003';
const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const MFA = 'arn:aws:iam::123456789012:mfa/engine';

const CACHE_OFF: CacheSettings = { enabled: false, readFinal: true, minRemainingMs: 300_000 };
const CACHE_ON: CacheSettings = { enabled: true, readFinal: true, minRemainingMs: 300_000 };

const CONFIG = `
[default]
region = us-west-2

[profile base]
region = eu-west-1

[profile hop1]
role_arn = ${ROLE('hop1')}
source_profile = base

[profile hop2]
role_arn = ${ROLE('hop2')}
source_profile = hop1
region = eu-central-1

[profile from-env]
role_arn = ${ROLE('from-env')}
credential_source = Environment

[profile self]
role_arn = ${ROLE('self')}
source_profile = self

[profile mfa1]
role_arn = ${ROLE('mfa1')}
source_profile = base
mfa_serial = ${MFA}

[profile mfa2]
role_arn = ${ROLE('mfa2')}
source_profile = base
mfa_serial = ${MFA}

[profile loop-a]
role_arn = ${ROLE('a')}
source_profile = loop-b

[profile loop-b]
role_arn = ${ROLE('b')}
source_profile = loop-a

[profile dangling]
role_arn = ${ROLE('dangling')}
source_profile = nowhere

[profile both]
role_arn = ${ROLE('both')}
source_profile = base
credential_source = Environment

[profile imds]
role_arn = ${ROLE('imds')}
credential_source = Ec2InstanceMetadata

[profile plain]
region = ap-south-1
`;

const CREDENTIALS = `
[base]
aws_access_key_id = ${BASE_KEY}
aws_secret_access_key = ${BASE_SECRET}

[self]
aws_access_key_id = ${OTHER_KEY}
aws_secret_access_key = other/secret/000000000000000000000000000
`;

let fake: FakeSts;
let home: { dir: string; cleanup: () => void };

before(async () => {
  fake = await startFakeSts();
  home = tempDir();
  mkdirSync(join(home.dir, '.aws'));
  writeFileSync(join(home.dir, '.aws', 'config'), CONFIG);
  writeFileSync(join(home.dir, '.aws', 'credentials'), CREDENTIALS);
});
after(async () => {
  await fake.close();
  home.cleanup();
});
beforeEach(() => fake.reset());

/** A user's environment with no AWS variables but the files and the loopback endpoint, plus `extra`. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {
    HOME: home.dir,
    USER: 'tester',
    AWS_CONFIG_FILE: join(home.dir, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home.dir, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_STS: fake.url,
    XDG_CACHE_HOME: join(home.dir, `cache-${Math.random().toString(16).slice(2)}`),
    ...extra,
  };
  for (const [key, value] of Object.entries(base)) if (value === undefined) delete base[key];
  return base;
}

function assume(
  roleArn: string | undefined,
  connection: ConnectionRequest = {},
  more: Partial<AssumeRoleRequest> = {},
): AssumeRoleRequest {
  return { kind: 'assume-role', roleArn, fields: {}, mfa: { prompt: false }, connection, cache: CACHE_OFF, ...more };
}

async function usageFailure(run: () => Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(
    run,
    (error: unknown) => error instanceof StsenvError && error.exitCode === 2 && message.test(error.message),
  );
}

/** The key that signed each request, as the fake STS recorded it, with the action and role. */
function calls(): Array<[string, string | undefined, string | undefined]> {
  return fake.requests.map((r) => [r.action, r.params.RoleArn, r.accessKeyId]);
}

/** The access key STS issued for a role (or for GetSessionToken), to check the next call was signed with it. */
function issuedFor(role: string): string {
  const found = fake.issued.find((i) =>
    role === 'GetSessionToken' ? i.action === role : i.arn.includes(`/${role.split('/').pop()}/`),
  );
  assert.ok(found, `nothing was issued for ${role}`);
  return found.accessKeyId;
}

describe('engine: role chains, one signer per hop', () => {
  const cases: Array<{
    name: string;
    request: CredentialRequest;
    extraEnv?: NodeJS.ProcessEnv;
    expect: () => Array<[string, string | undefined, string | undefined]>;
  }> = [
    {
      name: 'a role profile on keys from the credentials file',
      request: assume(undefined, { profile: 'hop1' }),
      expect: () => [['AssumeRole', ROLE('hop1'), BASE_KEY]],
    },
    {
      name: 'two hops: the second signed with what the first issued',
      request: assume(undefined, { profile: 'hop2' }),
      expect: () => [
        ['AssumeRole', ROLE('hop1'), BASE_KEY],
        ['AssumeRole', ROLE('hop2'), issuedFor(ROLE('hop1'))],
      ],
    },
    {
      name: 'a role ARN on top of a role profile: one hop more',
      request: assume(ROLE('extra'), { profile: 'hop1' }),
      expect: () => [
        ['AssumeRole', ROLE('hop1'), BASE_KEY],
        ['AssumeRole', ROLE('extra'), issuedFor(ROLE('hop1'))],
      ],
    },
    {
      name: 'credential_source = Environment signs with the key variables',
      request: assume(undefined, { profile: 'from-env' }),
      extraEnv: { AWS_ACCESS_KEY_ID: ENV_KEY, AWS_SECRET_ACCESS_KEY: 'env/secret/0000000000000000000000000000' },
      expect: () => [['AssumeRole', ROLE('from-env'), ENV_KEY]],
    },
    {
      name: 'a profile that is its own source_profile uses its own keys',
      request: assume(undefined, { profile: 'self' }),
      expect: () => [['AssumeRole', ROLE('self'), OTHER_KEY]],
    },
    {
      name: 'AWS_PROFILE naming a role profile is followed like --profile',
      request: assume(ROLE('extra')),
      extraEnv: { AWS_PROFILE: 'hop1' },
      expect: () => [
        ['AssumeRole', ROLE('hop1'), BASE_KEY],
        ['AssumeRole', ROLE('extra'), issuedFor(ROLE('hop1'))],
      ],
    },
    {
      name: 'AWS_DEFAULT_PROFILE too, when AWS_PROFILE is unset (the AWS CLI reads both)',
      request: assume(ROLE('extra')),
      extraEnv: { AWS_DEFAULT_PROFILE: 'hop1' },
      expect: () => [
        ['AssumeRole', ROLE('hop1'), BASE_KEY],
        ['AssumeRole', ROLE('extra'), issuedFor(ROLE('hop1'))],
      ],
    },
    {
      name: 'session: GetSessionToken with a profile’s keys',
      request: {
        kind: 'session-token',
        durationSeconds: 3600,
        mfa: {},
        connection: { profile: 'base' },
        cache: CACHE_OFF,
      },
      expect: () => [['GetSessionToken', undefined, BASE_KEY]],
    },
    {
      name: 'export of a role profile runs its chain',
      request: { kind: 'profile', mfa: {}, connection: { profile: 'hop2' }, cache: CACHE_OFF },
      expect: () => [
        ['AssumeRole', ROLE('hop1'), BASE_KEY],
        ['AssumeRole', ROLE('hop2'), issuedFor(ROLE('hop1'))],
      ],
    },
    {
      name: 'web identity: unsigned',
      request: {
        kind: 'web-identity',
        roleArn: ROLE('ci'),
        durationSeconds: 3600,
        token: 'header.payload.signature',
        connection: {},
        cache: CACHE_OFF,
      },
      expect: () => [['AssumeRoleWithWebIdentity', ROLE('ci'), undefined]],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const ctx = testContext({ env: env(c.extraEnv) });
      const result = await resolveCredentials(c.request, ctx);
      assert.deepEqual(calls(), c.expect());
      assert.equal(result.credentials.accessKeyId, fake.issued.at(-1)!.accessKeyId);
      assert.equal(result.fromCache, false);
      assert.equal(ctx.out, '', 'the engine writes nothing to stdout');
    });
  }
});

describe('engine: bad profiles are usage errors before any request', () => {
  const cases: Array<[string, ConnectionRequest, RegExp]> = [
    ['a loop', { profile: 'loop-a' }, /profiles form a loop: loop-a -> loop-b -> loop-a/],
    [
      'a missing source_profile',
      { profile: 'dangling' },
      /source_profile of profile 'dangling' names profile 'nowhere'/,
    ],
    ['a --profile that does not exist', { profile: 'nosuch' }, /--profile names profile 'nosuch'/],
    ['both source_profile and credential_source', { profile: 'both' }, /has both source_profile and credential_source/],
    [
      'an unsupported credential_source',
      { profile: 'imds' },
      /credential_source 'Ec2InstanceMetadata' in profile 'imds' is not supported/,
    ],
    [
      'credential_source = Environment without the variables',
      { profile: 'from-env' },
      /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/,
    ],
    [
      'a profile that is not a role profile, without a role ARN',
      { profile: 'plain' },
      /profile 'plain' is not a role profile/,
    ],
  ];
  for (const [name, connection, message] of cases) {
    test(name, async () => {
      await usageFailure(() => resolveCredentials(assume(undefined, connection), testContext({ env: env() })), message);
      assert.equal(fake.requests.length, 0);
    });
  }
  test('assume with neither a role ARN nor --profile', async () => {
    await usageFailure(
      () => resolveCredentials(assume(undefined), testContext({ env: env({ AWS_PROFILE: 'hop1' }) })),
      /assume needs a <role-arn> argument/,
    );
  });
});

describe("engine: who signs the first call (the AWS CLI's order: --profile, key variables, AWS_PROFILE, default chain)", () => {
  const keys = { AWS_ACCESS_KEY_ID: ENV_KEY, AWS_SECRET_ACCESS_KEY: 'env/secret/0000000000000000000000000000' };
  const cases: Array<{ name: string; flag?: string; env: NodeJS.ProcessEnv; label: RegExp; kind: string }> = [
    { name: 'nothing set: the default chain', env: {}, label: /^the default credential chain$/, kind: 'sdk' },
    {
      name: 'key variables: signed with them, not through the SDK',
      env: keys,
      label: /^access key AKIDENGINEENVKEY0003 \(from AWS_ACCESS_KEY_ID\)$/,
      kind: 'keys',
    },
    {
      name: '--profile of a profile the SDK resolves',
      flag: 'plain',
      env: {},
      label: /^profile 'plain'$/,
      kind: 'sdk',
    },
    {
      name: '--profile of a profile with keys: read from the file',
      flag: 'base',
      env: {},
      label: /^profile 'base' \(access key AKIDENGINEBASE000001\)$/,
      kind: 'keys',
    },
    {
      name: '--profile comes before the key variables',
      flag: 'plain',
      env: keys,
      label: /^profile 'plain'$/,
      kind: 'sdk',
    },
    {
      name: 'AWS_PROFILE of a plain profile',
      env: { AWS_PROFILE: 'plain' },
      label: /^profile 'plain' \(from AWS_PROFILE\)$/,
      kind: 'sdk',
    },
    {
      name: 'AWS_DEFAULT_PROFILE of a plain profile',
      env: { AWS_DEFAULT_PROFILE: 'plain' },
      label: /^profile 'plain' \(from AWS_DEFAULT_PROFILE\)$/,
      kind: 'sdk',
    },
    {
      name: 'AWS_PROFILE wins over AWS_DEFAULT_PROFILE',
      env: { AWS_PROFILE: 'plain', AWS_DEFAULT_PROFILE: 'base' },
      label: /^profile 'plain' \(from AWS_PROFILE\)$/,
      kind: 'sdk',
    },
    {
      name: 'the key variables come before AWS_PROFILE',
      env: { AWS_PROFILE: 'plain', ...keys },
      label: /^access key AKIDENGINEENVKEY0003/,
      kind: 'keys',
    },
    {
      name: 'the key variables come before AWS_PROFILE of a role profile: no chain',
      env: { AWS_PROFILE: 'hop2', ...keys },
      label: /^access key AKIDENGINEENVKEY0003/,
      kind: 'keys',
    },
    {
      name: 'a blank AWS_PROFILE counts as unset',
      env: { AWS_PROFILE: '  ', ...keys },
      label: /^access key AKIDENGINEENVKEY0003/,
      kind: 'keys',
    },
    {
      name: '--profile of a role profile: its chain from the file’s keys',
      flag: 'hop1',
      env: keys,
      label: /^profile 'base' \(access key AKIDENGINEBASE000001\)$/,
      kind: 'keys',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const ctx = testContext({ env: env(c.env) });
      const plan = await assumePlan(assume(ROLE('target'), { profile: c.flag }), chooseProfile(c.flag, ctx.env), ctx);
      assert.match(plan.root.label, c.label);
      assert.equal(plan.root.kind, c.kind);
      if (c.env.AWS_ACCESS_KEY_ID && (c.env.AWS_PROFILE ?? '').trim() && !c.flag) {
        assert.ok(
          ctx.debugLines.some((line) => /the key variables .* come before AWS_PROFILE/.test(line)),
          '--debug says the key variables were used',
        );
      }
    });
  }

  test('the key variables sign even with AWS_PROFILE set (the JS SDK alone would take the profile)', async () => {
    const ctx = testContext({ env: env({ AWS_PROFILE: 'hop2', ...keys }) });
    await resolveCredentials(assume(ROLE('target')), ctx);
    assert.deepEqual(calls(), [['AssumeRole', ROLE('target'), ENV_KEY]]);
    assert.equal(ctx.err, '', "no warning: the AWS CLI's order is the documented one");
  });

  test("a second assume on an earlier one's credentials chains, and says so on stderr", async () => {
    const earlier = { ...keys, AWS_SESSION_TOKEN: 'earlier-session-token', STSENV_ROLE_ARN: ROLE('first') };
    const ctx = testContext({ env: env(earlier) });
    const result = await resolveCredentials(assume(ROLE('second')), ctx);
    assert.deepEqual(calls(), [['AssumeRole', ROLE('second'), ENV_KEY]]);
    assert.equal(result.roleArn, ROLE('second'));
    const lines = ctx.err.trim().split('\n');
    assert.equal(lines.length, 1, ctx.err);
    assert.match(
      lines[0]!,
      /signing with the credentials of role arn:aws:iam::123456789012:role\/first .*role chain.*--profile NAME, or stsenv unset/,
    );
    // unset leaves no keys where the user's own were exported: the way that works is said too.
    assert.match(
      lines[0]!,
      /keys you had exported were replaced: export them again.*subshell or with stsenv exec ROLE -- COMMAND/,
    );
    assert.doesNotMatch(ctx.err, /earlier-session-token|env\/secret/);
    // With --profile, or without an earlier role, nothing is said.
    const plain = testContext({ env: env({ ...keys, AWS_SESSION_TOKEN: 'some-session-token' }) });
    await resolveCredentials(assume(ROLE('second')), plain);
    assert.equal(plain.err, '');
    const own = testContext({ env: env(earlier) });
    await resolveCredentials(assume(ROLE('second'), { profile: 'base' }), own);
    assert.equal(own.err, '');
  });
});

describe('engine: the console signs in from the profile chosen as for every request', () => {
  const keys = { AWS_ACCESS_KEY_ID: ENV_KEY, AWS_SECRET_ACCESS_KEY: 'env/secret/0000000000000000000000000000' };
  const signin = (connection: ConnectionRequest = {}): SigninRequest => ({
    kind: 'sign-in',
    fields: {},
    mfa: { prompt: false },
    connection,
    cache: CACHE_OFF,
    federation: {},
  });

  test('a role profile signs in as its role, named by --profile or by AWS_PROFILE alike', async () => {
    const flag = await prepareSignin(signin({ profile: 'hop2' }), testContext({ env: env() }));
    const variable = await prepareSignin(signin(), testContext({ env: env({ AWS_PROFILE: 'hop2' }) }));
    for (const prepared of [flag, variable]) {
      assert.equal(prepared.roleArn, ROLE('hop2'));
      assert.equal(prepared.chained, true);
      assert.equal(prepared.region, 'eu-central-1');
    }
    assert.equal(fake.requests.length, 0, 'prepared: nothing asked yet');
  });

  test('the key variables come before AWS_PROFILE, and --debug names AWS_PROFILE, not --profile', async () => {
    const ctx = testContext({ env: env({ AWS_PROFILE: 'hop2', ...keys }) });
    const prepared = await prepareSignin(signin(), ctx);
    assert.equal(prepared.roleArn, undefined, 'the current credentials, not the role of hop2');
    assert.ok(
      ctx.debugLines.some((line) => /the key variables .* come before AWS_PROFILE=hop2/.test(line)),
      ctx.debugLines.join('\n'),
    );
    assert.doesNotMatch(ctx.debugLines.join('\n'), /--profile/);
  });

  test('a missing profile is an error from --profile only: AWS_PROFILE may name one the SDK alone knows', async () => {
    await usageFailure(
      () => prepareSignin(signin({ profile: 'nosuch' }), testContext({ env: env() })),
      /--profile names profile 'nosuch'/,
    );
    const prepared = await prepareSignin(signin(), testContext({ env: env({ AWS_PROFILE: 'nosuch' }) }));
    assert.equal(prepared.roleArn, undefined);
  });
});

describe('engine: regions', () => {
  const cases: Array<{
    name: string;
    request?: ConnectionRequest;
    env: NodeJS.ProcessEnv;
    region: string | undefined;
  }> = [
    {
      name: '--region first',
      request: { region: 'eu-north-1' },
      env: { AWS_REGION: 'us-east-2' },
      region: 'eu-north-1',
    },
    {
      name: 'AWS_REGION before AWS_DEFAULT_REGION',
      env: { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-1' },
      region: 'us-east-2',
    },
    { name: 'AWS_DEFAULT_REGION', env: { AWS_DEFAULT_REGION: 'us-west-1' }, region: 'us-west-1' },
    { name: 'the --profile’s region', request: { profile: 'plain' }, env: {}, region: 'ap-south-1' },
    { name: 'the AWS_PROFILE profile’s region', env: { AWS_PROFILE: 'hop2' }, region: 'eu-central-1' },
    { name: 'the AWS_DEFAULT_PROFILE profile’s region', env: { AWS_DEFAULT_PROFILE: 'plain' }, region: 'ap-south-1' },
    {
      name: 'AWS_PROFILE’s, not AWS_DEFAULT_PROFILE’s',
      env: { AWS_PROFILE: 'hop2', AWS_DEFAULT_PROFILE: 'plain' },
      region: 'eu-central-1',
    },
    { name: 'else the default profile’s', env: {}, region: 'us-west-2' },
    {
      name: 'a profile without one: none (the global endpoint)',
      request: { profile: 'hop1' },
      env: {},
      region: undefined,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const e = env(c.env);
      assert.equal(await resolveRegion(c.request ?? {}, e, chooseProfile(c.request?.profile, e)), c.region);
    });
  }
  test('web identity too takes the chosen profile’s region (its credentials are the token)', async () => {
    const ctx = testContext({ env: env({ AWS_PROFILE: 'hop2' }) });
    const result = await resolveCredentials(
      {
        kind: 'web-identity',
        roleArn: ROLE('ci'),
        durationSeconds: 3600,
        token: 'header.payload.signature',
        connection: {},
        cache: CACHE_OFF,
      },
      ctx,
    );
    assert.equal(result.region, 'eu-central-1');
    assert.deepEqual(calls(), [['AssumeRoleWithWebIdentity', ROLE('ci'), undefined]]);
  });

  test('the plan and the region come from the same profile', async () => {
    const ctx = testContext({ env: env({ AWS_DEFAULT_PROFILE: 'hop2', AWS_ENDPOINT_URL_STS: fake.url }) });
    const result = await resolveCredentials(assume(ROLE('extra')), ctx);
    assert.equal(result.region, 'eu-central-1');
    assert.deepEqual(
      calls().map(([action, role]) => [action, role]),
      [
        ['AssumeRole', ROLE('hop1')],
        ['AssumeRole', ROLE('hop2')],
        ['AssumeRole', ROLE('extra')],
      ],
    );
  });
});

describe('engine: MFA sessions and the cache', () => {
  test('roles from the same long-term keys share one MFA session: the second needs no code', async () => {
    const e = env();
    const first = testContext({ env: e });
    await resolveCredentials(
      assume(undefined, { profile: 'mfa1' }, { mfa: { tokenCode: '123456', prompt: false }, cache: CACHE_ON }),
      first,
    );
    const session = issuedFor('GetSessionToken');
    assert.deepEqual(calls(), [
      ['GetSessionToken', undefined, BASE_KEY],
      ['AssumeRole', ROLE('mfa1'), session],
    ]);
    assert.equal(fake.requests[0]!.params.SerialNumber, MFA);
    assert.equal(fake.requests[1]!.params.TokenCode, undefined, 'the code went with the session, not the role');
    fake.reset();
    const second = testContext({ env: e });
    await resolveCredentials(
      assume(undefined, { profile: 'mfa2' }, { mfa: { prompt: false }, cache: CACHE_ON }),
      second,
    );
    assert.deepEqual(calls(), [['AssumeRole', ROLE('mfa2'), session]]);
  });

  test('the same request again is a cache hit: no request, the same credentials', async () => {
    const e = env();
    const request = assume(ROLE('cached'), { profile: 'hop1' }, { cache: CACHE_ON });
    const first = await resolveCredentials(request, testContext({ env: e }));
    const second = await resolveCredentials(request, testContext({ env: e }));
    assert.equal(fake.requests.length, 2, 'the role profile’s hop, then the role');
    assert.equal(second.fromCache, true);
    assert.deepEqual(second.credentials, first.credentials);
  });

  test('--refresh asks again and keeps the new answer', async () => {
    const e = env();
    const request = assume(ROLE('cached'), { profile: 'hop1' }, { cache: CACHE_ON });
    await resolveCredentials(request, testContext({ env: e }));
    const refreshed = await resolveCredentials(
      { ...request, cache: { ...CACHE_ON, readFinal: false } },
      testContext({ env: e }),
    );
    const after = await resolveCredentials(request, testContext({ env: e }));
    assert.deepEqual(
      calls().map(([, role]) => role),
      [ROLE('hop1'), ROLE('cached'), ROLE('cached')],
      'the refresh asked for the role again, its base came from the cache',
    );
    assert.deepEqual(after.credentials, refreshed.credentials);
  });
});

describe('engine: cache keys', () => {
  const connection = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' };
  async function keyOf(
    request: AssumeRoleRequest,
    extraEnv: NodeJS.ProcessEnv = {},
    target = connection,
  ): Promise<string> {
    const ctx = testContext({ env: env(extraEnv), now: () => new Date(Date.now() + Math.floor(Math.random() * 1e6)) });
    const plan = await assumePlan(request, chooseProfile(request.connection.profile, ctx.env), ctx);
    return planKeys(plan, target).at(-1)!;
  }
  const base = assume(ROLE('keyed'), { profile: 'base' });
  const differs: Array<[string, () => Promise<string>]> = [
    ['another role', () => keyOf(assume(ROLE('other'), { profile: 'base' }))],
    ['an explicit session name', () => keyOf({ ...base, fields: { RoleSessionName: 'named' } })],
    ['another duration', () => keyOf({ ...base, fields: { DurationSeconds: 900 } })],
    ['an external ID', () => keyOf({ ...base, fields: { ExternalId: 'partner-42' } })],
    ['a policy', () => keyOf({ ...base, fields: { Policy: '{"Version":"2012-10-17","Statement":[]}' } })],
    ['a tag', () => keyOf({ ...base, fields: { Tags: [{ Key: 'team', Value: 'ops' }] } })],
    ['an MFA serial', () => keyOf({ ...base, mfa: { mfaSerial: MFA, tokenCode: '123456' } })],
    ['another base profile', () => keyOf(assume(ROLE('keyed'), { profile: 'plain' }))],
    ['another region', () => keyOf(base, {}, { ...connection, region: 'us-east-1' })],
    ['another endpoint', () => keyOf(base, {}, { ...connection, endpoint: 'http://127.0.0.1:2' })],
  ];
  test('the same request gives the same key, whatever the clock (a default session name is left out)', async () => {
    assert.equal(await keyOf(base), await keyOf(base));
  });
  for (const [name, other] of differs) {
    test(`${name} gives another key`, async () => {
      assert.notEqual(await other(), await keyOf(base));
    });
  }
  test('other key variables give another key', async () => {
    const a = await keyOf(assume(ROLE('keyed')), {
      AWS_ACCESS_KEY_ID: ENV_KEY,
      AWS_SECRET_ACCESS_KEY: 'one/secret/0000000000000000000000000000',
    });
    const b = await keyOf(assume(ROLE('keyed')), {
      AWS_ACCESS_KEY_ID: ENV_KEY,
      AWS_SECRET_ACCESS_KEY: 'two/secret/0000000000000000000000000000',
    });
    assert.notEqual(a, b);
  });
});
