/**
 * The fault and bad-input cases as data, shared by
 * test/cli/faults.test.ts and test/cli/input-errors.test.ts (which check the
 * messages, exit codes and requests) and test/cli/secrets.test.ts (which runs
 * every case again with --debug and looks for secrets everywhere).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSts, type FakeSts } from './fake-sts.js';
import { netGuard, selfSignedCert, type NetGuard } from './net-guard.js';
import { closedPort, startRecordingProxy, startTlsFront, type RecordingProxy, type TlsFront } from './proxy.js';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, isolatedEnv, runCli, tempDir, type CliResult } from './run-cli.js';
import { SAML_PROVIDER, samlResponse } from './saml.js';

export const ROLE = 'arn:aws:iam::123456789012:role/deploy';
export const MFA_SERIAL = 'arn:aws:iam::123456789012:mfa/tester';
/** One-time secrets the cases send; none may ever be printed. */
export const TOKEN_CODE = '918273';
/** A SAML response granting ROLE: a secret like the OIDC token. */
export const SAML_ASSERTION = samlResponse([['arn:aws:iam::123456789012:role/deploy', SAML_PROVIDER]]);
export const OIDC_TOKEN =
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdHNlbnYtdGVzdCIsImF1ZCI6InN0cyJ9.c2VjcmV0LW9pZGMtdG9rZW4tZm9yLXRlc3Rz';
export const PROXY_PASSWORD = 'pr0xy-Pa55word-secret';

