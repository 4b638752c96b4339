/**
 * exec --server's endpoint (and the console's one-time page) listen on
 * 127.0.0.1, where any local process can connect. A flood of idle
 * connections once filled every file descriptor and kept the child from
 * its credentials: now a connection must send its headers within seconds,
 * an idle one is closed, and past the cap the oldest idle ones are dropped.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { DEFAULT_LIMITS, listenOnLoopback } from '../../src/server/loopback-server.js';

const SMALL = { headersTimeoutMs: 600, requestTimeoutMs: 1_500, idleTimeoutMs: 600, maxConnections: 20 };

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the loopback server holds against idle connections', () => {
  test('the limits are seconds, and a cap', () => {
    assert.ok(DEFAULT_LIMITS.headersTimeoutMs <= 10_000 && DEFAULT_LIMITS.idleTimeoutMs <= 10_000);
    assert.ok(DEFAULT_LIMITS.maxConnections > 0 && DEFAULT_LIMITS.maxConnections < 20_000);
  });

  test('a connection that never sends its headers is closed within seconds', async () => {
    const server = await listenOnLoopback((_req, res) => res.end('ok'), SMALL);
    try {
      const silent = await open(server.port);
      const started = Date.now();
      await closed(silent);
      assert.ok(Date.now() - started < 3_000, `closed after ${Date.now() - started} ms`);
    } finally {
      await server.close();
    }
  });

  test('a flood of idle connections: the oldest idle ones are dropped, the real request is answered', async () => {
    const server = await listenOnLoopback((_req, res) => res.end('ok'), {
      ...SMALL,
      headersTimeoutMs: 60_000,
      idleTimeoutMs: 60_000,
      requestTimeoutMs: 60_000,
    });
    const flood: Socket[] = [];
    try {
      for (let i = 0; i < 100; i++) flood.push(await open(server.port));
      const started = Date.now();
      assert.equal(await get(server.port), 200);
      assert.ok(Date.now() - started < 2_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stillOpen = flood.filter((s) => !s.destroyed && s.readyState === 'open');
      // The server closed its end of all but the newest; the client sees that as an end of stream.
      const ended = await Promise.all(
        flood.map(
          (s) =>
            new Promise<boolean>((resolve) => {
              if (s.readableEnded || s.destroyed) return resolve(true);
              s.once('end', () => resolve(true));
              s.once('close', () => resolve(true));
              setTimeout(() => resolve(false), 500);
            }),
        ),
      );
      assert.ok(
        ended.filter(Boolean).length >= 100 - SMALL.maxConnections,
        `${stillOpen.length} of 100 idle connections left open`,
      );
      assert.equal(ended.slice(0, 50).every(Boolean), true, 'the oldest went first');
    } finally {
      for (const s of flood) s.destroy();
      await server.close();
    }
  });

  test('an answer that takes longer than the idle time is not cut', async () => {
    const server = await listenOnLoopback((_req, res) => void setTimeout(() => res.end('late'), 1_500), SMALL);
    try {
      assert.equal(await get(server.port), 200);
    } finally {
      await server.close();
    }
  });
});
