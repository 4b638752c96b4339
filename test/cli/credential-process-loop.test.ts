/**
 * A profile whose credential_process runs stsenv, selected
 * through AWS_PROFILE, must never make stsenv run itself without end. The
 * parent is the real AWS CLI v2 and the AWS SDK for JavaScript, with and
 * without the key variables. Every stsenv the credential_process starts
 * goes through a wrapper that counts it and refuses to go deeper than a
 * few, so that a loop fails this test instead of filling the machine.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, CLI, isolatedEnv } from '../support/run-cli.js';
import { shQuote } from '../support/shells.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const AWS_V2 = '/usr/bin/aws';
/** The JS SDK's default chain, as any Node program using the SDK has it. */
const NODE_PROVIDER = createRequire(import.meta.url).resolve('@aws-sdk/credential-provider-node');

let counter: string;
let exits: string;
let stderrLog: string;
const sts = useStsFixture({
  eachTest: true,
  setup: ({ home }) => {
    counter = join(home.dir, 'stsenv-runs');
    exits = join(home.dir, 'stsenv-exits');
    stderrLog = join(home.dir, 'stsenv-stderr');
    const wrapper = join(home.dir, 'stsenv-counted');
    // Counts each stsenv, records its exit code and stderr (which still reaches the parent), and stops at depth 6.
    writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        `echo run >> ${shQuote(counter)}`,
        `[ "$(wc -l < ${shQuote(counter)})" -le 6 ] || { echo 'stsenv-counted: too deep' >&2; exit 99; }`,
        'err=$(mktemp)',
        `${shQuote(process.execPath)} ${shQuote(CLI)} "$@" 2>"$err"`,
        'code=$?',
        `cat "$err" >&2; cat "$err" >> ${shQuote(stderrLog)}; rm -f "$err"`,
        `echo $code >> ${shQuote(exits)}`,
        'exit $code',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    mkdirSync(join(home.dir, '.aws'));
    writeFileSync(
      join(home.dir, '.aws', 'config'),
      `[profile loop]\nregion = us-east-1\ncredential_process = ${wrapper} assume ${ROLE} --shell json\n`,
    );
  },
});

function env(withKeys: boolean): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_PROFILE: 'loop',
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    AWS_ENDPOINT_URL: sts.fake.url,
    AWS_REGION: 'us-east-1',
    // Anything not for the loopback endpoint fails here.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    AWS_ACCESS_KEY_ID: withKeys ? BASE_ACCESS_KEY_ID : undefined,
    AWS_SECRET_ACCESS_KEY: withKeys ? BASE_SECRET_ACCESS_KEY : undefined,
  });
}

async function run(
  argv: string[],
  environment: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(argv[0]!, argv.slice(1), { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function runs(): number {
  return lines(counter).length;
}

const LOOP =
  /a credential_process loop: profile 'loop' gets its credentials from stsenv.*put --profile BASE in the credential_process line of profile 'loop'/;

/** A Node program using the SDK's default chain, printing the access key it gets. */
const SDK_PARENT = `require(${JSON.stringify(NODE_PROVIDER)}).defaultProvider()().then((c) => process.stdout.write(c.accessKeyId + '\\n'), (e) => { process.stderr.write(e.message + '\\n'); process.exit(3); });`;

describe('a credential_process that runs stsenv never loops', () => {
  test('the AWS CLI, no key variables: two stsenv at most, the loop named with its fix, exit 2 from stsenv', async (t) => {
    if (!existsSync(AWS_V2)) return t.skip('AWS CLI v2 not installed');
    const result = await run([AWS_V2, 'sts', 'get-caller-identity', '--endpoint-url', sts.fake.url], env(false));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, LOOP);
    assert.equal(runs(), 2, 'the credential_process ran stsenv, whose SDK ran it once more, which stopped');
    assert.deepEqual(lines(exits), ['2', '2'], 'each stsenv: exit 2');
    assert.equal(sts.fake.requests.length, 0);
    assert.equal(result.stdout, '');
  });

  test('stsenv itself, as the credential_process: exit 2 and one line', async () => {
    const result = await run([process.execPath, CLI, 'assume', ROLE, '--shell', 'json'], env(false));
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, LOOP);
    assert.equal(runs(), 1, 'one credential_process, stopped at once');
  });

  test('the AWS CLI with key variables: they come first, stsenv never runs', async (t) => {
    if (!existsSync(AWS_V2)) return t.skip('AWS CLI v2 not installed');
    const result = await run([AWS_V2, 'sts', 'get-caller-identity', '--endpoint-url', sts.fake.url], env(true));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(runs(), 0);
    assert.equal(sts.fake.requests[0]?.accessKeyId, BASE_ACCESS_KEY_ID);
  });

  test('the JS SDK, no key variables: each of its tries stops at the second stsenv, which names the loop', async () => {
    const result = await run([process.execPath, '-e', SDK_PARENT], env(false));
    assert.equal(result.code, 3, result.stderr);
    // The SDK's default chain runs a credential_process from two of its links (fromIni, fromProcess) and reports neither's words.
    assert.ok(runs() === 2 || runs() === 4, `${runs()} stsenv processes`);
    assert.ok(
      lines(exits).every((code) => code === '2'),
      `exit codes ${lines(exits).join(', ')}`,
    );
    for (const line of lines(stderrLog)) assert.match(line, LOOP);
    assert.equal(sts.fake.requests.length, 0);
  });

  test('the JS SDK with key variables: it takes the profile, whose stsenv signs with the keys, once', async () => {
    const result = await run([process.execPath, '-e', SDK_PARENT], env(true));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(runs(), 1);
    assert.equal(sts.fake.requests.length, 1);
    assert.equal(
      sts.fake.requests[0]!.accessKeyId,
      BASE_ACCESS_KEY_ID,
      'stsenv signed with the key variables, not the profile',
    );
    assert.equal(result.stdout.trim(), sts.fake.issued[0]!.accessKeyId);
  });
});
