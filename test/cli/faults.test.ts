/**
 * Network and service faults: each ends in a clear one-line message,
 * the right exit code and an empty stdout (or, for the recoveries, in valid
 * credentials). Everything runs against loopback servers; the CLI runs with a
 * guard that answers DNS itself and refuses non-loopback connections.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bypassesProxy, readProxySettings } from '../../src/aws/proxy.js';
import { DEFAULT_TIMEOUT_MS } from '../../src/aws/client-options.js';
import { FAULT_CASES, ROLE, runCase, startWorld, type World } from '../support/fault-cases.js';
import { isolatedEnv, runCli } from '../support/run-cli.js';

let world: World;
let ran = 0;

before(async () => {
  world = await startWorld();
});
after(async () => {
  console.log(`faults: ${ran} cases`);
  assert.deepEqual(
    world.guard.log().filter((line) => line.startsWith('BLOCKED')),
    [],
    'no connection to a non-loopback address was attempted',
  );
  await world.close();
});

describe('network and service faults', () => {
  for (const c of FAULT_CASES) {
    test(c.name, async (t) => {
      if (c.needsTls && !world.tls) {
        console.log(`# skipped: openssl not installed, no certificate for "${c.name}"`);
        t.skip('openssl not installed');
        return;
      }
      const { result, elapsedMs } = await runCase(world, c);
      ran++;
      const context = `stderr: ${result.stderr}`;
      assert.equal(result.code, c.code, context);
      if (c.code !== 0) {
        assert.equal(result.stdout, '', 'stdout stays empty on failure');
        const lines = result.stderr.split('\n').filter(Boolean);
        assert.equal(lines.length, 1, `one line for people: ${context}`);
        assert.match(lines[0]!, /^stsenv: error: /);
      }
      for (const pattern of c.message ?? []) assert.match(result.stderr, pattern);
      if (c.requests !== undefined)
        assert.equal(world.fake.requests.length, c.requests, `requests seen by the fake STS; ${context}`);
      c.check?.(world, result, elapsedMs);
    });
  }
});

describe('the default deadline', () => {
  test(`is at most 30 s (${DEFAULT_TIMEOUT_MS} ms)`, () => assert.ok(DEFAULT_TIMEOUT_MS <= 30_000));

  test('an endpoint that never answers is given up on within the default deadline, retries included', async () => {
    world.fake.reset();
    world.fake.failAlways({ hang: true });
    const env = isolatedEnv(world.home, world.guard.env);
    const started = Date.now();
    const result = await runCli(['assume', ROLE, '--endpoint-url', world.fake.url, '--region', 'us-east-1'], {
      env,
      timeoutMs: 60_000,
    });
    const elapsed = Date.now() - started;
    ran++;
    world.fake.reset();
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /no answer from http:\/\/127\.0\.0\.1:\d+ within 30s/);
    assert.ok(elapsed >= 29_000 && elapsed < 34_000, `gave up after ${elapsed} ms`);
  });
});

describe('proxy variables, read like the AWS CLI', () => {
  const cases: Array<[string, string, number | undefined, boolean]> = [
    ['*', 'sts.amazonaws.com', 443, true],
    ['amazonaws.com', 'sts.amazonaws.com', 443, true],
    ['.amazonaws.com', 'sts.us-east-1.amazonaws.com', 443, true],
    ['amazonaws.com', 'amazonaws.com', 443, true],
    ['zonaws.com', 'sts.amazonaws.com', 443, false],
    ['example.com, 127.0.0.1', '127.0.0.1', 8080, true],
    ['127.0.0.1:9000', '127.0.0.1', 9000, true],
    ['127.0.0.1:9000', '127.0.0.1', 9001, false],
    ['STS.AmazonAWS.com', 'sts.amazonaws.com', undefined, true],
    ['', 'sts.amazonaws.com', 443, false],
  ];
  for (const [noProxy, host, port, bypass] of cases) {
    test(`NO_PROXY='${noProxy}' ${bypass ? 'bypasses' : 'keeps'} ${host}:${port}`, () => {
      const settings = readProxySettings({ NO_PROXY: noProxy, HTTPS_PROXY: 'http://127.0.0.1:3128' });
      assert.equal(bypassesProxy(settings.noProxy, host, port), bypass);
    });
  }

  test('lower case wins; a bare host:port means http://', () => {
    const settings = readProxySettings({
      https_proxy: 'proxy.internal:3128',
      HTTPS_PROXY: 'http://other:1',
      no_proxy: 'a',
      NO_PROXY: 'b',
    });
    assert.equal(settings.https?.url.href, 'http://proxy.internal:3128/');
    assert.equal(settings.https?.source, 'https_proxy');
    assert.deepEqual(settings.noProxy, ['a']);
    assert.equal(settings.http, undefined);
  });
});