export interface World {
  fake: FakeSts;
  proxy: RecordingProxy;
  authProxy: RecordingProxy;
  /** 403s every CONNECT that is not loopback: stands in for a corporate proxy in front of AWS. */
  tls?: { front: TlsFront; certFile: string };
  /** Holds a HOME (and TMPDIR) for each run of the CLI: scanned for secrets. */
  home: string;
  /** Files the tests write (token files, policies, shared config): not scanned. */
  inputs: string;
  refusedPort: number;
  guard: NetGuard;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const home = tempDir('stsenv-faults-home-');
  const inputs = tempDir('stsenv-faults-inputs-');
  const fake = await startFakeSts();
  const proxy = await startRecordingProxy();
  const authProxy = await startRecordingProxy({ auth: { user: 'tester', password: PROXY_PASSWORD } });
  const cert = selfSignedCert(inputs.dir);
  const front = cert ? await startTlsFront(fake.port, cert.cert, cert.key) : undefined;
  mkdirSync(join(inputs.dir, 'aws'), { recursive: true });
  writeFileSync(join(inputs.dir, 'token'), `${OIDC_TOKEN}\n`);
  writeFileSync(join(inputs.dir, 'saml.b64'), `${SAML_ASSERTION}\n`);
  writeFileSync(
    join(inputs.dir, 'aws', 'credentials'),
    `[dev]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
  );
  writeFileSync(join(inputs.dir, 'aws', 'config'), '[profile dev]\nregion = eu-west-1\n');
  writeFileSync(join(inputs.dir, 'aws', 'malformed-config'), '[profile dev\nregion = = eu-west-1\n[[[\n');
  writeFileSync(join(inputs.dir, 'policy.json'), '{"Version": "2012-10-17", "Statement": [}');
  return {
    fake,
    proxy,
    authProxy,
    tls: cert && front ? { front, certFile: cert.certFile } : undefined,
    home: home.dir,
    inputs: inputs.dir,
    refusedPort: await closedPort(),
    guard: netGuard(inputs.dir),
    async close() {
      await Promise.all([fake.close(), proxy.close(), authProxy.close(), front?.close()]);
      home.cleanup();
      inputs.cleanup();
    },
  };
}

export interface Case {
  name: string;
  args: (w: World) => string[];
  /** Added to (or, with undefined, removed from) the isolated environment. */
  env?: (w: World) => NodeJS.ProcessEnv;
  setup?: (w: World) => void;
  code: number;
  /** Each must match stderr. */
  message?: RegExp[];
  /** How many requests the fake STS must have seen. */
  requests?: number;
  check?: (w: World, result: CliResult, elapsedMs: number) => void;
  /** Secrets this case hands to stsenv, besides the base keys. */
  secrets?: Record<string, string>;
  needsTls?: boolean;
  timeoutMs?: number;
}

/** The usual options pointing at the fake; `--debug` is added by the secrets test. */
const at = (w: World) => ['--endpoint-url', w.fake.url, '--region', 'us-east-1'];
const assume =
  (...extra: string[]) =>
  (w: World) => ['assume', ROLE, ...at(w), ...extra];
const profileEnv = (w: World, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SHARED_CREDENTIALS_FILE: join(w.inputs, 'aws', 'credentials'),
  AWS_CONFIG_FILE: join(w.inputs, 'aws', 'config'),
  ...extra,
});

function assertIssuedInStdout(w: World, r: CliResult): void {
  const issued = w.fake.issued.at(-1);
  assert.ok(issued, 'the fake issued credentials');
  assert.ok(r.stdout.includes(issued.secretAccessKey), 'stdout carries the issued secret key');
}

export const FAULT_CASES: readonly Case[] = [
  // ---- throttling and 5xx: the SDK's standard retries, bounded
  {
    name: 'throttled twice, then answers: recovers',
    args: assume(),
    setup: (w) => w.fake.failNext({ error: 'Throttling' }, 2),
    code: 0,
    requests: 3,
    check: assertIssuedInStdout,
  },
  {
    name: 'InternalFailure (500) once, then answers: recovers',
    args: assume(),
    setup: (w) => w.fake.failNext({ error: 'InternalFailure' }, 1),
    code: 0,
    requests: 2,
    check: assertIssuedInStdout,
  },
  {
    name: 'ServiceUnavailable (503) always: 3 attempts by default, then a clear error',
    args: assume(),
    setup: (w) => w.fake.failAlways({ error: 'ServiceUnavailable' }),
    code: 1,
    requests: 3,
    message: [/AssumeRole failed after 3 attempts: ServiceUnavailable/, /try again later/],
  },
  {
    name: 'throttled always with --max-attempts 2: two attempts',
    args: assume('--max-attempts', '2'),
    setup: (w) => w.fake.failAlways({ error: 'Throttling' }),
    code: 1,
    requests: 2,
    message: [/after 2 attempts: Throttling: Rate exceeded/, /--max-attempts/],
  },
  {
    name: 'AWS_MAX_ATTEMPTS=4 and a 503 without an STS body: four attempts',
    args: assume(),
    env: () => ({ AWS_MAX_ATTEMPTS: '4' }),
    setup: (w) => w.fake.failAlways({ status: 503, body: 'upstream busy' }),
    code: 1,
    requests: 4,
    message: [/after 4 attempts: http:\/\/127\.0\.0\.1:\d+ answered HTTP 503 without an STS error/],
  },
  {
    name: '--max-attempts 1: no retry',
    args: assume('--max-attempts', '1'),
    setup: (w) => w.fake.failAlways({ error: 'InternalFailure' }),
    code: 1,
    requests: 1,
    message: [/AssumeRole failed: InternalFailure/],
  },
  {
    name: 'throttled always, --max-attempts 20 --timeout 2: retries stop at the deadline',
    args: assume('--max-attempts', '20', '--timeout', '2'),
    setup: (w) => w.fake.failAlways({ error: 'Throttling' }),
    code: 1,
    message: [/Throttling: Rate exceeded/],
    check: (w, _r, ms) => {
      assert.ok(ms < 2000 + 3000, `gave up after ${ms} ms, expected about 2 s`);
      assert.ok(w.fake.requests.length >= 2 && w.fake.requests.length < 20, `${w.fake.requests.length} attempts`);
    },
  },
  // ---- an endpoint that never answers, refuses, does not resolve, or fails TLS
  {
    name: 'endpoint accepts and never answers, --timeout 1: gives up naming the endpoint',
    args: assume('--timeout', '1'),
    setup: (w) => w.fake.failAlways({ hang: true }),
    code: 1,
    message: [/AssumeRole failed: no answer from http:\/\/127\.0\.0\.1:\d+ within 1s/, /--timeout/],
    check: (_w, _r, ms) => assert.ok(ms >= 900 && ms < 1000 + 3000, `gave up after ${ms} ms, expected about 1 s`),
  },
  {
    name: 'connection refused',
    args: (w) => ['assume', ROLE, '--endpoint-url', `http://127.0.0.1:${w.refusedPort}`, '--region', 'us-east-1'],
    code: 1,
    requests: 0,
    message: [/cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused/, /check the network/],
  },
  {
    name: 'DNS failure (a name under .invalid)',
    args: () => ['assume', ROLE, '--endpoint-url', 'https://sts.stsenv-test.invalid', '--region', 'us-east-1'],
    code: 1,
    requests: 0,
    message: [/cannot reach https:\/\/sts\.stsenv-test\.invalid: host not found \(DNS\) 'sts\.stsenv-test\.invalid'/],
    check: (w) =>
      assert.ok(
        w.guard.log().includes('lookup sts.stsenv-test.invalid'),
        'the lookup went through the test guard, not to a DNS server',
      ),
  },
  {
    name: 'TLS failure: self-signed certificate',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.tls!.front.url, '--region', 'us-east-1'],
    needsTls: true,
    code: 1,
    requests: 0,
    message: [/TLS error talking to https:\/\/127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT\)/, /AWS_CA_BUNDLE/],
  },
  {
    name: 'TLS with that certificate trusted through AWS_CA_BUNDLE: works',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.tls!.front.url, '--region', 'us-east-1'],
    env: (w) => ({ AWS_CA_BUNDLE: w.tls!.certFile }),
    needsTls: true,
    code: 0,
    requests: 1,
    check: assertIssuedInStdout,
  },
  {
    name: 'TLS failure: https:// to a plain-http server',
    args: (w) => [
      'assume',
      ROLE,
      '--endpoint-url',
      w.fake.url.replace('http:', 'https:'),
      '--region',
      'us-east-1',
      '--max-attempts',
      '1',
    ],
    code: 1,
    message: [/TLS error talking to https:\/\/127\.0\.0\.1:\d+ \(/],
  },
  // ---- answers that are not credentials
  {
    name: '200 answer that is not XML',
    args: assume(),
    setup: (w) => w.fake.failAlways({ status: 200, body: 'hello, I am not STS' }),
    code: 1,
    requests: 1,
    message: [/the answer from http:\/\/127\.0\.0\.1:\d+ \(HTTP 200\) is not a valid STS response/],
  },
  {
    name: '200 answer with broken XML around a secret',
    args: assume(),
    setup: (w) =>
      w.fake.failAlways({
        status: 200,
        body: '<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>LEAKED-BODY-SECRET-123</SecretAccessKey><Sess',
      }),
    code: 1,
    requests: 1,
    message: [/is not a valid STS response/],
    secrets: { 'secret in a broken body': 'LEAKED-BODY-SECRET-123' },
  },
  {
    name: '200 STS XML without credentials',
    args: assume(),
    setup: (w) =>
      w.fake.failAlways({
        status: 200,
        body: '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>',
      }),
    code: 1,
    message: [/AssumeRole answer is missing AccessKeyId, SecretAccessKey, SessionToken, Expiration/],
  },
  {
    name: 'credentials without a session token',
    args: assume(),
    setup: (w) => w.fake.failNext({ omit: ['SessionToken'] }),
    code: 1,
    message: [/AssumeRole answer is missing SessionToken/],
  },
  {
    name: 'credentials without a secret key (GetSessionToken)',
    args: (w) => ['session', ...at(w)],
    setup: (w) => w.fake.failNext({ omit: ['SecretAccessKey'] }),
    code: 1,
    message: [/GetSessionToken answer is missing SecretAccessKey/],
  },
  {
    name: 'credentials without an expiration',
    args: assume(),
    setup: (w) => w.fake.failNext({ omit: ['Expiration'] }),
    code: 1,
    message: [/answer is missing Expiration/],
  },
  {
    name: 'credentials that expired already',
    args: assume(),
    setup: (w) => w.fake.failNext({ expiration: new Date(Date.now() - 60_000) }),
    code: 1,
    message: [/AssumeRole answer has already expired/],
  },
  // ---- AWS errors name the identity used and what to do
  {
    name: 'ExpiredToken with keys from the environment',
    args: assume(),
    setup: (w) => w.fake.failAlways({ error: 'ExpiredToken' }),
    code: 1,
    requests: 1,
    message: [
      /AssumeRole failed: ExpiredToken:/,
      new RegExp(`access key ${BASE_ACCESS_KEY_ID} \\(from AWS_ACCESS_KEY_ID\\)`),
      /refresh them/,
    ],
  },
  {
    name: 'InvalidClientTokenId with --profile',
    args: (w) => ['assume', ROLE, ...at(w), '--profile', 'dev'],
    env: (w) => profileEnv(w),
    setup: (w) => w.fake.failAlways({ error: 'InvalidClientTokenId' }),
    code: 1,
    message: [/InvalidClientTokenId/, /profile 'dev'/, /access key .* is not valid/],
  },
  {
    name: 'SignatureDoesNotMatch with AWS_PROFILE',
    args: (w) => ['session', ...at(w)],
    env: (w) => profileEnv(w, { AWS_PROFILE: 'dev' }),
    setup: (w) => w.fake.failAlways({ error: 'SignatureDoesNotMatch' }),
    code: 1,
    message: [/GetSessionToken failed: SignatureDoesNotMatch/, /profile 'dev'/, /secret key/],
  },
  {
    name: 'AccessDenied on AssumeRole',
    args: assume(),
    setup: (w) => w.fake.failAlways({ error: 'AccessDenied' }),
    code: 1,
    message: [
      /AssumeRole failed: AccessDenied: User: .* is not authorized/,
      new RegExp(`check that access key ${BASE_ACCESS_KEY_ID}`),
      /trust policy/,
    ],
  },
  {
    name: 'AccessDenied on whoami',
    args: (w) => ['whoami', ...at(w)],
    setup: (w) => w.fake.failAlways({ error: 'AccessDenied' }),
    code: 1,
    message: [/GetCallerIdentity failed: AccessDenied/],
  },
  {
    name: 'GetSessionToken with MFA: ExpiredToken',
    args: (w) => ['session', ...at(w), '--mfa-serial', MFA_SERIAL, '--token-code', TOKEN_CODE],
    setup: (w) => w.fake.failAlways({ error: 'ExpiredToken' }),
    code: 1,
    message: [/GetSessionToken failed: ExpiredToken/],
    secrets: { 'MFA code': TOKEN_CODE },
  },
  {
    name: 'web identity token rejected',
    args: (w) => ['web-identity', ROLE, ...at(w), '--token-file', join(w.inputs, 'token')],
    setup: (w) => w.fake.failAlways({ error: 'InvalidIdentityToken' }),
    code: 1,
    message: [/AssumeRoleWithWebIdentity failed: InvalidIdentityToken/, /web identity token was rejected/],
    secrets: { 'OIDC token': OIDC_TOKEN },
  },
  {
    name: 'STS echoes a rejected web identity token in its ValidationError: scrubbed',
    // 20001 characters: STS (and the fake) refuse it and quote it back.
    args: (w) => ['web-identity', ROLE, ...at(w), '--token', `${OIDC_TOKEN}${'x'.repeat(20_001 - OIDC_TOKEN.length)}`],
    code: 1,
    requests: 1,
    message: [/AssumeRoleWithWebIdentity failed: ValidationError/, /\[redacted\]/],
    secrets: { 'OIDC token': OIDC_TOKEN },
  },
  // ---- proxies, as the AWS CLI reads them
  {
    name: 'HTTP_PROXY: plain http goes to the proxy as an absolute-URI request',
    args: assume(),
    env: (w) => ({ HTTP_PROXY: w.proxy.url }),
    code: 0,
    requests: 1,
    check: (w, r) => {
      assertIssuedInStdout(w, r);
      assert.deepEqual(
        w.proxy.requests.map((p) => `${p.method} ${p.target}`),
        [`POST ${w.fake.url}/`],
      );
    },
  },
  {
    name: 'HTTPS_PROXY: https goes through a CONNECT tunnel',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.tls!.front.url, '--region', 'us-east-1'],
    env: (w) => ({ HTTPS_PROXY: w.proxy.url, AWS_CA_BUNDLE: w.tls!.certFile }),
    needsTls: true,
    code: 0,
    requests: 1,
    check: (w, r) => {
      assertIssuedInStdout(w, r);
      assert.deepEqual(
        w.proxy.requests.map((p) => `${p.method} ${p.target}`),
        [`CONNECT 127.0.0.1:${w.tls!.front.port}`],
      );
    },
  },
  {
    name: 'https_proxy (lower case) wins over HTTPS_PROXY, as in the AWS CLI',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.tls!.front.url, '--region', 'us-east-1'],
    env: (w) => ({
      https_proxy: w.proxy.url,
      HTTPS_PROXY: `http://127.0.0.1:${w.refusedPort}`,
      AWS_CA_BUNDLE: w.tls!.certFile,
    }),
    needsTls: true,
    code: 0,
    check: (w) => assert.equal(w.proxy.requests.length, 1),
  },
  {
    name: 'NO_PROXY naming the host: direct',
    args: assume(),
    env: (w) => ({ HTTP_PROXY: w.proxy.url, NO_PROXY: 'example.com, 127.0.0.1' }),
    code: 0,
    requests: 1,
    check: (w) => assert.equal(w.proxy.requests.length, 0, 'the proxy saw nothing'),
  },
  {
    name: 'NO_PROXY=*: direct',
    args: assume(),
    env: (w) => ({ HTTP_PROXY: w.proxy.url, no_proxy: '*' }),
    code: 0,
    requests: 1,
    check: (w) => assert.equal(w.proxy.requests.length, 0, 'the proxy saw nothing'),
  },
  {
    name: 'default regional endpoint through HTTPS_PROXY: CONNECT names the STS host (the proxy refuses it)',
    args: () => ['assume', ROLE, '--region', 'eu-west-1', '--max-attempts', '1'],
    env: (w) => ({ HTTPS_PROXY: w.proxy.url }),
    code: 1,
    requests: 0,
    message: [/proxy http:\/\/127\.0\.0\.1:\d+ refused to connect to STS in eu-west-1 \(HTTP 403\)/, /NO_PROXY/],
    check: (w) => {
      assert.deepEqual(
        w.proxy.requests.map((p) => `${p.method} ${p.target}`),
        ['CONNECT sts.eu-west-1.amazonaws.com:443'],
      );
      assert.ok(!w.guard.log().some((line) => line.includes('amazonaws')), 'no DNS lookup of the STS host');
    },
  },
  {
    name: 'proxy with user and password: Proxy-Authorization sent, password never shown',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.tls!.front.url, '--region', 'us-east-1'],
    env: (w) => ({
      HTTPS_PROXY: w.authProxy.url.replace('http://', `http://tester:${PROXY_PASSWORD}@`),
      AWS_CA_BUNDLE: w.tls!.certFile,
    }),
    needsTls: true,
    code: 0,
    secrets: { 'proxy password': PROXY_PASSWORD },
    check: (w) =>
      assert.deepEqual(
        w.authProxy.requests.map((p) => p.outcome),
        ['forwarded'],
      ),
  },
  {
    name: 'http proxy refuses the password (407)',
    args: assume('--max-attempts', '1'),
    env: (w) => ({ HTTP_PROXY: w.authProxy.url.replace('http://', 'http://tester:wrong-password@') }),
    code: 1,
    requests: 0,
    message: [/proxy http:\/\/127\.0\.0\.1:\d+ asks for authentication \(HTTP 407\)/, /USER:PASSWORD@HOST:PORT/],
    secrets: { 'proxy password': 'wrong-password' },
  },
  {
    name: 'https proxy without a password (407 to CONNECT)',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.tls!.front.url, '--region', 'us-east-1', '--max-attempts', '1'],
    env: (w) => ({ HTTPS_PROXY: w.authProxy.url, AWS_CA_BUNDLE: w.tls!.certFile }),
    needsTls: true,
    code: 1,
    requests: 0,
    message: [/proxy http:\/\/127\.0\.0\.1:\d+ asks for authentication \(HTTP 407\)/],
  },
  {
    name: 'proxy not running: connection refused, naming the proxy',
    args: assume('--max-attempts', '1'),
    env: (w) => ({ HTTP_PROXY: `http://127.0.0.1:${w.refusedPort}` }),
    code: 1,
    requests: 0,
    message: [/through proxy http:\/\/127\.0\.0\.1:\d+: connection refused/, /HTTPS_PROXY, HTTP_PROXY, NO_PROXY/],
  },
  // ---- values a format cannot carry (test/shells/formats.test.ts covers every format; here the error path)
  {
    name: 'issued secret key with " and % for cmd: refused, value not shown',
    args: assume('--shell', 'cmd'),
    setup: (w) => w.fake.failNext({ hostile: { secretAccessKey: 'hostile"value%PATH%' } }),
    code: 2,
    message: [/cannot write AWS_SECRET_ACCESS_KEY for cmd/],
    secrets: { 'hostile value': 'hostile"value%PATH%' },
  },
  {
    name: 'issued session token with a line break for PowerShell: refused, value not shown',
    args: assume('--shell', 'powershell'),
    setup: (w) => w.fake.failNext({ hostile: { sessionToken: 'line-one\nline-two-hostile' } }),
    code: 2,
    message: [/cannot write AWS_SESSION_TOKEN for powershell/],
    secrets: { 'hostile value': 'line-two-hostile' },
  },
];

