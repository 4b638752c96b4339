/**
 * The fake STS is only useful if real clients accept it, so these tests drive
 * it with the real @aws-sdk/client-sts and, when installed, AWS CLI v2
 * (botocore) at /usr/bin/aws.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import { listStructs, listValues, startFakeSts, type FakeSts } from '../support/fake-sts.js';

const ROLE = 'arn:aws:iam::210987654321:role/team/Deployer';
const BASE = { accessKeyId: 'AKIDBASE', secretAccessKey: 'base-secret' };
const AWS_CLI_V2 = '/usr/bin/aws';
const REPO = fileURLToPath(new URL('../..', import.meta.url));

let fake: FakeSts;

function sts(config: Partial<STSClientConfig> = {}): STSClient {
  return new STSClient({ endpoint: fake.url, region: 'us-east-1', credentials: BASE, ...config });
}

/** The SDK error thrown by `promise`, which must reject. */
async function sdkError(
  promise: Promise<unknown>,
): Promise<Error & { Code?: string; $metadata: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await promise;
  } catch (e) {
    return e as never;
  }
  throw new assert.AssertionError({ message: 'expected the STS call to fail' });
}

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** A request no SDK would make: raw form body, optional headers. */
function rawPost(body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return fetch(`${fake.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body,
  }).then(async (r) => ({ status: r.status, body: await r.text() }));
}

before(async () => {
  fake = await startFakeSts();
});
after(() => fake.close());
beforeEach(() => fake.reset());

describe('operations through the JS SDK', () => {
  it('AssumeRole records every field the SDK sends, lists as Name.member.N', async () => {
    const out = await sts().send(
      new AssumeRoleCommand({
        RoleArn: ROLE,
        RoleSessionName: 'alice@example.com',
        DurationSeconds: 1800,
        ExternalId: 'ext-123',
        SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
        TokenCode: '123456',
        SourceIdentity: 'alice',
        Policy: '{"Version":"2012-10-17","Statement":[]}',
        PolicyArns: [
          { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
          { arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' },
        ],
        Tags: [
          { Key: 'team', Value: 'a b&c' },
          { Key: 'env', Value: '' },
        ],
        TransitiveTagKeys: ['team', 'env'],
      }),
    );

    const [req] = fake.requestsFor('AssumeRole');
    assert.ok(req);
    assert.equal(req.signed, true);
    assert.equal(req.accessKeyId, 'AKIDBASE');
    assert.equal(req.method, 'POST');
    // Key order does not matter to deepEqual; the SDK sends schema order.
    assert.deepEqual(req.params, {
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: ROLE,
      RoleSessionName: 'alice@example.com',
      DurationSeconds: '1800',
      ExternalId: 'ext-123',
      SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
      TokenCode: '123456',
      SourceIdentity: 'alice',
      Policy: '{"Version":"2012-10-17","Statement":[]}',
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'PolicyArns.member.2.arn': 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'a b&c',
      'Tags.member.2.Key': 'env',
      'Tags.member.2.Value': '',
      'TransitiveTagKeys.member.1': 'team',
      'TransitiveTagKeys.member.2': 'env',
    });
    assert.deepEqual(listStructs(req.params, 'Tags'), [
      { Key: 'team', Value: 'a b&c' },
      { Key: 'env', Value: '' },
    ]);
    assert.deepEqual(listValues(req.params, 'TransitiveTagKeys'), ['team', 'env']);

    const creds = out.Credentials!;
    assert.match(creds.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    assert.match(creds.SecretAccessKey!, /^[A-Za-z0-9+/]{40}$/);
    assert.match(creds.SessionToken!, /^[A-Za-z0-9+/=]{200,}$/);
    const lifetime = creds.Expiration!.getTime() - Date.now();
    assert.ok(lifetime > 1790_000 && lifetime <= 1800_000, `lifetime ${lifetime}`);
    assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::210987654321:assumed-role/Deployer/alice@example.com');
    assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z0-9]{17}:alice@example\.com$/);
    assert.equal(out.SourceIdentity, 'alice');
    assert.equal(typeof out.PackedPolicySize, 'number');

    assert.equal(fake.issued.length, 1);
    assert.deepEqual(fake.issued[0], {
      action: 'AssumeRole',
      accessKeyId: creds.AccessKeyId,
      secretAccessKey: creds.SecretAccessKey,
      sessionToken: creds.SessionToken,
      expiration: creds.Expiration,
      arn: out.AssumedRoleUser?.Arn,
      signerArn: 'arn:aws:iam::123456789012:user/base-user',
    });
  });

  it('an empty list goes out as a bare "PolicyArns=" field and is accepted', async () => {
    await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's1', PolicyArns: [] }));
    assert.equal(fake.requests[0]?.params.PolicyArns, '');
  });

  it('issues different credentials on every call', async () => {
    const client = sts();
    const a = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's1' }));
    const b = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's1' }));
    assert.notEqual(a.Credentials?.AccessKeyId, b.Credentials?.AccessKeyId);
    assert.notEqual(a.Credentials?.SecretAccessKey, b.Credentials?.SecretAccessKey);
    assert.notEqual(a.Credentials?.SessionToken, b.Credentials?.SessionToken);
    assert.equal(a.Credentials?.Expiration?.getUTCMilliseconds(), 0, 'STS sends whole seconds');
  });

  it('GetSessionToken with MFA, and its keys identify as the base user', async () => {
    const out = await sts().send(
      new GetSessionTokenCommand({
        DurationSeconds: 129600,
        SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
        TokenCode: '654321',
      }),
    );
    assert.deepEqual(fake.requests[0]?.params, {
      Action: 'GetSessionToken',
      Version: '2011-06-15',
      DurationSeconds: '129600',
      SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
      TokenCode: '654321',
    });
    const c = out.Credentials!;
    const session = sts({
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
    });
    const me = await session.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, 'arn:aws:iam::123456789012:user/base-user');
    assert.equal(me.UserId, 'AKIDBASE');
    assert.equal(fake.issued[0]?.arn, 'arn:aws:iam::123456789012:user/base-user');

    const err = await sdkError(session.send(new GetSessionTokenCommand({})));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.message, 'Cannot call GetSessionToken with session credentials');
  });

  it('GetFederationToken: a federated user for long-term keys; session keys are refused', async () => {
    const out = await sts().send(
      new GetFederationTokenCommand({
        Name: 'alice',
        DurationSeconds: 7200,
        Policy: '{"Version":"2012-10-17","Statement":[]}',
      }),
    );
    assert.equal(out.FederatedUser?.Arn, 'arn:aws:sts::123456789012:federated-user/alice');
    assert.equal(out.FederatedUser?.FederatedUserId, '123456789012:alice');
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(lifetime > 7190_000 && lifetime <= 7200_000, `lifetime ${lifetime}`);
    assert.deepEqual(
      { action: fake.issued[0]?.action, arn: fake.issued[0]?.arn, signerArn: fake.issued[0]?.signerArn },
      {
        action: 'GetFederationToken',
        arn: 'arn:aws:sts::123456789012:federated-user/alice',
        signerArn: 'arn:aws:iam::123456789012:user/base-user',
      },
    );
    const c = out.Credentials!;
    const federated = sts({
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
    });
    assert.equal(
      (await federated.send(new GetCallerIdentityCommand({}))).Arn,
      'arn:aws:sts::123456789012:federated-user/alice',
    );
    const err = await sdkError(federated.send(new GetFederationTokenCommand({ Name: 'again' })));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.message, 'Cannot call GetFederationToken with session credentials');
    const short = await sdkError(sts().send(new GetFederationTokenCommand({ Name: 'x' })));
    assert.equal(short.name, 'ValidationError');
  });

  it('AssumeRoleWithWebIdentity is sent unsigned and echoes the token claims', async () => {
    const token = jwt({
      sub: 'repo:acme/app:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
      iss: 'https://token.actions.githubusercontent.com',
    });
    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: ROLE,
        RoleSessionName: 'gha',
        WebIdentityToken: token,
        DurationSeconds: 900,
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      }),
    );
    const req = fake.requests[0]!;
    assert.equal(req.signed, false, 'the SDK uses noAuth for this operation even when it has credentials');
    assert.equal(req.accessKeyId, undefined);
    assert.equal(req.headers.authorization, undefined);
    assert.deepEqual(req.params, {
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ROLE,
      RoleSessionName: 'gha',
      WebIdentityToken: token,
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      DurationSeconds: '900',
    });
    assert.equal(out.SubjectFromWebIdentityToken, 'repo:acme/app:ref:refs/heads/main');
    assert.equal(out.Audience, 'sts.amazonaws.com');
    assert.equal(out.Provider, 'token.actions.githubusercontent.com');
    assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::210987654321:assumed-role/Deployer/gha');
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);

    // A non-JWT token is fine too: the fake checks shape, not trust.
    const plain = await sts().send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'gha', WebIdentityToken: 'opaque-token' }),
    );
    assert.equal(plain.SubjectFromWebIdentityToken, 'web-identity-subject');
  });
});

describe('identity', () => {
  it('GetCallerIdentity with assumed keys answers the assumed-role ARN in the role account', async () => {
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'round-trip' }));
    const c = out.Credentials!;
    const me = await sts({
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
    }).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, 'arn:aws:sts::210987654321:assumed-role/Deployer/round-trip');
    assert.equal(me.Account, '210987654321');
    assert.equal(me.UserId, out.AssumedRoleUser?.AssumedRoleId);
    assert.equal(fake.requestsFor('GetCallerIdentity')[0]?.accessKeyId, c.AccessKeyId);
  });

  it('unknown keys are the base user, UserId = the key', async () => {
    const me = await sts().send(new GetCallerIdentityCommand({}));
    assert.deepEqual(
      { ...me, $metadata: undefined },
      {
        UserId: 'AKIDBASE',
        Account: '123456789012',
        Arn: 'arn:aws:iam::123456789012:user/base-user',
        $metadata: undefined,
      },
    );
  });

  it('issued keys need their session token and stop working once expired', async () => {
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's1' }));
    const c = out.Credentials!;
    const noToken = await sdkError(
      sts({ credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey! } }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    assert.equal(noToken.name, 'InvalidClientTokenId');
    assert.equal(noToken.$metadata.httpStatusCode, 403);

    fake.failNext({ expiration: new Date(Date.now() - 60_000) });
    const old = (await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's1' }))).Credentials!;
    assert.ok(old.Expiration!.getTime() < Date.now());
    const expired = await sdkError(
      sts({
        credentials: {
          accessKeyId: old.AccessKeyId!,
          secretAccessKey: old.SecretAccessKey!,
          sessionToken: old.SessionToken!,
        },
      }).send(new GetCallerIdentityCommand({})),
    );
    assert.equal(expired.name, 'ExpiredToken');
  });

  it('uses the account, duration default and clock it is given', async () => {
    const other = await startFakeSts({
      account: '111122223333',
      durationDefault: 1000,
      now: () => new Date('2030-01-01T00:00:00Z'),
    });
    try {
      const client = new STSClient({ endpoint: other.url, region: 'us-east-1', credentials: BASE });
      const out = await client.send(new GetSessionTokenCommand({}));
      assert.equal(out.Credentials?.Expiration?.toISOString(), '2030-01-01T00:16:40.000Z');
      assert.equal(
        (await client.send(new GetCallerIdentityCommand({}))).Arn,
        'arn:aws:iam::111122223333:user/base-user',
      );
    } finally {
      await other.close();
    }
  });
});

describe('validation like STS', () => {
  const assume = (input: Record<string, unknown>) =>
    sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', ...input } as never));
  const cases: Array<[string, () => Promise<unknown>, string, RegExp]> = [
    [
      'AssumeRole DurationSeconds below 900',
      () => assume({ DurationSeconds: 899 }),
      'ValidationError',
      /Value '899' at 'durationSeconds' .*greater than or equal to 900/,
    ],
    [
      'AssumeRole DurationSeconds above 43200',
      () => assume({ DurationSeconds: 43201 }),
      'ValidationError',
      /less than or equal to 43200/,
    ],
    [
      'GetSessionToken DurationSeconds above 129600',
      () => sts().send(new GetSessionTokenCommand({ DurationSeconds: 129601 })),
      'ValidationError',
      /less than or equal to 129600/,
    ],
    [
      'web identity DurationSeconds above 43200',
      () =>
        sts().send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: ROLE,
            RoleSessionName: 'ok',
            WebIdentityToken: 'token',
            DurationSeconds: 86400,
          }),
        ),
      'ValidationError',
      /less than or equal to 43200/,
    ],
    [
      'RoleSessionName with a space',
      () => assume({ RoleSessionName: 'bad name' }),
      'ValidationError',
      /at 'roleSessionName' .*regular expression pattern: \[\\w\+=,\.@-\]\*/,
    ],
    [
      'RoleSessionName too short',
      () => assume({ RoleSessionName: 'x' }),
      'ValidationError',
      /length greater than or equal to 2/,
    ],
    [
      'RoleSessionName too long',
      () => assume({ RoleSessionName: 'x'.repeat(65) }),
      'ValidationError',
      /length less than or equal to 64/,
    ],
    [
      'RoleArn not a role ARN',
      () => assume({ RoleArn: 'arn:aws:iam::12345678901:role/Deployer' }),
      'ValidationError',
      /^Request ARN is invalid$/,
    ],
    [
      'RoleArn missing',
      () => assume({ RoleArn: undefined }),
      'ValidationError',
      /Value null at 'roleArn' .*must not be null/,
    ],
    [
      'TokenCode of 5 digits',
      () => assume({ SerialNumber: 'arn:aws:iam::123456789012:mfa/a', TokenCode: '12345' }),
      'ValidationError',
      /at 'tokenCode'.*length greater than or equal to 6/,
    ],
    [
      'TokenCode not digits',
      () => assume({ SerialNumber: 'arn:aws:iam::123456789012:mfa/a', TokenCode: '12345a' }),
      'ValidationError',
      /at 'tokenCode'.*pattern/,
    ],
    [
      'TokenCode without SerialNumber',
      () => sts().send(new GetSessionTokenCommand({ TokenCode: '123456' })),
      'ValidationError',
      /must provide both MFA serial number/,
    ],
    [
      'ExternalId of 1 char',
      () => assume({ ExternalId: 'x' }),
      'ValidationError',
      /at 'externalId'.*greater than or equal to 2/,
    ],
    [
      'ExternalId over 1224 chars',
      () => assume({ ExternalId: 'x'.repeat(1225) }),
      'ValidationError',
      /less than or equal to 1224/,
    ],
    [
      'Policy not JSON',
      () => assume({ Policy: '{"Version":' }),
      'MalformedPolicyDocumentException',
      /not in the valid JSON format/,
    ],
    [
      'WebIdentityToken missing',
      () => sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'ok' } as never)),
      'ValidationError',
      /Value null at 'webIdentityToken'/,
    ],
  ];
  for (const [title, call, name, message] of cases) {
    it(title, async () => {
      const err = await sdkError(call());
      assert.equal(err.name, name);
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.match(err.message, message);
    });
  }

  it('reports every violation at once, counted', async () => {
    const err = await sdkError(assume({ RoleSessionName: 'a b', DurationSeconds: 1 }));
    assert.match(err.message, /^2 validation errors detected: Value 'a b' .*; Value '1' /);
    assert.equal(err.Code, 'ValidationError');
  });

  it('signed operations refuse unsigned requests, web identity does not', async () => {
    const unsigned = await rawPost(
      `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(ROLE)}&RoleSessionName=x1`,
    );
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.body, /<Code>MissingAuthenticationToken<\/Code>/);
    const gci = await rawPost('Action=GetCallerIdentity&Version=2011-06-15');
    assert.equal(gci.status, 403);
    const web = await rawPost(
      `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=${encodeURIComponent(ROLE)}&RoleSessionName=x1&WebIdentityToken=abcd`,
    );
    assert.equal(web.status, 200);
    assert.match(
      web.body,
      /^<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA/,
    );
  });

  it('unknown actions are InvalidAction', async () => {
    const res = await rawPost('Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIDBASE', {
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDBASE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00',
    });
    assert.equal(res.status, 400);
    assert.match(
      res.body,
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/,
    );
  });
});

describe('faults', () => {
  it('throttling, then success on the SDK retry', async () => {
    fake.failNext({ error: 'Throttling' });
    const out = await sts().send(new GetCallerIdentityCommand({}));
    assert.equal(out.$metadata.attempts, 2);
    assert.equal(fake.requests.length, 2);
  });

  it('errors carry their STS status and code', async () => {
    const expect: Array<[Parameters<FakeSts['failNext']>[0], string, number]> = [
      [{ error: 'AccessDenied', message: 'nope' }, 'AccessDenied', 403],
      [{ error: 'SignatureDoesNotMatch' }, 'SignatureDoesNotMatch', 403],
      [{ error: 'RegionDisabledException' }, 'RegionDisabledException', 403],
      [{ error: 'InvalidIdentityToken' }, 'InvalidIdentityTokenException', 400],
    ];
    for (const [fault, name, status] of expect) {
      fake.failNext(fault);
      const err = await sdkError(
        sts({ maxAttempts: 1 }).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's1' })),
      );
      assert.equal(err.name, name);
      assert.equal(err.$metadata.httpStatusCode, status);
    }
    assert.equal(fake.requests.at(0)?.params.RoleArn, ROLE);
  });

  it('failAlways lasts until reset; count applies failNext several times', async () => {
    fake.failNext({ error: 'InternalFailure' }, 2);
    const err = await sdkError(sts({ maxAttempts: 2 }).send(new GetCallerIdentityCommand({})));
    assert.equal(err.name, 'InternalFailure');
    assert.equal(err.$metadata.httpStatusCode, 500);
    await sts().send(new GetCallerIdentityCommand({}));

    fake.failAlways({ error: 'ServiceUnavailable' });
    for (let i = 0; i < 2; i++)
      assert.equal(
        (await sdkError(sts({ maxAttempts: 1 }).send(new GetCallerIdentityCommand({})))).$metadata.httpStatusCode,
        503,
      );
    fake.reset();
    assert.equal(fake.requests.length, 0);
    await sts().send(new GetCallerIdentityCommand({}));
  });

  it('a raw answer goes out verbatim', async () => {
    fake.failNext({ status: 200, body: 'not xml' });
    const err = await sdkError(sts().send(new GetCallerIdentityCommand({})));
    assert.match(err.message, /XML parse error/);
  });

  it('omit drops fields from Credentials, and waits for a call that issues some', async () => {
    fake.failNext({ omit: ['SessionToken', 'Expiration'] });
    await sts().send(new GetCallerIdentityCommand({}));
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's1' }));
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
    assert.equal(out.Credentials?.SessionToken, undefined);
    assert.equal(out.Credentials?.Expiration, undefined);
  });

  it('delayMs answers late', async () => {
    fake.failNext({ delayMs: 300 });
    const started = Date.now();
    await sts().send(new GetCallerIdentityCommand({}));
    assert.ok(Date.now() - started >= 290);
  });

  it('hang never answers; the SDK times out and close() still returns', async (t) => {
    let NodeHttpHandler: typeof import('@smithy/node-http-handler').NodeHttpHandler;
    try {
      ({ NodeHttpHandler } = await import('@smithy/node-http-handler'));
    } catch {
      t.skip('@smithy/node-http-handler is not resolvable');
      return;
    }
    const hanging = await startFakeSts();
    try {
      hanging.failAlways({ hang: true });
      const client = new STSClient({
        endpoint: hanging.url,
        region: 'us-east-1',
        credentials: BASE,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ requestTimeout: 500, throwOnRequestTimeout: true }),
      });
      // Without throwOnRequestTimeout this handler version only logs a warning and waits forever.
      const started = Date.now();
      const err = await sdkError(client.send(new GetCallerIdentityCommand({})));
      assert.equal(err.name, 'TimeoutError');
      assert.ok(Date.now() - started < 3000);
      // A second hung request that nobody abandons: close() must cut it.
      const pending = new Promise<string>((resolve) => {
        const req = request(
          `${hanging.url}/`,
          { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          () => resolve('answered'),
        );
        req.on('error', (e) => resolve(e.message));
        req.end('Action=AssumeRoleWithWebIdentity&Version=2011-06-15');
      });
      while (hanging.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
      const closing = Date.now();
      await hanging.close();
      assert.ok(Date.now() - closing < 1000);
      assert.equal(await pending, 'socket hang up');
    } finally {
      await hanging.close();
    }
  });

  it('hostile credential values are XML-escaped and read back exactly', async () => {
    const hostile = ` it's "q" $(touch F) \`id\` ;|& <b> &amp; ]]> \n next\r\n crlf\r cr\ttab “smart” ‘single’ 😀 \u0001 end `;
    fake.failNext({
      hostile: { accessKeyId: `ASIA'"$(touch F)`, secretAccessKey: hostile, sessionToken: `${hostile}\n` },
    });
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's1' }));
    assert.equal(out.Credentials?.AccessKeyId, `ASIA'"$(touch F)`);
    assert.equal(out.Credentials?.SecretAccessKey, hostile);
    assert.equal(out.Credentials?.SessionToken, `${hostile}\n`);
    assert.equal(fake.issued[0]?.secretAccessKey, hostile);
  });
});

