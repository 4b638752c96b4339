/**
 * The credentials endpoint of `exec --server`, in-process: the
 * container-credentials answer, the token, renewal when too little is left
 * (one at a time, whatever the number of requests), a failed renewal, and
 * close().
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { describe, test } from 'node:test';
import {
  startCredentialsEndpoint,
  type CredentialsEndpoint,
  type EndpointOptions,
  type ServedCredentials,
} from '../../src/server/credentials-endpoint.js';

const NOW = new Date('2030-01-02T03:04:05Z');
const MINUTE = 60_000;

function credentials(n: number, minutesLeft: number): ServedCredentials {
  return {
    accessKeyId: `ASIAEXAMPLE${n}`,
    secretAccessKey: `secret/${n}+key`,
    sessionToken: `token+${n}/==`,
    expiration: new Date(NOW.getTime() + minutesLeft * MINUTE),
  };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function get(
  endpoint: CredentialsEndpoint,
  authorization: string | undefined,
  options: { agent?: Agent; method?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
    const req = request(
      endpoint.url,
      { method: options.method ?? 'GET', headers, agent: options.agent ?? false },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          assert.equal(res.headers['content-type'], 'application/json');
          resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function withEndpoint(
  options: Partial<EndpointOptions>,
  run: (endpoint: CredentialsEndpoint, calls: { renewals: number; errors: unknown[] }) => Promise<void>,
): Promise<void> {
  const calls = { renewals: 0, errors: [] as unknown[] };
  const endpoint = await startCredentialsEndpoint({
    getCredentials: async () => credentials(++calls.renewals, 60),
    minRemainingMs: 5 * MINUTE,
    now: () => NOW,
    onRenewalError: (error) => calls.errors.push(error),
    ...options,
  });
  try {
    await run(endpoint, calls);
  } finally {
    await endpoint.close();
  }
}

describe('the credentials endpoint', () => {
  test('answers on 127.0.0.1 with the container-credentials JSON', async () => {
    await withEndpoint({ initial: credentials(0, 30) }, async (endpoint, calls) => {
      assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const answer = await get(endpoint, endpoint.token);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, {
        AccessKeyId: 'ASIAEXAMPLE0',
        SecretAccessKey: 'secret/0+key',
        Token: 'token+0/==',
        Expiration: '2030-01-02T03:34:05Z',
      });
      assert.equal(calls.renewals, 0, 'credentials with more than --min-remaining left are served as they are');
    });
  });

  test('a random token per endpoint, long enough not to be guessed', async () => {
    await withEndpoint({}, async (a) => {
      await withEndpoint({}, async (b) => {
        assert.match(a.token, /^[A-Za-z0-9_-]{43}$/);
        assert.notEqual(a.token, b.token);
      });
    });
  });

  test('without the token 401, with a wrong one 403, and nothing is renewed', async () => {
    await withEndpoint({}, async (endpoint, calls) => {
      assert.equal((await get(endpoint, undefined)).status, 401);
      for (const wrong of [
        '',
        'x',
        endpoint.token.slice(1),
        `${endpoint.token}x`,
        `Bearer ${endpoint.token}`,
        endpoint.token.toUpperCase(),
      ]) {
        const answer = await get(endpoint, wrong);
        assert.equal(answer.status, 403, `token '${wrong}'`);
        assert.equal(answer.body.AccessKeyId, undefined);
        assert.equal(typeof answer.body.Message, 'string');
      }
      assert.equal(calls.renewals, 0);
      assert.equal((await get(endpoint, endpoint.token, { method: 'POST' })).status, 405);
    });
  });

  test('less than --min-remaining left: renewed once, then served', async () => {
    await withEndpoint({ initial: credentials(0, 4) }, async (endpoint, calls) => {
      const first = await get(endpoint, endpoint.token);
      assert.equal(first.body.AccessKeyId, 'ASIAEXAMPLE1');
      const second = await get(endpoint, endpoint.token);
      assert.equal(second.body.AccessKeyId, 'ASIAEXAMPLE1');
      assert.equal(calls.renewals, 1);
    });
  });

  test('20 concurrent requests wait for one renewal and get the same credentials', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let waiting = 0;
    const debug = (message: string) => {
      // The renewal is held until all 20 requests are inside the endpoint.
      if (/renewing the credentials|waits for the renewal/.test(message) && ++waiting === 20) release();
    };
    let renewals = 0;
    const getCredentials = async () => {
      renewals++;
      await gate;
      return credentials(renewals, 60);
    };
    await withEndpoint({ initial: credentials(0, 1), getCredentials, debug }, async (endpoint) => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => get(endpoint, endpoint.token)));
      assert.equal(renewals, 1);
      assert.equal(waiting, 20);
      assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
      assert.deepEqual(new Set(answers.map((a) => a.body.AccessKeyId)), new Set(['ASIAEXAMPLE1']));
    });
  });

  test('a failed renewal: that request gets a 5xx JSON error, one report, and the next request tries again', async () => {
    let fail = true;
    let renewals = 0;
    const getCredentials = async () => {
      renewals++;
      if (fail) throw new Error('AssumeRole failed: Throttling: Rate exceeded\nsecond line');
      return credentials(renewals, 60);
    };
    await withEndpoint({ initial: credentials(0, 2), getCredentials }, async (endpoint, calls) => {
      const failed = await get(endpoint, endpoint.token);
      assert.ok(failed.status >= 500 && failed.status < 600, `status ${failed.status}`);
      assert.equal(failed.body.Code, 'RenewalFailed');
      assert.equal(
        failed.body.Message,
        'stsenv could not renew the credentials: AssumeRole failed: Throttling: Rate exceeded',
      );
      assert.equal(calls.errors.length, 1);
      fail = false;
      const next = await get(endpoint, endpoint.token);
      assert.equal(next.status, 200);
      assert.equal(next.body.AccessKeyId, 'ASIAEXAMPLE2');
      assert.equal(calls.errors.length, 1);
    });
  });

  test('close() ends kept-alive connections and stops listening', async () => {
    const agent = new Agent({ keepAlive: true });
    const endpoint = await startCredentialsEndpoint({
      initial: credentials(0, 60),
      getCredentials: async () => credentials(1, 60),
      minRemainingMs: 5 * MINUTE,
      now: () => NOW,
      onRenewalError: () => {},
    });
    try {
      assert.equal((await get(endpoint, endpoint.token, { agent })).status, 200);
      await endpoint.close();
      await assert.rejects(get(endpoint, endpoint.token, { agent }), /ECONNREFUSED|ECONNRESET|socket hang up/);
      await assert.rejects(get(endpoint, endpoint.token), /ECONNREFUSED/);
    } finally {
      agent.destroy();
      await endpoint.close();
    }
  });
});