/** Bad input: exit 2 before any request, a message naming the option and the accepted form. */
export interface BadInput {
  name: string;
  args: (w: World) => string[];
  env?: (w: World) => NodeJS.ProcessEnv;
  /** Each must match stderr: the option's name and the accepted form. */
  message: RegExp[];
  secrets?: Record<string, string>;
  /** 1 for a file that cannot be read (README's exit-code table); else 2. */
  exitCode?: 1;
}

const badAssume =
  (...extra: string[]) =>
  (w: World) => ['assume', ROLE, ...at(w), ...extra];

export const BAD_INPUT_CASES: readonly BadInput[] = [
  {
    name: 'duration with a unit typo',
    args: badAssume('--duration', '1x'),
    message: [/invalid --duration '1x'/, /15m, 1h, 12h/],
  },
  {
    name: 'duration below 15 minutes',
    args: badAssume('--duration', '5m'),
    message: [/--duration 5m is out of range for AssumeRole/, /between 15m and 12h/],
  },
  {
    name: 'duration above 12 hours',
    args: badAssume('--duration', '13h'),
    message: [/--duration 13h is out of range/, /between 15m and 12h/],
  },
  {
    name: 'session duration above 36 hours',
    args: (w) => ['session', ...at(w), '--duration', '37h'],
    message: [/--duration 37h is out of range for GetSessionToken/, /36h/],
  },
  { name: 'empty duration', args: badAssume('--duration', ''), message: [/--duration/, /15m, 1h, 12h/] },
  {
    name: 'role ARN that is a user ARN',
    args: (w) => ['assume', 'arn:aws:iam::123456789012:user/me', ...at(w)],
    message: [/invalid role ARN/, /arn:aws:iam::123456789012:role\/NAME/],
  },
  {
    name: 'role ARN with a short account',
    args: (w) => ['assume', 'arn:aws:iam::1234:role/x', ...at(w)],
    message: [/invalid role ARN/, /role\/NAME/],
  },
  {
    name: 'role name instead of an ARN',
    args: (w) => ['assume', 'deploy', ...at(w)],
    message: [/invalid role ARN 'deploy'/],
  },
  {
    name: 'session name with a space',
    args: badAssume('--session-name', 'my session'),
    message: [/invalid --session-name/, /2 to 64 characters/],
  },
  {
    name: 'session name too long',
    args: badAssume('--session-name', 'a'.repeat(65)),
    message: [/invalid --session-name/, /2 to 64/],
  },
  {
    name: 'web-identity session name from AWS_ROLE_SESSION_NAME',
    args: (w) => ['web-identity', ROLE, ...at(w), '--token-file', join(w.inputs, 'token')],
    env: () => ({ AWS_ROLE_SESSION_NAME: 'bad name!' }),
    message: [/session-name|AWS_ROLE_SESSION_NAME/, /2 to 64/],
    secrets: { 'OIDC token': OIDC_TOKEN },
  },
  {
    name: 'source identity with a slash',
    args: badAssume('--source-identity', 'a/b'),
    message: [/invalid --source-identity/, /2 to 64/],
  },
  {
    name: 'external id too short',
    args: badAssume('--external-id', 'x'),
    message: [/invalid --external-id/, /2 to 1224 characters/],
  },
  { name: 'tag without =', args: badAssume('--tag', 'team'), message: [/invalid --tag 'team'/, /Key=Value/] },
  { name: 'tag with an empty key', args: badAssume('--tag', '=ops'), message: [/invalid --tag/, /Key=Value/] },
  {
    name: 'tag with a forbidden character',
    args: badAssume('--tag', 'team=o|ps'),
    message: [/invalid --tag/, /keys have 1-128/],
  },
  {
    name: 'duplicate tag keys (case-insensitive)',
    args: badAssume('--tag', 'Team=a', '--tag', 'team=b'),
    message: [/duplicate --tag key/],
  },
  {
    name: 'transitive tag key too long',
    args: badAssume('--transitive-tag', 'k'.repeat(129)),
    message: [/invalid --transitive-tag/, /1-128 characters/],
  },
  {
    name: 'policy that is not JSON',
    args: badAssume('--policy', '{"Version":'),
    message: [/--policy text is not valid JSON/],
  },
  {
    name: 'policy file that is not JSON',
    args: (w) => ['assume', ROLE, ...at(w), '--policy', `@${join(w.inputs, 'policy.json')}`],
    message: [/--policy file .* is not valid JSON/],
  },
  {
    name: 'policy file that does not exist',
    args: (w) => ['assume', ROLE, ...at(w), '--policy', `@${join(w.inputs, 'missing.json')}`],
    message: [/cannot read --policy file .*ENOENT/, /--policy @FILE/],
    exitCode: 1,
  },
  {
    name: 'policy too long',
    args: badAssume('--policy', JSON.stringify({ Version: '2012-10-17', Statement: [], Pad: 'x'.repeat(2100) })),
    message: [/--policy text is \d+ characters/, /at most 2048/],
  },
  {
    name: 'policy ARN of a role',
    args: badAssume('--policy-arn', ROLE),
    message: [/invalid --policy-arn/, /arn:aws:iam::aws:policy\/NAME/],
  },
  {
    name: 'token code of 5 digits',
    args: (w) => ['session', ...at(w), '--mfa-serial', MFA_SERIAL, '--token-code', '91827'],
    message: [/invalid --token-code/, /6 digits/],
  },
  {
    name: 'token code with letters, not echoed',
    args: (w) => ['session', ...at(w), '--mfa-serial', MFA_SERIAL, '--token-code', 'abc918273'],
    message: [/invalid --token-code/, /6 digits/],
    secrets: { 'bad MFA code': 'abc918273' },
  },
  {
    name: 'token code without --mfa-serial',
    args: (w) => ['session', ...at(w), '--token-code', TOKEN_CODE],
    message: [/--token-code needs --mfa-serial/, /arn:aws:iam::123456789012:mfa\/NAME/],
    secrets: { 'MFA code': TOKEN_CODE },
  },
  {
    name: '--mfa-serial without a code',
    args: (w) => ['session', ...at(w), '--mfa-serial', MFA_SERIAL],
    message: [/--token-code/, /6 digits/],
  },
  {
    name: 'MFA serial that is a role ARN',
    args: (w) => ['session', ...at(w), '--mfa-serial', ROLE, '--token-code', TOKEN_CODE],
    message: [/invalid --mfa-serial/, /mfa\/NAME/],
    secrets: { 'MFA code': TOKEN_CODE },
  },
  {
    name: 'region with a typo',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.fake.url, '--region', 'us-east'],
    message: [/invalid --region 'us-east'/, /us-east-1/],
  },
  {
    name: 'AWS_REGION with a typo',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.fake.url],
    env: () => ({ AWS_REGION: 'Frankfurt' }),
    message: [/invalid AWS_REGION 'Frankfurt'/, /us-east-1/],
  },
  {
    name: 'region from a profile with a typo',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.fake.url, '--profile', 'typo'],
    env: (w) => {
      writeFileSync(join(w.inputs, 'aws', 'typo-config'), '[profile typo]\nregion = eu_west_1\n');
      return profileEnv(w, { AWS_CONFIG_FILE: join(w.inputs, 'aws', 'typo-config') });
    },
    message: [/invalid region of profile 'typo'/, /us-east-1/],
  },
  {
    name: 'profile that does not exist',
    args: (w) => ['assume', ROLE, ...at(w), '--profile', 'nosuch'],
    env: (w) => profileEnv(w),
    message: [/--profile names profile 'nosuch'/, /AWS_CONFIG_FILE/],
  },
  {
    name: 'malformed config file',
    args: (w) => ['assume', ROLE, ...at(w), '--profile', 'dev'],
    env: (w) => profileEnv(w, { AWS_CONFIG_FILE: join(w.inputs, 'aws', 'malformed-config') }),
    message: [/AWS config file .*malformed-config' is malformed at line 1/, /closing \]/],
  },
  {
    name: 'config file with a line that is no setting, read for the region',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.fake.url],
    env: (w) => {
      writeFileSync(join(w.inputs, 'aws', 'stray-config'), '[default]\nregion eu-west-1\n');
      return profileEnv(w, { AWS_CONFIG_FILE: join(w.inputs, 'aws', 'stray-config') });
    },
    message: [/is malformed at line 2/, /key = value/],
  },
  {
    name: 'credentials file with a key before any section',
    args: (w) => ['assume', ROLE, ...at(w), '--profile', 'dev'],
    env: (w) => {
      writeFileSync(join(w.inputs, 'aws', 'headless-credentials'), 'aws_access_key_id = AKIDEXAMPLE\n[dev]\n');
      return profileEnv(w, { AWS_SHARED_CREDENTIALS_FILE: join(w.inputs, 'aws', 'headless-credentials') });
    },
    message: [/AWS credentials file .* is malformed at line 1/, /before any \[section\]/],
  },
  {
    name: 'config file that is a directory',
    args: (w) => ['assume', ROLE, ...at(w), '--profile', 'dev'],
    env: (w) => profileEnv(w, { AWS_CONFIG_FILE: join(w.inputs, 'aws') }),
    message: [/cannot read AWS config file .*not a regular file/, /AWS_CONFIG_FILE/],
  },
  {
    name: 'endpoint URL without a scheme',
    args: () => ['assume', ROLE, '--endpoint-url', 'sts.amazonaws.com', '--region', 'us-east-1'],
    message: [/--endpoint-url/, /http:\/\/ or https:\/\//],
  },
  {
    name: 'endpoint URL with ftp://',
    args: () => ['assume', ROLE, '--endpoint-url', 'ftp://127.0.0.1/', '--region', 'us-east-1'],
    message: [/invalid --endpoint-url/, /http:\/\/ and https:\/\//],
  },
  {
    name: 'AWS_ENDPOINT_URL_STS that is not a URL',
    args: () => ['assume', ROLE, '--region', 'us-east-1'],
    env: () => ({ AWS_ENDPOINT_URL_STS: 'not a url' }),
    message: [/invalid AWS_ENDPOINT_URL_STS/, /https:\/\//],
  },
  { name: 'unknown --shell', args: badAssume('--shell', 'rc'), message: [/rc/, /bash|choose one of/] },
  {
    name: 'unknown STSENV_SHELL',
    args: (w) => ['assume', ROLE, ...at(w)],
    env: () => ({ STSENV_SHELL: 'rc' }),
    message: [/STSENV_SHELL names an unknown format 'rc'/, /choose one of/],
  },
  {
    name: '--max-attempts 0',
    args: badAssume('--max-attempts', '0'),
    message: [/invalid --max-attempts '0'/, /1 to 20/],
  },
  {
    name: '--max-attempts that is not a number',
    args: badAssume('--max-attempts', 'many'),
    message: [/--max-attempts takes a number, not 'many'/, /1 to 20/],
  },
  {
    name: 'AWS_MAX_ATTEMPTS that is not a number',
    args: badAssume(),
    env: () => ({ AWS_MAX_ATTEMPTS: 'lots' }),
    message: [/invalid AWS_MAX_ATTEMPTS 'lots'/, /1 to 20/],
  },
  {
    name: '--timeout 0',
    args: badAssume('--timeout', '0'),
    message: [/invalid --timeout/, /more than 0 and at most 3600/],
  },
  {
    name: '--timeout that is not a number',
    args: badAssume('--timeout', 'soon'),
    message: [/--timeout takes a number, not 'soon'/, /seconds/],
  },
  {
    name: 'HTTPS_PROXY with an unsupported scheme',
    args: badAssume(),
    env: () => ({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' }),
    message: [/HTTPS_PROXY uses socks5/, /http:\/\/ or https:\/\/ proxy/],
  },
  {
    name: 'HTTP_PROXY that is not a URL',
    args: badAssume(),
    env: () => ({ http_proxy: 'http://[::1' }),
    message: [/http_proxy is not a URL/, /http:\/\/HOST:PORT/],
  },
  {
    name: 'AWS_CA_BUNDLE that does not exist',
    args: badAssume(),
    env: (w) => ({ AWS_CA_BUNDLE: join(w.inputs, 'missing.pem') }),
    message: [/cannot read AWS_CA_BUNDLE .*ENOENT/, /PEM file/],
  },
  {
    name: 'web-identity token file that does not exist',
    args: (w) => ['web-identity', ROLE, ...at(w), '--token-file', join(w.inputs, 'missing-token')],
    message: [/cannot read --token-file .*ENOENT/],
    exitCode: 1,
  },
  {
    name: 'web-identity without a token',
    args: (w) => ['web-identity', ROLE, ...at(w)],
    env: () => ({ AWS_WEB_IDENTITY_TOKEN_FILE: undefined }),
    message: [/web-identity needs a token/, /--token-file FILE/],
  },
  {
    name: 'web-identity with both --token and --token-file',
    args: (w) => ['web-identity', ROLE, ...at(w), '--token', OIDC_TOKEN, '--token-file', join(w.inputs, 'token')],
    message: [/give --token or --token-file, not both/],
    secrets: { 'OIDC token': OIDC_TOKEN },
  },
  {
    name: '--shell given twice',
    args: badAssume('-s', 'bash', '--shell', 'fish'),
    message: [/--shell was given more than once/, /give it once/],
  },
  {
    name: '--region given twice',
    args: (w) => ['assume', ROLE, '--endpoint-url', w.fake.url, '--region', 'us-east-1', '--region', 'eu-west-1'],
    message: [/--region was given more than once/],
  },
  { name: 'unknown option', args: badAssume('--role-session', 'x'), message: [/Unknown argument|unknown/i, /--help/] },
  { name: 'unknown command', args: () => ['asume', ROLE], message: [/asume|Unknown/i] },
];

/**
 * Runs one case against the world; `debug` adds --debug. Resets the fake and
 * proxies first, and gives the CLI a HOME (and TMPDIR, cache) of its own, so
 * that no case sees what an earlier one cached.
 */
export async function runCase(
  w: World,
  c: {
    args: (w: World) => string[];
    env?: (w: World) => NodeJS.ProcessEnv;
    setup?: (w: World) => void;
    timeoutMs?: number;
  },
  debug = false,
): Promise<{ result: CliResult; elapsedMs: number; home: string }> {
  w.fake.reset();
  w.proxy.requests.length = 0;
  w.authProxy.requests.length = 0;
  c.setup?.(w);
  const home = mkdtempSync(join(w.home, 'case-'));
  const env = isolatedEnv(home, { ...w.guard.env, ...c.env?.(w) });
  const started = Date.now();
  // --debug first: anything after exec's `--` belongs to the command run.
  const result = await runCli([...(debug ? ['--debug'] : []), ...c.args(w)], { env, timeoutMs: c.timeoutMs ?? 45_000 });
  return { result, elapsedMs: Date.now() - started, home };
}

/** Every secret a case could leak: base keys, everything the fake issued in it, and the case's own. */
export function caseSecrets(w: World, extra: Record<string, string> = {}): Record<string, string> {
  const secrets: Record<string, string> = { 'base secret key': BASE_SECRET_ACCESS_KEY, ...extra };
  w.fake.issued.forEach((issued, i) => {
    secrets[`issued secret key ${i}`] = issued.secretAccessKey;
    secrets[`issued session token ${i}`] = issued.sessionToken;
  });
  return secrets;
}