describe('other clients', () => {
  it('answers GET with a query string, botocore style', async () => {
    const res = await fetch(`${fake.url}/?Action=GetCallerIdentity&Version=2011-06-15`, {
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDGET/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00',
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/xml');
    assert.match(
      await res.text(),
      /<GetCallerIdentityResult><UserId>AKIDGET<\/UserId><Account>123456789012<\/Account><Arn>arn:aws:iam::123456789012:user\/base-user<\/Arn><\/GetCallerIdentityResult>/,
    );
    assert.equal(fake.requests[0]?.method, 'GET');
  });

  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const home = mkdtempSync(join(tmpdir(), 'fake-sts-cli-'));
      const env = {
        PATH: '/usr/bin:/bin',
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_ACCESS_KEY_ID: BASE.accessKeyId,
        AWS_SECRET_ACCESS_KEY: BASE.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true',
        NO_PROXY: '127.0.0.1',
      };
      // Async on purpose: the fake lives in this process, a sync spawn would starve it.
      execFile(
        AWS_CLI_V2,
        [...args, '--endpoint-url', fake.url, '--output', 'json'],
        { env, timeout: 60_000 },
        (err, stdout, stderr) => {
          rmSync(home, { recursive: true, force: true });
          resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
        },
      );
    });

  it('AWS CLI v2 (botocore): get-caller-identity and assume-role', { timeout: 120_000 }, async (t) => {
    if (!existsSync(AWS_CLI_V2)) {
      console.log(`# skipped: ${AWS_CLI_V2} (AWS CLI v2) is not installed`);
      t.skip(`${AWS_CLI_V2} missing`);
      return;
    }
    const who = await cli(['sts', 'get-caller-identity']);
    assert.equal(who.code, 0, who.stderr);
    assert.deepEqual(JSON.parse(who.stdout), {
      UserId: 'AKIDBASE',
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/base-user',
    });

    const assumed = await cli([
      'sts',
      'assume-role',
      '--role-arn',
      ROLE,
      '--role-session-name',
      'x1',
      '--tags',
      'Key=team,Value=a b',
      '--policy-arns',
      'arn=arn:aws:iam::aws:policy/ReadOnlyAccess',
    ]);
    assert.equal(assumed.code, 0, assumed.stderr);
    const out = JSON.parse(assumed.stdout) as {
      Credentials: { AccessKeyId: string; SessionToken: string };
      AssumedRoleUser: { Arn: string };
    };
    assert.equal(out.AssumedRoleUser.Arn, 'arn:aws:sts::210987654321:assumed-role/Deployer/x1');
    assert.equal(out.Credentials.SessionToken, fake.issued[0]?.sessionToken);
    const req = fake.requestsFor('AssumeRole')[0]!;
    assert.equal(req.signed, true);
    assert.equal(req.accessKeyId, 'AKIDBASE');
    assert.equal(req.params['Tags.member.1.Value'], 'a b');
    assert.equal(req.params['PolicyArns.member.1.arn'], 'arn:aws:iam::aws:policy/ReadOnlyAccess');

    const bad = await cli(['sts', 'assume-role', '--role-arn', ROLE, '--role-session-name', 'bad name']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /\(ValidationError\) when calling the AssumeRole operation: 1 validation error detected/);
  });
});

describe('standalone runner', () => {
  it('prints its URL, serves, and exits cleanly on SIGTERM', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/fake-sts-main.ts', '--port', '0'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`runner exited with ${code}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new STSClient({ endpoint: url, region: 'us-east-1', credentials: BASE });
    assert.equal((await client.send(new GetCallerIdentityCommand({}))).UserId, 'AKIDBASE');
    client.destroy();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
